"""Relay-style connections that also accept an offset (the REST contracts page both ways)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.pagination import Page, PageRequest
from resolvers.pagination import SortOrder as SortOrderModel

NodeT = TypeVar("NodeT")

SortOrder = strawberry.enum(SortOrderModel, name="SortOrder", description="ASC or DESC.")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    nodes: list[NodeT]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[Any], convert: Callable[[Any], NodeT]) -> Connection[NodeT]:
        nodes = [convert(item) for item in page.items]
        edges = [Edge(cursor=page.cursor(i), node=node) for i, node in enumerate(nodes)]
        return cls(
            edges=edges,
            nodes=nodes,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )


def page_request(first: int | None, after: str | None, offset: int | None) -> PageRequest:
    return PageRequest(first=first, after=after, offset=offset)
