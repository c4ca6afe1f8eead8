"""Factur-X / ZUGFeRD hybrid PDF: the embedded XML, PDF/A-3 metadata, stable bytes."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from facturx import get_level, get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from resolvers.invoicing.rendering import (
    EInvoiceIncomplete,
    InvoiceDocument,
    cii_xml,
    factur_x_pdf,
    validate_cii,
)
from tests.resolvers.invoicing.rendering.samples import (
    credit_note,
    french_invoice,
    multi_rate_invoice,
    simple_invoice,
)
from tests.resolvers.invoicing.rendering.test_pdf import pdf_text


@pytest.mark.parametrize("sample", [multi_rate_invoice, french_invoice, credit_note])
def test_embedded_xml_is_the_en16931_cii_of_the_same_invoice(
    sample: Callable[[], InvoiceDocument],
) -> None:
    doc = sample()
    pdf = factur_x_pdf(doc)

    filename, xml = get_xml_from_pdf(pdf, check_xsd=True)

    assert filename == "factur-x.xml"
    assert xml == cii_xml(doc)
    validate_cii(xml)
    assert get_level(etree.fromstring(xml)) == "en16931"


def test_the_pdf_still_reads_as_the_invoice() -> None:
    text = pdf_text(factur_x_pdf(multi_rate_invoice()))

    assert "Rechnung RE-2025-0042" in text
    assert "Gesamtbetrag 1.407,76 €" in text


def test_pdfa3_and_factur_x_metadata_with_the_issue_date() -> None:
    reader = PdfReader(BytesIO(factur_x_pdf(multi_rate_invoice())))

    root: Any = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp
    assert re.findall(r"<xmp:\w+Date>([^<]+)<", xmp) == ["2025-03-01T00:00:00+00:00"] * 2
    info = reader.metadata
    assert info is not None
    assert str(info["/CreationDate"]) == str(info["/ModDate"]) == "D:20250301000000+00'00'"
    assert str(info["/Producer"]) in xmp  # PDF/A: document info and XMP agree
    assert "/Keywords" not in info
    assert root["/AF"][0].get_object()["/AFRelationship"] == "/Data"
    assert "/OutputIntents" in root


def test_same_invoice_gives_the_same_bytes_even_seconds_apart() -> None:
    first = factur_x_pdf(simple_invoice())
    time.sleep(1.1)  # factur-x stamps the current second: it must not leak through
    second = factur_x_pdf(simple_invoice())

    assert first == second


def test_drafts_cannot_become_factur_x() -> None:
    with pytest.raises(EInvoiceIncomplete) as caught:
        factur_x_pdf(simple_invoice(number=None))

    assert "BT-1" in caught.value.missing
