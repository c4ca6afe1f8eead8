"""Who may read and change documents: `invoices:read|write` permissions, and the same
abilities on personal access tokens (vorgio)."""

from __future__ import annotations

import uuid

from resolvers.errors import Forbidden
from resolvers.identity.actor import Actor, require_organization, require_permission

READ = "read"
WRITE = "write"


def require_invoices(actor: Actor | None, action: str) -> uuid.UUID:
    """The organization whose documents the actor may `action`; FORBIDDEN otherwise."""
    caller = require_permission(actor, f"invoices:{action}")
    if not caller.has_ability(f"invoices:{action}"):
        raise Forbidden(f"this token lacks the invoices:{action} ability")
    return require_organization(caller)
