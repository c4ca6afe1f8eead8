"""A document's files: the PDF, and the e-invoice its customer asks for (Factur-X/ZUGFeRD PDF
or XRechnung XML), each with an ETag.

The ETag is keyed on the document's id and `updated_at` (any change to the document moves
it), so `If-None-Match` is answered without rendering. Rendered bytes are kept in the file
storage (the disk or an object store, shared by every replica), indexed by `rendered_documents`
while their ETag holds, so a document is rendered once per version. They are written through
the edge's `FileChanges`: a rolled-back transaction leaves no object behind.
"""

from __future__ import annotations

import calendar
import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Customer,
    DocumentKind,
    EInvoiceFormat,
    Invoice,
    InvoiceLine,
    Organization,
    RenderedDocument,
)
from models.base import new_id
from resolvers.errors import Unprocessable
from resolvers.files.changes import FileChanges
from resolvers.files.storage import StoredContentMissing, read_all
from resolvers.identity.actor import Actor
from resolvers.invoicing import lookup
from resolvers.invoicing.access import READ, require_invoices
from resolvers.invoicing.lifecycle import today
from resolvers.invoicing.money import TaxAmount
from resolvers.invoicing.rendering import (
    DocumentLine,
    EInvoiceError,
    InvoiceDocument,
    PartyDetails,
    TaxLine,
    factur_x_pdf,
    render_pdf,
    xrechnung_xml,
)


class FileFormat(StrEnum):
    PDF = "pdf"
    FACTURX = "facturx"  # PDF/A-3 with the CII XML embedded (Factur-X = ZUGFeRD 2)
    XRECHNUNG = "xrechnung"  # CII XML per the German XRechnung CIUS


_MEDIA = {
    FileFormat.PDF: ("application/pdf", "pdf"),
    FileFormat.FACTURX: ("application/pdf", "pdf"),
    FileFormat.XRECHNUNG: ("application/xml", "xml"),
}
_E_INVOICE = {
    EInvoiceFormat.FACTURX: FileFormat.FACTURX,
    EInvoiceFormat.ZUGFERD: FileFormat.FACTURX,
    EInvoiceFormat.XRECHNUNG: FileFormat.XRECHNUNG,
}
_LANGUAGES = ("de", "fr", "en")
_LANGUAGE_OF_COUNTRY = {"DE": "de", "AT": "de", "CH": "de", "FR": "fr", "BE": "fr", "LU": "fr"}


@dataclass(frozen=True)
class RenderedFile:
    etag: str  # quoted, as sent in the ETag header
    media_type: str
    filename: str
    content: bytes | None  # None when the caller's copy is current
    not_modified: bool


async def document_file(
    session: AsyncSession,
    actor: Actor | None,
    document_id: uuid.UUID,
    file_format: FileFormat | None,
    files: FileChanges,
    if_none_match: str | None = None,
) -> RenderedFile | None:
    """The document's file in `file_format`, or (None) its customer's e-invoice format; None
    when the customer takes no e-invoice."""
    require_invoices(actor, READ)
    document = await lookup.document(session, document_id)
    if file_format is None:
        customer_format = await session.scalar(
            select(Customer.e_invoice_format).where(Customer.id == document.customer_id)
        )
        file_format = _E_INVOICE.get(customer_format or EInvoiceFormat.NONE)
        if file_format is None:
            return None
    media_type, extension = _MEDIA[file_format]
    etag = _etag(document, file_format)
    filename = f"{document.number or f'draft-{document.id}'}.{extension}"
    if _matches(if_none_match, etag):
        return RenderedFile(etag, media_type, filename, None, True)
    kept = await session.scalar(
        select(RenderedDocument).where(
            RenderedDocument.invoice_id == document.id,
            RenderedDocument.format == file_format.value,
        )
    )
    if kept is not None and kept.etag == etag:
        try:
            content = await read_all(files.storage, kept.storage_key)
            return RenderedFile(etag, media_type, filename, content, False)
        except StoredContentMissing:
            pass  # lost from the storage: render it again
    content = await _render(session, document, file_format)
    # A fresh key per rendering: a concurrent rendering that rolls back removes only its own.
    key = f"{document.organization_id}/{new_id()}"
    await files.put(key, _chunks(content))
    if kept is not None:
        files.delete_after_commit(kept.storage_key)
    await _keep(session, document, file_format, etag, key)
    return RenderedFile(etag, media_type, filename, content, False)


async def _chunks(content: bytes) -> AsyncIterator[bytes]:
    yield content


