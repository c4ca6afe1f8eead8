"""Receiving and listing supplier invoices."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from resolvers.files.changes import file_changes
from resolvers.purchasing import supplier_invoices as cases
from schema.files.types import require_storage
from schema.purchasing.types import SupplierInvoice


@strawberry.type
class PurchasingQuery:
    @strawberry.field(description="Supplier invoices, newest first (accounting:read).")
    async def supplier_invoices(
        self,
        info: strawberry.Info,
        first: Annotated[int, strawberry.argument(description="At most 200 (default 50).")] = 50,
    ) -> list[SupplierInvoice]:
        ctx = info.context
        async with ctx.session() as session:
            rows = await cases.list_supplier_invoices(session, ctx.actor, first)
        return [SupplierInvoice.from_model(row) for row in rows]


@strawberry.type
class PurchasingMutation:
    @strawberry.mutation(
        description="Receive a supplier invoice PDF (accounting:write): a Factur-X/ZUGFeRD PDF "
        "is read (seller, SIREN/SIRET, VAT id, number, dates, totals, lines), the supplier "
        "matched by SIREN or created; CONFLICT for the same supplier and number twice."
    )
    async def receive_supplier_invoice(
        self, info: strawberry.Info, file: Upload
    ) -> SupplierInvoice:
        ctx = info.context
        upload: Any = file  # starlette's UploadFile
        content = await upload.read(cases.MAX_PDF_BYTES + 1)
        async with file_changes(require_storage(info)) as changes, ctx.session() as session:
            received = await cases.receive_supplier_invoice(
                session, ctx.actor, changes, ctx.upload_policy, upload.filename, content
            )
        return SupplierInvoice.from_model(received)
