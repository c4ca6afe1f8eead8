"""cloud-billing lists: `limit` (1-100, default 100) and `offset` in, `{data, meta}` out."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_compat.engine import RestInputError, RestRequest

DEFAULT_LIMIT = 100
MAX_LIMIT = 100
# GraphQL `Int` is 32-bit: a larger offset could not even be sent (and no list is that long).
MAX_OFFSET = 2**31 - 1
LIST_PARAMETERS = ("limit", "offset")
_INTEGER = re.compile(r"[+-]?[0-9]{1,12}")


@dataclass(frozen=True)
class Window:
    limit: int
    offset: int

    @property
    def variables(self) -> dict[str, int]:
        return {"first": self.limit, "offset": self.offset}


def _integer(
    request: RestRequest, name: str, default: int, low: int, high: int, problems: dict[str, str]
) -> int:
    raw = (request.query.get(name) or "").strip()
    if not raw:
        return default
    # Plain ASCII digits only: int() would also take "1_000" or other scripts' digits.
    value = int(raw) if _INTEGER.fullmatch(raw) else low - 1
    if not low <= value <= high:
        problems[name] = f"must be an integer between {low} and {high}"
        return default
    return value


def window(request: RestRequest) -> Window:
    """The requested page; 400 naming every bad parameter."""
    problems: dict[str, str] = {}
    limit = _integer(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, problems)
    offset = _integer(request, "offset", 0, 0, MAX_OFFSET, problems)
    if problems:
        raise RestInputError("Invalid query", problems)
    return Window(limit, offset)


def listed(
    connection: dict[str, Any], request: RestRequest, item: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """A GraphQL connection (`nodes`, `totalCount`) as `{data, meta}`.

    `meta.total` is not in the contract's ListMeta; it is added so that clients can tell
    when to stop paging without asking for an empty page.
    """
    page = window(request)
    return {
        "data": [item(node) for node in connection["nodes"]],
        "meta": {"total": connection["totalCount"], "limit": page.limit, "offset": page.offset},
    }
