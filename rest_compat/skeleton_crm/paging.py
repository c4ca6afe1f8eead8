"""skeleton-crm lists: page, limit, sort_by, sort_order in, {items,total,page,limit,has_more} out"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from rest_compat.engine import RestRequest
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import QueryInteger, lowered_choice

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_PAGE = (2**31 - 1) // MAX_LIMIT  # the offset is a GraphQL Int (32 bits)
SortOrder = lowered_choice("asc", "desc", graphql={"asc": "ASC", "desc": "DESC"})
T = TypeVar("T")


class PageQuery(ContractModel):
    """`page` (from 1) and `limit` (1-100, more is capped at 100), as GraphQL first/offset."""

    page: QueryInteger = Field(default=1, ge=1, le=MAX_PAGE, description="Page number, from 1")
    limit: QueryInteger = Field(
        default=DEFAULT_LIMIT, ge=1, description=f"Items per page (at most {MAX_LIMIT})"
    )

    def window(self) -> dict[str, Any]:
        limit = min(self.limit, MAX_LIMIT)
        return {"first": limit, "offset": (self.page - 1) * limit}

    def variables(self, exclude: set[str] | None = None) -> dict[str, Any]:
        """The window and every other parameter given (or defaulted), under GraphQL names;
        `exclude` names the fields the route maps by hand."""
        names = {"page", "limit", *(exclude or ())}
        given = self.graphql(exclude=names)
        return {**self.window(), **{k: v for k, v in given.items() if v is not None}}


class Page(BaseModel, Generic[T]):
    """A page of a skeleton-crm list."""

    items: list[T]
    total: int
    page: int
    limit: int
    has_more: bool


def page_of(
    connection: dict[str, Any], request: RestRequest, item: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """A GraphQL connection (`nodes`, `totalCount`) as a skeleton-crm page."""
    known = {"page", "limit"}
    window = PageQuery.model_validate(
        {k: v for k, v in request.query.items() if k in known and v != ""}
    ).window()  # validated already, before the operation ran
    limit = window["first"]
    items = [item(node) for node in connection["nodes"]]
    total = connection["totalCount"]
    return {
        "items": items,
        "total": total,
        "page": window["offset"] // limit + 1,
        "limit": limit,
        "has_more": window["offset"] + len(items) < total,
    }
