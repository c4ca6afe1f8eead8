"""Party types: thin views over the ORM objects; the address' country comes from a loader."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from models import Party as PartyModel
from models import PartyKind as PartyKindModel
from models import PartyStatus as PartyStatusModel
from resolvers.parties.inputs import PartySort
from schema.geography.types import Country
from schema.loaders import loaders

PartyKind = strawberry.enum(PartyKindModel, name="PartyKind")
PartyStatus = strawberry.enum(PartyStatusModel, name="PartyStatus")
PartySortField = strawberry.enum(PartySort, name="PartySortField")


@strawberry.type
class Address:
    street: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country_id: strawberry.ID | None
    country_uuid: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def country(self, info: strawberry.Info) -> Country | None:
        if self.country_uuid is None:
            return None
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).countries.load(self.country_uuid)
        return Country.from_model(found) if found else None


@strawberry.type(description="A supplier, partner or employee of the organization.")
class Party:
    id: strawberry.ID
    kind: PartyKind  # type: ignore[valid-type]
    status: PartyStatus  # type: ignore[valid-type]
    name: str
    email: str
    tax_id: str | None
    phone: str | None
    website: str | None
    position: str | None = strawberry.field(description="Employees only.")
    address: Address
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, party: PartyModel) -> Party:
        return cls(
            id=strawberry.ID(str(party.id)),
            kind=party.kind,
            status=party.status,
            name=party.name,
            email=party.email,
            tax_id=party.tax_id,
            phone=party.phone,
            website=party.website,
            position=party.position,
            address=Address(
                street=party.street,
                city=party.city,
                region=party.region,
                postal_code=party.postal_code,
                country_id=strawberry.ID(str(party.country_id)) if party.country_id else None,
                country_uuid=party.country_id,
            ),
            created_at=party.created_at,
            updated_at=party.updated_at,
        )
