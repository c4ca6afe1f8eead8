"""Who may read and change agreements: roles grant `contracts:read` / `contracts:write`
(skeleton-crm names the resource after its `/contracts` routes)."""

from __future__ import annotations

import uuid

from resolvers.identity.actor import Actor, require_organization, require_permission

READ = "contracts:read"
WRITE = "contracts:write"


def require_agreements(actor: Actor | None, permission: str) -> uuid.UUID:
    """The organization whose agreements the actor may read or write; FORBIDDEN otherwise."""
    return require_organization(require_permission(actor, permission))
