"""Invoice snapshots for the rendering tests, with totals computed the EN 16931 way."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from resolvers.invoicing.rendering import DocumentLine, InvoiceDocument, PartyDetails, TaxLine

GERMAN_SELLER = PartyDetails(
    name="Müller & Söhne Softwarehaus GmbH",
    street="Hauptstraße 5",
    postal_code="10115",
    city="Berlin",
    country="DE",
    vat_number="DE123456788",
    registration_id="HRB 12345, Amtsgericht Charlottenburg",
    email="rechnung@mueller-soehne.example",
    phone="+49 30 1234567",
)
GERMAN_BUYER = PartyDetails(
    name="Bäckerei Groß KG",
    street="Königsallee 1",
    line2="Hinterhaus",
    postal_code="40212",
    city="Düsseldorf",
    country="DE",
    vat_number="DE987654301",
    email="einkauf@baeckerei-gross.example",
)
FRENCH_SELLER = PartyDetails(
    name="Formation Dupont SARL",
    street="12 rue de la Paix",
    postal_code="75002",
    city="Paris",
    country="FR",
    vat_number="FR44732829320",
    registration_id="73282932000074",
    email="factures@dupont.example",
    phone="+33 1 23 45 67 89",
)
FRENCH_BUYER = PartyDetails(
    name="Boulangerie Lefèvre",
    street="3 place Bellecour",
    postal_code="69002",
    city="Lyon",
    country="FR",
    vat_number="FR61954506077",
    email="compta@lefevre.example",
)

Line = tuple[str, str, str, int, str]  # description, quantity, unit, unit price (minor), rate
CENT = Decimal(1)


def half_away(value: Decimal) -> int:
    return int(value.quantize(CENT, rounding=ROUND_HALF_UP))  # HALF_UP is away from zero


def make_doc(
    lines: list[Line],
    overrides: dict[str, Any],
    *,
    categories: dict[str, str] | None = None,
    sign: int = 1,
    **fields: Any,
) -> InvoiceDocument:
    """Lines in, EN 16931 totals out: net per line, VAT once per rate, half away from zero.

    `fields` are the sample's own values; `overrides` (the test's) win over them.
    """
    fields = {**fields, **overrides}
    doc_lines = []
    for position, (description, quantity, unit, price, rate) in enumerate(lines, start=1):
        net = half_away(Decimal(quantity) * price)
        doc_lines.append(
            DocumentLine(
                position=position,
                description=description,
                quantity=Decimal(quantity),
                unit_code=unit,
                unit_price_minor=sign * price,
                vat_rate=Decimal(rate),
                net_minor=sign * net,
                service_date=fields.pop(f"service_date_{position}", None),
            )
        )
    bases: dict[Decimal, int] = defaultdict(int)
    for line in doc_lines:
        bases[line.vat_rate] += line.net_minor
    tax_lines = tuple(
        TaxLine(
            rate=rate,
            base_minor=base,
            tax_minor=half_away(base * rate / 100),
            category=(categories or {}).get(str(rate), "S" if rate else "Z"),
        )
        for rate, base in sorted(bases.items())
    )
    subtotal = sum(line.net_minor for line in doc_lines)
    tax = sum(line.tax_minor for line in tax_lines)
    defaults: dict[str, Any] = {
        "kind": "invoice",
        "number": "RE-2025-0042",
        "issue_date": date(2025, 3, 1),
        "due_date": date(2025, 3, 15),
        "currency": "EUR",
        "language": "de",
        "seller": GERMAN_SELLER,
        "buyer": GERMAN_BUYER,
        "payment_iban": "DE89370400440532013000",
        "payment_bic": "COBADEFFXXX",
    }
    return InvoiceDocument(
        **{**defaults, **fields},
        lines=tuple(doc_lines),
        tax_lines=tax_lines,
        subtotal_minor=subtotal,
        tax_minor=tax,
        total_minor=subtotal + tax,
    )


def simple_invoice(**overrides: Any) -> InvoiceDocument:
    return make_doc([("Website relaunch, fixed price", "1", "C62", 250000, "19.00")], overrides)


def multi_rate_invoice(**overrides: Any) -> InvoiceDocument:
    """7 % and 19 % together, a partial payment, texts above and below the lines."""
    return make_doc(
        [
            ("Beratung Einführung E-Rechnung", "7.5", "HUR", 12000, "19.00"),
            ("Fachbuch „Umsatzsteuer kompakt“", "3", "C62", 2495, "7.00"),
            ("Schulungsunterlagen (Druck)", "12", "C62", 1999, "7.00"),
        ],
        overrides,
        paid_minor=10000,
        subject="Ihr Projekt E-Rechnung",
        salutation="Sehr geehrte Damen und Herren,",
        description="wir erlauben uns, folgende Leistungen in Rechnung zu stellen:",
        note="Vielen Dank für Ihren Auftrag!",
        payment_terms="Zahlbar innerhalb von 14 Tagen ohne Abzug.",
        billing_period_start=date(2025, 2, 1),
        billing_period_end=date(2025, 2, 28),
    )


def zero_rate_invoice(**overrides: Any) -> InvoiceDocument:
    return make_doc(
        [
            ("Wartungsvertrag Februar", "1", "MON", 49000, "19.00"),
            ("Photovoltaik-Modul (Nullsteuersatz)", "4", "C62", 18950, "0"),
        ],
        overrides,
    )


def hourly_invoice(**overrides: Any) -> InvoiceDocument:
    return make_doc(
        [
            ("Entwicklung Schnittstelle", "2.25", "HUR", 8500, "19.00"),
            ("Code-Review", "0.75", "HUR", 8500, "19.00"),
        ],
        overrides,
        service_date_1=date(2025, 2, 10),
        service_date_2=date(2025, 2, 11),
    )


def french_invoice(**overrides: Any) -> InvoiceDocument:
    return make_doc(
        [
            ("Formation « Facturation électronique », 2 jours", "2", "DAY", 95000, "20.00"),
            ("Livre « La TVA expliquée »", "10", "C62", 1890, "5.50"),
        ],
        overrides,
        number="F-2025-0007",
        language="fr",
        seller=FRENCH_SELLER,
        buyer=FRENCH_BUYER,
        payment_iban="FR7630006000011234567890189",
        payment_bic="AGRIFRPPXXX",
    )


def credit_note(**overrides: Any) -> InvoiceDocument:
    """A Storno of a 7 % + 19 % invoice: the snapshot carries negative amounts."""
    return make_doc(
        [
            ("Beratung Einführung E-Rechnung", "7.5", "HUR", 12000, "19.00"),
            ("Fachbuch „Umsatzsteuer kompakt“", "3", "C62", 2495, "7.00"),
        ],
        overrides,
        sign=-1,
        kind="credit_note",
        number="RE-2025-0043",
        issue_date=date(2025, 3, 20),
        due_date=None,
        preceding_invoice_number="RE-2025-0042",
        preceding_invoice_date=date(2025, 3, 1),
    )


def reverse_charge_invoice(**overrides: Any) -> InvoiceDocument:
    return make_doc(
        [("IT consulting", "10", "HUR", 11000, "0")],
        overrides,
        categories={"0": "AE"},
        buyer=FRENCH_BUYER,
        language="en",
    )


def exempt_invoice(**overrides: Any) -> InvoiceDocument:
    """VAT-exempt training (category E), which needs a stated exemption reason."""
    return make_doc(
        [("Berufliche Weiterbildung (steuerfrei)", "1", "C62", 120000, "0")],
        overrides,
        categories={"0": "E"},
    )


def not_subject_invoice(**overrides: Any) -> InvoiceDocument:
    """Outside the scope of VAT (category O): no VAT identifiers may appear at all."""
    return make_doc(
        [("Mitgliedsbeitrag 2025", "1", "C62", 9000, "0")],
        overrides,
        categories={"0": "O"},
    )


def xrechnung_ready(doc: InvoiceDocument) -> InvoiceDocument:
    return dataclasses.replace(doc, buyer_reference="04011000-12345-34")


ALL_INVOICES = {
    "simple": simple_invoice,
    "multi_rate": multi_rate_invoice,
    "zero_rate": zero_rate_invoice,
    "hourly": hourly_invoice,
    "french": french_invoice,
    "credit_note": credit_note,
    "reverse_charge": reverse_charge_invoice,
    "exempt": exempt_invoice,
    "not_subject": not_subject_invoice,
}
