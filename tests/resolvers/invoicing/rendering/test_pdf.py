"""The printable invoice: what a reader sees, page furniture, determinism, PDF/A markers."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from resolvers.invoicing.rendering import DocumentLine, InvoiceDocument, TaxLine, render_pdf
from tests.resolvers.invoicing.rendering.samples import (
    credit_note,
    french_invoice,
    half_away,
    hourly_invoice,
    multi_rate_invoice,
    reverse_charge_invoice,
    simple_invoice,
)


def pdf_text(pdf: bytes) -> str:
    """All pages' text with every kind of space folded to one plain space."""
    reader = PdfReader(BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def test_german_invoice_shows_parties_number_lines_vat_per_rate_and_totals() -> None:
    doc = multi_rate_invoice()
    text = pdf_text(render_pdf(doc))

    assert "Rechnung RE-2025-0042" in text
    for expected in (
        "Müller & Söhne Softwarehaus GmbH",
        "Bäckerei Groß KG",
        "Königsallee 1",
        "40212 Düsseldorf",
        "USt-IdNr. DE123456788",
        "Ihr Projekt E-Rechnung",
        "Sehr geehrte Damen und Herren,",
        "Vielen Dank für Ihren Auftrag!",
        "Fachbuch „Umsatzsteuer kompakt“",
        "7,5 Std.",
        "01.02.2025 \u2013 28.02.2025",  # en dash
        "Fällig am 15.03.2025",
    ):
        assert expected in text, expected
    # 7.5 h x 120.00 = 900.00 at 19 %; 3 x 24.95 + 12 x 19.99 = 314.73 at 7 %.
    assert "Zwischensumme (netto) 1.214,73 €" in text
    assert "USt. 7 % auf 314,73 € 22,03 €" in text
    assert "USt. 19 % auf 900,00 € 171,00 €" in text
    assert "Gesamtbetrag 1.407,76 €" in text
    assert "Bereits bezahlt -100,00 €" in text
    assert "Offener Betrag 1.307,76 €" in text
    assert "Bitte überweisen Sie 1.307,76 € bis zum 15.03.2025." in text
    assert "IBAN DE89 3704 0044 0532 0130 00" in text
    assert "BIC COBADEFFXXX" in text
    assert "Zahlbar innerhalb von 14 Tagen ohne Abzug." in text
    assert doc.total_minor == 140776  # the figures above are the snapshot's, not recomputed


def test_french_invoice_uses_french_labels_and_number_format() -> None:
    text = pdf_text(render_pdf(french_invoice()))

    assert "Facture F-2025-0007" in text
    assert "Total HT 2 089,00 €" in text
    assert "TVA 5,5 % sur 189,00 € 10,40 €" in text
    assert "TVA 20 % sur 1 900,00 € 380,00 €" in text
    assert "Total TTC 2 479,40 €" in text
    assert "SIRET 73282932000074" in text
    assert "Formation « Facturation électronique », 2 jours" in text


def test_english_reverse_charge_invoice_states_the_reverse_charge() -> None:
    text = pdf_text(render_pdf(reverse_charge_invoice()))

    assert "Invoice RE-2025-0042" in text
    assert "Reverse charge: VAT to be accounted for by the recipient." in text
    assert "FRANCE" in text  # a foreign buyer's country is printed in the address window
    assert "Your VAT ID FR61954506077" in text


def test_credit_note_is_titled_storno_and_references_the_original() -> None:
    text = pdf_text(render_pdf(credit_note()))

    assert "Stornorechnung RE-2025-0043" in text
    assert "Bezieht sich auf Rechnung RE-2025-0042 vom 01.03.2025" in text
    assert "Gesamtbetrag -1.151,09 €" in text
    assert "Der Betrag von 1.151,09 € wird Ihnen erstattet." in text
    assert "Bitte überweisen" not in text


def test_quote_has_its_own_title_validity_and_no_payment_request() -> None:
    quote = simple_invoice(kind="quote", number="AN-2025-0003", language="en")
    text = pdf_text(render_pdf(quote))

    assert "Quote AN-2025-0003" in text
    assert "Valid until 15 Mar 2025" in text
    assert "Please transfer" not in text


def test_draft_says_draft_prominently() -> None:
    text = pdf_text(render_pdf(simple_invoice(number=None)))

    assert "Rechnung \u2013 ENTWURF" in text
    assert text.count("ENTWURF") >= 3  # title, number field and the watermark


def test_hourly_lines_show_hours_and_service_dates() -> None:
    text = pdf_text(render_pdf(hourly_invoice(language="en")))

    assert "2.25 h" in text
    assert "10/02/2025" in text
    assert "Amount due" not in text  # nothing paid yet: no paid/due lines


def test_same_snapshot_gives_the_same_bytes() -> None:
    first = render_pdf(multi_rate_invoice())
    second = render_pdf(multi_rate_invoice())

    assert first == second
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_any_change_of_the_snapshot_changes_the_bytes() -> None:
    doc = multi_rate_invoice()
    changed = dataclasses.replace(doc, paid_minor=doc.paid_minor + 1)

    assert render_pdf(doc) != render_pdf(changed)


def test_creation_date_is_the_issue_date_and_pdfa_3b_is_declared() -> None:
    reader = PdfReader(BytesIO(render_pdf(simple_invoice(issue_date=date(2024, 12, 31)))))

    root: Any = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp
    assert b"<xmp:CreateDate>2024-12-31T00:00:00+00:00</xmp:CreateDate>" in xmp
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "/OutputIntents" in root  # sRGB profile, required by PDF/A


def test_fonts_are_embedded_and_cover_every_character() -> None:
    pdf = render_pdf(french_invoice())
    reader = PdfReader(BytesIO(pdf))

    page: Any = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
    assert "€" in pdf_text(pdf)


def test_single_page_invoice_has_no_page_numbers() -> None:
    pdf = render_pdf(simple_invoice())

    assert page_count(pdf) == 1
    assert "Seite" not in pdf_text(pdf)


def test_long_invoice_runs_over_pages_with_page_numbers_and_repeated_headings() -> None:
    base = hourly_invoice()
    lines = tuple(dataclasses.replace(base.lines[i % 2], position=i + 1) for i in range(60))
    doc = _with_lines(base, lines)
    pdf = render_pdf(doc)
    pages = page_count(pdf)
    reader = PdfReader(BytesIO(pdf))

    assert pages > 1
    for number in range(1, pages + 1):
        page_text = re.sub(r"\s+", " ", reader.pages[number - 1].extract_text())
        assert f"Seite {number} von {pages}" in page_text
        assert "Beschreibung" in page_text  # table headings repeat on every page
    assert "Gesamtbetrag" in pdf_text(pdf)


@pytest.mark.parametrize("words", [40, 600])
def test_long_descriptions_wrap_and_never_break_the_layout(words: int) -> None:
    description = " ".join(f"Arbeitsschritt{n}" for n in range(words))
    base = simple_invoice()
    doc = _with_lines(base, (dataclasses.replace(base.lines[0], description=description),))
    text = pdf_text(render_pdf(doc))

    assert "Arbeitsschritt0" in text
    assert f"Arbeitsschritt{words - 1}" in text
    assert "Gesamtbetrag 2.975,00 €" in text


def _with_lines(doc: InvoiceDocument, lines: tuple[DocumentLine, ...]) -> InvoiceDocument:
    """Same single-rate document, other lines; totals follow so the snapshot stays consistent."""
    subtotal = sum(line.net_minor for line in lines)
    rate = doc.tax_lines[0].rate
    tax = half_away(subtotal * rate / 100)
    return dataclasses.replace(
        doc,
        lines=lines,
        tax_lines=(TaxLine(rate=rate, base_minor=subtotal, tax_minor=tax),),
        subtotal_minor=subtotal,
        tax_minor=tax,
        total_minor=subtotal + tax,
    )
