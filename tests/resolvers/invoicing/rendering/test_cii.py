"""CII XML (Factur-X/ZUGFeRD profiles): schema validity and values equal to the snapshot."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from resolvers.invoicing.rendering import (
    EInvoiceIncomplete,
    EInvoiceInconsistent,
    EInvoiceNotApplicable,
    EInvoiceSchemaError,
    PartyDetails,
    cii_xml,
    validate_cii,
)
from tests.resolvers.invoicing.rendering.samples import (
    ALL_INVOICES,
    credit_note,
    french_invoice,
    hourly_invoice,
    multi_rate_invoice,
    reverse_charge_invoice,
    simple_invoice,
    zero_rate_invoice,
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
TOTALS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def parse(xml: bytes) -> Any:
    return etree.fromstring(xml)


def text(tree: Any, path: str) -> str:
    found = tree.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return str(found[0].text)


def texts(tree: Any, path: str) -> list[str]:
    return [str(node.text) for node in tree.xpath(path, namespaces=NS)]


def cents(minor: int) -> str:
    return str(Decimal(minor).scaleb(-2))


@pytest.mark.parametrize("name", sorted(ALL_INVOICES))
@pytest.mark.parametrize("profile", ["BASIC", "EN16931", "EXTENDED"])
def test_every_sample_is_valid_against_the_factur_x_xsd(name: str, profile: str) -> None:
    xml = cii_xml(ALL_INVOICES[name](), profile)

    validate_cii(xml)  # raises on any schema error
    assert text(parse(xml), "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")


@pytest.mark.parametrize("name", sorted(ALL_INVOICES))
def test_totals_and_vat_per_rate_equal_the_snapshot(name: str) -> None:
    doc = ALL_INVOICES[name]()
    sign = -1 if doc.kind == "credit_note" else 1  # credit notes are written positive
    tree = parse(cii_xml(doc))

    assert text(tree, f"{TOTALS}/ram:LineTotalAmount") == cents(sign * doc.subtotal_minor)
    assert text(tree, f"{TOTALS}/ram:TaxBasisTotalAmount") == cents(sign * doc.subtotal_minor)
    assert text(tree, f"{TOTALS}/ram:TaxTotalAmount[@currencyID='EUR']") == cents(
        sign * doc.tax_minor
    )
    assert text(tree, f"{TOTALS}/ram:GrandTotalAmount") == cents(sign * doc.total_minor)
    assert text(tree, f"{TOTALS}/ram:DuePayableAmount") == cents(sign * doc.due_minor)
    breakdown = {
        text(tax, "ram:RateApplicablePercent"): (
            text(tax, "ram:BasisAmount"),
            text(tax, "ram:CalculatedAmount"),
            text(tax, "ram:CategoryCode"),
        )
        for tax in tree.xpath(f"{SETTLEMENT}/ram:ApplicableTradeTax", namespaces=NS)
    }
    assert breakdown == {
        str(tax.rate): (
            cents(sign * tax.base_minor),
            cents(sign * tax.tax_minor),
            tax.category,
        )
        for tax in doc.tax_lines
    }
    line_totals = texts(tree, "//ram:SpecifiedTradeSettlementLineMonetarySummation/*")
    assert line_totals == [cents(sign * line.net_minor) for line in doc.lines]


def test_multi_rate_invoice_has_one_breakdown_per_rate_and_the_prepaid_amount() -> None:
    doc = multi_rate_invoice()
    tree = parse(cii_xml(doc))

    rates = texts(tree, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent")
    assert rates == ["7.00", "19.00"]
    assert texts(tree, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount") == [
        "22.03",
        "171.00",
    ]
    assert text(tree, f"{TOTALS}/ram:TotalPrepaidAmount") == "100.00"
    assert text(tree, f"{TOTALS}/ram:DuePayableAmount") == "1307.76"
    assert text(tree, f"{SETTLEMENT}/ram:BillingSpecifiedPeriod/ram:StartDateTime/*") == (
        "20250201"
    )
    assert text(tree, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/*") == "20250315"
    assert texts(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content") == [
        "Ihr Projekt E-Rechnung",
        "wir erlauben uns, folgende Leistungen in Rechnung zu stellen:",
        "Vielen Dank für Ihren Auftrag!",
    ]


def test_invoice_header_parties_and_payment_means() -> None:
    tree = parse(cii_xml(simple_invoice()))

    assert text(tree, "//rsm:ExchangedDocument/ram:ID") == "RE-2025-0042"
    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(tree, "//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") == (
        "20250301"
    )
    assert text(tree, "//ram:InvoiceCurrencyCode") == "EUR"
    seller = "//ram:SellerTradeParty"
    assert text(tree, f"{seller}/ram:Name") == "Müller & Söhne Softwarehaus GmbH"
    assert text(tree, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == (
        "DE123456788"
    )
    assert text(tree, f"{seller}/ram:PostalTradeAddress/ram:CountryID") == "DE"
    assert text(tree, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:LineTwo") == "Hinterhaus"
    means = "//ram:SpecifiedTradeSettlementPaymentMeans"
    assert text(tree, f"{means}/ram:TypeCode") == "58"
    assert text(tree, f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == (
        "DE89370400440532013000"
    )
    assert text(tree, "//ram:PaymentReference") == "RE-2025-0042"


def test_credit_note_is_381_with_positive_amounts_and_references_the_original() -> None:
    doc = credit_note()
    tree = parse(cii_xml(doc))

    assert doc.total_minor < 0
    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(tree, f"{TOTALS}/ram:GrandTotalAmount") == "1151.09"
    assert all(
        not value.startswith("-") for value in texts(tree, "//ram:*[contains(name(), 'Amount')]")
    )
    assert texts(tree, "//ram:BilledQuantity") == ["7.5", "3"]
    assert texts(tree, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["120.00", "24.95"]
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert text(tree, f"{reference}/ram:IssuerAssignedID") == "RE-2025-0042"
    assert text(tree, f"{reference}/ram:FormattedIssueDateTime/*") == "20250301"
    # BR-CO-25: what is owed back is explained even without a due date.
    terms = text(tree, "//ram:SpecifiedTradePaymentTerms/ram:Description")
    assert "1.151,09 €" in " ".join(terms.split())
    assert tree.xpath("//ram:SpecifiedTradeSettlementPaymentMeans", namespaces=NS) == []


def test_credit_note_line_with_its_sign_on_the_quantity_stays_positive_priced() -> None:
    doc = credit_note()
    flipped = tuple(
        dataclasses.replace(line, quantity=-line.quantity, unit_price_minor=-line.unit_price_minor)
        for line in doc.lines
    )
    tree = parse(cii_xml(dataclasses.replace(doc, lines=flipped)))

    assert texts(tree, "//ram:BilledQuantity") == ["7.5", "3"]
    assert texts(tree, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["120.00", "24.95"]


def test_hourly_lines_use_the_hour_unit_and_their_service_dates() -> None:
    tree = parse(cii_xml(hourly_invoice()))

    units = [node.get("unitCode") for node in tree.xpath("//ram:BilledQuantity", namespaces=NS)]
    assert units == ["HUR", "HUR"]
    assert texts(tree, "//ram:BilledQuantity") == ["2.25", "0.75"]
    line_period = "//ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod"
    assert texts(tree, f"{line_period}/ram:StartDateTime/*") == ["20250210", "20250211"]
    # No invoice period given: the latest service date is the delivery date (BT-72).
    assert text(tree, "//ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/*") == (
        "20250211"
    )


def test_zero_rate_line_is_category_z() -> None:
    tree = parse(cii_xml(zero_rate_invoice()))

    categories = texts(
        tree, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode"
    )
    assert categories == ["S", "Z"]
    zero = f"{SETTLEMENT}/ram:ApplicableTradeTax[ram:CategoryCode='Z']"
    assert text(tree, f"{zero}/ram:CalculatedAmount") == "0.00"
    assert text(tree, f"{zero}/ram:BasisAmount") == "758.00"


def test_french_parties_carry_siret_scheme_and_french_vat_numbers() -> None:
    tree = parse(cii_xml(french_invoice()))

    legal = "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID"
    assert text(tree, legal) == "73282932000074"
    assert tree.xpath(legal, namespaces=NS)[0].get("schemeID") == "0009"
    assert text(tree, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == (
        "FR61954506077"
    )
    assert texts(tree, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent") == [
        "5.50",
        "20.00",
    ]


def test_reverse_charge_carries_exemption_reason_and_both_vat_numbers() -> None:
    tree = parse(cii_xml(reverse_charge_invoice()))

    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert text(tree, f"{tax}/ram:CategoryCode") == "AE"
    assert text(tree, f"{tax}/ram:ExemptionReasonCode") == "VATEX-EU-AE"
    assert "Reverse charge" in text(tree, f"{tax}/ram:ExemptionReason")


def test_quotes_have_no_e_invoice() -> None:
    with pytest.raises(EInvoiceNotApplicable):
        cii_xml(simple_invoice(kind="quote"))


def test_missing_business_terms_are_listed() -> None:
    bare = PartyDetails(name="Nobody")
    doc = simple_invoice(number=None, seller=bare, buyer=bare, due_date=None)

    with pytest.raises(EInvoiceIncomplete) as caught:
        cii_xml(doc)

    assert set(caught.value.missing) == {"BT-1", "BT-31", "BT-40", "BT-55", "BT-9"}
    assert "BT-1" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_reverse_charge_needs_the_buyer_vat_number() -> None:
    doc = reverse_charge_invoice()
    no_vat = dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, vat_number=None))

    with pytest.raises(EInvoiceIncomplete) as caught:
        cii_xml(no_vat)

    assert set(caught.value.missing) == {"BT-48"}


def test_credit_note_without_its_original_is_incomplete() -> None:
    with pytest.raises(EInvoiceIncomplete) as caught:
        cii_xml(credit_note(preceding_invoice_number=None))

    assert "BT-25" in caught.value.missing


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"subtotal_minor": 1}, "BR-CO-10"),
        ({"tax_minor": 1}, "BR-CO-14"),
        ({"total_minor": 1}, "BR-CO-15"),
    ],
)
def test_inconsistent_snapshots_are_refused(change: dict[str, int], rule: str) -> None:
    doc = multi_rate_invoice()
    broken = dataclasses.replace(
        doc, **{key: getattr(doc, key) + delta for key, delta in change.items()}
    )

    with pytest.raises(EInvoiceInconsistent, match=rule):
        cii_xml(broken)


def test_a_rate_without_breakdown_is_refused() -> None:
    doc = multi_rate_invoice()
    with pytest.raises(EInvoiceInconsistent, match="BR-CO-18"):
        cii_xml(dataclasses.replace(doc, tax_lines=doc.tax_lines[1:]))


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile"):
        cii_xml(simple_invoice(), "MINIMUM")


def test_same_snapshot_gives_the_same_xml() -> None:
    assert cii_xml(multi_rate_invoice()) == cii_xml(multi_rate_invoice())


def test_validate_cii_rejects_schema_errors() -> None:
    tree = parse(cii_xml(simple_invoice()))
    header = tree.xpath("//rsm:ExchangedDocument", namespaces=NS)[0]
    header.remove(header.xpath("ram:TypeCode", namespaces=NS)[0])  # BT-3 is mandatory

    with pytest.raises(EInvoiceSchemaError) as caught:
        validate_cii(etree.tostring(tree))

    assert any("TypeCode" in error for error in caught.value.errors)


def test_validate_cii_rejects_malformed_xml() -> None:
    with pytest.raises(EInvoiceSchemaError, match="well-formed"):
        validate_cii(b"<rsm:CrossIndustryInvoice")


def test_validate_cii_refuses_doctypes_and_never_resolves_entities(tmp_path: Any) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    xml = (
        cii_xml(simple_invoice())
        .replace(
            b"<?xml version='1.0' encoding='UTF-8'?>",
            f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'.encode(),
        )
        .replace(b"RE-2025-0042</ram:ID>", b"&s;</ram:ID>", 1)
    )

    with pytest.raises(EInvoiceSchemaError, match="DOCTYPE") as caught:
        validate_cii(xml)

    assert "top secret" not in str(caught.value)