def _etag(document: Invoice, file_format: FileFormat) -> str:
    key = f"{document.id}:{document.updated_at.isoformat()}:{file_format.value}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


async def _keep(
    session: AsyncSession,
    document: Invoice,
    file_format: FileFormat,
    etag: str,
    storage_key: str,
) -> None:
    statement = insert(RenderedDocument).values(
        organization_id=document.organization_id,
        invoice_id=document.id,
        format=file_format.value,
        etag=etag,
        storage_key=storage_key,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[RenderedDocument.invoice_id, RenderedDocument.format],
            set_={"etag": statement.excluded.etag, "storage_key": statement.excluded.storage_key},
        )
    )


async def _render(session: AsyncSession, document: Invoice, file_format: FileFormat) -> bytes:
    snapshot = await snapshot_of(session, document)
    try:
        if file_format is FileFormat.PDF:
            return render_pdf(snapshot)
        if file_format is FileFormat.FACTURX:
            return factur_x_pdf(snapshot)
        return xrechnung_xml(snapshot)
    except EInvoiceError as exc:
        raise Unprocessable(f"cannot produce {file_format.value}: {exc}") from exc


async def snapshot_of(session: AsyncSession, document: Invoice) -> InvoiceDocument:
    """Everything the renderers need, read once."""
    organization = await session.get(Organization, document.organization_id)
    customer = await session.get(Customer, document.customer_id)
    assert organization is not None and customer is not None
    lines = await session.scalars(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id == document.id)
        .order_by(InvoiceLine.position)
    )
    original = await session.get(Invoice, document.corrects_id) if document.corrects_id else None
    start, end = _period(document.billing_period)
    return InvoiceDocument(
        kind=document.kind.value,
        number=document.number,
        issue_date=document.issue_date or today(),
        due_date=document.due_date,
        currency=document.currency,
        language=_language(customer, organization),
        seller=PartyDetails(
            name=organization.name,
            street=organization.street,
            line2=organization.line2,
            postal_code=organization.postal_code,
            city=organization.city,
            country=organization.country,
            vat_number=organization.vat_number,
            registration_id=organization.siret,
            email=organization.email,
            phone=organization.phone,
        ),
        buyer=PartyDetails(
            name=customer.legal_name or customer.name,
            street=customer.billing_street,
            line2=customer.billing_line2,
            postal_code=customer.billing_postal_code,
            city=customer.billing_city,
            country=customer.billing_country,
            vat_number=customer.vat_number,
            registration_id=customer.siret or customer.company_registration_number,
            email=customer.email,
            phone=customer.phone,
        ),
        lines=tuple(
            DocumentLine(
                position=line.position,
                description=line.description,
                quantity=line.quantity,
                unit_code=line.unit_code,
                unit_price_minor=line.unit_price,
                vat_rate=line.vat_rate,
                net_minor=line.net,
                service_date=line.service_date,
            )
            for line in lines
        ),
        tax_lines=tuple(_tax_line(TaxAmount.from_json(t)) for t in document.tax_breakdown),
        subtotal_minor=document.subtotal,
        tax_minor=document.tax_total,
        total_minor=document.total,
        paid_minor=document.amount_paid,
        subject=document.subject,
        salutation=document.salutation,
        description=document.description,
        note=document.notes,
        billing_period_start=start,
        billing_period_end=end,
        buyer_reference=customer.buyer_reference,
        preceding_invoice_number=original.number if original else None,
        preceding_invoice_date=original.issue_date if original else None,
        payment_iban=organization.iban,
        payment_bic=organization.bic,
        payment_terms=_terms(document),
    )


def _tax_line(amount: TaxAmount) -> TaxLine:
    return TaxLine(
        rate=amount.rate,
        base_minor=amount.base,
        tax_minor=amount.tax,
        category="S" if amount.rate > 0 else "Z",
    )


def _language(customer: Customer, organization: Organization) -> str:
    wanted = (customer.language or "")[:2].lower()
    if wanted in _LANGUAGES:
        return wanted
    return _LANGUAGE_OF_COUNTRY.get(organization.country or "", "en")


def _period(billing_period: str | None) -> tuple[date | None, date | None]:
    if not billing_period:
        return None, None
    year, month = (int(part) for part in billing_period.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _terms(document: Invoice) -> str | None:
    if document.kind is DocumentKind.QUOTE or document.due_date is None:
        return None
    if document.issue_date is None:
        return None
    days = (document.due_date - document.issue_date).days
    return f"{days} days net" if days > 0 else "Due on receipt"
