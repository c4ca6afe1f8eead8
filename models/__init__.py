"""ORM classes, one module per domain. Importing this package registers them all."""

from models.base import Base
from models.credentials import ApiKey, ApiKeyKind, BrowserSession, RefreshToken
from models.customers import Customer, CustomerStatus, EInvoiceFormat, PositionMode
from models.events import Event
from models.files import StoredFile
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
from models.messenger import (
    Conversation,
    ConversationKind,
    ConversationMember,
    Message,
    MessageAttachment,
)
from models.notifications import Notification, NotificationPreferences
from models.parties import Party, PartyKind, PartyStatus
from models.persisted_documents import PersistedDocument
from models.tenancy import UNSCOPED, TenancyError, TenantMixin

__all__ = [
    "UNSCOPED",
    "ApiKey",
    "ApiKeyKind",
    "Base",
    "BrowserSession",
    "Cadence",
    "Conversation",
    "ConversationKind",
    "ConversationMember",
    "Country",
    "Customer",
    "CustomerStatus",
    "DocumentKind",
    "DocumentStatus",
    "EInvoiceFormat",
    "Event",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceLine",
    "LineMode",
    "Membership",
    "MembershipRole",
    "Message",
    "MessageAttachment",
    "Mode",
    "Notification",
    "NotificationPreferences",
    "NumberCounter",
    "Organization",
    "Partner",
    "Party",
    "PartyKind",
    "PartyStatus",
    "Payment",
    "PersistedDocument",
    "PositionMode",
    "RefreshToken",
    "RenderedDocument",
    "Role",
    "StoredFile",
    "TenancyError",
    "TenantMixin",
    "User",
]
