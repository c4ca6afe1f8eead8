"""UN/CEFACT CII D16B invoices (Factur-X/ZUGFeRD profiles and XRechnung 3.0) via drafthorse.

Credit notes are written as TypeCode 381 with POSITIVE amounts, the EN 16931 convention:
the document type carries the direction, so the snapshot's negative amounts are negated
(exactly, never recomputed). The alternative, 380 with negative totals, needs the sign moved
onto every quantity (BR-27: an item net price is never negative) and leaves receivers to guess
that an "invoice" is a refund. 381 with positive amounts passes the Factur-X BASIC, EN 16931
and EXTENDED schematrons, the CEN EN 16931 schematron and the KoSIT XRechnung 3.0 one.

Every document is checked before it is built (missing business terms raise
`EInvoiceIncomplete`, broken sums `EInvoiceInconsistent`) and validated against the CII XSD
after, so no schema-invalid XML leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem
from lxml import etree

from resolvers.invoicing.rendering.document import (
    DocumentLine,
    InvoiceDocument,
    PartyDetails,
    TaxLine,
)
from resolvers.invoicing.rendering.errors import (
    EInvoiceError,
    EInvoiceIncomplete,
    EInvoiceInconsistent,
    EInvoiceNotApplicable,
)
from resolvers.invoicing.rendering.formatting import (
    currency_digits,
    format_money,
    minor_to_decimal,
)
from resolvers.invoicing.rendering.labels import labels_for
from resolvers.invoicing.rendering.validation import validate_cii

# BT-24 specification identifiers.
GUIDELINES = {
    "BASIC": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "EN16931": "urn:cen.eu:en16931:2017",
    "EXTENDED": "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
}
XRECHNUNG = "XRECHNUNG"
XRECHNUNG_GUIDELINE = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
# BT-23, required by XRechnung 3.0 (PEPPOL-EN16931-R001): the Peppol billing process.
XRECHNUNG_BUSINESS_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

TYPE_INVOICE = "380"  # UNTDID 1001 commercial invoice
TYPE_CREDIT_NOTE = "381"
PAYMENT_CREDIT_TRANSFER = "58"  # UNTDID 4461 SEPA credit transfer
PAYMENT_NOT_DEFINED = "1"

# Categories that make the seller's VAT identifier mandatory (BR-S-02, BR-Z-02, BR-E-02, ...).
_NEEDS_SELLER_VAT = {"S", "Z", "E", "AE", "K", "G", "L", "M"}
# Categories that also need the buyer's (BR-AE-02, BR-K-02).
_NEEDS_BUYER_VAT = {"AE", "K"}
# Exemption reason codes (VATEX) and texts required for these categories (BR-AE-10, ...).
_EXEMPTION_CODES = {"AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O"}
_EXEMPTION_TEXTS = {
    "K": "Intra-Community supply",
    "G": "Export outside the EU",
    "O": "Not subject to VAT",
}


def cii_xml(doc: InvoiceDocument, profile: str = "EN16931") -> bytes:
    """The document as Factur-X/ZUGFeRD CII XML of `profile` (BASIC, EN16931 or EXTENDED)."""
    guideline = GUIDELINES.get(profile.upper())
    if guideline is None:
        raise ValueError(f"unknown CII profile {profile!r}; expected one of {sorted(GUIDELINES)}")
    _check(doc, "EN 16931", _en16931_missing(doc))
    return _serialize(_build(doc, guideline, profile=profile.upper()))


def xrechnung_xml(doc: InvoiceDocument) -> bytes:
    """The document as XRechnung 3.0 (CII syntax) for German public buyers."""
    missing = {**_en16931_missing(doc), **_xrechnung_missing(doc)}
    _check(doc, "XRechnung", missing)
    return _serialize(_build(doc, XRECHNUNG_GUIDELINE, profile=XRECHNUNG))


# -- checks -------------------------------------------------------------------------------------


def _check(doc: InvoiceDocument, format_name: str, missing: dict[str, str]) -> None:
    if doc.kind not in ("invoice", "credit_note"):
        raise EInvoiceNotApplicable(f"a {doc.kind} has no {format_name} form")
    if currency_digits(doc.currency) > 2:
        # BR-DEC-*: EN 16931 amounts carry at most two decimals.
        raise EInvoiceError(f"{doc.currency} amounts have more decimals than EN 16931 allows")
    if missing:
        raise EInvoiceIncomplete(format_name, missing)
    _check_sums(doc)


def _en16931_missing(doc: InvoiceDocument) -> dict[str, str]:
    seller, buyer = doc.seller, doc.buyer
    categories = {tax.category for tax in doc.tax_lines}
    missing: dict[str, str] = {}
    if not doc.number:
        missing["BT-1"] = "invoice number: finalize the draft first"
    if not seller.name.strip():
        missing["BT-27"] = "seller name"
    if not seller.country:
        missing["BT-40"] = "seller country"
    if not buyer.name.strip():
        missing["BT-44"] = "buyer name"
    if not buyer.country:
        missing["BT-55"] = "buyer country"
    if not doc.lines:
        missing["BG-25"] = "at least one invoice line"
    if categories & _NEEDS_SELLER_VAT and not seller.vat_number:
        missing["BT-31"] = "seller VAT identifier"
    elif "O" in categories and not seller.registration_id:
        # Not subject to VAT: no VAT identifiers may be written (BR-O-02), so BR-CO-26 needs this.
        missing["BT-30"] = "seller legal registration identifier (no VAT identifier with O)"
    elif not (seller.vat_number or seller.registration_id):
        missing["BT-30"] = "seller legal registration identifier or VAT identifier (BR-CO-26)"
    if categories & _NEEDS_BUYER_VAT and not buyer.vat_number:
        missing["BT-48"] = "buyer VAT identifier (reverse charge / intra-community supply)"
    if doc.kind == "invoice" and doc.due_minor > 0 and not (doc.due_date or doc.payment_terms):
        missing["BT-9"] = "payment due date or payment terms (BT-20), BR-CO-25"
    if doc.kind == "credit_note" and not doc.preceding_invoice_number:
        missing["BT-25"] = "preceding invoice reference of the credit note"
    return missing


def _xrechnung_missing(doc: InvoiceDocument) -> dict[str, str]:
    seller, buyer = doc.seller, doc.buyer
    wanted = {
        "BT-10": (doc.buyer_reference, "buyer reference / Leitweg-ID (BR-DE-15)"),
        "BT-34": (seller.email, "seller electronic address (seller e-mail)"),
        "BT-37": (seller.city, "seller city (BR-DE-3)"),
        "BT-38": (seller.postal_code, "seller post code (BR-DE-4)"),
        "BT-42": (seller.phone, "seller contact telephone (BR-DE-6)"),
        "BT-43": (seller.email, "seller contact e-mail (BR-DE-7)"),
        "BT-49": (buyer.email, "buyer electronic address (buyer e-mail)"),
        "BT-52": (buyer.city, "buyer city (BR-DE-8)"),
        "BT-53": (buyer.postal_code, "buyer post code (BR-DE-9)"),
    }
    return {term: what for term, (value, what) in wanted.items() if not value}


def _check_sums(doc: InvoiceDocument) -> None:
    """The EN 16931 calculation rules, on the snapshot's integers, before anything is written."""
    broken: list[str] = []
    if sum(line.net_minor for line in doc.lines) != doc.subtotal_minor:
        broken.append("BR-CO-10: the line net amounts do not add up to the subtotal")
    if sum(tax.base_minor for tax in doc.tax_lines) != doc.subtotal_minor:
        broken.append("BR-CO-13: the VAT bases do not add up to the subtotal")
    if sum(tax.tax_minor for tax in doc.tax_lines) != doc.tax_minor:
        broken.append("BR-CO-14: the VAT per rate does not add up to the VAT total")
    if doc.subtotal_minor + doc.tax_minor != doc.total_minor:
        broken.append("BR-CO-15: subtotal plus VAT is not the total")
    by_rate: dict[Decimal, int] = defaultdict(int)
    for line in doc.lines:
        by_rate[line.vat_rate] += line.net_minor
    categories = _categories_by_rate(doc.tax_lines)
    for rate in sorted(by_rate):
        if rate not in categories:
            broken.append(f"BR-CO-18: no VAT breakdown for the {rate} % lines")
        elif categories[rate] is None:
            broken.append(f"two VAT categories share the rate {rate} %: lines are ambiguous")
    for tax in doc.tax_lines:
        if by_rate.get(tax.rate, 0) != tax.base_minor:
            broken.append(f"BR-S-08: the {tax.rate} % base is not the sum of its lines")
    if broken:
        raise EInvoiceInconsistent("; ".join(broken))


