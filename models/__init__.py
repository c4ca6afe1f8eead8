"""ORM classes, one module per domain. Importing this package registers them all."""

from models.base import Base
from models.credentials import ApiKey, ApiKeyKind, BrowserSession, RefreshToken
from models.idempotency import IdempotencyRecord
from models.identity import Membership, MembershipRole, Mode, Organization, Partner, Role, User
from models.tenancy import UNSCOPED, TenancyError, TenantMixin

__all__ = [
    "UNSCOPED",
    "ApiKey",
    "ApiKeyKind",
    "Base",
    "BrowserSession",
    "IdempotencyRecord",
    "Membership",
    "MembershipRole",
    "Mode",
    "Organization",
    "Partner",
    "RefreshToken",
    "Role",
    "TenancyError",
    "TenantMixin",
    "User",
]
