"""skeleton-crm lists: page, limit, sort_by, sort_order in, {items,total,page,limit,has_more} out"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from rest_compat.engine import RestInputError, RestRequest
from rest_compat.engine.models import ContractModel
from rest_compat.engine.query import int_parameter
from rest_compat.engine.values import QueryInteger, lowered_choice

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_PAGE = (2**31 - 1) // MAX_LIMIT  # the offset is a GraphQL Int (32 bits)
LIST_PARAMETERS = ("page", "limit", "sort_by", "sort_order")
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


def page_variables(request: RestRequest) -> dict[str, Any]:
    """GraphQL `first`/`offset` for the requested page (limit capped at 100)."""
    page = int_parameter(request, "page", default=1, minimum=1)
    limit = min(int_parameter(request, "limit", default=DEFAULT_LIMIT, minimum=1), MAX_LIMIT)
    return {"first": limit, "offset": (page - 1) * limit}


def sort_variables(request: RestRequest, allowed: dict[str, str]) -> dict[str, Any]:
    """`sort_by` (a contract field name, mapped to the GraphQL enum value) and `sort_order`."""
    variables: dict[str, Any] = {}
    sort_by = request.query.get("sort_by")
    if sort_by:
        if sort_by not in allowed:
            raise RestInputError(
                "Invalid input", {"sort_by": f"must be one of {', '.join(sorted(allowed))}"}
            )
        variables["sortBy"] = allowed[sort_by]
    order = (request.query.get("sort_order") or "asc").lower()
    if order not in ("asc", "desc"):
        raise RestInputError("Invalid input", {"sort_order": "must be asc or desc"})
    variables["sortOrder"] = order.upper()
    return variables


def page_of(
    connection: dict[str, Any], request: RestRequest, item: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """A GraphQL connection (`nodes`, `totalCount`) as a skeleton-crm page."""
    window = page_variables(request)
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
