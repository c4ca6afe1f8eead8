"""Country use cases: each organization reads and edits its own list."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Country
from resolvers.errors import Conflict, NotFound
from resolvers.geography import fields
from resolvers.geography.inputs import (
    CountryChanges,
    CountryFilter,
    CountrySort,
    NewCountry,
)
from resolvers.geography.lists import SortKey, ordered, search_pattern
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.pagination import SortOrder
from resolvers.validation import FieldErrors

READ = "countries:read"
WRITE = "countries:write"
MAX_REGION = 100
MAX_FLAG = 16


def _sort_key(sort: CountrySort) -> SortKey:
    if sort is CountrySort.NAME:
        return func.lower(Country.names["en"].astext)
    if sort is CountrySort.CREATED_AT:
        return Country.created_at
    return Country.code


def _filtered(statement: Select[Any], filters: CountryFilter) -> Select[Any]:
    if filters.active is not None:
        statement = statement.where(Country.active.is_(filters.active))
    pattern = search_pattern(filters.search)
    if pattern is not None:
        name = func.jsonb_each_text(Country.names).table_valued("key", "value")
        statement = statement.where(
            or_(
                Country.code.ilike(pattern, escape="\\"),
                Country.alpha3.ilike(pattern, escape="\\"),
                exists(select(1).select_from(name).where(name.c.value.ilike(pattern, escape="\\"))),
            )
        )
    return statement


async def list_countries(
    session: AsyncSession,
    actor: Actor | None,
    filters: CountryFilter,
    sort: CountrySort = CountrySort.NAME,
    order: SortOrder = SortOrder.ASC,
) -> Sequence[Country]:
    """The whole (filtered) list: reference data, a few hundred rows, never paged."""
    require_organization(require_permission(actor, READ))
    key = _sort_key(sort)
    statement = _filtered(select(Country), filters).order_by(*ordered(order, key, Country.code))
    found = (await session.scalars(statement)).all()
    if sort is CountrySort.NAME:
        # The database may have no linguistic collation (the embedded one is built without
        # ICU), so names are ordered here, accents folded: `Åland` sorts with the A's.
        found = sorted(found, key=_name_order, reverse=order is SortOrder.DESC)
    return found


def _name_order(country: Country) -> tuple[str, str]:
    return (folded((country.names or {}).get("en") or ""), country.code)


def folded(text: str) -> str:
    """A sort key that ignores case and accents (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


async def get_country(session: AsyncSession, actor: Actor | None, country_id: uuid.UUID) -> Country:
    require_organization(require_permission(actor, READ))
    return await _find(session, country_id)


async def _find(session: AsyncSession, country_id: uuid.UUID) -> Country:
    country = await session.get(Country, country_id)
    if country is None:
        raise NotFound("country not found")
    return country


async def _ensure_code_free(
    session: AsyncSession, code: str, except_id: uuid.UUID | None = None
) -> None:
    statement = select(Country.id).where(Country.code == code)
    if except_id is not None:
        statement = statement.where(Country.id != except_id)
    if await session.scalar(statement):
        raise Conflict(
            f"a country with code {code} already exists", fields={"code": "already exists"}
        )


async def _flush_unique(session: AsyncSession, code: str) -> None:
    """Flush, turning a lost race on the unique code into the same CONFLICT."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"a country with code {code} already exists", fields={"code": "already exists"}
        ) from exc


# Optional fields: attribute -> (field name in errors, check).
Check = Callable[[FieldErrors, str, str | None], str | None]
OPTIONAL_FIELDS: dict[str, tuple[str, Check]] = {
    "alpha3": ("alpha3", fields.alpha3),
    "numeric_code": ("numericCode", fields.numeric_code),
    "phone_code": ("phoneCode", fields.phone_code),
    "currency_code": ("currencyCode", fields.currency_code),
    "region": ("region", partial(fields.optional_text, limit=MAX_REGION)),
    "flag_emoji": ("flagEmoji", partial(fields.optional_text, limit=MAX_FLAG)),
}


async def create_country(session: AsyncSession, actor: Actor | None, data: NewCountry) -> Country:
    organization_id = require_organization(require_permission(actor, WRITE))
    errors = FieldErrors()
    values = {
        name: check(errors, field, getattr(data, name))
        for name, (field, check) in OPTIONAL_FIELDS.items()
    }
    country = Country(
        organization_id=organization_id,
        code=fields.country_code(errors, "code", data.code),
        names=fields.names(errors, "name", data.names),
        active=data.active,
        **values,
    )
    errors.raise_if_any()
    await _ensure_code_free(session, country.code)
    session.add(country)
    await _flush_unique(session, country.code)
    return country


def _validated(changes: CountryChanges, errors: FieldErrors) -> dict[str, Any]:
    """The new value of every field present in `changes`, checked."""
    given: dict[str, Any] = dict(changes)
    values: dict[str, Any] = {
        name: check(errors, field, given[name])
        for name, (field, check) in OPTIONAL_FIELDS.items()
        if name in given
    }
    if "code" in given:
        values["code"] = fields.country_code(errors, "code", given["code"])
    if "names" in given:
        if given["names"] is None:
            errors.add("name", "cannot be cleared")
        else:
            values["names"] = fields.names(errors, "name", given["names"])
    return values


async def update_country(
    session: AsyncSession, actor: Actor | None, country_id: uuid.UUID, changes: CountryChanges
) -> Country:
    require_organization(require_permission(actor, WRITE))
    country = await _find(session, country_id)
    errors = FieldErrors()
    values = _validated(changes, errors)
    errors.raise_if_any()
    if "code" in values:
        await _ensure_code_free(session, values["code"], except_id=country.id)
    for name, value in values.items():
        setattr(country, name, value)
    await _flush_unique(session, country.code)
    return country


async def set_country_active(
    session: AsyncSession, actor: Actor | None, country_id: uuid.UUID, active: bool
) -> Country:
    """Activate or deactivate; CONFLICT when the country is already in that state."""
    require_organization(require_permission(actor, WRITE))
    country = await _find(session, country_id)
    if country.active is active:
        state = "active" if active else "inactive"
        raise Conflict(f"country is already {state}")
    country.active = active
    await session.flush()
    return country
