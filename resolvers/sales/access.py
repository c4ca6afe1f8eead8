"""Who may read and change the catalog (`catalog:*`), stock (`inventory:*`) and orders
(`orders:*`): role permissions, and the same abilities on personal access tokens."""

from __future__ import annotations

import uuid

from resolvers.errors import Forbidden
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.identity.permissions import CATALOG, INVENTORY, ORDERS, READ, WRITE

__all__ = ["CATALOG", "INVENTORY", "ORDERS", "READ", "WRITE", "require"]


def require(actor: Actor | None, area: str, action: str) -> uuid.UUID:
    """The organization whose `area` the actor may `action`; FORBIDDEN otherwise."""
    permission = f"{area}:{action}"
    caller = require_permission(actor, permission)
    if not caller.has_ability(permission):
        raise Forbidden(f"this token lacks the {permission} ability")
    return require_organization(caller)
