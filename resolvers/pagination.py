"""Pages of a query, addressed by cursor or by offset (the REST contracts use both)."""

from __future__ import annotations

import base64
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.errors import BadUserInput

T = TypeVar("T")

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


# A cursor is the urlsafe base64 of "o:<offset>" (compiled plans build it in SQL too).
CURSOR_PREFIX = "o:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        offset = int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadUserInput("invalid cursor", fields={"after": "invalid cursor"}) from exc
    if f"{kind}:" != CURSOR_PREFIX or offset < 0:
        raise BadUserInput("invalid cursor", fields={"after": "invalid cursor"})
    return offset


class SortOrder(enum.StrEnum):
    """Direction of a list's `sortBy` (shared by every list)."""

    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    offset: int | None = None

    def window(self) -> tuple[int, int]:
        """(offset, limit) after validation; `after` wins over `offset` when both are given."""
        limit = DEFAULT_PAGE_SIZE if self.first is None else self.first
        if limit < 0 or limit > MAX_PAGE_SIZE:
            raise BadUserInput(
                f"first must be between 0 and {MAX_PAGE_SIZE}",
                fields={"first": f"must be between 0 and {MAX_PAGE_SIZE}"},
            )
        if self.after is not None:
            return decode_cursor(self.after) + 1, limit
        offset = self.offset or 0
        if offset < 0:
            raise BadUserInput("offset must be positive", fields={"offset": "must be >= 0"})
        return offset, limit


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    def cursor(self, index: int) -> str:
        return encode_cursor(self.offset + index)


@dataclass(frozen=True)
class Listing:
    """What a page is cut from: the filtered rows of one entity and their order (a unique
    one: the last key is the primary key)."""

    statement: Select[Any]  # filtered, not ordered
    order: tuple[ColumnElement[Any], ...]

    def ordered(self) -> Select[Any]:
        return self.statement.order_by(*self.order)


def count_of(statement: Select[Any]) -> Select[int]:
    """How many rows `statement` selects."""
    return select(func.count()).select_from(statement.order_by(None).subquery())


async def paginate(
    session: AsyncSession, statement: Select[Any], request: PageRequest
) -> Page[Any]:
    """Two statements whatever the page size: the count and the page."""
    offset, limit = request.window()
    total = await session.scalar(count_of(statement))
    items = (await session.scalars(statement.offset(offset).limit(limit))).all() if limit else []
    return Page(items=items, total=total or 0, offset=offset, limit=limit)
