"""cloud-billing customer bodies (CustomerCreate, CustomerPatch) as GraphQL customer inputs.

A key the body leaves out is left out of the input too, so an update keeps that field; null
clears a nullable field and an empty string clears a text field. Keys the contract does not
define (such as the read-only `id`, `credit_balance`, `created_at`) are ignored, so a client
may send back a customer it fetched. JSON types are checked here, under the contract's names;
the values themselves are validated by the domain, whose error paths `ERROR_FIELDS` renames.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rest_compat.cloud_billing.decimals import NotADecimal, parse_number
from rest_compat.cloud_billing.presenters import ADDRESS_GROUPS, ADDRESS_PARTS
from rest_compat.engine import RestInputError


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]  # where the value goes in the GraphQL input
    kind: type  # str, bool, dict or Decimal
    nullable: bool = True


def _text(*path: str) -> Field:
    return Field(path, str)


FIELDS: dict[str, Field] = {
    "name": Field(("name",), str, nullable=False),
    "email": _text("email"),  # null, like "", means no email
    "legal_name": _text("legalName"),
    "company_registration_number": _text("companyRegistrationNumber"),
    "vat_number": _text("vatNumber"),
    "phone": _text("phone"),
    "account_reference": _text("accountReference"),
    "shipping_same_as_billing": Field(("shippingSameAsBilling",), bool, nullable=False),
    "shipping_name": _text("shippingName"),
    "shipping_phone": _text("shippingPhone"),
    "shipping_email": _text("shippingEmail"),
    "default_discount_percent": Field(("defaultDiscountPercent",), Decimal),
    "customer_group": _text("customerGroup"),
    "preferred_language": _text("language"),
    "portal_login_enabled": Field(("portalLoginEnabled",), bool, nullable=False),
    "metadata": Field(("metadata",), dict, nullable=False),
    **{
        f"{group}_{suffix}": _text(address, part)
        for group, address in ADDRESS_GROUPS.items()
        for suffix, part in ADDRESS_PARTS.items()
    },
}
# GraphQL input path (as in error details) -> contract field name.
ERROR_FIELDS: dict[str, str] = {".".join(f.path): name for name, f in FIELDS.items()}
_TYPE_NAMES = {str: "a string", bool: "a boolean", dict: "an object", Decimal: "a number"}


class _Invalid(ValueError):
    pass


def _value(raw: Any, field: Field) -> Any:
    """The GraphQL variable value for one contract value; _Invalid says why it cannot be."""
    if raw is None:
        if not field.nullable:
            raise _Invalid("must not be null")
        return None
    if field.kind is Decimal:
        try:
            return str(parse_number(raw))  # the Decimal scalar reads strings exactly
        except NotADecimal as exc:
            raise _Invalid(str(exc)) from exc
    if not isinstance(raw, field.kind):
        raise _Invalid(f"must be {_TYPE_NAMES[field.kind]}")
    return raw


def customer_input(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The GraphQL input for a body; 400 listing every mistyped field."""
    problems: dict[str, str] = {}
    variables: dict[str, Any] = {}
    for name, field in FIELDS.items():
        if name not in body:
            continue
        try:
            value = _value(body[name], field)
        except _Invalid as exc:
            problems[name] = str(exc)
            continue
        *parents, leaf = field.path
        target = variables
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    if creating and body.get("name") is None:
        problems["name"] = "is required"
    if problems:
        raise RestInputError("Invalid input", problems)
    return variables
