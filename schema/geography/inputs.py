"""Country mutation inputs."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.types.base import get_object_definition

from resolvers.geography.inputs import CountryChanges, Names, NewCountry


def provided(data: object) -> dict[str, Any]:
    """The fields of an input object the caller sent, by Python name (UNSET ones left out)."""
    definition = get_object_definition(data, strict=True)
    values = {f.python_name: getattr(data, f.python_name) for f in definition.fields}
    return {name: value for name, value in values.items() if value is not strawberry.UNSET}


@strawberry.input
class LocalizedNameInput:
    language: str
    value: str


def _names(entries: list[LocalizedNameInput] | None) -> Names | None:
    return None if entries is None else [(e.language, e.value) for e in entries]


@strawberry.input
class CreateCountryInput:
    code: str = strawberry.field(description="ISO 3166-1 alpha-2; unique in the organization.")
    names: list[LocalizedNameInput] = strawberry.field(
        name="name", description="The name per language; English (en) is required."
    )
    alpha3: str | None = None
    numeric_code: str | None = None
    phone_code: str | None = strawberry.field(default=None, description="e.g. +48 or +1-684")
    currency_code: str | None = None
    region: str | None = None
    flag_emoji: str | None = None
    active: bool = True

    def to_new(self) -> NewCountry:
        return NewCountry(**{**provided(self), "names": _names(self.names) or []})


@strawberry.input(description="Partial update: an omitted field keeps its value, null clears it.")
class UpdateCountryInput:
    code: str | None = strawberry.field(default=strawberry.UNSET, description="null is refused.")
    names: list[LocalizedNameInput] | None = strawberry.field(
        default=strawberry.UNSET, name="name", description="Replaces every name; null is refused."
    )
    alpha3: str | None = strawberry.UNSET
    numeric_code: str | None = strawberry.UNSET
    phone_code: str | None = strawberry.UNSET
    currency_code: str | None = strawberry.UNSET
    region: str | None = strawberry.UNSET
    flag_emoji: str | None = strawberry.UNSET

    def changes(self) -> CountryChanges:
        """Only the fields the caller sent."""
        given = provided(self)
        if "names" in given:
            given["names"] = _names(given["names"])
        return cast(CountryChanges, given)
