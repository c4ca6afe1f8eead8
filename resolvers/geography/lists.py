"""Helpers for list statements (search and ordering), shared with the parties' lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import QueryableAttribute

from resolvers.errors import BadUserInput
from resolvers.pagination import SortOrder

MAX_SEARCH = 200
# A column or an expression over columns (`lower(name)`).
SortKey = ColumnElement[Any] | QueryableAttribute[Any]


def search_pattern(search: str | None) -> str | None:
    """An ILIKE pattern (escape `\\`) matching the search text anywhere, None for no search."""
    text = (search or "").strip()
    if not text:
        return None
    if len(text) > MAX_SEARCH:
        raise BadUserInput(
            "search is too long", fields={"search": f"must be at most {MAX_SEARCH} characters"}
        )
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def ordered(order: SortOrder, *keys: SortKey) -> list[ColumnElement[Any]]:
    """ORDER BY terms: the sort key, then a unique tie-breaker so pages never overlap."""
    return [key.desc() if order is SortOrder.DESC else key.asc() for key in keys]
