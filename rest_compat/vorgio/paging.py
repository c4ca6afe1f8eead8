"""vorgio lists: `limit` and `cursor` in; Laravel's cursor-paginated resource collection out.

`cursor` is the previous page's `meta.next_cursor` (a GraphQL connection cursor, passed on as
`after`). Pages only go forward: the contract documents `next_cursor` alone, so `prev_cursor`
and `links.prev` stay null. `links` are relative to the server, as the engine does not know the
scheme the caller used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from rest_compat.engine import RestRequest
from rest_compat.engine.models import ContractModel, Data
from rest_compat.engine.values import QueryInteger, Text

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
# GraphQL connection arguments, as this contract names them in error details.
PAGE_ERROR_FIELDS = {"first": "limit", "after": "cursor"}
T = TypeVar("T")


class CursorQuery(ContractModel):
    """`limit` (1 or more, larger values capped at 100) and `cursor`."""

    limit: QueryInteger = Field(
        default=DEFAULT_LIMIT, ge=1, description=f"Items per page (at most {MAX_LIMIT})"
    )
    cursor: Text | None = Field(default=None, description="The previous page's next_cursor")

    def window(self) -> dict[str, Any]:
        """GraphQL `first` and `after`."""
        variables: dict[str, Any] = {"first": min(self.limit, MAX_LIMIT)}
        if self.cursor:
            variables["after"] = self.cursor
        return variables


class Links(BaseModel):
    first: str | None
    last: str | None
    prev: str | None
    next: str | None


class Meta(BaseModel):
    path: str
    per_page: int
    next_cursor: str | None
    prev_cursor: str | None


class CursorPage(BaseModel, Generic[T]):
    """A page of a vorgio list."""

    data: list[T]
    links: Links
    meta: Meta


class One(Data[T], Generic[T]):
    """The engine's `{"data": …}` envelope under the name vorgio's generated clients know."""


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
    # validated already, before the operation ran
    limit = CursorQuery.model_validate(
        {k: v for k, v in request.query.items() if k == "limit" and v != ""}
    ).window()["first"]
    return {
        "data": [item(node) for node in connection["nodes"]],
        "links": {"first": None, "last": None, "prev": None, "next": next_link},
        "meta": {
            "path": request.path,
            "per_page": limit,
            "next_cursor": next_cursor,
            "prev_cursor": None,
        },
    }
