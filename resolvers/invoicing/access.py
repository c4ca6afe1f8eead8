"""Who may read and change documents: `invoices:read|write` permissions, and the same
abilities on personal access tokens (vorgio)."""

from __future__ import annotations

import uuid

from resolvers.errors import Forbidden
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.identity.permissions import INVOICES, READ, WRITE

__all__ = ["READ", "WRITE", "require_invoices"]


def require_invoices(actor: Actor | None, action: str) -> uuid.UUID:
    """The organization whose documents the actor may `action`; FORBIDDEN otherwise."""
    permission = f"{INVOICES}:{action}"
    caller = require_permission(actor, permission)
    if not caller.has_ability(permission):
        raise Forbidden(f"this token lacks the {permission} ability")
    return require_organization(caller)
