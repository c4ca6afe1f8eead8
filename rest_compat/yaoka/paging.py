"""yaoka's list paging: `limit` (1-100, default 100) and `cursor` (the previous page's
`nextCursor`, null on the last page), answered as `{data, nextCursor}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import Field

from rest_compat.engine.models import CamelContractModel
from rest_compat.engine.values import QueryInteger, Text
from rest_compat.yaoka.values import Response

DEFAULT_LIMIT = 100
MAX_LIMIT = 100
T = TypeVar("T")


class CursorQuery(CamelContractModel):
    limit: QueryInteger = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (1-100)"
    )
    cursor: Text | None = Field(
        default=None, description="The previous page's `nextCursor`; absent for the first page"
    )

    def variables(self) -> dict[str, Any]:
        """GraphQL `first` and `after`."""
        return {"first": self.limit, "after": self.cursor}


class CursorPage(Response, Generic[T]):
    """A page of a yaoka list, oldest first."""

    data: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: last")


def page_of(
    connection: dict[str, Any], item: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any]:
    info = connection["pageInfo"]
    return {
        "data": [item(node) for node in connection["nodes"]],
        "nextCursor": info["endCursor"] if info["hasNextPage"] else None,
    }
