"""ORM classes, one module per domain. Importing this package registers them all."""

from models.base import Base
from models.credentials import ApiKey, ApiKeyKind, BrowserSession, RefreshToken
from models.customers import Customer, CustomerStatus, EInvoiceFormat, PositionMode
from models.geography import Country
from models.idempotency import IdempotencyRecord
from models.identity import Membership, MembershipRole, Mode, Organization, Partner, Role, User
from models.invoicing import (
    Cadence,
    DocumentKind,
    DocumentStatus,
    Invoice,
    InvoiceLine,
    LineMode,
    NumberCounter,
    Payment,
    RenderedDocument,
)
from models.parties import Party, PartyKind, PartyStatus
from models.tenancy import UNSCOPED, TenancyError, TenantMixin

__all__ = [
    "UNSCOPED",
    "ApiKey",
    "ApiKeyKind",
    "Base",
    "BrowserSession",
    "Cadence",
    "Country",
    "Customer",
    "CustomerStatus",
    "DocumentKind",
    "DocumentStatus",
    "EInvoiceFormat",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceLine",
    "LineMode",
    "Membership",
    "MembershipRole",
    "Mode",
    "NumberCounter",
    "Organization",
    "Partner",
    "Party",
    "PartyKind",
    "PartyStatus",
    "Payment",
    "PositionMode",
    "RefreshToken",
    "RenderedDocument",
    "Role",
    "TenancyError",
    "TenantMixin",
    "User",
]
