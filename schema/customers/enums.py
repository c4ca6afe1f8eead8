"""Customer enums, exposed as the domain's own enums."""

from __future__ import annotations

import strawberry

from models import CustomerStatus as CustomerStatusModel
from models import EInvoiceFormat as EInvoiceFormatModel
from models import PositionMode as PositionModeModel
from resolvers.customers.inputs import CustomerSortField as CustomerSortFieldModel

CustomerStatus = strawberry.enum(
    CustomerStatusModel,
    name="CustomerStatus",
    description="Both statuses are listed; deleted are not.",
)
PositionMode = strawberry.enum(
    PositionModeModel, name="PositionMode", description="How an invoice position is priced."
)
EInvoiceFormat = strawberry.enum(
    EInvoiceFormatModel, name="EInvoiceFormat", description="Structured invoice format to send."
)
CustomerSortField = strawberry.enum(CustomerSortFieldModel, name="CustomerSortField")
