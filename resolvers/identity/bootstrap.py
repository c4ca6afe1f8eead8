"""First-run credentials for operators: a partner, an organization, an admin, keys and a token."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiKey, Membership, Mode, Organization, User
from resolvers.identity.actor import Actor, ActorKind
from resolvers.identity.api_keys import (
    create_personal_access_token,
    ensure_partner,
    issue_partner_key,
)
from resolvers.identity.organizations import add_member, create_organization, issue_organization_key
from resolvers.identity.permissions import DEFAULT_ROLES, SUPER_ADMIN, TOKEN_ABILITIES
from resolvers.identity.revocation import actors_changed
from resolvers.identity.secrets import hash_password, now

BOOTSTRAP_KEY_NAME = "bootstrap"


@dataclass
class Bootstrapped:
    partner: dict[str, Any]
    organization: dict[str, Any]
    admin: dict[str, Any]
    keys: dict[str, str] = field(default_factory=dict)


async def bootstrap(
    session: AsyncSession,
    *,
    partner_name: str = "Comptoir",
    organization_name: str = "Demo",
    organization_slug: str = "demo",
    admin_email: str = "admin@comptoir.local",
    admin_password: str | None = None,
) -> Bootstrapped:
    """Idempotent for the entities; credentials are re-issued on every run.

    Only hashes are stored, so a second run cannot show the first run's secrets: it revokes
    the previous bootstrap keys and prints fresh ones, and resets the admin password.
    """
    partner = await ensure_partner(session, partner_name)
    org = await session.scalar(select(Organization).where(Organization.slug == organization_slug))
    if org is None:
        org = await create_organization(
            session,
            name=organization_name,
            slug=organization_slug,
            mode=Mode.LIVE,
            partner_id=partner.id,
            external_ref=BOOTSTRAP_KEY_NAME,
        )
    await session.execute(
        update(ApiKey)
        .where(ApiKey.name == BOOTSTRAP_KEY_NAME, ApiKey.revoked_at.is_(None))
        .where((ApiKey.partner_id == partner.id) | (ApiKey.organization_id == org.id))
        .values(revoked_at=now())
    )
    password = admin_password or secrets.token_urlsafe(12)
    admin = await session.scalar(select(User).where(User.email == admin_email))
    if admin is None:
        admin = User(email=admin_email, name="Admin User", active=True)
        session.add(admin)
    admin.password_hash = hash_password(password)
    admin.active = True
    await session.flush()
    # Keys were revoked and a password reset: an operator's rare act, so drop every cached actor.
    await actors_changed(session, everything=True)
    if not await session.scalar(
        select(Membership.id).where(
            Membership.organization_id == org.id, Membership.user_id == admin.id
        )
    ):
        await add_member(session, org.id, admin.id, SUPER_ADMIN)
    keys: dict[str, str] = {}
    for mode in Mode:
        created = await issue_partner_key(session, partner, mode, name=BOOTSTRAP_KEY_NAME)
        keys[f"partner_{mode.value}"] = created.raw.raw
    _, org_key = await issue_organization_key(session, org, name=BOOTSTRAP_KEY_NAME)
    keys["organization"] = org_key.raw
    admin_actor = Actor(
        kind=ActorKind.USER,
        mode=org.mode,
        user_id=admin.id,
        organization_id=org.id,
        roles=(SUPER_ADMIN,),
        permissions=frozenset(DEFAULT_ROLES[SUPER_ADMIN][1]),
    )
    token = await create_personal_access_token(
        session, admin_actor, BOOTSTRAP_KEY_NAME, sorted(TOKEN_ABILITIES)
    )
    keys["personal_access_token"] = token.raw.raw
    return Bootstrapped(
        partner={"id": str(partner.id), "name": partner.name},
        organization={
            "id": str(org.id),
            "slug": org.slug,
            "name": org.name,
            "mode": org.mode.value,
        },
        admin={"email": admin.email, "password": password},
        keys=keys,
    )
