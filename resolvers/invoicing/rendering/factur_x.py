"""Factur-X / ZUGFeRD 2 hybrid invoices: the PDF/A-3 invoice with its CII XML embedded.

The embedding is done by the `factur-x` package (attachment, AF relationship, Factur-X XMP
extension schema). It stamps the current time into the file; a last pass replaces those
stamps with the issue date so the same invoice always gives the same bytes (ETag).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from io import BytesIO

from facturx import generate_from_binary
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from resolvers.invoicing.rendering.cii import cii_xml
from resolvers.invoicing.rendering.document import InvoiceDocument
from resolvers.invoicing.rendering.labels import document_title, labels_for
from resolvers.invoicing.rendering.pdf import render_pdf

_XMP_STAMP = re.compile(rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)[^<]*(</xmp:)")
_XMP_PRODUCER = re.compile(rb"<pdf:Producer>([^<]*)</pdf:Producer>")


def factur_x_pdf(doc: InvoiceDocument) -> bytes:
    """The invoice PDF carrying `factur-x.xml` at level EN 16931 (ZUGFeRD 2 COMFORT)."""
    xml = cii_xml(doc, "EN16931")  # checked and XSD-validated already
    labels = labels_for(doc.language)
    title = f"{document_title(labels, doc.kind, doc.preceding_invoice_number is not None)}"
    hybrid = generate_from_binary(
        render_pdf(doc),
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
        pdf_metadata={
            "author": doc.seller.name,
            "title": f"{doc.seller.name}: {title} {doc.number}",
            "subject": f"{title} {doc.number}",
        },
        lang=doc.language,
        # Uncompressed XMP: what PDF/A readers expect and what we rewrite below.
        xmp_compression=False,
    )
    return _freeze_timestamps(bytes(hybrid), datetime.combine(doc.issue_date, time(), UTC))


def _freeze_timestamps(pdf: bytes, moment: datetime) -> bytes:
    pdf_date = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    xmp_date = moment.strftime("%Y-%m-%dT%H:%M:%S+00:00").encode()
    writer = PdfWriter(clone_from=BytesIO(pdf))
    root = writer.root_object

    metadata = _stream(root["/Metadata"])
    xmp = _XMP_STAMP.sub(rb"\g<1>" + xmp_date + rb"\g<2>", metadata.get_data())
    metadata.set_data(xmp)

    names = _dict(_dict(root["/Names"])["/EmbeddedFiles"])["/Names"].get_object()
    assert isinstance(names, ArrayObject)
    for spec in names[1::2]:
        params = _dict(_stream(_dict(_dict(spec)["/EF"])["/F"])["/Params"])
        params[NameObject("/ModDate")] = TextStringObject(pdf_date)

    # PDF/A: the document info must say what the XMP says, and no more (no pdf:Keywords).
    producer = _XMP_PRODUCER.search(xmp)
    info = {key: value for key, value in (writer.metadata or {}).items() if key != "/Keywords"}
    info["/CreationDate"] = pdf_date
    info["/ModDate"] = pdf_date
    info["/Producer"] = producer.group(1).decode() if producer else ""
    writer.metadata = info
    # Embedded files with an AF relationship are PDF 1.7 (PDF/A-3); pypdf would write 1.3.
    writer.pdf_header = b"%PDF-1.7"
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _dict(value: PdfObject) -> DictionaryObject:
    resolved = value.get_object()
    assert isinstance(resolved, DictionaryObject)
    return resolved


def _stream(value: PdfObject) -> StreamObject:
    resolved = value.get_object()
    assert isinstance(resolved, StreamObject)
    return resolved
