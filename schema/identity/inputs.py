"""Identity mutation inputs."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.input
class RegisterInput:
    email: str
    password: str
    name: str = ""
    organization_name: str | None = None
    invitation_token: str | None = strawberry.field(
        default=None,
        description="An invitation's token: join its organization (with the invited roles) "
        "instead of creating one; the email must be the invited address.",
    )


@strawberry.input
class LoginInput:
    email: str
    password: str
    organization: str | None = strawberry.field(
        default=None, description="Organization id or slug; the oldest membership otherwise."
    )
    session_cookie: bool = strawberry.field(
        default=False,
        description="Also open a cookie session (HttpOnly), for browser clients and the "
        "contracts that authenticate with one.",
    )


@strawberry.input
class ProvisionOrganizationInput:
    name: str
    owner_email: str
    owner_name: str | None = None
    siret: str | None = None
    external_ref: str | None = None


@strawberry.input
class CreatePersonalAccessTokenInput:
    name: str
    abilities: list[str]
    expires_at: datetime | None = None
