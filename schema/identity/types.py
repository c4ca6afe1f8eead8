"""Identity types: thin views over the ORM objects."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import strawberry

from models import ApiKey as ApiKeyModel
from models import ApiKeyKind as ApiKeyKindModel
from models import Membership as MembershipModel
from models import Mode
from models import Organization as OrganizationModel
from models import Role as RoleModel
from models import User as UserModel
from resolvers.errors import Forbidden
from resolvers.identity import api_keys as api_key_cases
from resolvers.identity import members as member_cases
from resolvers.identity.accounts import SignedIn
from resolvers.identity.actor import ActorKind as ActorKindModel
from schema.loaders import loaders
from schema.pagination import Connection, page_request

OrganizationMode = strawberry.enum(Mode, name="OrganizationMode")
ApiKeyKind = strawberry.enum(ApiKeyKindModel, name="ApiKeyKind")
ActorKind = strawberry.enum(ActorKindModel, name="ActorKind")

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def _require_selected(info: strawberry.Info, organization_id: str) -> None:
    """Lists under an organization come from the actor's organization: refuse them under another.

    A partner key may read several of its organizations, but acts in (and lists the rows of)
    only the one selected for the request.
    """
    if str(info.context.tenant) != organization_id:
        raise Forbidden("select this organization (X-Organization-Id) to list its contents")


@strawberry.type
class Role:
    """A named set of `resource:action` permissions (`*` wildcards) of one organization."""

    id: strawberry.ID
    name: str
    description: str
    permissions: list[str]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, role: RoleModel) -> Role:
        return cls(
            id=strawberry.ID(str(role.id)),
            name=role.name,
            description=role.description,
            permissions=list(role.permissions or []),
            created_at=role.created_at,
            updated_at=role.updated_at,
        )


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    name: str
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, user: UserModel) -> User:
        return cls(
            id=strawberry.ID(str(user.id)),
            email=user.email,
            name=user.name,
            active=user.active,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )

    @strawberry.field(
        description="The user's roles in the organization the request acts in (none without one)."
    )
    async def roles(self, info: strawberry.Info) -> list[Role]:
        ctx = info.context
        if ctx.tenant is None:
            return []
        found = await loaders(ctx.db, ctx.tenant).user_roles.load(uuid.UUID(self.id))
        return [Role.from_model(role) for role in found]


@strawberry.type
class Member:
    """A user's membership in an organization."""

    id: strawberry.ID
    created_at: datetime
    user_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def user(self, info: strawberry.Info) -> User | None:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).users.load(self.user_id)
        return User.from_model(found) if found else None

    @strawberry.field
    async def roles(self, info: strawberry.Info) -> list[str]:
        ctx = info.context
        return await loaders(ctx.db, ctx.tenant).membership_roles.load(uuid.UUID(self.id))

    @classmethod
    def from_model(cls, membership: MembershipModel) -> Member:
        return cls(
            id=strawberry.ID(str(membership.id)),
            created_at=membership.created_at,
            user_id=membership.user_id,
        )


@strawberry.type
class ApiKey:
    id: strawberry.ID
    kind: ApiKeyKind  # type: ignore[valid-type]
    mode: OrganizationMode  # type: ignore[valid-type]
    name: str
    preview: str
    abilities: list[str]
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime

    @classmethod
    def from_model(cls, key: ApiKeyModel) -> ApiKey:
        return cls(
            id=strawberry.ID(str(key.id)),
            kind=key.kind,
            mode=key.mode,
            name=key.name,
            preview=key.preview,
            abilities=list(key.abilities or []),
            last_used_at=key.last_used_at,
            expires_at=key.expires_at,
            revoked_at=key.revoked_at,
            created_at=key.created_at,
        )


@strawberry.type
class CreatedApiKey:
    api_key: ApiKey
    raw_key: str = strawberry.field(description="The secret, shown only once.")


@strawberry.type
class Organization:
    id: strawberry.ID
    slug: str
    name: str
    mode: OrganizationMode  # type: ignore[valid-type]
    siret: str | None
    external_ref: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, org: OrganizationModel) -> Organization:
        return cls(
            id=strawberry.ID(str(org.id)),
            slug=org.slug,
            name=org.name,
            mode=org.mode,
            siret=org.siret,
            external_ref=org.external_ref,
            created_at=org.created_at,
            updated_at=org.updated_at,
        )

    @strawberry.field
    async def members(
        self,
        info: strawberry.Info,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[Member]:
        _require_selected(info, self.id)
        ctx = info.context
        async with ctx.session() as session:
            page = await member_cases.list_members(
                session, ctx.actor, page_request(first, after, offset)
            )
        return Connection[Member].from_page(page, Member.from_model)

    @strawberry.field
    async def api_keys(
        self,
        info: strawberry.Info,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[ApiKey]:
        _require_selected(info, self.id)
        ctx = info.context
        async with ctx.session() as session:
            page = await api_key_cases.list_api_keys(
                session, ctx.actor, page_request(first, after, offset)
            )
        return Connection[ApiKey].from_page(page, ApiKey.from_model)


@strawberry.type
class Viewer:
    """Who the request is authenticated as."""

    kind: ActorKind  # type: ignore[valid-type]
    mode: OrganizationMode | None  # type: ignore[valid-type]
    user: User | None
    organization: Organization | None
    roles: list[str]
    permissions: list[str]
    abilities: list[str]


@strawberry.type
class AuthPayload:
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: User
    roles: list[str]
    organization_id: strawberry.ID | None


def auth_payload(signed_in: SignedIn) -> AuthPayload:
    org = signed_in.organization_id
    return AuthPayload(
        access_token=signed_in.access_token,
        refresh_token=signed_in.refresh_token,
        token_type="Bearer",
        expires_in=signed_in.expires_in,
        user=User.from_model(signed_in.user),
        roles=list(signed_in.roles),
        organization_id=strawberry.ID(str(org)) if org else None,
    )


@strawberry.type
class ProvisionOrganizationPayload:
    organization: Organization
    api_key: CreatedApiKey
