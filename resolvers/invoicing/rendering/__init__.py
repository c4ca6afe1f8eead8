"""Invoice documents as files: the printable PDF, Factur-X/ZUGFeRD and XRechnung.

Pure functions over a frozen `InvoiceDocument` snapshot; no database, no I/O. Equal snapshots
give equal bytes, so a hash of the output can serve as ETag.
"""

from resolvers.invoicing.rendering.cii import cii_xml, xrechnung_xml
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
    EInvoiceSchemaError,
)
from resolvers.invoicing.rendering.factur_x import factur_x_pdf
from resolvers.invoicing.rendering.pdf import render_pdf
from resolvers.invoicing.rendering.validation import validate_cii

__all__ = [
    "DocumentLine",
    "EInvoiceError",
    "EInvoiceIncomplete",
    "EInvoiceInconsistent",
    "EInvoiceNotApplicable",
    "EInvoiceSchemaError",
    "InvoiceDocument",
    "PartyDetails",
    "TaxLine",
    "cii_xml",
    "factur_x_pdf",
    "render_pdf",
    "validate_cii",
    "xrechnung_xml",
]
