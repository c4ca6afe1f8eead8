"""Customer queries: a list with filters, one by id, one by external id."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import Select

from models import Customer as CustomerModel
from models import CustomerStatus as CustomerStatusModel
from resolvers.customers import customers as cases
from resolvers.customers.inputs import CustomerFilter, CustomerSort
from resolvers.customers.inputs import CustomerSortField as CustomerSortFieldModel
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing, PageRequest, paginate
from resolvers.pagination import SortOrder as SortOrderModel
from schema.customers.enums import CustomerSortField, CustomerStatus
from schema.customers.types import Customer
from schema.ids import parse_id
from schema.pagination import Connection, SortOrder, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def customers_listing(
    actor: Actor | None,
    *,
    search: str | None,
    status: CustomerStatusModel | None,
    external_id: str | None,
    first: int | None,
    after: str | None,
    offset: int | None,
    sort_by: CustomerSortFieldModel,
    sort_order: SortOrderModel,
) -> tuple[Listing, PageRequest]:
    """The `customers` field's arguments as the customers to page through and the page
    (shared with compiled plans, so both read the same rows)."""
    filters = CustomerFilter(search=search, status=status, external_id=external_id)
    listing = cases.customers_listing(actor, filters, CustomerSort(field=sort_by, order=sort_order))
    return listing, page_request(first, after, offset)


def customer_by_id(actor: Actor | None, *, id: strawberry.ID) -> Select[CustomerModel]:
    """The `customer` field's arguments as the statement reading it (shared with compiled plans)."""
    return cases.customer_by_id(actor, parse_id(id, "customer"))


@strawberry.type
class CustomerQuery:
    @strawberry.field(description="The organization's customers (deleted ones left out).")
    async def customers(
        self,
        info: strawberry.Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Part of the name, legal name, email, external id, SIRET or VAT."
            ),
        ] = None,
        status: CustomerStatus | None = None,  # type: ignore[valid-type]
        external_id: str | None = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
        sort_by: CustomerSortField = CustomerSortFieldModel.CREATED_AT,  # type: ignore[valid-type]
        sort_order: SortOrder = SortOrderModel.ASC,  # type: ignore[valid-type]
    ) -> Connection[Customer]:
        ctx = info.context
        listing, request = customers_listing(
            ctx.actor,
            search=search,
            status=status,
            external_id=external_id,
            first=first,
            after=after,
            offset=offset,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[Customer].from_page(page, Customer.from_model)

    @strawberry.field(description="A customer of the organization (NOT_FOUND once deleted).")
    async def customer(self, info: strawberry.Info, id: strawberry.ID) -> Customer:
        ctx = info.context
        statement = customer_by_id(ctx.actor, id=id)
        async with ctx.session() as session:
            found = cases.found(await session.scalar(statement))
        return Customer.from_model(found)

    @strawberry.field(description="The live customer with this external id, or null.")
    async def customer_by_external_id(
        self, info: strawberry.Info, external_id: str
    ) -> Customer | None:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.find_customer_by_external_id(session, ctx.actor, external_id)
        return Customer.from_model(found) if found else None
