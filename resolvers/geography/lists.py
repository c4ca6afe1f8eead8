"""Helpers for list statements (search and ordering), shared with the parties' lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import QueryableAttribute

from resolvers.pagination import SortOrder
from resolvers.validation import MAX_SEARCH, search_pattern

__all__ = ["MAX_SEARCH", "SortKey", "ordered", "search_pattern"]

# A column or an expression over columns (`lower(name)`).
SortKey = ColumnElement[Any] | QueryableAttribute[Any]


def ordered(order: SortOrder, *keys: SortKey) -> list[ColumnElement[Any]]:
    """ORDER BY terms: the sort key, then a unique tie-breaker so pages never overlap."""
    return [key.desc() if order is SortOrder.DESC else key.asc() for key in keys]
