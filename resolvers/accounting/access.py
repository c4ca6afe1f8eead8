"""Who may read the books and post to them: `accounting:read|write` (and, on personal access
tokens, the same abilities)."""

from __future__ import annotations

import uuid

from resolvers.errors import Forbidden
from resolvers.identity.actor import Actor, require_organization, require_permission

READ = "read"
WRITE = "write"


def require_accounting(actor: Actor | None, action: str) -> uuid.UUID:
    """The organization whose books the actor may `action`; FORBIDDEN otherwise."""
    caller = require_permission(actor, f"accounting:{action}")
    if not caller.has_ability(f"accounting:{action}"):
        raise Forbidden(f"this token lacks the accounting:{action} ability")
    return require_organization(caller)
