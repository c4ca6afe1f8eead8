"""Supplier invoices as read from their PDFs; money in minor units."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from models import SupplierInvoice as SupplierInvoiceModel
from schema.ids import optional_id
from schema.scalars import Int64


def _money(value: int | None) -> Int64 | None:
    return None if value is None else Int64(value)


@strawberry.type(description="VAT of one rate, as the supplier stated it.")
class SupplierInvoiceTax:
    rate: str | None = strawberry.field(description="Percent, e.g. 20.00.")
    category: str | None = strawberry.field(description="UNCL5305 code (S, Z, E, AE…).")
    base: Int64 | None
    tax: Int64 | None


@strawberry.type(description="One line as the supplier stated it.")
class SupplierInvoiceLine:
    description: str | None
    quantity: str | None
    unit_price: Int64 | None
    vat_rate: str | None
    net: Int64 | None


@strawberry.type(description="An invoice received from a supplier.")
class SupplierInvoice:
    id: strawberry.ID
    supplier_id: strawberry.ID | None = strawberry.field(
        description="Matched by SIREN, or created from the seller's details."
    )
    file_id: strawberry.ID | None = strawberry.field(description="The PDF in the file storage.")
    source: str = strawberry.field(description="facturx (data read from the PDF) or pdf.")
    number: str | None
    issue_date: date | None
    due_date: date | None
    currency: str | None
    net_total: Int64 | None
    tax_total: Int64 | None
    total: Int64 | None
    seller_name: str | None
    seller_siren: str | None
    seller_siret: str | None
    seller_vat_id: str | None
    taxes: list[SupplierInvoiceTax]
    lines: list[SupplierInvoiceLine]
    created_at: datetime

    @classmethod
    def from_model(cls, model: SupplierInvoiceModel) -> SupplierInvoice:
        def tax(entry: dict[str, Any]) -> SupplierInvoiceTax:
            return SupplierInvoiceTax(
                rate=entry.get("rate"),
                category=entry.get("category"),
                base=entry.get("base"),
                tax=entry.get("tax"),
            )

        def line(entry: dict[str, Any]) -> SupplierInvoiceLine:
            return SupplierInvoiceLine(
                description=entry.get("description"),
                quantity=entry.get("quantity"),
                unit_price=entry.get("unit_price"),
                vat_rate=entry.get("vat_rate"),
                net=entry.get("net"),
            )

        return cls(
            id=strawberry.ID(str(model.id)),
            supplier_id=optional_id(model.supplier_id),
            file_id=optional_id(model.file_id),
            source=model.source,
            number=model.number,
            issue_date=model.issue_date,
            due_date=model.due_date,
            currency=model.currency,
            net_total=_money(model.net_total),
            tax_total=_money(model.tax_total),
            total=_money(model.total),
            seller_name=model.seller_name,
            seller_siren=model.seller_siren,
            seller_siret=model.seller_siret,
            seller_vat_id=model.seller_vat_id,
            taxes=[tax(entry) for entry in model.taxes],
            lines=[line(entry) for entry in model.lines],
            created_at=model.created_at,
        )
