"""Document queries: filtered lists, one by id, the recurring forecast."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from resolvers.invoicing import queries as cases
from resolvers.invoicing import recurrence
from resolvers.invoicing.inputs import DocumentFilter, DocumentSort
from resolvers.invoicing.inputs import DocumentSortField as DocumentSortFieldModel
from resolvers.pagination import SortOrder as SortOrderModel
from schema.ids import parse_id
from schema.invoicing.enums import DocumentKind, DocumentSortField, DocumentStatus, KindGuard
from schema.invoicing.seller import SellerQuery
from schema.invoicing.types import Invoice
from schema.pagination import Connection, SortOrder, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


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
        async with ctx.session() as session:
            page = await cases.list_documents(
                session,
                ctx.actor,
                where,
                DocumentSort(field=sort_by, order=sort_order),
                page_request(first, after, offset),
            )
        return Connection[Invoice].from_page(page, Invoice.from_model)

    @strawberry.field(description="An invoice, credit note or quote of the organization.")
    async def invoice(
        self, info: strawberry.Info, id: strawberry.ID, kind: KindGuard = None
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_document(
                session, ctx.actor, parse_id(id, "invoice"), tuple(kind or ())
            )
        return Invoice.from_model(found)

    @strawberry.field(
        description="Recurring templates whose next invoice falls within `days` (by date)."
    )
    async def recurring_forecast(self, info: strawberry.Info, days: int = 30) -> list[Invoice]:
        ctx = info.context
        async with ctx.session() as session:
            found = await recurrence.forecast(session, ctx.actor, days)
        return [Invoice.from_model(template) for template in found]
