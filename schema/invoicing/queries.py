"""Document queries: filtered lists, one by id, the recurring forecast."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy import Select

from models import DocumentKind as DocumentKindModel
from models import DocumentStatus as DocumentStatusModel
from models import Invoice as InvoiceModel
from resolvers.identity.actor import Actor
from resolvers.invoicing import lookup, recurrence
from resolvers.invoicing import queries as cases
from resolvers.invoicing.inputs import DocumentFilter, DocumentSort
from resolvers.invoicing.inputs import DocumentSortField as DocumentSortFieldModel
from resolvers.pagination import Listing, PageRequest, paginate
from resolvers.pagination import SortOrder as SortOrderModel
from schema.ids import parse_id
from schema.invoicing.enums import DocumentKind, DocumentSortField, DocumentStatus, KindGuard
from schema.invoicing.seller import SellerQuery
from schema.invoicing.types import Invoice, connection_nodes_for, documents_for
from schema.pagination import Connection, SortOrder, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def documents_listing(
    actor: Actor | None,
    *,
    kind: list[DocumentKindModel] | None,
    status: list[DocumentStatusModel] | None,
    customer_id: strawberry.ID | None,
    date_from: date | None,
    date_to: date | None,
    include_drafts: bool,
    recurring: bool | None,
    search: str | None,
    first: int | None,
    after: str | None,
    offset: int | None,
    sort_by: DocumentSortFieldModel,
    sort_order: SortOrderModel,
) -> tuple[Listing, PageRequest]:
    """The `invoices` field's arguments as the documents to page through and the page (shared
    with compiled plans, so both read the same rows)."""
    where = DocumentFilter(
        kinds=tuple(kind or ()),
        statuses=tuple(status or ()),
        customer_id=parse_id(customer_id, "customer") if customer_id else None,
        date_from=date_from,
        date_to=date_to,
        include_drafts=include_drafts,
        recurring=recurring,
        search=search,
    )
    listing = cases.documents_listing(actor, where, DocumentSort(field=sort_by, order=sort_order))
    return listing, page_request(first, after, offset)


def document_by_id(
    actor: Actor | None, *, id: strawberry.ID, kind: list[DocumentKindModel] | None
) -> Select[InvoiceModel]:
    """The `invoice` field's arguments as the statement reading it (shared with compiled plans)."""
    return cases.document_by_id(actor, parse_id(id, "invoice"), tuple(kind or ()))


def forecast_listing(actor: Actor | None, *, days: int) -> Listing:
    """The `recurringForecast` field's arguments as its rows (shared with compiled plans)."""
    return recurrence.forecast_listing(actor, days)


@strawberry.type
class InvoicingQuery(SellerQuery):
    @strawberry.field(
        description="Invoices, credit notes and quotes of the organization, filtered."
    )
    async def invoices(
        self,
        info: strawberry.Info,
        kind: Annotated[
            list[DocumentKind] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Any of these kinds (default: all)."),
        ] = None,
        status: Annotated[
            list[DocumentStatus] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Any of these statuses (default: all)."),
        ] = None,
        customer_id: strawberry.ID | None = None,
        date_from: Annotated[
            date | None,
            strawberry.argument(description="Issue date (drafts: creation date) from."),
        ] = None,
        date_to: date | None = None,
        include_drafts: bool = True,
        recurring: Annotated[
            bool | None, strawberry.argument(description="Only templates, or only not.")
        ] = None,
        search: Annotated[
            str | None, strawberry.argument(description="Part of the number or subject.")
        ] = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
        sort_by: DocumentSortField = DocumentSortFieldModel.CREATED_AT,  # type: ignore[valid-type]
        sort_order: SortOrder = SortOrderModel.ASC,  # type: ignore[valid-type]
    ) -> Connection[Invoice]:
        ctx = info.context
        listing, request = documents_listing(
            ctx.actor,
            kind=kind,
            status=status,
            customer_id=customer_id,
            date_from=date_from,
            date_to=date_to,
            include_drafts=include_drafts,
            recurring=recurring,
            search=search,
            first=first,
            after=after,
            offset=offset,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
            prefetched = await connection_nodes_for(info, session, page.items)
        return Connection[Invoice].from_page(
            page, lambda document: Invoice.from_model(document, prefetched)
        )

    @strawberry.field(description="An invoice, credit note or quote of the organization.")
    async def invoice(
        self, info: strawberry.Info, id: strawberry.ID, kind: KindGuard = None
    ) -> Invoice:
        ctx = info.context
        statement = document_by_id(ctx.actor, id=id, kind=kind)
        async with ctx.session() as session:
            found = lookup.found(await session.scalar(statement), tuple(kind or ()))
            (document,) = await documents_for(info, session, [found])
        return document

    @strawberry.field(
        description="Recurring templates whose next invoice falls within `days` (by date)."
    )
    async def recurring_forecast(self, info: strawberry.Info, days: int = 30) -> list[Invoice]:
        ctx = info.context
        statement = forecast_listing(ctx.actor, days=days).ordered()
        async with ctx.session() as session:
            found = await session.scalars(statement)
            return [Invoice.from_model(template) for template in found]
