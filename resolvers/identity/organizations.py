"""Organizations: creation with default roles, partner provisioning, lookup."""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ApiKey,
    ApiKeyKind,
    Membership,
    MembershipRole,
    Mode,
    Organization,
    Role,
    User,
)
from resolvers.accounting.chart import seed_chart
from resolvers.errors import Conflict, Forbidden, NotFound
from resolvers.geography.seed import seed_countries
from resolvers.identity.actor import Actor, ActorKind, require_actor
from resolvers.identity.permissions import DEFAULT_ROLES, SUPER_ADMIN
from resolvers.identity.secrets import NewKey, new_prefixed_key
from resolvers.validation import FieldErrors


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "org"


async def _free_slug(session: AsyncSession, name: str) -> str:
    base = slugify(name)
    slug = base
    while await session.scalar(select(Organization.id).where(Organization.slug == slug)):
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


async def create_organization(
    session: AsyncSession,
    *,
    name: str,
    mode: Mode = Mode.LIVE,
    siret: str | None = None,
    partner_id: uuid.UUID | None = None,
    external_ref: str | None = None,
    slug: str | None = None,
) -> Organization:
    """A new organization with the default roles (super_admin, admin, viewer), countries and
    chart of accounts."""
    org = Organization(
        name=name,
        slug=slug or await _free_slug(session, name),
        mode=mode,
        siret=siret,
        partner_id=partner_id,
        external_ref=external_ref,
    )
    session.add(org)
    await session.flush()
    for role_name, (description, permissions) in DEFAULT_ROLES.items():
        session.add(
            Role(
                organization_id=org.id,
                name=role_name,
                description=description,
                permissions=list(permissions),
            )
        )
    await session.flush()
    await seed_countries(session, org.id)
    await seed_chart(session, org.id)
    return org


async def add_member(
    session: AsyncSession, organization_id: uuid.UUID, user_id: uuid.UUID, role_name: str
) -> Membership:
    role_id = await session.scalar(
        select(Role.id).where(Role.organization_id == organization_id, Role.name == role_name)
    )
    if role_id is None:
        raise NotFound(f"role {role_name} not found")
    return await add_membership(session, organization_id, user_id, [role_id])


async def add_membership(
    session: AsyncSession,
    organization_id: uuid.UUID,
    user_id: uuid.UUID,
    role_ids: Sequence[uuid.UUID],
) -> Membership:
    """The user joins the organization with these roles (ids of the organization's roles)."""
    membership = Membership(organization_id=organization_id, user_id=user_id)
    session.add(membership)
    await session.flush()
    for role_id in dict.fromkeys(role_ids):
        session.add(
            MembershipRole(
                organization_id=organization_id, membership_id=membership.id, role_id=role_id
            )
        )
    await session.flush()
    return membership


async def issue_organization_key(
    session: AsyncSession, org: Organization, name: str = "default"
) -> tuple[ApiKey, NewKey]:
    new_key = new_prefixed_key(ApiKeyKind.ORGANIZATION, org.mode)
    key = ApiKey(
        kind=ApiKeyKind.ORGANIZATION,
        mode=org.mode,
        name=name,
        preview=new_key.preview,
        secret_hash=new_key.secret_hash,
        organization_id=org.id,
        partner_id=org.partner_id,
    )
    session.add(key)
    await session.flush()
    return key, new_key


@dataclass(frozen=True)
class ProvisionInput:
    name: str
    owner_email: str
    owner_name: str | None = None
    siret: str | None = None
    external_ref: str | None = None


@dataclass(frozen=True)
class Provisioned:
    organization: Organization
    api_key: ApiKey
    raw_key: NewKey


async def provision_organization(
    session: AsyncSession, actor: Actor | None, data: ProvisionInput
) -> Provisioned:
    """A partner creates an organization (in its key's mode), its owner and its first key."""
    partner = require_actor(actor)
    if partner.kind is not ActorKind.PARTNER_KEY or partner.partner_id is None:
        raise Forbidden("only a partner master key can provision organizations")
    assert partner.mode is not None
    errors = FieldErrors()
    name = errors.required("name", data.name)
    owner_email = errors.email("ownerEmail", data.owner_email)
    siret = errors.siret("siret", data.siret)
    owner_name = errors.text("ownerName", data.owner_name) or ""
    external_ref = errors.text("externalRef", data.external_ref) or None
    errors.raise_if_any()
    if external_ref and await session.scalar(
        select(Organization.id).where(
            Organization.partner_id == partner.partner_id,
            Organization.mode == partner.mode,
            Organization.external_ref == external_ref,
        )
    ):
        raise Conflict("an organization with this externalRef already exists")
    try:
        async with session.begin_nested():
            org = await create_organization(
                session,
                name=name,
                mode=partner.mode,
                siret=siret,
                partner_id=partner.partner_id,
                external_ref=external_ref,
            )
    except IntegrityError as exc:  # a concurrent provisioning won the race
        raise Conflict("an organization with this externalRef already exists") from exc
    owner = await session.scalar(select(User).where(User.email == owner_email))
    if owner is None:
        owner = User(email=owner_email, name=owner_name, active=True)
        session.add(owner)
        await session.flush()
    await add_member(session, org.id, owner.id, SUPER_ADMIN)
    key, raw = await issue_organization_key(session, org)
    return Provisioned(org, key, raw)


async def get_organization(
    session: AsyncSession, actor: Actor | None, organization_id: uuid.UUID | None
) -> Organization:
    """The actor's organization, or one it may see; NOT_FOUND for anything else."""
    caller = require_actor(actor)
    target = organization_id or caller.organization_id
    if target is None:
        raise NotFound("organization not found")
    org = await session.get(Organization, target)
    if org is None or not _may_see(caller, org):
        raise NotFound("organization not found")
    return org


def _may_see(actor: Actor, org: Organization) -> bool:
    if actor.kind is ActorKind.PARTNER_KEY:
        return org.partner_id == actor.partner_id and org.mode == actor.mode
    return org.id == actor.organization_id
