"""The actor: who is calling, on behalf of which organization, allowed to do what.

One authentication step per request builds it; GraphQL and every REST contract share it.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field

from models import Mode
from resolvers.errors import Forbidden, Unauthenticated
from resolvers.identity.permissions import allowed


class ActorKind(enum.StrEnum):
    USER = "user"  # a JWT access token or a session cookie
    PARTNER_KEY = "partner_key"
    ORGANIZATION_KEY = "organization_key"
    PERSONAL_TOKEN = "personal_token"


@dataclass(frozen=True)
class Credentials:
    """What a request presented, before anything is checked."""

    bearer: str | None = None
    session_cookie: str | None = None
    organization: str | None = None  # id or slug chosen by the caller (header)


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    mode: Mode | None = None
    user_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = field(default_factory=frozenset)
    abilities: frozenset[str] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return allowed(self.permissions, permission)

    def has_ability(self, ability: str) -> bool:
        return self.kind is not ActorKind.PERSONAL_TOKEN or allowed(self.abilities, ability)


def require_actor(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthenticated("authentication required")
    return actor


def require_organization(actor: Actor | None) -> uuid.UUID:
    """The organization the actor works in; partners must pick one per request."""
    org_id = require_actor(actor).organization_id
    if org_id is None:
        raise Forbidden("this credential must select an organization")
    return org_id


def require_permission(actor: Actor | None, permission: str) -> Actor:
    checked = require_actor(actor)
    if not checked.can(permission):
        raise Forbidden(f"missing permission {permission}")
    return checked


def require_ability(actor: Actor, ability: str) -> Actor:
    """The actor, unless it is a personal access token without `ability`: FORBIDDEN then."""
    if not actor.has_ability(ability):
        raise Forbidden(f"this token lacks the {ability} ability")
    return actor


def require_access(actor: Actor | None, permission: str, ability: str | None = None) -> Actor:
    """The actor's roles grant `permission`, then its token carries `ability` (by default the
    permission's own name: `invoices:read`); FORBIDDEN otherwise, naming what is missing."""
    return require_ability(require_permission(actor, permission), ability or permission)
