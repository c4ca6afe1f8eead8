"""SQL forms of the customer types and root fields (compiled plans, `schema.compiled`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ARRAY, ColumnElement, String, cast, func, literal_column, select
from sqlalchemy.orm import aliased

from models import Customer as CustomerModel
from models import CustomerStatus
from models import Invoice as InvoiceModel
from resolvers.customers.batches import counted_in_totals, totals_aggregates
from resolvers.invoicing.money import major_units_sql
from schema.compiled.forms import (
    Embedded,
    Forms,
    PagedRoot,
    Prefixed,
    Row,
    SingleRoot,
    Value,
    columns,
)
from schema.customers.queries import customer_by_id, customers_listing

EMPTY_OBJECT: ColumnElement[Any] = literal_column("'{}'::jsonb")


def object_or_empty(attribute: str) -> Value:
    """A JSON object column, {} when null (what the type's `dict(... or {})` gives)."""
    return Value(lambda row: func.coalesce(getattr(row.entity, attribute), EMPTY_OBJECT))


def _totals(row: Row) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """(purchases, credit balance) of the customer, by the dataloader's own aggregates."""
    document = aliased(InvoiceModel)
    invoiced, credited = totals_aggregates(document)
    of_customer = (
        document.customer_id == row.entity.id,
        document.organization_id == row.entity.organization_id,
        counted_in_totals(document),
    )
    purchases = select(invoiced).where(*of_customer).scalar_subquery()
    credit = -select(credited).where(*of_customer).scalar_subquery()
    return purchases, credit


def text_array(attribute: str) -> Value:
    """An array of strings column as a JSON list, [] when null (the types' `list(... or [])`)."""

    def as_json(row: Row) -> ColumnElement[Any]:
        empty = cast(literal_column("'{}'"), ARRAY(String))
        return func.array_to_json(func.coalesce(getattr(row.entity, attribute), empty))

    return Value(as_json, as_json=True)


CUSTOMER_FORMS = Forms(
    types={
        "Customer": {
            **columns(
                "id",
                "name",
                "name_addition",
                "legal_name",
                "status",
                "email",
                "phone",
                "website",
                "language",
                "siret",
                "siren",
                "vat_number",
                "tax_id",
                "company_registration_number",
                "account_reference",
                "buyer_reference",
                "external_id",
                "shipping_same_as_billing",
                "shipping_name",
                "shipping_phone",
                "shipping_email",
                "iban",
                "bic",
                "currency",
                "credit_limit",
                "hourly_rate",
                "default_vat_rate",
                "default_discount_percent",
                "default_position_mode",
                "e_invoice_format",
                "invoice_note",
                "email_text",
                "customer_group",
                "portal_login_enabled",
                "created_at",
                "updated_at",
                "deleted_at",
            ),
            "emailCc": text_array("email_cc"),
            "socialMedia": object_or_empty("social_media"),
            "metadata": object_or_empty("metadata_"),
            "active": Value(lambda row: row.entity.status == CustomerStatus.ACTIVE),
            "billingAddress": Embedded(lambda row: Row(Prefixed(row.entity, "billing_"), row)),
            "shippingAddress": Embedded(lambda row: Row(Prefixed(row.entity, "shipping_"), row)),
            "totalPurchases": Value(lambda row: _totals(row)[0]),
            "creditBalance": Value(lambda row: _totals(row)[1]),
            "creditBalanceDecimal": Value(
                lambda row: major_units_sql(_totals(row)[1], row.entity.currency), as_json=True
            ),
        },
        "CustomerAddress": columns("street", "line2", "city", "region", "postal_code", "country"),
    },
    roots={
        "customers": PagedRoot(CustomerModel, customers_listing),
        "customer": SingleRoot(CustomerModel, customer_by_id),
    },
)
