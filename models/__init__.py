"""ORM classes, one module per domain. Importing this package registers them all."""

from models.accounting import Account, AccountType, JournalLine, JournalSource, JournalTransaction
from models.agreements import (
    Agreement,
    AgreementRenewal,
    AgreementStatus,
    AgreementTerms,
    AgreementType,
    DeliveryType,
    PaymentType,
    TermsKind,
)
from models.audit import AuditEntry
from models.base import Base
from models.catalog import CatalogCategory, CatalogItem, CatalogItemStatus
from models.checkouts import CheckoutIntent
from models.connections import ProviderConnection, ProviderWebhook
from models.credentials import ApiKey, ApiKeyKind, BrowserSession, RefreshToken
from models.customers import Customer, CustomerStatus, EInvoiceFormat, PositionMode
from models.events import Event
from models.files import StoredFile
from models.geography import Country
from models.idempotency import IdempotencyRecord
from models.identity import (
    Invitation,
    LoginThrottle,
    Membership,
    MembershipRole,
    Mode,
    Organization,
    Partner,
    Role,
    User,
)
from models.inventory import MovementKind, StockLevel, StockMovement, Warehouse
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
from models.mail import MailEvent, MailStatus
from models.messenger import (
    Conversation,
    ConversationKind,
    ConversationMember,
    Message,
    MessageAttachment,
)
from models.notifications import Notification, NotificationPreferences
from models.oauth import OAuthState, OAuthToken
from models.parties import Party, PartyKind, PartyStatus
from models.persisted_documents import PersistedDocument
from models.purchasing import ExpenseReport, ExpenseStatus, SupplierInvoice
from models.sales import SalesOrder, SalesOrderLine, SalesOrderStatus
from models.tenancy import UNSCOPED, TenancyError, TenantMixin
from models.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint

__all__ = [
    "UNSCOPED",
    "Account",
    "AccountType",
    "Agreement",
    "AgreementRenewal",
    "AgreementStatus",
    "AgreementTerms",
    "AgreementType",
    "ApiKey",
    "ApiKeyKind",
    "AuditEntry",
    "Base",
    "BrowserSession",
    "Cadence",
    "CatalogCategory",
    "CatalogItem",
    "CatalogItemStatus",
    "CheckoutIntent",
    "Conversation",
    "ConversationKind",
    "ConversationMember",
    "Country",
    "Customer",
    "CustomerStatus",
    "DeliveryStatus",
    "DeliveryType",
    "DocumentKind",
    "DocumentStatus",
    "EInvoiceFormat",
    "Event",
    "ExpenseReport",
    "ExpenseStatus",
    "IdempotencyRecord",
    "Invitation",
    "Invoice",
    "InvoiceLine",
    "JournalLine",
    "JournalSource",
    "JournalTransaction",
    "LineMode",
    "LoginThrottle",
    "MailEvent",
    "MailStatus",
    "Membership",
    "MembershipRole",
    "Message",
    "MessageAttachment",
    "Mode",
    "MovementKind",
    "Notification",
    "NotificationPreferences",
    "NumberCounter",
    "OAuthState",
    "OAuthToken",
    "Organization",
    "Partner",
    "Party",
    "PartyKind",
    "PartyStatus",
    "Payment",
    "PaymentType",
    "PersistedDocument",
    "PositionMode",
    "ProviderConnection",
    "ProviderWebhook",
    "RefreshToken",
    "RenderedDocument",
    "Role",
    "SalesOrder",
    "SalesOrderLine",
    "SalesOrderStatus",
    "StockLevel",
    "StockMovement",
    "StoredFile",
    "SupplierInvoice",
    "TenancyError",
    "TenantMixin",
    "TermsKind",
    "User",
    "Warehouse",
    "WebhookDelivery",
    "WebhookEndpoint",
]
