"""The frozen snapshot every renderer reads: an issued (or draft) document, already computed.

Renderers never compute money: line nets, VAT per rate and totals come in as integer minor
units, exactly as stored. Credit notes carry negative amounts, as the ledger does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class PartyDetails:
    name: str
    street: str | None = None
    line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    vat_number: str | None = None  # e.g. DE123456789
    registration_id: str | None = None  # SIRET / Handelsregister
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class DocumentLine:
    position: int
    description: str
    quantity: Decimal  # hours for hourly lines
    unit_code: str  # UN/ECE rec 20: "C62" piece, "HUR" hour
    unit_price_minor: int  # minor units (cents), net
    vat_rate: Decimal  # percent, e.g. Decimal("19.00")
    net_minor: int  # quantity*unit price, rounded half away from zero (already computed)
    service_date: date | None = None


@dataclass(frozen=True)
class TaxLine:
    rate: Decimal
    base_minor: int
    tax_minor: int  # computed once per rate (already computed)
    category: str = "S"  # UNCL5305: S standard, Z zero, E exempt, AE reverse charge


@dataclass(frozen=True)
class InvoiceDocument:
    kind: str  # "invoice" | "credit_note" | "quote"
    number: str | None  # None for drafts: render "DRAFT" prominently
    issue_date: date
    due_date: date | None
    currency: str  # ISO 4217
    language: str  # "de" | "fr" | "en": labels of the PDF
    seller: PartyDetails
    buyer: PartyDetails
    lines: tuple[DocumentLine, ...]
    tax_lines: tuple[TaxLine, ...]
    subtotal_minor: int
    tax_minor: int
    total_minor: int
    paid_minor: int = 0
    subject: str | None = None
    salutation: str | None = None
    description: str | None = None  # above the lines
    note: str | None = None  # below the totals
    billing_period_start: date | None = None
    billing_period_end: date | None = None
    buyer_reference: str | None = None  # BT-10 (Leitweg-ID for XRechnung)
    preceding_invoice_number: str | None = None  # credit notes / Storno: the original (BT-25)
    preceding_invoice_date: date | None = None
    payment_iban: str | None = None
    payment_bic: str | None = None
    payment_terms: str | None = None

    @property
    def due_minor(self) -> int:
        """What is still owed (negative on a credit note: owed to the buyer)."""
        return self.total_minor - self.paid_minor