def _categories_by_rate(tax_lines: tuple[TaxLine, ...]) -> dict[Decimal, str | None]:
    """A line has a rate but no category: take it from the one breakdown with that rate."""
    found: dict[Decimal, str | None] = {}
    for tax in tax_lines:
        found[tax.rate] = tax.category if tax.rate not in found else None
    return found


# -- building -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Money:
    """Minor units -> CII decimals, with the credit-note sign flip applied once, here."""

    currency: str
    sign: int

    def __call__(self, minor: int) -> Decimal:
        return minor_to_decimal(self.sign * minor, self.currency)


def _build(doc: InvoiceDocument, guideline: str, *, profile: str) -> Any:
    credit = doc.kind == "credit_note"
    xrechnung = profile == XRECHNUNG
    basic = profile == "BASIC"  # no contacts (BG-6) and no BIC (BT-86) in Factur-X BASIC
    # The snapshot stores a credit note negatively; 381 wants it positive (see module doc).
    money = _Money(doc.currency, -1 if credit and doc.total_minor < 0 else 1)
    labels = labels_for(doc.language)
    categories = _categories_by_rate(doc.tax_lines)

    cii = Document()
    if xrechnung:
        cii.context.business_parameter.id = XRECHNUNG_BUSINESS_PROCESS
    cii.context.guideline_parameter.id = guideline
    cii.header.id = doc.number
    cii.header.type_code = TYPE_CREDIT_NOTE if credit else TYPE_INVOICE
    cii.header.issue_date_time = doc.issue_date
    for text in (doc.subject, doc.description, doc.note):
        if text:
            note = IncludedNote()
            note.content = text
            cii.header.notes.add(note)

    agreement = cii.trade.agreement
    if doc.buyer_reference:
        agreement.buyer_reference = doc.buyer_reference
    seller_contact = xrechnung or (bool(doc.seller.phone) and not basic)
    # BR-O-02..04: an invoice outside the scope of VAT carries no VAT identifiers at all.
    with_vat_ids = "O" not in {tax.category for tax in doc.tax_lines}
    _party(agreement.seller, doc.seller, contact=seller_contact, vat_id=with_vat_ids)
    _party(agreement.buyer, doc.buyer, contact=False, vat_id=with_vat_ids)

    for line in doc.lines:
        category = categories[line.vat_rate] or "S"
        # EXTENDED repeats the exemption reason on the lines (BR-FXEXT-AE-08rev and friends).
        reason = _exemption_reason(doc, category) if profile == "EXTENDED" else None
        cii.trade.items.add(_line_item(line, money, category, reason))

    delivery = cii.trade.delivery
    if doc.buyer.country:
        # BG-15: no separate delivery address is kept, so the supply goes to the buyer's
        # address. Factur-X asks for at least its country (BR-FX-EN-04), XRechnung then for
        # city and post code (BR-DE-10/11), and it keeps the mandatory element non-empty.
        _address(delivery.ship_to.address, doc.buyer)
    if doc.billing_period_start is None and doc.billing_period_end is None:
        dates = [line.service_date for line in doc.lines if line.service_date]
        if dates:
            delivery.event.occurrence = max(dates)  # BT-72 actual delivery date

    settlement = cii.trade.settlement
    if doc.number:
        settlement.payment_reference = doc.number  # BT-83 remittance information
    settlement.currency_code = doc.currency
    _payment_means(settlement, doc, xrechnung=xrechnung, credit=credit, with_bic=not basic)
    for tax in doc.tax_lines:
        settlement.trade_tax.add(_trade_tax(tax, money, _exemption_reason(doc, tax.category)))
    if doc.billing_period_start or doc.billing_period_end:
        if doc.billing_period_start:
            settlement.period.start = doc.billing_period_start
        if doc.billing_period_end:
            settlement.period.end = doc.billing_period_end
    _payment_terms(settlement, doc, money, credit=credit, refund_text=labels.refund)

    totals = settlement.monetary_summation
    totals.line_total = money(sum(line.net_minor for line in doc.lines))
    totals.tax_basis_total = money(doc.subtotal_minor)
    totals.tax_total = (money(doc.tax_minor), doc.currency)
    totals.grand_total = money(doc.total_minor)
    if doc.paid_minor:
        totals.prepaid_total = money(doc.paid_minor)
    totals.due_amount = money(doc.due_minor)

    if doc.preceding_invoice_number:
        settlement.invoice_referenced_document.issuer_assigned_id = doc.preceding_invoice_number
        if doc.preceding_invoice_date:
            settlement.invoice_referenced_document.issue_date_time = doc.preceding_invoice_date
    return cii


