"""Who may read and change customers.

Roles grant `customers:read` / `customers:write`; a personal access token must also carry the
matching ability, which vorgio calls `clients:read` / `clients:write`.
"""

from __future__ import annotations

import uuid

from resolvers.identity.actor import Actor, require_access, require_organization

READ = "read"
WRITE = "write"


def require_customers(actor: Actor | None, action: str) -> uuid.UUID:
    """The organization whose customers the actor may `action`; FORBIDDEN otherwise."""
    return require_organization(require_access(actor, f"customers:{action}", f"clients:{action}"))
