"""Reading documents: one by id, and filtered, sorted pages."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, cast, func, or_, select

from models import DocumentStatus, Invoice
from resolvers.identity.actor import Actor
from resolvers.invoicing import lookup
from resolvers.invoicing.access import READ, require_invoices
from resolvers.invoicing.inputs import DocumentFilter, DocumentSort, DocumentSortField
from resolvers.pagination import Listing, SortOrder
from resolvers.validation import search_pattern

_SORT_COLUMNS = {
    DocumentSortField.CREATED_AT: Invoice.created_at,
    DocumentSortField.ISSUE_DATE: Invoice.issue_date,
    DocumentSortField.DUE_DATE: Invoice.due_date,
    DocumentSortField.NUMBER: Invoice.number,
    DocumentSortField.TOTAL: Invoice.total,
}


def document_by_id(
    actor: Actor | None, document_id: uuid.UUID, kinds: lookup.Kinds = lookup.ANY_KIND
) -> Select[Invoice]:
    """The statement reading one document the actor may read (FORBIDDEN otherwise)."""
    require_invoices(actor, READ)
    return lookup.document_statement(document_id, kinds)


def documents_listing(actor: Actor | None, where: DocumentFilter, sort: DocumentSort) -> Listing:
    """The documents the actor may read that match `where`, in `sort` order (FORBIDDEN
    when the actor may not read documents)."""
    organization_id = require_invoices(actor, READ)
    conditions: list[ColumnElement[bool]] = [Invoice.organization_id == organization_id]
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
    ordering: ColumnElement[Any] = (
        column.desc().nulls_last() if sort.order is SortOrder.DESC else column.asc()
    )
    return Listing(select(Invoice).where(*conditions), (ordering, Invoice.id.expression))
