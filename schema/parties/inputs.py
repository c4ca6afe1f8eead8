"""Party mutation inputs."""

from __future__ import annotations

from typing import cast

import strawberry

from resolvers.parties.inputs import AddressChanges, NewAddress, NewParty, PartyChanges
from schema.geography.inputs import provided
from schema.parties.types import PartyKind


@strawberry.input(description="On update: an omitted field keeps its value, null clears it.")
class AddressInput:
    street: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    region: str | None = strawberry.UNSET
    postal_code: str | None = strawberry.UNSET
    country: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The id of one of the organization's countries."
    )

    def changes(self) -> AddressChanges:
        return cast(AddressChanges, provided(self))


@strawberry.input(
    description="Required: name, email, address street, city and country; position (employees)."
)
class CreatePartyInput:
    kind: PartyKind  # type: ignore[valid-type]
    name: str
    email: str
    tax_id: str | None = None
    phone: str | None = None
    website: str | None = None
    position: str | None = strawberry.field(default=None, description="Employees only.")
    address: AddressInput | None = None

    def to_new(self) -> NewParty:
        given = provided(self)
        address = given.pop("address", None)
        return NewParty(
            **given, address=NewAddress(**address.changes()) if address else NewAddress()
        )


@strawberry.input(description="Partial update: an omitted field keeps its value, null clears it.")
class UpdatePartyInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="null is refused.")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="null is refused.")
    tax_id: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    position: str | None = strawberry.field(default=strawberry.UNSET, description="Employees only.")
    address: AddressInput | None = strawberry.field(
        default=strawberry.UNSET, description="null clears the whole address."
    )

    def changes(self) -> PartyChanges:
        given = provided(self)
        if given.get("address") is not None:
            given["address"] = given["address"].changes()
        return cast(PartyChanges, given)