def _exemption_reason(doc: InvoiceDocument, category: str) -> str | None:
    """BT-120 exemption reason text, in the document language where we print one."""
    labels = labels_for(doc.language)
    if category == "AE":
        return labels.reverse_charge
    if category == "E":
        return labels.exempt
    return _EXEMPTION_TEXTS.get(category)


def _party(target: Any, party: PartyDetails, *, contact: bool, vat_id: bool) -> None:
    target.name = party.name
    if party.registration_id:
        scheme = _registration_scheme(party)
        target.legal_organization.id = (
            (scheme, party.registration_id) if scheme else party.registration_id
        )
    if contact:
        target.contact.person_name = party.name  # BT-41: no person on file, the company answers
        if party.phone:
            target.contact.telephone.number = party.phone
        if party.email:
            target.contact.email.address = party.email
    _address(target.address, party)
    if party.email:
        target.electronic_address.uri_ID = ("EM", party.email)  # BT-34 / BT-49, scheme e-mail
    if party.vat_number and vat_id:
        target.tax_registrations.add(TaxRegistration(id=("VA", party.vat_number)))


def _address(address: Any, party: PartyDetails) -> None:
    if party.postal_code:
        address.postcode = party.postal_code
    if party.street:
        address.line_one = party.street
    if party.line2:
        address.line_two = party.line2
    if party.city:
        address.city_name = party.city
    address.country_id = (party.country or "").upper()


