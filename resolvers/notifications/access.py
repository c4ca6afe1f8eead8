"""Notifications are personal: the caller must be a user, working in an organization.

Reading, marking read and one's own preferences need `notifications:read` (viewers have it):
they only touch the caller's own data, like changing one's own password.
"""

from __future__ import annotations

import uuid

from resolvers.errors import Forbidden
from resolvers.identity.actor import Actor, require_organization, require_permission

PERMISSION = "notifications:read"


def require_recipient(actor: Actor | None) -> tuple[uuid.UUID, uuid.UUID]:
    """(organization id, user id) of the calling user; FORBIDDEN for keys and tokens of none."""
    caller = require_permission(actor, PERMISSION)
    organization_id = require_organization(caller)
    if caller.user_id is None:
        raise Forbidden("notifications belong to users; this credential has none")
    return organization_id, caller.user_id


def require_user(actor: Actor | None) -> uuid.UUID:
    """The calling user, for their preferences (shared by all their organizations)."""
    return require_recipient(actor)[1]
