"""Document enums, exposed as the domain's own enums."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import Cadence as CadenceModel
from models import DocumentKind as DocumentKindModel
from models import DocumentStatus as DocumentStatusModel
from models import LineMode as LineModeModel
from resolvers.invoicing.inputs import DocumentSortField as DocumentSortFieldModel
from resolvers.invoicing.inputs import QuoteConversion as QuoteConversionModel

DocumentKind = strawberry.enum(
    DocumentKindModel, name="DocumentKind", description="Invoice, credit note or quote."
)
DocumentStatus = strawberry.enum(
    DocumentStatusModel,
    name="DocumentStatus",
    description="Invoices: DRAFT → ISSUED → SENT → PAID, or CANCELLED. Quotes also end "
    "ACCEPTED, REFUSED or EXPIRED.",
)
LineMode = strawberry.enum(
    LineModeModel,
    name="LineMode",
    description="QUANTITY: quantity x unit price; HOURLY: hours x the customer's hourly rate; "
    "FIXED: an amount.",
)
Cadence = strawberry.enum(CadenceModel, name="Cadence", description="How often an invoice recurs.")
DocumentSortField = strawberry.enum(DocumentSortFieldModel, name="DocumentSortField")
QuoteConversion = strawberry.enum(
    QuoteConversionModel,
    name="QuoteConversion",
    description="DEPOSIT: a share of the quote; BALANCE: what remains after earlier deposits.",
)

# The kind guard of document queries and mutations: a document of another kind is NOT_FOUND.
KindGuard = Annotated[
    list[DocumentKind] | None,  # type: ignore[valid-type]
    strawberry.argument(
        description="Only a document of one of these kinds (default: any); another kind is "
        "NOT_FOUND, so a quote is never reached as an invoice nor the reverse."
    ),
]