def _registration_scheme(party: PartyDetails) -> str | None:
    """ISO 6523 scheme of French identifiers (0009 SIRET, 0002 SIREN); others go unqualified."""
    if (party.country or "").upper() != "FR" or not party.registration_id:
        return None
    digits = "".join(ch for ch in party.registration_id if ch.isdigit())
    return {14: "0009", 9: "0002"}.get(len(digits))


def _line_item(line: DocumentLine, money: _Money, category: str, reason: str | None) -> Any:
    item = LineItem()
    item.document.line_id = str(line.position)
    name, _, rest = line.description.strip().partition("\n")
    item.product.name = name.strip() or line.description
    if rest.strip():
        item.product.description = line.description
    # Net price stays positive (BR-27); a negative line carries its sign on the quantity.
    price_sign = -1 if line.unit_price_minor < 0 else 1
    item.agreement.net.amount = minor_to_decimal(abs(line.unit_price_minor), money.currency)
    quantity = line.quantity * money.sign * price_sign
    item.delivery.billed_quantity = (quantity, line.unit_code)
    item.settlement.trade_tax.type_code = "VAT"
    if reason and category not in ("S", "Z"):
        item.settlement.trade_tax.exemption_reason = reason
    item.settlement.trade_tax.category_code = category
    if reason and category in _EXEMPTION_CODES:
        item.settlement.trade_tax.exemption_reason_code = _EXEMPTION_CODES[category]
    if category != "O":
        item.settlement.trade_tax.rate_applicable_percent = line.vat_rate
    if line.service_date:
        item.settlement.period.start = line.service_date
        item.settlement.period.end = line.service_date
    item.settlement.monetary_summation.total_amount = money(line.net_minor)
    return item


def _trade_tax(tax: TaxLine, money: _Money, reason: str | None) -> Any:
    trade_tax = ApplicableTradeTax()
    trade_tax.calculated_amount = money(tax.tax_minor)
    trade_tax.type_code = "VAT"
    if reason and tax.category not in ("S", "Z"):
        trade_tax.exemption_reason = reason
    trade_tax.basis_amount = money(tax.base_minor)
    trade_tax.category_code = tax.category
    if tax.category in _EXEMPTION_CODES:
        trade_tax.exemption_reason_code = _EXEMPTION_CODES[tax.category]
    # Always a rate here, 0 for O too (XRechnung BR-DE-14); lines with O carry none (BR-O-05).
    trade_tax.rate_applicable_percent = tax.rate
    return trade_tax


def _payment_means(
    settlement: Any, doc: InvoiceDocument, *, xrechnung: bool, credit: bool, with_bic: bool
) -> None:
    means = PaymentMeans()
    if doc.payment_iban and not credit:
        means.type_code = PAYMENT_CREDIT_TRANSFER
        means.payee_account.iban = doc.payment_iban.replace(" ", "").upper()
        if doc.payment_bic and with_bic:
            means.payee_institution.bic = doc.payment_bic.replace(" ", "").upper()
    elif xrechnung:
        # BR-DE-1 wants payment instructions; with no account on file the means stay open.
        means.type_code = PAYMENT_NOT_DEFINED
    else:
        return
    settlement.payment_means.add(means)


def _payment_terms(
    settlement: Any, doc: InvoiceDocument, money: _Money, *, credit: bool, refund_text: str
) -> None:
    description = doc.payment_terms
    if credit and not description and not doc.due_date and doc.due_minor:
        # BR-CO-25 also binds a credit note that is still owed: say how it is settled.
        amount = format_money(abs(doc.due_minor), doc.currency, doc.language)
        description = refund_text.format(amount=amount)
    if not (description or doc.due_date):
        return
    terms = PaymentTerms()
    if description:
        terms.description = description
    if doc.due_date:
        terms.due = doc.due_date
    settlement.terms.add(terms)


def _serialize(cii: Any) -> bytes:
    raw = cii.serialize(schema=None)  # drafthorse's own XSDs are older; we validate below
    tree = etree.fromstring(raw, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    xml: bytes = etree.tostring(tree, pretty_print=True, xml_declaration=True, encoding="UTF-8")
    validate_cii(xml)
    return xml
