"""GraphQL data as cloud-billing JSON: snake_case, flat address groups, decimal numbers."""

from __future__ import annotations

from typing import Any

from rest_compat.cloud_billing.decimals import from_minor_units, json_number

# Contract prefix of each flat address group -> GraphQL field of the address object.
ADDRESS_GROUPS = {"billing": "billingAddress", "shipping": "shippingAddress"}
# Contract suffix -> GraphQL CustomerAddress field.
ADDRESS_PARTS = {
    "address_line1": "street",
    "address_line2": "line2",
    "city": "city",
    "region": "region",
    "postal_code": "postalCode",
    "country": "country",
}


def _address_fields(node: dict[str, Any], group: str) -> dict[str, Any]:
    address = node[ADDRESS_GROUPS[group]]
    return {f"{group}_{suffix}": address[part] for suffix, part in ADDRESS_PARTS.items()}


def _optional_number(value: str | None) -> int | float | None:
    return None if value is None else json_number(value)


def customer(node: dict[str, Any]) -> dict[str, Any]:
    """A `CloudBillingCustomer` fragment as the contract's Customer, in its field order."""
    return {
        "id": node["id"],
        "name": node["name"],
        "email": node["email"],
        "credit_balance": json_number(from_minor_units(node["creditBalance"], node["currency"])),
        "created_at": node["createdAt"],
        "legal_name": node["legalName"],
        "company_registration_number": node["companyRegistrationNumber"],
        "vat_number": node["vatNumber"],
        **_address_fields(node, "billing"),
        "phone": node["phone"],
        "account_reference": node["accountReference"],
        "shipping_same_as_billing": node["shippingSameAsBilling"],
        "shipping_name": node["shippingName"],
        "shipping_phone": node["shippingPhone"],
        "shipping_email": node["shippingEmail"],
        **_address_fields(node, "shipping"),
        "default_discount_percent": _optional_number(node["defaultDiscountPercent"]),
        "customer_group": node["customerGroup"],
        "preferred_language": node["language"],
        "portal_login_enabled": node["portalLoginEnabled"],
        "metadata": node["metadata"],
    }
