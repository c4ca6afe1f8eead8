"""Identity mutations: accounts, provisioning, API keys."""

from __future__ import annotations

import strawberry

from resolvers.identity import accounts, api_keys, organizations
from schema.identity.inputs import (
    CreatePersonalAccessTokenInput,
    LoginInput,
    ProvisionOrganizationInput,
    RegisterInput,
)
from schema.identity.types import (
    ApiKey,
    AuthPayload,
    CreatedApiKey,
    Organization,
    ProvisionOrganizationPayload,
    auth_payload,
)
from schema.ids import parse_id


def _created(created: api_keys.CreatedKey) -> CreatedApiKey:
    return CreatedApiKey(api_key=ApiKey.from_model(created.key), raw_key=created.raw.raw)


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="Create a user and an organization they own.")
    async def register(self, info: strawberry.Info, input: RegisterInput) -> AuthPayload:
        ctx = info.context
        data = accounts.RegisterInput(
            email=input.email,
            password=input.password,
            name=input.name,
            organization_name=input.organization_name,
            invitation_token=input.invitation_token,
        )
        async with ctx.platform_session() as session:
            return auth_payload(await accounts.register(session, ctx.auth, data))

    @strawberry.mutation
    async def login(self, info: strawberry.Info, input: LoginInput) -> AuthPayload:
        ctx = info.context
        async with ctx.platform_session() as session:
            signed_in = await accounts.login(
                session,
                ctx.auth,
                input.email,
                input.password,
                input.organization,
                client_address=ctx.client_address,
            )
            if input.session_cookie:
                raw = await accounts.open_browser_session(session, ctx.auth, signed_in)
                ctx.set_session_cookie(raw)
        return auth_payload(signed_in)

    @strawberry.mutation(description="Exchange a refresh token for a new pair (rotation).")
    async def refresh_token(self, info: strawberry.Info, refresh_token: str) -> AuthPayload:
        ctx = info.context
        async with ctx.platform_session() as session:
            return auth_payload(await accounts.refresh(session, ctx.auth, refresh_token))

    @strawberry.mutation(description="End the current login session.")
    async def logout(self, info: strawberry.Info) -> bool:
        ctx = info.context
        async with ctx.platform_session() as session:
            ended = await accounts.logout(session, ctx.actor)
        ctx.clear_session_cookie()
        return ended

    @strawberry.mutation(description="A partner master key creates an organization.")
    async def provision_organization(
        self, info: strawberry.Info, input: ProvisionOrganizationInput
    ) -> ProvisionOrganizationPayload:
        ctx = info.context
        data = organizations.ProvisionInput(
            name=input.name,
            owner_email=input.owner_email,
            owner_name=input.owner_name,
            siret=input.siret,
            external_ref=input.external_ref,
        )
        async with ctx.platform_session() as session:
            done = await organizations.provision_organization(session, ctx.actor, data)
        return ProvisionOrganizationPayload(
            organization=Organization.from_model(done.organization),
            api_key=CreatedApiKey(
                api_key=ApiKey.from_model(done.api_key), raw_key=done.raw_key.raw
            ),
        )

    @strawberry.mutation(description="A new key for the current organization (sk_org_…).")
    async def create_api_key(self, info: strawberry.Info, name: str) -> CreatedApiKey:
        ctx = info.context
        async with ctx.platform_session() as session:
            return _created(await api_keys.create_organization_key(session, ctx.actor, name))

    @strawberry.mutation(description="A personal access token (`id|secret`) with abilities.")
    async def create_personal_access_token(
        self, info: strawberry.Info, input: CreatePersonalAccessTokenInput
    ) -> CreatedApiKey:
        ctx = info.context
        async with ctx.platform_session() as session:
            created = await api_keys.create_personal_access_token(
                session, ctx.actor, input.name, input.abilities, input.expires_at
            )
        return _created(created)

    @strawberry.mutation(description="Revoke an API key or personal access token.")
    async def revoke_api_key(self, info: strawberry.Info, id: strawberry.ID) -> ApiKey:
        ctx = info.context
        async with ctx.platform_session() as session:
            key = await api_keys.revoke_api_key(session, ctx.actor, parse_id(id, "API key"))
        return ApiKey.from_model(key)
