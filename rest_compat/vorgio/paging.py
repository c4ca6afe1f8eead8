"""vorgio lists: `limit` and `cursor` in; Laravel's cursor-paginated resource collection out.

`cursor` is the previous page's `meta.next_cursor` (a GraphQL connection cursor, passed on as
`after`). Pages only go forward: the contract documents `next_cursor` alone, so `prev_cursor`
and `links.prev` stay null. `links` are relative to the server, as the engine does not know the
scheme the caller used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from rest_compat.engine import RestRequest
from rest_compat.engine.query import int_parameter

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
LIST_PARAMETERS = ("limit", "cursor")
# GraphQL connection arguments, as this contract names them in error details.
PAGE_ERROR_FIELDS = {"first": "limit", "after": "cursor"}


def limit_of(request: RestRequest) -> int:
    """The page size: 1 or more, larger values capped at 100 (the documented maximum)."""
    return min(int_parameter(request, "limit", default=DEFAULT_LIMIT, minimum=1), MAX_LIMIT)


def page_variables(request: RestRequest) -> dict[str, Any]:
    variables: dict[str, Any] = {"first": limit_of(request)}
    cursor = request.query.get("cursor")
    if cursor:
        variables["after"] = cursor
    return variables


def cursor_page(
    connection: dict[str, Any], request: RestRequest, item: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """A GraphQL connection (`nodes`, `pageInfo`) as `{data, links, meta}`."""
    page = connection["pageInfo"]
    next_cursor = page["endCursor"] if page["hasNextPage"] else None
    next_link = None
    if next_cursor is not None:
        kept = [(k, v) for k, v in request.query.multi_items() if k != "cursor"]
        next_link = f"{request.path}?{urlencode([*kept, ('cursor', next_cursor)])}"
    return {
        "data": [item(node) for node in connection["nodes"]],
        "links": {"first": None, "last": None, "prev": None, "next": next_link},
        "meta": {
            "path": request.path,
            "per_page": limit_of(request),
            "next_cursor": next_cursor,
            "prev_cursor": None,
        },
    }
