"""The seller profile: the organization as its documents show it."""

from __future__ import annotations

from typing import Any

import strawberry

from models import Organization
from resolvers.invoicing import seller as cases
from resolvers.invoicing.inputs import KEEP
from resolvers.invoicing.seller import SellerPatch

UNSET: Any = strawberry.UNSET


@strawberry.type(description="The seller on the organization's invoices.")
class SellerProfile:
    name: str
    siret: str | None
    street: str | None
    line2: str | None
    postal_code: str | None
    city: str | None
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2.")
    vat_number: str | None
    email: str | None
    phone: str | None
    iban: str | None
    bic: str | None
    default_currency: str

    @classmethod
    def from_model(cls, org: Organization) -> SellerProfile:
        return cls(
            name=org.name,
            siret=org.siret,
            street=org.street,
            line2=org.line2,
            postal_code=org.postal_code,
            city=org.city,
            country=org.country,
            vat_number=org.vat_number,
            email=org.email,
            phone=org.phone,
            iban=org.iban,
            bic=org.bic,
            default_currency=org.default_currency,
        )


@strawberry.input(description="Seller details: omitted keeps, null clears.")
class SellerProfileInput:
    name: str | None = UNSET
    siret: str | None = UNSET
    street: str | None = UNSET
    line2: str | None = UNSET
    postal_code: str | None = UNSET
    city: str | None = UNSET
    country: str | None = UNSET
    vat_number: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    iban: str | None = UNSET
    bic: str | None = UNSET
    default_currency: str | None = UNSET

    def to_patch(self) -> SellerPatch:
        values = {
            name: KEEP if getattr(self, name) is UNSET else getattr(self, name)
            for name in SellerPatch.__dataclass_fields__
        }
        return SellerPatch(**values)


@strawberry.type
class SellerQuery:
    @strawberry.field(description="The seller details printed on documents (invoices:read).")
    async def seller_profile(self, info: strawberry.Info) -> SellerProfile:
        ctx = info.context
        async with ctx.session() as session:
            return SellerProfile.from_model(await cases.seller(session, ctx.actor))


@strawberry.type
class SellerMutation:
    @strawberry.mutation(description="Change the seller details (organization:write).")
    async def update_seller_profile(
        self, info: strawberry.Info, input: SellerProfileInput
    ) -> SellerProfile:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.update_seller(session, ctx.actor, input.to_patch())
        return SellerProfile.from_model(changed)
