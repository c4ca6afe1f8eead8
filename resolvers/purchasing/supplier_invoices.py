"""Supplier invoices from PDFs (accounting permission).

`receive_supplier_invoice` stores the PDF through the file storage, reads its Factur-X CII
when there is one, matches the supplier by SIREN (the first 9 digits of a SIRET; a French VAT
id carries it too) or creates it, and refuses the same supplier and number twice (CONFLICT,
also under concurrent uploads: a partial unique index decides).
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Final

from facturx import get_xml_from_pdf
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Party, PartyKind, SupplierInvoice
from resolvers.accounting.access import READ, WRITE, require_accounting
from resolvers.errors import BadUserInput, Conflict
from resolvers.files.changes import FileChanges
from resolvers.files.content_types import UploadPolicy
from resolvers.files.files import upload_file
from resolvers.identity.actor import Actor
from resolvers.purchasing.cii import ParsedInvoice, read_cii

__all__ = ["MAX_PDF_BYTES", "list_supplier_invoices", "receive_supplier_invoice"]

MAX_PDF_BYTES: Final = 25 * 1024 * 1024
MAX_LIST: Final = 200


@dataclass(frozen=True)
class _Bytes:
    """An in-memory upload (the PDF was read once to look inside it)."""

    filename: str | None
    content: bytes
    offset: list[int]

    @property
    def size(self) -> int | None:
        return len(self.content)

    async def read(self, size: int = -1) -> bytes:
        start = self.offset[0]
        end = len(self.content) if size < 0 else start + size
        self.offset[0] = min(end, len(self.content))
        return self.content[start:end]


def _parse(content: bytes) -> ParsedInvoice | None:
    """The CII of a Factur-X/ZUGFeRD PDF; None for a plain PDF."""
    try:
        _, xml = get_xml_from_pdf(io.BytesIO(content), check_xsd=False)
    except Exception:  # factur-x raises anything on odd PDFs: treat as a plain PDF
        return None
    if not xml:
        return None
    try:
        return read_cii(xml)
    except ValueError:
        return None


async def _supplier(session: AsyncSession, parsed: ParsedInvoice) -> uuid.UUID | None:
    """The supplier with this SIREN (as its tax id, or inside its French VAT id), or a new one
    named after the seller; None when the invoice names no seller."""
    siren = parsed.seller_siren
    if siren:
        found = await session.scalar(
            select(Party.id)
            .where(
                Party.kind == PartyKind.SUPPLIER,
                or_(
                    Party.tax_id == siren,
                    func.left(Party.tax_id, 9) == siren,  # a SIRET
                    func.right(Party.tax_id, 9) == siren,  # FRxx + SIREN
                ),
            )
            .order_by(Party.created_at)
            .limit(1)
        )
        if found is not None:
            return found
    if not parsed.seller_name:
        return None
    supplier = Party(
        kind=PartyKind.SUPPLIER,
        name=parsed.seller_name[:200],
        email=(parsed.seller_email or "")[:320],
        tax_id=parsed.seller_vat_id or siren,
    )
    session.add(supplier)
    await session.flush()
    return supplier.id


async def receive_supplier_invoice(
    session: AsyncSession,
    actor: Actor | None,
    files: FileChanges,
    policy: UploadPolicy,
    filename: str | None,
    content: bytes,
) -> SupplierInvoice:
    require_accounting(actor, WRITE)
    if not content.startswith(b"%PDF"):
        raise BadUserInput("a PDF is expected", fields={"file": "must be a PDF"})
    if len(content) > MAX_PDF_BYTES:
        raise BadUserInput("file too large", fields={"file": "must be at most 25 MB"})
    name = filename if filename and filename.lower().endswith(".pdf") else "supplier-invoice.pdf"
    parsed = _parse(content)
    supplier_id = await _supplier(session, parsed) if parsed else None
    if parsed and parsed.number and supplier_id:
        await _ensure_new(session, supplier_id, parsed.number)
    stored = await upload_file(session, actor, files, _Bytes(name, content, [0]), policy)
    known = parsed or ParsedInvoice()
    invoice = SupplierInvoice(
        supplier_id=supplier_id,
        file_id=stored.id,
        source="facturx" if parsed else "pdf",
        number=known.number,
        issue_date=known.issue_date,
        due_date=known.due_date,
        currency=known.currency,
        net_total=known.net_total,
        tax_total=known.tax_total,
        total=known.total,
        seller_name=known.seller_name,
        seller_siren=known.seller_siren,
        seller_siret=known.seller_siret,
        seller_vat_id=known.seller_vat_id,
        taxes=known.taxes,
        lines=known.lines,
    )
    session.add(invoice)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise _duplicate() from exc
    return invoice


def _duplicate() -> Conflict:
    return Conflict(
        "this supplier's invoice with this number was already received",
        fields={"number": "already received from this supplier"},
    )


async def _ensure_new(session: AsyncSession, supplier_id: uuid.UUID, number: str) -> None:
    taken = await session.scalar(
        select(SupplierInvoice.id).where(
            SupplierInvoice.supplier_id == supplier_id, SupplierInvoice.number == number
        )
    )
    if taken is not None:
        raise _duplicate()


async def list_supplier_invoices(
    session: AsyncSession, actor: Actor | None, first: int = 50
) -> list[SupplierInvoice]:
    """Newest first."""
    require_accounting(actor, READ)
    if not 1 <= first <= MAX_LIST:
        raise BadUserInput("bad page size", fields={"first": f"between 1 and {MAX_LIST}"})
    rows = await session.scalars(
        select(SupplierInvoice)
        .order_by(SupplierInvoice.created_at.desc(), SupplierInvoice.id.desc())
        .limit(first)
    )
    return list(rows.all())
