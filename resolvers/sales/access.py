"""Who may read and change the catalog (`catalog:*`), stock (`inventory:*`) and orders
(`orders:*`): role permissions, and the same abilities on personal access tokens."""

from __future__ import annotations

import uuid

from resolvers.identity.actor import Actor, require_access, require_organization
from resolvers.identity.permissions import CATALOG, INVENTORY, ORDERS, READ, WRITE

__all__ = ["CATALOG", "INVENTORY", "ORDERS", "READ", "WRITE", "require"]


def require(actor: Actor | None, area: str, action: str) -> uuid.UUID:
    """The organization whose `area` the actor may `action`; FORBIDDEN otherwise."""
    permission = f"{area}:{action}"
    return require_organization(require_access(actor, permission))
