"""Users of the caller's organization: list, read, update, activate, deactivate.

Only members of the caller's organization are visible; any other id is NOT_FOUND.

One account (email, password, `active`) is shared by every organization it belongs to, so
changing it from one organization would change it for the others too. The changing use cases
therefore take a platform (cross-tenant) session, scope every statement to the caller's
organization explicitly, and refuse (FORBIDDEN) to change an account that also belongs to
another organization, unless the caller is that user editing their own profile. Nor may anyone
change a user who holds permissions they lack (an admin cannot touch a super_admin), or
deactivate themselves (an organization always keeps someone able to reactivate others).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any, Final, Literal

from sqlalchemy import Select, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from models import BrowserSession, Membership, RefreshToken, User
from resolvers.errors import Conflict, Forbidden, NotFound
from resolvers.identity.actor import Actor, require_organization
from resolvers.identity.memberships import membership_grant
from resolvers.identity.revocation import actors_changed
from resolvers.identity.roles import holds_all, require_team_permission
from resolvers.identity.secrets import now
from resolvers.pagination import Page, PageRequest, SortOrder, paginate
from resolvers.validation import FieldErrors, search_pattern

MAX_NAME = 200


class UserSort(enum.StrEnum):
    CREATED_AT = "created_at"
    EMAIL = "email"
    NAME = "name"


class Keep(enum.Enum):
    """A field left out of a partial update: the stored value stays."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


@dataclass(frozen=True)
class UserFilter:
    search: str | None = None  # a substring of the email or the name, case-insensitive
    active: bool | None = None


@dataclass(frozen=True)
class UserChanges:
    email: str | Literal[Keep.KEEP] | None = KEEP  # required: null is refused
    name: str | Literal[Keep.KEEP] | None = KEEP  # null clears it (empty name)


def _members(org_id: uuid.UUID) -> Select[User]:
    return (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == org_id)
    )


_SORT_COLUMNS: dict[UserSort, InstrumentedAttribute[Any]] = {
    UserSort.CREATED_AT: User.created_at,
    UserSort.EMAIL: User.email,
    UserSort.NAME: User.name,
}


async def list_users(
    session: AsyncSession,
    actor: Actor | None,
    filters: UserFilter,
    page: PageRequest,
    sort_by: UserSort = UserSort.CREATED_AT,
    order: SortOrder = SortOrder.ASC,
) -> Page[User]:
    caller = require_team_permission(actor, "users:read")
    statement = _members(require_organization(caller))
    pattern = search_pattern(filters.search)
    if pattern is not None:
        statement = statement.where(
            or_(User.email.ilike(pattern, escape="\\"), User.name.ilike(pattern, escape="\\"))
        )
    if filters.active is not None:
        statement = statement.where(User.active == filters.active)
    key = _SORT_COLUMNS[sort_by]
    if order is SortOrder.DESC:
        statement = statement.order_by(key.desc(), User.id.desc())
    else:
        statement = statement.order_by(key.asc(), User.id.asc())
    return await paginate(session, statement, page)


async def _member(
    session: AsyncSession, org_id: uuid.UUID, user_id: uuid.UUID, *, lock: bool = False
) -> User:
    statement = _members(org_id).where(User.id == user_id)
    if lock:  # serializes concurrent changes, so exactly one of two deactivations wins
        statement = statement.with_for_update(of=User)
    user = await session.scalar(statement)
    if user is None:
        raise NotFound("user not found")
    return user


async def get_user(session: AsyncSession, actor: Actor | None, user_id: uuid.UUID) -> User:
    caller = require_team_permission(actor, "users:read")
    return await _member(session, require_organization(caller), user_id)


async def _belongs_elsewhere(session: AsyncSession, user_id: uuid.UUID, org_id: uuid.UUID) -> bool:
    other = await session.scalar(
        select(Membership.id)
        .where(Membership.user_id == user_id, Membership.organization_id != org_id)
        .limit(1)
    )
    return other is not None


async def _changeable(
    session: AsyncSession, caller: Actor, org_id: uuid.UUID, user_id: uuid.UUID
) -> User:
    """The member `caller` may change (NOT_FOUND, FORBIDDEN otherwise); needs a platform session."""
    user = await _member(session, org_id, user_id, lock=True)
    if caller.user_id == user.id:
        return user
    grant = await membership_grant(session, user.id, org_id)
    if grant is not None and not holds_all(caller, grant.permissions):
        raise Forbidden("this user has permissions you do not hold")
    if await _belongs_elsewhere(session, user.id, org_id):
        raise Forbidden(
            "this account also belongs to other organizations; only its owner may change it"
        )
    return user


async def _reloaded(session: AsyncSession, user: User) -> User:
    """The database set `updated_at` on flush: read it now, while the session is open."""
    await session.refresh(user, ["updated_at"])
    return user


def _validated(changes: UserChanges) -> UserChanges:
    errors = FieldErrors()
    email: str | Literal[Keep.KEEP] | None = KEEP
    name: str | Literal[Keep.KEEP] | None = KEEP
    if changes.email is None:
        errors.add("email", "cannot be null")
    elif changes.email is not KEEP:
        email = errors.email("email", changes.email)
    if changes.name is not KEEP:
        name = (changes.name or "").strip()
        if len(name) > MAX_NAME:
            errors.add("name", f"must be at most {MAX_NAME} characters")
    errors.raise_if_any()
    return UserChanges(email=email, name=name)


def _email_taken() -> Conflict:
    return Conflict("a user with this email already exists", fields={"email": "already taken"})


async def update_user(
    session: AsyncSession, actor: Actor | None, user_id: uuid.UUID, changes: UserChanges
) -> User:
    """Partial update of a member's profile; the email stays unique across all users."""
    caller = require_team_permission(actor, "users:write")
    org_id = require_organization(caller)
    valid = _validated(changes)
    user = await _changeable(session, caller, org_id, user_id)
    if isinstance(valid.email, str) and valid.email != user.email:
        taken = await session.scalar(
            select(User.id).where(User.email == valid.email, User.id != user.id)
        )
        if taken is not None:
            raise _email_taken()
        user.email = valid.email
    if isinstance(valid.name, str):
        user.name = valid.name
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:  # a concurrent request took the email first
        raise _email_taken() from exc
    return await _reloaded(session, user)


async def activate_user(session: AsyncSession, actor: Actor | None, user_id: uuid.UUID) -> User:
    """Let a deactivated member log in again (CONFLICT when already active)."""
    caller = require_team_permission(actor, "users:write")
    user = await _changeable(session, caller, require_organization(caller), user_id)
    if user.active:
        raise Conflict("user is already active")
    user.active = True
    await session.flush()
    await actors_changed(session, users=[user.id])
    return await _reloaded(session, user)


async def deactivate_user(session: AsyncSession, actor: Actor | None, user_id: uuid.UUID) -> User:
    """Lock a member out: no login, and their tokens and sessions stop working at once."""
    caller = require_team_permission(actor, "users:write")
    org_id = require_organization(caller)
    if caller.user_id == user_id:
        raise Forbidden("you cannot deactivate your own account")
    user = await _changeable(session, caller, org_id, user_id)
    if not user.active:
        raise Conflict("user is already inactive")
    user.active = False
    # Ending the login sessions too means a later reactivation does not revive old tokens.
    revoked = now()
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=revoked)
    )
    await session.execute(
        update(BrowserSession)
        .where(BrowserSession.user_id == user.id, BrowserSession.revoked_at.is_(None))
        .values(revoked_at=revoked)
    )
    await session.flush()
    await actors_changed(session, users=[user.id])
    return await _reloaded(session, user)
