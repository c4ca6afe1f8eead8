"""Who may read and change customers.

Roles grant `customers:read` / `customers:write`; a personal access token must also carry the
matching ability, which vorgio calls `clients:read` / `clients:write`.
"""

from __future__ import annotations

import uuid

from resolvers.errors import Forbidden
from resolvers.identity.actor import Actor, require_organization, require_permission

READ = "read"
WRITE = "write"


def require_customers(actor: Actor | None, action: str) -> uuid.UUID:
    """The organization whose customers the actor may `action`; FORBIDDEN otherwise."""
    caller = require_permission(actor, f"customers:{action}")
    if not caller.has_ability(f"clients:{action}"):
        raise Forbidden(f"this token lacks the clients:{action} ability")
    return require_organization(caller)
