"""XRechnung 3.0 in CII syntax: identifiers, the German mandatory terms, schema validity."""

from __future__ import annotations

import dataclasses

import pytest
from lxml import etree

from resolvers.invoicing.rendering import (
    EInvoiceIncomplete,
    EInvoiceNotApplicable,
    cii_xml,
    validate_cii,
    xrechnung_xml,
)
from tests.resolvers.invoicing.rendering.samples import (
    ALL_INVOICES,
    credit_note,
    multi_rate_invoice,
    simple_invoice,
    xrechnung_ready,
)
from tests.resolvers.invoicing.rendering.test_cii import NS, text, texts

GUIDELINE = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"


@pytest.mark.parametrize("name", sorted(ALL_INVOICES))
def test_every_sample_is_schema_valid_xrechnung(name: str) -> None:
    xml = xrechnung_xml(xrechnung_ready(ALL_INVOICES[name]()))

    validate_cii(xml)
    tree = etree.fromstring(xml)
    assert text(tree, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == GUIDELINE


def test_xrechnung_carries_leitweg_id_process_contact_and_electronic_addresses() -> None:
    tree = etree.fromstring(xrechnung_xml(xrechnung_ready(multi_rate_invoice())))

    assert text(tree, "//ram:BuyerReference") == "04011000-12345-34"
    assert text(tree, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    )
    contact = "//ram:SellerTradeParty/ram:DefinedTradeContact"
    assert text(tree, f"{contact}/ram:PersonName") == "Müller & Söhne Softwarehaus GmbH"
    assert text(tree, f"{contact}/ram:TelephoneUniversalCommunication/ram:CompleteNumber") == (
        "+49 30 1234567"
    )
    assert text(tree, f"{contact}/ram:EmailURIUniversalCommunication/ram:URIID") == (
        "rechnung@mueller-soehne.example"
    )
    addresses = tree.xpath("//ram:URIUniversalCommunication/ram:URIID", namespaces=NS)
    assert [(node.get("schemeID"), node.text) for node in addresses] == [
        ("EM", "rechnung@mueller-soehne.example"),
        ("EM", "einkauf@baeckerei-gross.example"),
    ]
    assert texts(tree, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == ["58"]


def test_deliver_to_address_is_complete_when_present() -> None:
    """BR-DE-10/11 (KoSIT schematron): a deliver-to address has city and post code."""
    tree = etree.fromstring(xrechnung_xml(xrechnung_ready(multi_rate_invoice())))

    ship_to = "//ram:ShipToTradeParty/ram:PostalTradeAddress"
    assert text(tree, f"{ship_to}/ram:CityName") == "Düsseldorf"
    assert text(tree, f"{ship_to}/ram:PostcodeCode") == "40212"
    assert text(tree, f"{ship_to}/ram:CountryID") == "DE"


def test_xrechnung_credit_note_is_381_and_keeps_payment_instructions() -> None:
    tree = etree.fromstring(xrechnung_xml(xrechnung_ready(credit_note())))

    assert text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == "RE-2025-0042"
    # BR-DE-1: payment instructions are mandatory; a refund has no account of ours to name.
    assert texts(tree, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == ["1"]


def test_missing_leitweg_id_is_reported_as_bt_10() -> None:
    with pytest.raises(EInvoiceIncomplete) as caught:
        xrechnung_xml(simple_invoice())

    assert set(caught.value.missing) == {"BT-10"}
    assert caught.value.format_name == "XRechnung"
    assert "BT-10" in str(caught.value) and "Leitweg" in str(caught.value)


def test_every_missing_german_term_is_listed_at_once() -> None:
    doc = xrechnung_ready(simple_invoice())
    seller = dataclasses.replace(doc.seller, email=None, phone=None, postal_code=None)
    buyer = dataclasses.replace(doc.buyer, email=None, city=None)

    with pytest.raises(EInvoiceIncomplete) as caught:
        xrechnung_xml(dataclasses.replace(doc, seller=seller, buyer=buyer, buyer_reference=None))

    assert set(caught.value.missing) == {
        "BT-10",
        "BT-34",
        "BT-38",
        "BT-42",
        "BT-43",
        "BT-49",
        "BT-52",
    }


def test_plain_en16931_does_not_need_the_german_terms() -> None:
    cii_xml(simple_invoice())  # no Leitweg-ID: fine outside XRechnung


def test_quotes_have_no_xrechnung() -> None:
    with pytest.raises(EInvoiceNotApplicable):
        xrechnung_xml(xrechnung_ready(simple_invoice(kind="quote")))
