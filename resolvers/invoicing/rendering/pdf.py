"""An A4 invoice, credit note or quote as a PDF/A-3b file (fpdf2, embedded DejaVu Sans).

Output is deterministic: the creation date is the document's issue date, the file id is a
hash of the content and no random identifier is written, so equal snapshots give equal bytes
and an ETag can be the hash of the file.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from importlib import resources
from xml.sax.saxutils import escape

from fpdf import FPDF, FontFace
from fpdf import __version__ as fpdf_version
from fpdf.fonts import TTFFont
from fpdf.util import Padding
from stdnum import iban as stdnum_iban

from resolvers.invoicing.rendering.document import InvoiceDocument, PartyDetails
from resolvers.invoicing.rendering.formatting import (
    country_name,
    format_day,
    format_money,
    format_quantity,
    format_rate,
    format_short_day,
)
from resolvers.invoicing.rendering.labels import Labels, document_title, labels_for, unit_label

FONT = "DejaVu"
EN_DASH = "\u2013"
PRODUCER = f"Comptoir (fpdf2 {fpdf_version})"

# Layout in millimetres. The address window follows DIN 5008 form B (left 20, top 45) so the
# invoice fits a window envelope; the same positions suit French and British envelopes.
LEFT = 20.0
RIGHT = 15.0
PAGE_WIDTH = 210.0
CONTENT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
SIDE_X = 122.0  # seller details and document facts, right of the window
SIDE_WIDTH = PAGE_WIDTH - RIGHT - SIDE_X
WINDOW_Y = 45.0
BODY_Y = 95.0
BOTTOM_MARGIN = 28.0
LINE_HEIGHT = 4.4  # table text
CELL_PADDING = Padding(top=1.2, right=1.0, bottom=1.2, left=1.0)
ROW_LINES = 20  # wrapped lines per table row, well under a page

INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (200, 205, 210)
HEADING_FILL = (238, 241, 244)
DRAFT_RED = (200, 30, 45)
WATERMARK = (236, 236, 236)


def render_pdf(doc: InvoiceDocument) -> bytes:
    """The printable document; page numbers appear only when it runs over one page."""
    pdf = _build(doc, page_count=None)
    if pdf.pages_count > 1:
        # Page numbers need the total, known only after a first layout pass.
        pdf.close_fonts()
        pdf = _build(doc, page_count=pdf.pages_count)
    try:
        return bytes(pdf.output())
    finally:
        pdf.close_fonts()


def _build(doc: InvoiceDocument, page_count: int | None) -> _InvoicePdf:
    pdf = _InvoicePdf(doc, labels_for(doc.language), page_count)
    pdf.compose()
    return pdf


class _InvoicePdf(FPDF):
    def __init__(self, doc: InvoiceDocument, labels: Labels, page_count: int | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance="PDFA_3B")
        self.doc = doc
        self.labels = labels
        self.page_count = page_count
        self.title_text = document_title(labels, doc.kind, doc.preceding_invoice_number is not None)
        fonts = resources.files("resolvers.invoicing.rendering") / "fonts"
        with resources.as_file(fonts / "DejaVuSans.ttf") as regular:
            self.add_font(FONT, "", str(regular))
        with resources.as_file(fonts / "DejaVuSans-Bold.ttf") as bold:
            self.add_font(FONT, "B", str(bold))
        self.set_margins(LEFT, 15.0, RIGHT)
        self.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)
        self._set_metadata()

    def close_fonts(self) -> None:
        """fpdf2 reads font files lazily and keeps them open; release them once done."""
        for font in self.fonts.values():
            if isinstance(font, TTFFont):
                font.ttfont.close()

    # -- metadata -----------------------------------------------------------------------------

    def _set_metadata(self) -> None:
        doc = self.doc
        created = datetime.combine(doc.issue_date, time(0, 0), tzinfo=UTC)
        title = f"{self.title_text} {doc.number or self.labels.draft}"
        self.set_creation_date(created)
        self.set_title(title)
        self.set_author(doc.seller.name)
        self.set_creator("Comptoir")
        self.set_producer(PRODUCER)
        self.set_lang(doc.language)
        # Our own XMP packet: fpdf2's would stamp ModifyDate with the current time.
        stamp = created.isoformat(timespec="seconds")
        self.set_xmp_metadata(
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about=""'
            ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
            ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
            "<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
            "</rdf:Alt></dc:title>"
            f"<dc:creator><rdf:Seq><rdf:li>{escape(doc.seller.name)}</rdf:li></rdf:Seq>"
            "</dc:creator>"
            "<xmp:CreatorTool>Comptoir</xmp:CreatorTool>"
            f"<xmp:CreateDate>{stamp}</xmp:CreateDate>"
            f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate>"
            f"<pdf:Producer>{escape(PRODUCER)}</pdf:Producer>"
            "</rdf:Description></rdf:RDF></x:xmpmeta>"
        )

    # -- page furniture -----------------------------------------------------------------------

    def header(self) -> None:
        if self.doc.number is None:
            # Drawn first on every page so the content stays readable over it.
            self.set_font(FONT, "B", 96)
            self.set_text_color(*WATERMARK)
            width = self.get_string_width(self.labels.draft)
            with self.rotation(angle=40, x=PAGE_WIDTH / 2, y=160):
                self.text(PAGE_WIDTH / 2 - width / 2, 175, self.labels.draft)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-22)
        self.set_draw_color(*RULE)
        self.line(LEFT, self.get_y(), PAGE_WIDTH - RIGHT, self.get_y())
        self.ln(1.5)
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        self.multi_cell(CONTENT_WIDTH, 3.2, self._footer_text(), align="C")
        if self.page_count is not None:
            self.set_xy(LEFT, -10)
            page = self.labels.page.format(page=self.page_no(), pages=self.page_count)
            self.cell(CONTENT_WIDTH, 3.2, page, align="R")
        self.set_text_color(*INK)

    def _footer_text(self) -> str:
        seller = self.doc.seller
        parts = [seller.name, *_address_lines(seller)]
        if seller.vat_number:
            parts.append(f"{self.labels.vat_id} {seller.vat_number}")
        if seller.registration_id:
            parts.append(f"{_registration_label(seller, self.labels)} {seller.registration_id}")
        if self.doc.payment_iban:
            parts.append(f"IBAN {_format_iban(self.doc.payment_iban)}")
        if self.doc.payment_bic:
            parts.append(f"BIC {self.doc.payment_bic}")
        return " · ".join(parts)

    # -- body ---------------------------------------------------------------------------------

    def compose(self) -> None:
        self.add_page()
        self._seller_block()
        self._address_window()
        self._facts_block()
        self.set_y(max(BODY_Y, self.get_y() + 8))
        self._title()
        self._introduction()
        self._lines_table()
        self._totals()
        self._payment()
        self._closing_notes()

    def _seller_block(self) -> None:
        seller = self.doc.seller
        self.set_xy(LEFT, 15)
        self.set_font(FONT, "B", 15)
        self.multi_cell(SIDE_X - LEFT - 6, 7, seller.name, align="L")
        lines = [*_address_lines(seller)]
        if seller.country:
            lines.append(country_name(seller.country, self.doc.language))
        if seller.phone:
            lines.append(f"{self.labels.phone} {seller.phone}")
        if seller.email:
            lines.append(f"{self.labels.email} {seller.email}")
        if seller.vat_number:
            lines.append(f"{self.labels.vat_id} {seller.vat_number}")
        if seller.registration_id:
            lines.append(f"{_registration_label(seller, self.labels)} {seller.registration_id}")
        self.set_xy(SIDE_X, 15)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.multi_cell(SIDE_WIDTH, 3.6, "\n".join(lines), align="L")
        self.set_text_color(*INK)

    def _address_window(self) -> None:
        seller, buyer = self.doc.seller, self.doc.buyer
        self.set_xy(LEFT, WINDOW_Y)
        self.set_font(FONT, "", 6.5)
        self.set_text_color(*MUTED)
        sender = " · ".join([seller.name, *_address_lines(seller)])
        self.cell(85, 4, sender, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.set_font(FONT, "", 10)
        lines = [buyer.name, *_street_lines(buyer)]
        city = _city_line(buyer)
        if city:
            lines.append(city)
        if buyer.country and buyer.country.upper() != (seller.country or "").upper():
            lines.append(country_name(buyer.country, self.doc.language).upper())
        self.set_x(LEFT)
        self.multi_cell(85, 5, "\n".join(lines), align="L")

    def _facts_block(self) -> None:
        doc, labels = self.doc, self.labels
        facts: list[tuple[str, str]] = [
            (labels.number, doc.number or labels.draft),
            (labels.date, format_day(doc.issue_date, doc.language)),
        ]
        if doc.due_date is not None:
            due_label = labels.valid_until if doc.kind == "quote" else labels.due_date
            facts.append((due_label, format_day(doc.due_date, doc.language)))
        period = _period_text(doc)
        if period:
            facts.append((labels.service_period, period))
        if doc.buyer_reference:
            facts.append((labels.buyer_reference, doc.buyer_reference))
        if doc.buyer.vat_number:
            facts.append((labels.buyer_vat, doc.buyer.vat_number))
        top = WINDOW_Y + 5
        self.set_y(top)
        for label, value in facts:
            self.set_x(SIDE_X)
            self.set_font(FONT, "", 8.5)
            self.set_text_color(*MUTED)
            self.cell(29, 4.6, label)
            self.set_text_color(*INK)
            self.set_font(FONT, "B" if label == labels.number else "", 8.5)
            self.multi_cell(SIDE_WIDTH - 29, 4.6, value, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(self.get_y(), WINDOW_Y + 40))

    def _title(self) -> None:
        doc = self.doc
        self.set_font(FONT, "B", 17)
        self.cell(self.get_string_width(self.title_text) + 3, 9, self.title_text)
        if doc.number is None:
            self.set_text_color(*DRAFT_RED)
            self.cell(0, 9, f"{EN_DASH} {self.labels.draft}", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(*INK)
        else:
            self.cell(0, 9, doc.number, new_x="LMARGIN", new_y="NEXT")
        if doc.preceding_invoice_number:
            if doc.preceding_invoice_date:
                refers_to = self.labels.refers_to.format(
                    number=doc.preceding_invoice_number,
                    date=format_day(doc.preceding_invoice_date, doc.language),
                )
            else:
                refers_to = self.labels.refers_to_undated.format(
                    number=doc.preceding_invoice_number
                )
            self.set_font(FONT, "", 9)
            self.multi_cell(0, 5, refers_to, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def _introduction(self) -> None:
        doc = self.doc
        if doc.subject:
            self.set_font(FONT, "B", 10)
            self.multi_cell(0, 5, doc.subject, align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
        self.set_font(FONT, "", 9.5)
        for text in (doc.salutation, doc.description):
            if text:
                self.multi_cell(0, 4.8, text, align="L", new_x="LMARGIN", new_y="NEXT")
                self.ln(2)
        self.ln(1)

    def _lines_table(self) -> None:
        doc, labels = self.doc, self.labels
        dated = any(line.service_date for line in doc.lines)
        headings = [labels.position, labels.description]
        widths = [10.0, 0.0]  # the description takes what the other columns leave
        align = ["RIGHT", "LEFT"]
        if dated:
            headings.append(labels.service_date)
            widths.append(21.0)
            align.append("LEFT")
        headings += [labels.quantity, labels.unit_price, labels.vat, labels.amount]
        widths += [20.0, 23.0, 13.0, 24.0]
        align += ["RIGHT", "RIGHT", "RIGHT", "RIGHT"]
        widths[1] = CONTENT_WIDTH - sum(widths)
        self.set_font(FONT, "", 8.5)
        self.set_draw_color(*RULE)
        with self.table(
            col_widths=tuple(widths),
            width=CONTENT_WIDTH,
            align="LEFT",
            text_align=tuple(align),
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=LINE_HEIGHT,
            padding=CELL_PADDING,
            v_align="TOP",
            repeat_headings=1,
        ) as table:
            table.row(headings)
            for line in doc.lines:
                first, *rest = self._description_chunks(line.description, widths[1])
                row = table.row()
                row.cell(str(line.position))
                row.cell(first)
                if dated:
                    row.cell(
                        format_short_day(line.service_date, doc.language)
                        if line.service_date
                        else ""
                    )
                quantity = format_quantity(line.quantity, doc.language)
                row.cell(f"{quantity} {unit_label(labels, line.unit_code)}")
                row.cell(format_money(line.unit_price_minor, doc.currency, doc.language))
                row.cell(format_rate(line.vat_rate, doc.language))
                row.cell(format_money(line.net_minor, doc.currency, doc.language))
                for more in rest:
                    table.row(["", more] + [""] * (len(widths) - 2))
        self.ln(3)

    def _description_chunks(self, text: str, width: float) -> list[str]:
        """A description taller than a page goes on in continuation rows (a row cannot split)."""
        lines = self.multi_cell(
            width, LINE_HEIGHT, text, padding=CELL_PADDING, dry_run=True, output="LINES"
        )
        assert isinstance(lines, list)
        if len(lines) <= ROW_LINES:
            return [text]
        return ["\n".join(lines[i : i + ROW_LINES]) for i in range(0, len(lines), ROW_LINES)]

    def _totals(self) -> None:
        doc, labels = self.doc, self.labels
        rows: list[tuple[str, int, bool]] = [(labels.subtotal, doc.subtotal_minor, False)]
        for tax in doc.tax_lines:
            base = format_money(tax.base_minor, doc.currency, doc.language)
            label = labels.vat_on.format(rate=format_rate(tax.rate, doc.language), base=base)
            rows.append((label, tax.tax_minor, False))
        rows.append((labels.total, doc.total_minor, True))
        if doc.paid_minor:
            rows.append((labels.paid, -doc.paid_minor, False))
            rows.append((labels.amount_due, doc.due_minor, True))
        height = 5.5 * len(rows) + 4
        if self.will_page_break(height):
            self.add_page()
        label_x, label_width = 95.0, 62.0
        value_width = PAGE_WIDTH - RIGHT - label_x - label_width  # flush with the table
        for label, amount, strong in rows:
            if strong:
                self.set_draw_color(*INK)
                self.line(label_x, self.get_y(), PAGE_WIDTH - RIGHT, self.get_y())
                self.ln(0.8)
            self.set_font(FONT, "B" if strong else "", 10 if strong else 9)
            self.set_x(label_x)
            self.cell(label_width, 5.5, label)
            self.cell(
                value_width,
                5.5,
                format_money(amount, doc.currency, doc.language),
                align="R",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        self.ln(5)

    def _payment(self) -> None:
        doc, labels = self.doc, self.labels
        if doc.kind == "quote":
            return
        lines: list[str] = []
        due = doc.due_minor
        amount = format_money(abs(due), doc.currency, doc.language)
        if due > 0:
            if doc.due_date is not None:
                day = format_day(doc.due_date, doc.language)
                lines.append(labels.please_pay.format(amount=amount, date=day))
            else:
                lines.append(labels.please_pay_no_date.format(amount=amount))
        elif due < 0:
            lines.append(labels.refund.format(amount=amount))
        if doc.payment_terms:
            lines.append(doc.payment_terms)
        if due > 0 and doc.payment_iban:
            bank = f"{labels.bank_details}{labels.colon} IBAN {_format_iban(doc.payment_iban)}"
            if doc.payment_bic:
                bank += f" · BIC {doc.payment_bic}"
            lines.append(bank)
            if doc.number:
                lines.append(f"{labels.payment_reference}{labels.colon} {doc.number}")
        if lines:
            self.set_font(FONT, "", 9.5)
            self.multi_cell(0, 4.8, "\n".join(lines), align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

    def _closing_notes(self) -> None:
        doc, labels = self.doc, self.labels
        notes: list[str] = []
        categories = {tax.category for tax in doc.tax_lines}
        if "AE" in categories:
            notes.append(labels.reverse_charge)
        if "E" in categories:
            notes.append(labels.exempt)
        if doc.note:
            notes.append(doc.note)
        if notes:
            self.set_font(FONT, "", 9.5)
            self.multi_cell(0, 4.8, "\n\n".join(notes), align="L", new_x="LMARGIN", new_y="NEXT")


def _street_lines(party: PartyDetails) -> list[str]:
    return [text for text in (party.street, party.line2) if text]


def _city_line(party: PartyDetails) -> str:
    return " ".join(text for text in (party.postal_code, party.city) if text)


def _address_lines(party: PartyDetails) -> list[str]:
    city = _city_line(party)
    return [*_street_lines(party), *([city] if city else [])]


def _registration_label(party: PartyDetails, labels: Labels) -> str:
    if (party.country or "").upper() == "FR" and party.registration_id:
        digits = "".join(ch for ch in party.registration_id if ch.isdigit())
        if len(digits) == 14:
            return "SIRET"
        if len(digits) == 9:
            return "SIREN"
    return labels.registration


def _format_iban(value: str) -> str:
    return str(stdnum_iban.format(value))


def _period_text(doc: InvoiceDocument) -> str | None:
    start, end = doc.billing_period_start, doc.billing_period_end
    if start and end:
        return f"{format_day(start, doc.language)} {EN_DASH} {format_day(end, doc.language)}"
    single = start or end
    return format_day(single, doc.language) if single else None
