"""The seller on the organization's documents: address, VAT number, bank and contact details
(what the PDF shows and what EN 16931 / XRechnung require of a seller)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Organization
from resolvers.customers import fields
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.invoicing.access import READ, require_invoices
from resolvers.invoicing.inputs import KEEP, Keep
from resolvers.validation import FieldErrors, graphql_name

_CLEANERS: dict[str, fields.Cleaner] = {
    "name": fields.required_text(200),
    "siret": fields.siret,
    "street": fields.text(255),
    "line2": fields.text(255),
    "postal_code": fields.text(20),
    "city": fields.text(255),
    "vat_number": fields.vat_number,
    "email": fields.email,
    "phone": fields.phone,
    "iban": fields.iban,
    "bic": fields.bic,
}


@dataclass(frozen=True)
class SellerPatch:
    name: str | Keep | None = KEEP
    siret: str | Keep | None = KEEP
    street: str | Keep | None = KEEP
    line2: str | Keep | None = KEEP
    postal_code: str | Keep | None = KEEP
    city: str | Keep | None = KEEP
    country: str | Keep | None = KEEP
    vat_number: str | Keep | None = KEEP
    email: str | Keep | None = KEEP
    phone: str | Keep | None = KEEP
    iban: str | Keep | None = KEEP
    bic: str | Keep | None = KEEP
    default_currency: str | Keep | None = KEEP


async def seller(session: AsyncSession, actor: Actor | None) -> Organization:
    organization_id = require_invoices(actor, READ)
    found = await session.get(Organization, organization_id)
    assert found is not None
    return found


async def update_seller(
    session: AsyncSession, actor: Actor | None, patch: SellerPatch
) -> Organization:
    organization_id = require_organization(require_permission(actor, "organization:write"))
    errors = FieldErrors()
    changes: dict[str, Any] = {}
    for name, clean in _CLEANERS.items():
        value = getattr(patch, name)
        if not isinstance(value, Keep):
            changes[name] = clean(errors, graphql_name(name), value)
    if not isinstance(patch.country, Keep):
        country = (patch.country or "").strip().upper() or None
        if country is not None and not fields.country_known(country):
            errors.add("country", "must be an ISO 3166-1 alpha-2 code")
        changes["country"] = country
    if not isinstance(patch.default_currency, Keep):
        currency = fields.currency(errors, "defaultCurrency", patch.default_currency)
        if currency is None:
            errors.add("defaultCurrency", "is required")
        changes["default_currency"] = currency
    errors.raise_if_any()
    organization = await session.get(Organization, organization_id)
    assert organization is not None
    for name, value in changes.items():
        setattr(organization, name, value)
    await session.flush()
    return organization
