"""Customer use cases. Every change is validated as a whole before the row is touched."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, CustomerStatus
from resolvers.customers import fields
from resolvers.customers.access import READ, WRITE, require_customers
from resolvers.customers.addresses import address_changes
from resolvers.customers.deletion import ensure_deletable
from resolvers.customers.inputs import (
    CustomerFilter,
    CustomerPatch,
    CustomerSort,
    CustomerSortField,
    Keep,
)
from resolvers.errors import Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing, SortOrder
from resolvers.validation import FieldErrors, graphql_name, search_pattern

# Patch field -> cleaner; the patch field names are the model's attribute names.
_CLEANERS: dict[str, fields.Cleaner] = {
    "name": fields.required_text(255),
    "name_addition": fields.text(255),
    "legal_name": fields.text(255),
    "status": fields.not_null,
    "email": fields.email,
    "email_cc": fields.email_list,
    "phone": fields.phone,
    "website": fields.website,
    "language": fields.language,
    "social_media": fields.json_object,
    "siret": fields.siret,
    "siren": fields.siren,
    "vat_number": fields.vat_number,
    "tax_id": fields.text(64),
    "company_registration_number": fields.text(64),
    "account_reference": fields.text(255),
    "buyer_reference": fields.text(255),
    "external_id": fields.text(255),
    "shipping_same_as_billing": fields.flag,
    "shipping_name": fields.text(255),
    "shipping_phone": fields.phone,
    "shipping_email": fields.email,
    "iban": fields.iban,
    "bic": fields.bic,
    "currency": fields.currency,
    "credit_limit": fields.minor_units,
    "hourly_rate": fields.minor_units,
    "default_vat_rate": fields.percent,
    "default_discount_percent": fields.percent,
    "default_position_mode": fields.same,
    "e_invoice_format": fields.e_invoice_format,
    "invoice_note": fields.text(10_000),
    "email_text": fields.text(10_000),
    "customer_group": fields.text(100),
    "portal_login_enabled": fields.flag,
    "metadata": fields.json_object,
}
# Where the model keeps a field under another attribute name.
_ATTRIBUTES = {"metadata": "metadata_"}


async def _changes(
    session: AsyncSession, customer: Customer | None, patch: CustomerPatch
) -> dict[str, Any]:
    """Attribute -> new value for everything the patch sends; BAD_USER_INPUT lists all errors."""
    errors = FieldErrors()
    changes: dict[str, Any] = {}
    for name, clean in _CLEANERS.items():
        value = getattr(patch, name)
        if not isinstance(value, Keep):
            changes[_ATTRIBUTES.get(name, name)] = clean(errors, graphql_name(name), value)
    if customer is None and "name" not in changes:
        errors.add("name", "is required")
    addresses = {"billing": patch.billing_address, "shipping": patch.shipping_address}
    changes.update(await address_changes(session, addresses, errors))

    def current(attribute: str) -> Any:
        if attribute in changes:
            return changes[attribute]
        return getattr(customer, attribute) if customer is not None else None

    siret = current("siret")
    if siret and "siret" in changes and isinstance(patch.siren, Keep):
        changes["siren"] = siret[:9]  # a SIRET starts with its company's SIREN
    elif siret and current("siren") and siret[:9] != current("siren"):
        errors.add("siren", "does not match the SIRET")
    if current("currency") is None:
        for amount in ("credit_limit", "hourly_rate"):
            if current(amount) is not None:
                errors.add("currency", f"is required with {graphql_name(amount)}")
    errors.raise_if_any()
    external_id = changes.get("external_id")
    if external_id is not None:
        await _ensure_external_id_free(session, external_id, customer)
    return changes


async def _ensure_external_id_free(
    session: AsyncSession, external_id: str, customer: Customer | None
) -> None:
    statement = select(Customer.id).where(
        Customer.external_id == external_id, Customer.deleted_at.is_(None)
    )
    if customer is not None:
        statement = statement.where(Customer.id != customer.id)
    if await session.scalar(statement.limit(1)) is not None:
        raise _external_id_taken()


def _external_id_taken() -> Conflict:
    return Conflict(
        "a customer with this external id already exists",
        fields={"externalId": "is already used by another customer"},
    )


async def _flush(session: AsyncSession, changes: dict[str, Any]) -> None:
    """Flush; a concurrent writer that took the same external id first makes it a CONFLICT."""
    if changes.get("external_id") is None:
        await session.flush()
        return
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise _external_id_taken() from exc


def _live_statement(customer_id: uuid.UUID) -> Select[Customer]:
    return select(Customer).where(Customer.id == customer_id, Customer.deleted_at.is_(None))


async def _live(session: AsyncSession, customer_id: uuid.UUID, *, lock: bool = False) -> Customer:
    statement = _live_statement(customer_id)
    if lock:
        statement = statement.with_for_update()
    return found(await session.scalar(statement))


def found(customer: Customer | None) -> Customer:
    """The customer a statement found, or NOT_FOUND."""
    if customer is None:
        raise NotFound("customer not found")
    return customer


async def create_customer(
    session: AsyncSession, actor: Actor | None, patch: CustomerPatch
) -> Customer:
    organization_id = require_customers(actor, WRITE)
    changes = await _changes(session, None, patch)
    customer = Customer(organization_id=organization_id, **changes)
    session.add(customer)
    await _flush(session, changes)
    return customer


async def update_customer(
    session: AsyncSession, actor: Actor | None, customer_id: uuid.UUID, patch: CustomerPatch
) -> Customer:
    """Partial update: fields the patch does not send keep their value, None clears them."""
    require_customers(actor, WRITE)
    customer = await _live(session, customer_id, lock=True)
    changes = await _changes(session, customer, patch)
    for attribute, value in changes.items():
        setattr(customer, attribute, value)
    await _flush(session, changes)
    return customer


async def set_customer_status(
    session: AsyncSession, actor: Actor | None, customer_id: uuid.UUID, status: CustomerStatus
) -> Customer:
    require_customers(actor, WRITE)
    customer = await _live(session, customer_id, lock=True)
    customer.status = status
    await session.flush()
    return customer


async def delete_customer(
    session: AsyncSession, actor: Actor | None, customer_id: uuid.UUID
) -> Customer:
    """Soft delete: the row stays (documents keep their customer) but leaves every list.

    `ensure_deletable` runs first: it is where the invoicing domain refuses customers whose
    invoices are still inside the legal retention window (vorgio's 409).
    """
    require_customers(actor, WRITE)
    customer = await _live(session, customer_id, lock=True)
    await ensure_deletable(session, customer)
    customer.deleted_at = datetime.now(UTC)
    await session.flush()
    return customer


def customer_by_id(actor: Actor | None, customer_id: uuid.UUID) -> Select[Customer]:
    """The statement reading one live customer the actor may read (FORBIDDEN otherwise)."""
    require_customers(actor, READ)
    return _live_statement(customer_id)


async def find_customer_by_external_id(
    session: AsyncSession, actor: Actor | None, external_id: str
) -> Customer | None:
    require_customers(actor, READ)
    return await session.scalar(
        select(Customer).where(
            Customer.external_id == external_id.strip(), Customer.deleted_at.is_(None)
        )
    )


def _search(pattern: str) -> ColumnElement[bool]:
    columns = (
        Customer.name,
        Customer.legal_name,
        Customer.email,
        Customer.external_id,
        Customer.siret,
        Customer.vat_number,
    )
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


_SORT_KEYS: dict[CustomerSortField, Any] = {
    CustomerSortField.NAME: func.lower(Customer.name),
    CustomerSortField.EMAIL: Customer.email,
    CustomerSortField.EXTERNAL_ID: Customer.external_id,
    CustomerSortField.CREDIT_LIMIT: Customer.credit_limit,
    CustomerSortField.CREATED_AT: Customer.created_at,
    CustomerSortField.UPDATED_AT: Customer.updated_at,
}


def _order(sort: CustomerSort) -> tuple[ColumnElement[Any], ...]:
    key = _SORT_KEYS[sort.field]
    if sort.order is SortOrder.DESC:
        return key.desc().nulls_last(), Customer.id.desc()
    return key.asc().nulls_last(), Customer.id.asc()


def customers_listing(actor: Actor | None, filters: CustomerFilter, sort: CustomerSort) -> Listing:
    """The live customers the actor may read that match `filters`, in `sort` order."""
    organization_id = require_customers(actor, READ)
    statement = select(Customer).where(
        Customer.organization_id == organization_id, Customer.deleted_at.is_(None)
    )
    if filters.status is not None:
        statement = statement.where(Customer.status == filters.status)
    if filters.external_id is not None:
        statement = statement.where(Customer.external_id == filters.external_id.strip())
    pattern = search_pattern(filters.search)
    if pattern is not None:
        statement = statement.where(_search(pattern))
    return Listing(statement, _order(sort))
