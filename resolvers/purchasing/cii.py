"""Reading an EN 16931 CII document (the XML inside a Factur-X/ZUGFeRD PDF).

Only what a supplier invoice needs: seller (name, SIREN/SIRET, VAT id, e-mail), number,
dates, currency, totals, VAT per rate and lines. Amounts become minor units (2 decimals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final

from lxml import etree

__all__ = ["ParsedInvoice", "read_cii"]

NS: Final = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


@dataclass(frozen=True)
class ParsedInvoice:
    number: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    currency: str | None = None
    seller_name: str | None = None
    seller_siren: str | None = None
    seller_siret: str | None = None
    seller_vat_id: str | None = None
    seller_email: str | None = None
    net_total: int | None = None
    tax_total: int | None = None
    total: int | None = None
    taxes: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)


def _text(node: Any, path: str) -> str | None:
    found = node.xpath(path, namespaces=NS)
    if not found:
        return None
    value = found[0] if isinstance(found[0], str) else found[0].text
    return value.strip() if value and value.strip() else None


def _minor(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int((Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        return None


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        return None


def _digits(value: str | None) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


def read_cii(xml: bytes) -> ParsedInvoice:
    """Parse CII XML; raises ValueError when it is not a CII invoice."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError("not XML") from exc
    if etree.QName(root).localname != "CrossIndustryInvoice":
        raise ValueError("not a CII invoice")
    trade = "rsm:SupplyChainTradeTransaction"
    seller = f"{trade}/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
    settlement = f"{trade}/ram:ApplicableHeaderTradeSettlement"
    sums = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    legal = _text(root, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID")
    scheme = _text(root, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID")
    digits = _digits(legal)
    siret = digits if (scheme == "0009" or len(digits) == 14) and len(digits) == 14 else None
    siren = siret[:9] if siret else (digits if len(digits) == 9 else None)
    vat_id = _text(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']")
    if siren is None and vat_id and vat_id.upper().startswith("FR") and len(vat_id) == 13:
        siren = vat_id[4:] if vat_id[4:].isdigit() else None  # FR + 2 check digits + SIREN
    taxes = [
        {
            "rate": _text(tax, "ram:RateApplicablePercent"),
            "category": _text(tax, "ram:CategoryCode"),
            "base": _minor(_text(tax, "ram:BasisAmount")),
            "tax": _minor(_text(tax, "ram:CalculatedAmount")),
        }
        for tax in root.xpath(f"{settlement}/ram:ApplicableTradeTax", namespaces=NS)
    ]
    lines = [
        {
            "description": _text(item, "ram:SpecifiedTradeProduct/ram:Name"),
            "quantity": _text(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
            "unit_price": _minor(
                _text(
                    item,
                    "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
                )
            ),
            "vat_rate": _text(
                item,
                "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent",
            ),
            "net": _minor(
                _text(
                    item,
                    "ram:SpecifiedLineTradeSettlement/"
                    "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                )
            ),
        }
        for item in root.xpath(f"{trade}/ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    ]
    return ParsedInvoice(
        number=_text(root, "rsm:ExchangedDocument/ram:ID"),
        issue_date=_day(_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
        due_date=_day(
            _text(
                root,
                f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
            )
        ),
        currency=_text(root, f"{settlement}/ram:InvoiceCurrencyCode"),
        seller_name=_text(root, f"{seller}/ram:Name"),
        seller_siren=siren,
        seller_siret=siret,
        seller_vat_id=vat_id,
        seller_email=_text(root, f"{seller}/ram:URIUniversalCommunication/ram:URIID"),
        net_total=_minor(_text(root, f"{sums}/ram:TaxBasisTotalAmount")),
        tax_total=_minor(_text(root, f"{sums}/ram:TaxTotalAmount")),
        total=_minor(_text(root, f"{sums}/ram:GrandTotalAmount")),
        taxes=taxes,
        lines=lines,
    )
