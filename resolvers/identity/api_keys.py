"""API keys: partner master keys, per-organization keys, personal access tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiKey, ApiKeyKind, Mode, Organization, Partner
from models.base import new_id
from resolvers.audit.trail import record
from resolvers.errors import BadUserInput, Forbidden, NotFound
from resolvers.identity.actor import Actor, ActorKind, require_organization, require_permission
from resolvers.identity.organizations import issue_organization_key
from resolvers.identity.permissions import KNOWN_ABILITIES, is_valid_permission
from resolvers.identity.revocation import actors_changed
from resolvers.identity.secrets import NewKey, new_personal_token, new_prefixed_key, now
from resolvers.pagination import Page, PageRequest, paginate
from resolvers.validation import FieldErrors


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    raw: NewKey


async def ensure_partner(session: AsyncSession, name: str) -> Partner:
    partner = await session.scalar(select(Partner).where(Partner.name == name))
    if partner is None:
        partner = Partner(name=name)
        session.add(partner)
        await session.flush()
    return partner


async def issue_partner_key(
    session: AsyncSession, partner: Partner, mode: Mode, name: str = "master"
) -> CreatedKey:
    raw = new_prefixed_key(ApiKeyKind.PARTNER, mode)
    key = ApiKey(
        kind=ApiKeyKind.PARTNER,
        mode=mode,
        name=name,
        preview=raw.preview,
        secret_hash=raw.secret_hash,
        partner_id=partner.id,
    )
    session.add(key)
    await session.flush()
    return CreatedKey(key, raw)


async def create_organization_key(
    session: AsyncSession, actor: Actor | None, name: str
) -> CreatedKey:
    caller = require_permission(actor, "api_keys:write")
    org = await session.get(Organization, require_organization(caller))
    assert org is not None
    errors = FieldErrors()
    key_name = errors.required("name", name)
    errors.raise_if_any()
    key, raw = await issue_organization_key(session, org, key_name)
    await record(session, caller, "api_key.created", "api_key", key.id)
    return CreatedKey(key, raw)


async def create_personal_access_token(
    session: AsyncSession,
    actor: Actor | None,
    name: str,
    abilities: list[str],
    expires_at: datetime | None = None,
) -> CreatedKey:
    """A token bound to the caller and their current organization (vorgio's "team")."""
    caller = require_permission(actor, "api_keys:write")
    if caller.kind is not ActorKind.USER or caller.user_id is None:
        raise Forbidden("personal access tokens are created by a logged-in user")
    org_id = require_organization(caller)
    errors = FieldErrors()
    token_name = errors.required("name", name)
    errors.raise_if_any()
    unknown = [a for a in abilities if a not in KNOWN_ABILITIES or not is_valid_permission(a)]
    if unknown:
        raise BadUserInput(
            "unknown abilities", fields={"abilities": f"unknown: {', '.join(unknown)}"}
        )
    if expires_at is not None and expires_at <= now():
        raise BadUserInput("expiry is in the past", fields={"expiresAt": "must be in the future"})
    mode = caller.mode or Mode.LIVE
    key_id = new_id()
    raw = new_personal_token(key_id)
    key = ApiKey(
        id=key_id,
        kind=ApiKeyKind.PERSONAL,
        mode=mode,
        name=token_name,
        preview=raw.preview,
        secret_hash=raw.secret_hash,
        organization_id=org_id,
        user_id=caller.user_id,
        abilities=sorted(set(abilities)),
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    await record(session, caller, "api_key.created", "api_key", key.id)
    return CreatedKey(key, raw)


async def revoke_api_key(session: AsyncSession, actor: Actor | None, key_id: uuid.UUID) -> ApiKey:
    """Revoke a key of the caller's organization (or, for a user, one of their own tokens)."""
    caller = require_permission(actor, "api_keys:write")
    key = await session.get(ApiKey, key_id)
    visible = key is not None and (
        (caller.organization_id is not None and key.organization_id == caller.organization_id)
        # A partner manages its own keys of its key's mode only: test never reaches live.
        or (
            caller.partner_id is not None
            and key.partner_id == caller.partner_id
            and key.mode == caller.mode
        )
    )
    if key is None or not visible:
        raise NotFound("API key not found")
    if key.revoked_at is None:
        key.revoked_at = now()
        await session.flush()
        await actors_changed(session, keys=[key.id])
        await record(
            session,
            caller,
            "api_key.revoked",
            "api_key",
            key.id,
            organization_id=key.organization_id,
        )
    return key


async def list_api_keys(
    session: AsyncSession, actor: Actor | None, page: PageRequest
) -> Page[ApiKey]:
    caller = require_permission(actor, "api_keys:read")
    statement = (
        select(ApiKey)
        .where(ApiKey.organization_id == require_organization(caller))
        .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    )
    return await paginate(session, statement, page)
