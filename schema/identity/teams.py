"""GraphQL for teams: invitations, members created or removed by an admin, the user's
organizations and switching between them."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from models import Invitation as InvitationModel
from resolvers.identity import accounts, invitations, members
from resolvers.identity.secrets import now
from schema.identity.types import AuthPayload, Organization, PageSize, User, auth_payload
from schema.ids import parse_id
from schema.pagination import Connection, page_request


@strawberry.enum(description="Where an invitation stands.")
class InvitationStatus(enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


@strawberry.type(description="An invitation to join the organization (its token is never shown).")
class Invitation:
    id: strawberry.ID
    email: str
    role_ids: list[strawberry.ID]
    status: InvitationStatus
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime

    @classmethod
    def from_model(cls, invitation: InvitationModel) -> Invitation:
        if invitation.accepted_at is not None:
            status = InvitationStatus.ACCEPTED
        elif invitation.revoked_at is not None:
            status = InvitationStatus.REVOKED
        elif invitation.expires_at <= now():
            status = InvitationStatus.EXPIRED
        else:
            status = InvitationStatus.PENDING
        return cls(
            id=strawberry.ID(str(invitation.id)),
            email=invitation.email,
            role_ids=[strawberry.ID(str(role)) for role in invitation.role_ids or []],
            status=status,
            expires_at=invitation.expires_at,
            accepted_at=invitation.accepted_at,
            revoked_at=invitation.revoked_at,
            created_at=invitation.created_at,
        )


@strawberry.type
class CreatedInvitation:
    invitation: Invitation
    token: str = strawberry.field(
        description="Send it to the invitee (acceptInvitation, or register's invitationToken); "
        "shown only once."
    )


@strawberry.type(description="An organization the signed-in user belongs to.")
class OrganizationMembership:
    organization: Organization
    roles: list[str]
    joined_at: datetime


@strawberry.input
class InviteMemberInput:
    email: str
    role_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Roles of this organization; none: viewer."
    )


@strawberry.input
class CreateMemberInput:
    email: str
    password: str
    name: str = ""
    role_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Roles of this organization; none: viewer."
    )


@strawberry.input
class AcceptInvitationInput:
    token: str
    password: str | None = strawberry.field(
        default=None,
        description="Not signed in: the invited address's account password, or the password "
        "of the account to create when it has none.",
    )
    name: str = ""


@strawberry.type
class TeamsQuery:
    @strawberry.field(description="Invitations of the caller's organization (users:read).")
    async def invitations(
        self,
        info: strawberry.Info,
        pending_only: bool = True,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[Invitation]:
        ctx = info.context
        async with ctx.session() as session:
            page = await invitations.list_invitations(
                session, ctx.actor, page_request(first, after, offset), pending_only=pending_only
            )
        return Connection[Invitation].from_page(page, Invitation.from_model)

    @strawberry.field(
        description="The organizations the signed-in user belongs to, with their roles there; "
        "act in one with `X-Organization-Id` or `switchOrganization`."
    )
    async def my_organizations(self, info: strawberry.Info) -> list[OrganizationMembership]:
        ctx = info.context
        async with ctx.platform_session() as session:
            found = await members.memberships_of(session, ctx.actor)
        return [
            OrganizationMembership(
                organization=Organization.from_model(m.organization),
                roles=list(m.roles),
                joined_at=m.joined_at,
            )
            for m in found
        ]


@strawberry.type
class TeamsMutation:
    @strawberry.mutation(
        description="Invite an e-mail address with roles (users:write); the token is shown once."
    )
    async def invite_member(
        self, info: strawberry.Info, input: InviteMemberInput
    ) -> CreatedInvitation:
        ctx = info.context
        role_ids = [parse_id(role, "role") for role in input.role_ids]
        async with ctx.session() as session:
            created = await invitations.invite_member(
                session, ctx.actor, ctx.auth, input.email, role_ids
            )
        return CreatedInvitation(
            invitation=Invitation.from_model(created.invitation), token=created.token
        )

    @strawberry.mutation(description="Revoke a pending invitation (users:write).")
    async def revoke_invitation(self, info: strawberry.Info, id: strawberry.ID) -> Invitation:
        ctx = info.context
        async with ctx.session() as session:
            found = await invitations.revoke_invitation(
                session, ctx.actor, parse_id(id, "invitation")
            )
        return Invitation.from_model(found)

    @strawberry.mutation(
        description="Join the inviting organization (creating the account if the invited "
        "address has none) and sign in there."
    )
    async def accept_invitation(
        self, info: strawberry.Info, input: AcceptInvitationInput
    ) -> AuthPayload:
        ctx = info.context
        data = accounts.AcceptInvitationInput(
            token=input.token, password=input.password, name=input.name
        )
        actor = ctx.actor if ctx.credentials.bearer or ctx.credentials.session_cookie else None
        async with ctx.platform_session() as session:
            signed_in = await accounts.accept_invitation(
                session, ctx.auth, actor, data, ctx.client_address
            )
        return auth_payload(signed_in)

    @strawberry.mutation(
        description="Create a colleague's account with a password, as a member (users:write)."
    )
    async def create_member(self, info: strawberry.Info, input: CreateMemberInput) -> User:
        ctx = info.context
        data = members.NewMember(
            email=input.email,
            password=input.password,
            name=input.name,
            role_ids=[parse_id(role, "role") for role in input.role_ids],
        )
        async with ctx.platform_session() as session:
            user = await members.create_member(session, ctx.actor, data)
        return User.from_model(user)

    @strawberry.mutation(
        description="Remove a member from the organization (users:write); their sessions and "
        "tokens in it end at once."
    )
    async def remove_member(self, info: strawberry.Info, user_id: strawberry.ID) -> User:
        ctx = info.context
        async with ctx.platform_session() as session:
            user = await members.remove_member(session, ctx.actor, parse_id(user_id, "user"))
        return User.from_model(user)

    @strawberry.mutation(
        description="New tokens for the same login session, acting in another organization "
        "of the user (id or slug)."
    )
    async def switch_organization(self, info: strawberry.Info, organization: str) -> AuthPayload:
        ctx = info.context
        async with ctx.platform_session() as session:
            signed_in = await accounts.switch_organization(
                session, ctx.auth, ctx.actor, organization
            )
        return auth_payload(signed_in)
