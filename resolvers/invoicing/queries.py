"""Reading documents: one by id, and filtered, sorted pages."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Date, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentStatus, Invoice
from resolvers.identity.actor import Actor
from resolvers.invoicing import lookup
from resolvers.invoicing.access import READ, require_invoices
from resolvers.invoicing.inputs import DocumentFilter, DocumentSort, DocumentSortField
from resolvers.pagination import Page, PageRequest, SortOrder, paginate
from resolvers.validation import search_pattern

_SORT_COLUMNS = {
    DocumentSortField.CREATED_AT: Invoice.created_at,
    DocumentSortField.ISSUE_DATE: Invoice.issue_date,
    DocumentSortField.DUE_DATE: Invoice.due_date,
    DocumentSortField.NUMBER: Invoice.number,
    DocumentSortField.TOTAL: Invoice.total,
}


async def get_document(
    session: AsyncSession,
    actor: Actor | None,
    document_id: uuid.UUID,
    kinds: lookup.Kinds = lookup.ANY_KIND,
) -> Invoice:
    require_invoices(actor, READ)
    return await lookup.document(session, document_id, kinds)


async def list_documents(
    session: AsyncSession,
    actor: Actor | None,
    where: DocumentFilter,
    sort: DocumentSort,
    page: PageRequest,
) -> Page[Invoice]:
    require_invoices(actor, READ)
    conditions: list[ColumnElement[bool]] = []
    if where.kinds:
        conditions.append(Invoice.kind.in_(where.kinds))
    if where.statuses:
        conditions.append(Invoice.status.in_(where.statuses))
    if not where.include_drafts:
        conditions.append(Invoice.status != DocumentStatus.DRAFT)
    if where.customer_id is not None:
        conditions.append(Invoice.customer_id == where.customer_id)
    # Drafts have no issue date yet: they are dated by their creation.
    day = func.coalesce(Invoice.issue_date, cast(Invoice.created_at, Date))
    if where.date_from is not None:
        conditions.append(day >= where.date_from)
    if where.date_to is not None:
        conditions.append(day <= where.date_to)
    if where.recurring is not None:
        recurring = Invoice.recurrence.is_not(None)
        conditions.append(recurring if where.recurring else ~recurring)
    pattern = search_pattern(where.search)
    if pattern is not None:
        conditions.append(
            or_(
                Invoice.number.ilike(pattern, escape="\\"),
                Invoice.subject.ilike(pattern, escape="\\"),
            )
        )
    column = _SORT_COLUMNS[sort.field]
    ordering = column.desc().nulls_last() if sort.order is SortOrder.DESC else column.asc()
    statement = select(Invoice).where(*conditions).order_by(ordering, Invoice.id)
    return await paginate(session, statement, page)
