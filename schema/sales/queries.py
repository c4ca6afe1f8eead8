"""Sales order queries: a filtered list, one by id."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import Select

from models import SalesOrder as SalesOrderModel
from models import SalesOrderStatus as SalesOrderStatusModel
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing, PageRequest, paginate
from resolvers.sales import orders as cases
from resolvers.sales.inputs import OrderFilter
from schema.ids import parse_id
from schema.pagination import Connection, page_request
from schema.sales.types import SalesOrder, SalesOrderStatus

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def sales_orders_listing(
    actor: Actor | None,
    *,
    status: list[SalesOrderStatusModel] | None,
    customer_id: strawberry.ID | None,
    search: str | None,
    first: int | None,
    after: str | None,
    offset: int | None,
) -> tuple[Listing, PageRequest]:
    """The `salesOrders` field's arguments as the orders to page through and the page (shared
    with compiled plans, so both read the same rows)."""
    filters = OrderFilter(
        statuses=tuple(status or ()),
        customer_id=parse_id(customer_id, "customer") if customer_id else None,
        search=search,
    )
    return cases.orders_listing(actor, filters), page_request(first, after, offset)


def sales_order_by_id(actor: Actor | None, *, id: strawberry.ID) -> Select[SalesOrderModel]:
    """The `salesOrder` field's arguments as the statement reading it (shared with compiled
    plans)."""
    return cases.order_by_id(actor, parse_id(id, "order"))


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
        listing, request = sales_orders_listing(
            ctx.actor,
            status=status,
            customer_id=customer_id,
            search=search,
            first=first,
            after=after,
            offset=offset,
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[SalesOrder].from_page(page, SalesOrder.from_model)

    @strawberry.field(description="A sales order of the organization.")
    async def sales_order(self, info: strawberry.Info, id: strawberry.ID) -> SalesOrder:
        ctx = info.context
        statement = sales_order_by_id(ctx.actor, id=id)
        async with ctx.session() as session:
            found = cases.found(await session.scalar(statement))
        return SalesOrder.from_model(found)
