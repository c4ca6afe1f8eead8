"""Who may read the books and post to them: `accounting:read|write` (and, on personal access
tokens, the same abilities)."""

from __future__ import annotations

import uuid

from resolvers.identity.actor import Actor, require_access, require_organization
from resolvers.identity.permissions import ACCOUNTING, READ, WRITE

__all__ = ["READ", "WRITE", "require_accounting"]


def require_accounting(actor: Actor | None, action: str) -> uuid.UUID:
    """The organization whose books the actor may `action`; FORBIDDEN otherwise."""
    permission = f"{ACCOUNTING}:{action}"
    return require_organization(require_access(actor, permission))
