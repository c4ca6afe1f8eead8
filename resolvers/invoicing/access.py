"""Who may read and change documents: `invoices:read|write` permissions, and the same
abilities on personal access tokens (vorgio)."""

from __future__ import annotations

import uuid

from resolvers.identity.actor import Actor, require_access, require_organization
from resolvers.identity.permissions import INVOICES, READ, WRITE

__all__ = ["READ", "WRITE", "require_invoices"]


def require_invoices(actor: Actor | None, action: str) -> uuid.UUID:
    """The organization whose documents the actor may `action`; FORBIDDEN otherwise."""
    permission = f"{INVOICES}:{action}"
    return require_organization(require_access(actor, permission))
