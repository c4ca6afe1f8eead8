"""Country types: thin views over the ORM objects."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import Country as CountryModel
from resolvers.geography.inputs import CountrySort

CountrySortField = strawberry.enum(CountrySort, name="CountrySortField")


@strawberry.type
class LocalizedName:
    language: str = strawberry.field(description="A language code such as en, fr or pt-BR.")
    value: str


@strawberry.type
class Country:
    id: strawberry.ID
    code: str = strawberry.field(description="ISO 3166-1 alpha-2 code, upper case.")
    alpha3: str | None
    numeric_code: str | None
    names: list[LocalizedName] = strawberry.field(description="The name in each known language.")
    phone_code: str | None
    currency_code: str | None = strawberry.field(description="ISO 4217 code.")
    region: str | None
    flag_emoji: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    names_by_language: strawberry.Private[dict[str, str]]

    @strawberry.field(description="The name in `language`, in English when it has none.")
    def name(self, language: str = "en") -> str:
        return self.names_by_language.get(language) or self.names_by_language.get("en") or ""

    @classmethod
    def from_model(cls, country: CountryModel) -> Country:
        names = dict(country.names)
        return cls(
            id=strawberry.ID(str(country.id)),
            code=country.code,
            alpha3=country.alpha3,
            numeric_code=country.numeric_code,
            names=[LocalizedName(language=k, value=v) for k, v in sorted(names.items())],
            phone_code=country.phone_code,
            currency_code=country.currency_code,
            region=country.region,
            flag_emoji=country.flag_emoji,
            active=country.active,
            created_at=country.created_at,
            updated_at=country.updated_at,
            names_by_language=names,
        )
