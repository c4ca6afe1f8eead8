"""Who may read the books and post to them: `accounting:read|write` (and, on personal access
tokens, the same abilities)."""

from __future__ import annotations

import uuid

from resolvers.errors import Forbidden
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.identity.permissions import ACCOUNTING, READ, WRITE

__all__ = ["READ", "WRITE", "require_accounting"]


def require_accounting(actor: Actor | None, action: str) -> uuid.UUID:
    """The organization whose books the actor may `action`; FORBIDDEN otherwise."""
    permission = f"{ACCOUNTING}:{action}"
    caller = require_permission(actor, permission)
    if not caller.has_ability(permission):
        raise Forbidden(f"this token lacks the {permission} ability")
    return require_organization(caller)
