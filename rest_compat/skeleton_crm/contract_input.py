"""skeleton-crm `/contracts` bodies and query strings read into GraphQL variables.

All request parsing of the contracts routes lives here, as one table of fields per body, so it
converts field for field into the engine's declarative models. Problems are collected and
reported at once under the contract's names; rules the domain owns (currencies exist, a date
range is ordered, a status allows a transition) stay in the domain.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from rest_compat.engine import RestInputError, RestRequest
from rest_compat.engine.query import int_parameter

DEFAULT_LIMIT: Final = 20
MAX_LIMIT: Final = 100
CONTRACT_TYPES: Final = ("supply", "service", "employment", "partnership", "lease", "license")
STATUSES: Final = ("draft", "pending_approval", "active", "expired", "terminated")
PAYMENT_TYPES: Final = ("prepaid", "postpaid", "credit")
DELIVERY_TYPES: Final = ("delivery", "pickup", "digital")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# A reader turns a JSON value (never null) into its GraphQL value, or returns a problem.
Reader = Callable[[Any], tuple[Any, str | None]]


def _text(value: Any) -> tuple[Any, str | None]:
    return (value, None) if isinstance(value, str) else (None, "must be a string")


def _integer(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int):
        return None, "must be an integer"
    return value, None


def _number(value: Any) -> tuple[Any, str | None]:
    """A JSON number (or decimal text) as GraphQL's Decimal text: `0.5` stays "0.5"."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None, "must be a number"
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, "must be a number"
    return (text, None) if number.is_finite() else (None, "must be a number")


def _boolean(value: Any) -> tuple[Any, str | None]:
    return (value, None) if isinstance(value, bool) else (None, "must be true or false")


def _day(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat(), None
        except ValueError:
            pass
    return None, "must be a date (YYYY-MM-DD)"


def _moment(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.isoformat(), None
    return None, "must be a date-time with a time zone (ISO 8601)"


def _id(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value)), None
        except ValueError:
            pass
    return None, "must be an id"


def _choice(*words: str) -> Reader:
    def read(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str) and value in words:
            return value.upper(), None
        return None, f"must be one of {', '.join(words)}"

    return read


# Contract field -> (GraphQL field, reader).
Fields = Mapping[str, tuple[str, Reader]]
PAYMENT_TERMS: Final[Fields] = {
    "payment_type": ("paymentType", _choice(*PAYMENT_TYPES)),
    "credit_days": ("creditDays", _integer),
    "penalty_rate": ("penaltyRate", _number),
    "discount_rate": ("discountRate", _number),
    "currency": ("currency", _text),
}
DELIVERY_TERMS: Final[Fields] = {
    "delivery_type": ("deliveryType", _choice(*DELIVERY_TYPES)),
    "estimated_days": ("estimatedDays", _integer),
    "shipping_cost": ("shippingCost", _integer),
    "insurance": ("insurance", _boolean),
    "shipping_currency": ("shippingCurrency", _text),
}
NEW_CONTRACT: Final[Fields] = {
    "contract_type": ("type", _choice(*CONTRACT_TYPES)),
    "party_id": ("partyId", _id),
    "start_date": ("startDate", _day),
    "end_date": ("endDate", _day),
    "credit_limit": ("creditLimit", _integer),
    "currency": ("currency", _text),
    "auto_renewal": ("autoRenewal", _boolean),
    "renewal_period_days": ("renewalPeriodDays", _integer),
    "max_renewals": ("maxRenewals", _integer),
}
REQUIRED: Final = ("contract_type", "party_id", "start_date")

# Domain problems (GraphQL input paths) under the contract's flat names.
ERROR_FIELDS: Final = {
    "type": "contract_type",
    **{f"paymentTerms.{g}": name for name, (g, _) in PAYMENT_TERMS.items()},
    **{f"deliveryTerms.{g}": name for name, (g, _) in DELIVERY_TERMS.items()},
    "first": "limit",
    "after": "cursor",
}


def _read(
    body: Mapping[str, Any], fields: Fields, problems: dict[str, str], *, partial: bool = False
) -> dict[str, Any]:
    """GraphQL name -> value of the fields `body` has; with `partial`, null is sent (clears)."""
    found: dict[str, Any] = {}
    for key, (target, read) in fields.items():
        if key not in body:
            continue
        if body[key] is None:
            if partial:
                found[target] = None
            continue
        value, problem = read(body[key])
        if problem:
            problems[key] = problem
        else:
            found[target] = value
    return found


def _check(problems: Mapping[str, str]) -> None:
    if problems:
        raise RestInputError("Invalid input", problems)


def create_variables(request: RestRequest) -> dict[str, Any]:
    """The flat create body as `CreateAgreementInput`; `currency` is the contract's currency
    and its payment terms' currency."""
    body = request.json_object()
    problems = {key: "is required" for key in REQUIRED if body.get(key) is None}
    contract = _read(body, NEW_CONTRACT, problems)
    payment = _read(body, PAYMENT_TERMS, problems)
    delivery = _read(body, DELIVERY_TERMS, problems)
    _check(problems)
    return {"input": {**contract, "paymentTerms": payment, "deliveryTerms": delivery}}


def _one_field(
    key: str, target: str, read: Reader, *, required: bool
) -> Callable[[RestRequest], dict[str, Any]]:
    """A body of one field (the item's id comes from the path); an optional one may come
    without any body at all."""

    def variables(request: RestRequest) -> dict[str, Any]:
        body = request.json_object() if required or request.body is not None else {}
        problems = {key: "is required"} if required and body.get(key) is None else {}
        found = _read(body, {key: (target, read)}, problems)
        _check(problems)
        return {"id": request.path_params["id"], **found}

    return variables


# `signed_at` is optional (now when absent).
activate_variables = _one_field("signed_at", "signedAt", _moment, required=False)
terminate_variables = _one_field("reason", "reason", _text, required=True)
renew_variables = _one_field("new_end_date", "newEndDate", _day, required=True)


def _terms_variables(fields: Fields) -> Callable[[RestRequest], dict[str, Any]]:
    def variables(request: RestRequest) -> dict[str, Any]:
        """Partial: absent keeps a term, null clears it."""
        problems: dict[str, str] = {}
        changes = _read(request.json_object(), fields, problems, partial=True)
        _check(problems)
        return {"id": request.path_params["id"], "input": changes}

    return variables


payment_terms_variables = _terms_variables(PAYMENT_TERMS)
delivery_terms_variables = _terms_variables(DELIVERY_TERMS)


def limit_of(request: RestRequest) -> int:
    """1 or more; larger than 100 is served as 100 (the documented maximum)."""
    return min(int_parameter(request, "limit", default=DEFAULT_LIMIT, minimum=1), MAX_LIMIT)


LIST_FILTERS: Final[Fields] = {
    "status": ("status", _choice(*STATUSES)),
    "contract_type": ("type", _choice(*CONTRACT_TYPES)),
    "party_id": ("partyId", _id),
    "cursor": ("after", _id),
}


def list_variables(request: RestRequest) -> dict[str, Any]:
    """Filters, the cursor (the last id of the previous page) and the page size."""
    problems: dict[str, str] = {}
    given = {key: value for key, value in request.query.items() if value != ""}
    variables = _read(given, LIST_FILTERS, problems)
    _check(problems)
    return {**variables, "first": limit_of(request)}
