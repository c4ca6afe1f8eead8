"""Sales order queries: a filtered list, one by id."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.sales import orders as cases
from resolvers.sales.inputs import OrderFilter
from schema.ids import parse_id
from schema.pagination import Connection, page_request
from schema.sales.types import SalesOrder, SalesOrderStatus

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


@strawberry.type
class SalesQuery:
    @strawberry.field(description="The organization's sales orders, oldest first.")
    async def sales_orders(
        self,
        info: strawberry.Info,
        status: Annotated[
            list[SalesOrderStatus] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Any of these statuses (default: all)."),
        ] = None,
        customer_id: strawberry.ID | None = None,
        search: Annotated[
            str | None, strawberry.argument(description="Part of the order number.")
        ] = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[SalesOrder]:
        ctx = info.context
        filters = OrderFilter(
            statuses=tuple(status or ()),
            customer_id=parse_id(customer_id, "customer") if customer_id else None,
            search=search,
        )
        async with ctx.session() as session:
            page = await cases.list_orders(
                session, ctx.actor, filters, page_request(first, after, offset)
            )
        return Connection[SalesOrder].from_page(page, SalesOrder.from_model)

    @strawberry.field(description="A sales order of the organization.")
    async def sales_order(self, info: strawberry.Info, id: strawberry.ID) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_order(session, ctx.actor, parse_id(id, "order"))
        return SalesOrder.from_model(found)
