"""skeleton-crm `/contracts`: the Agreement domain under skeleton-crm's names, declared.

The body and query models are the contract's names; answers are wrapped in `{data: …}` as the
contract documents them, and lists page by cursor (the last id of a page, a UUIDv7) as
`{data: {items, next_cursor, has_more, limit}}`. Rules the domain owns (currencies exist, the
dates are ordered, a status allows a transition) stay in the domain.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, Field
from pydantic.alias_generators import to_camel

from rest_compat.engine import Inputs, RestRequest, Route, path_variables
from rest_compat.engine.models import ContractModel, Data
from rest_compat.engine.values import (
    Boolean,
    Day,
    Id,
    Integer,
    Moment,
    Number,
    QueryInteger,
    SmallInteger,
    Text,
    choice,
    json_number,
)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
CONTRACT_TYPES = ("supply", "service", "employment", "partnership", "lease", "license")
STATUSES = ("draft", "pending_approval", "active", "expired", "terminated")
PAYMENT_TYPES = ("prepaid", "postpaid", "credit")
DELIVERY_TYPES = ("delivery", "pickup", "digital")
T = TypeVar("T")


def _enum(*words: str) -> Any:
    """One of `words`, sent to GraphQL as its enum value (`active` -> ACTIVE)."""
    return choice(*words, graphql={word: word.upper() for word in words})


# --- requests ----------------------------------------------------------------------------


class PaymentTermsBody(ContractModel):
    """Absent keeps a term, null clears it."""

    payment_type: _enum(*PAYMENT_TYPES) | None = None  # type: ignore[valid-type]
    credit_days: SmallInteger | None = None
    penalty_rate: Number | None = Field(default=None, description="Percent")
    discount_rate: Number | None = Field(default=None, description="Percent")
    currency: Text | None = Field(default=None, description="ISO 4217")


class DeliveryTermsBody(ContractModel):
    """Absent keeps a term, null clears it."""

    delivery_type: _enum(*DELIVERY_TYPES) | None = None  # type: ignore[valid-type]
    estimated_days: SmallInteger | None = None
    shipping_cost: Integer | None = Field(default=None, description="Minor units (cents)")
    insurance: Boolean | None = None
    shipping_currency: Text | None = Field(default=None, description="ISO 4217")


PAYMENT_FIELDS = tuple(PaymentTermsBody.model_fields)
DELIVERY_FIELDS = tuple(DeliveryTermsBody.model_fields)


class NewContractBody(PaymentTermsBody, DeliveryTermsBody):
    """A draft contract; its terms are given flat. `currency` is the contract's currency and
    its payment terms' currency."""

    contract_type: _enum(*CONTRACT_TYPES) = Field(serialization_alias="type")  # type: ignore[valid-type]
    party_id: Id = Field(description="A supplier, partner, employee or customer id")
    start_date: Day
    end_date: Day | None = Field(default=None, description="None: until terminated")
    credit_limit: Integer | None = Field(default=None, description="Minor units; 0: no limit")
    auto_renewal: Boolean | None = None
    renewal_period_days: SmallInteger | None = None
    max_renewals: SmallInteger | None = Field(default=None, description="None: no maximum")


class ActivateBody(ContractModel):
    signed_at: Moment | None = Field(default=None, description="Default: now")


class TerminateBody(ContractModel):
    reason: Text


class RenewBody(ContractModel):
    new_end_date: Day


class ContractQuery(ContractModel):
    status: _enum(*STATUSES) | None = None  # type: ignore[valid-type]
    contract_type: _enum(*CONTRACT_TYPES) | None = Field(  # type: ignore[valid-type]
        default=None, serialization_alias="type"
    )
    party_id: Id | None = Field(
        default=None, description="A supplier, partner, employee or customer id"
    )
    cursor: Id | None = Field(
        default=None,
        serialization_alias="after",
        description="The next_cursor of the previous page (the id of its last contract)",
    )
    limit: QueryInteger = Field(
        default=DEFAULT_LIMIT, ge=1, description=f"Items per page (larger is served as {MAX_LIMIT})"
    )

    @property
    def page_size(self) -> int:
        return min(self.limit, MAX_LIMIT)


def _create_variables(inputs: Inputs[NewContractBody, None]) -> dict[str, Any]:
    body = inputs.body
    given = {
        k: v
        for k, v in body.graphql(exclude={*PAYMENT_FIELDS, *DELIVERY_FIELDS}).items()
        if v is not None
    }
    payment = body.graphql(
        changes=True, exclude=set(NewContractBody.model_fields) - set(PAYMENT_FIELDS)
    )
    delivery = body.graphql(
        changes=True, exclude=set(NewContractBody.model_fields) - set(DELIVERY_FIELDS)
    )
    if body.currency is not None:
        given["currency"] = body.currency
    return {"input": {**given, "paymentTerms": payment, "deliveryTerms": delivery}}


def _list_variables(inputs: Inputs[None, ContractQuery]) -> dict[str, Any]:
    query = inputs.query
    given = query.graphql(exclude={"limit"})
    return {**{k: v for k, v in given.items() if v is not None}, "first": query.page_size}


def _item_variables(inputs: Inputs[Any, None]) -> dict[str, Any]:
    """The path's id and the body's fields (those sent)."""
    return {"id": inputs.id, **inputs.body.graphql(changes=True)}


def _terms_variables(inputs: Inputs[Any, None]) -> dict[str, Any]:
    """Partial terms: absent keeps, null clears."""
    return {"id": inputs.id, "input": inputs.body.graphql(changes=True)}


# Domain problems (GraphQL input paths) under the contract's flat names.
ERROR_FIELDS = {
    "type": "contract_type",
    **{f"paymentTerms.{to_camel(name)}": name for name in PAYMENT_FIELDS},
    **{f"deliveryTerms.{to_camel(name)}": name for name in DELIVERY_FIELDS},
    "first": "limit",
    "after": "cursor",
}


# --- responses ---------------------------------------------------------------------------


class PaymentTerms(BaseModel):
    payment_type: str | None
    credit_days: int | None
    penalty_rate: float | None
    discount_rate: float | None
    currency: str | None


class DeliveryTerms(BaseModel):
    delivery_type: str | None
    estimated_days: int | None
    shipping_cost: int | None
    insurance: bool | None
    shipping_currency: str | None


class ValidityPeriod(BaseModel):
    start_date: str
    end_date: str | None


class Contract(BaseModel):
    id: str
    contract_type: str
    status: str
    party_id: str
    payment_terms: PaymentTerms
    delivery_terms: DeliveryTerms
    validity_period: ValidityPeriod
    credit_limit: int
    currency: str | None
    auto_renewal: bool
    renewal_period_days: int | None
    renewal_count: int
    max_renewals: int | None
    version: int
    created_by: str | None
    created_at: str
    updated_at: str
    signed_at: str | None
    terminated_at: str | None
    termination_reason: str | None


class ContractPage(BaseModel):
    items: list[Contract]
    next_cursor: str | None
    has_more: bool
    limit: int


class Created(BaseModel):
    id: str


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _number(value: str | None) -> int | float | None:
    return json_number(value) if value is not None else None


def contract(node: dict[str, Any]) -> dict[str, Any]:
    payment, delivery = node["paymentTerms"], node["deliveryTerms"]
    return {
        "id": node["id"],
        "contract_type": node["type"].lower(),
        "status": node["status"].lower(),
        "party_id": node["partyId"],
        "payment_terms": {
            "payment_type": _lower(payment["paymentType"]),
            "credit_days": payment["creditDays"],
            "penalty_rate": _number(payment["penaltyRate"]),
            "discount_rate": _number(payment["discountRate"]),
            "currency": payment["currency"],
        },
        "delivery_terms": {
            "delivery_type": _lower(delivery["deliveryType"]),
            "estimated_days": delivery["estimatedDays"],
            "shipping_cost": delivery["shippingCost"],
            "insurance": delivery["insurance"],
            "shipping_currency": delivery["shippingCurrency"],
        },
        "validity_period": {
            "start_date": node["validityPeriod"]["startDate"],
            "end_date": node["validityPeriod"]["endDate"],
        },
        "credit_limit": node["creditLimit"],
        "currency": node["currency"],
        "auto_renewal": node["autoRenewal"],
        "renewal_period_days": node["renewalPeriodDays"],
        "renewal_count": node["renewalCount"],
        "max_renewals": node["maxRenewals"],
        "version": node["version"],
        "created_by": node["createdById"],
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
        "signed_at": node["signedAt"],
        "terminated_at": node["terminatedAt"],
        "termination_reason": node["terminationReason"],
    }


def _page(data: dict[str, Any], request: RestRequest) -> dict[str, Any]:
    connection = data["agreements"]
    page = connection["pageInfo"]
    # The query string was validated before the operation ran: this cannot fail.
    given = {key: value for key, value in request.query.items() if value != ""}
    limit = ContractQuery.model_validate(given).page_size
    return {
        "data": {
            "items": [contract(node) for node in connection["nodes"]],
            "next_cursor": page["endCursor"] if page["hasNextPage"] else None,
            "has_more": page["hasNextPage"],
            "limit": limit,
        }
    }


def _one(field: str) -> Any:
    return lambda data, _: {"data": contract(data[field])}


CREATE_EXAMPLE = {
    "contract_type": "supply",
    "party_id": "<supplier, partner, employee or customer id>",
    "payment_type": "credit",
    "credit_days": 30,
    "currency": "UAH",
    "delivery_type": "delivery",
    "estimated_days": 5,
    "start_date": "2026-01-15",
    "end_date": "2027-01-14",
    "credit_limit": 500000000,
}
ITEM = "/api/v1/contracts/{id}"
TERMS = "(contracts:write): absent keeps, null clears; a change is a new version"
# The routes that change one contract: method, path after the id, operation, body model,
# variables, mutation field, summary, request example.
ACTIONS: tuple[tuple[str, str, str, type[ContractModel], Any, str, str, dict[str, Any]], ...] = (
    (
        "POST",
        "activate",
        "SkeletonActivateContract",
        ActivateBody,
        _item_variables,
        "activateAgreement",
        "Activate a draft or pending contract, signed at signed_at (default now) "
        "(contracts:write); 409 from any other status",
        {"signed_at": "2026-01-20T10:00:00+02:00"},
    ),
    (
        "POST",
        "terminate",
        "SkeletonTerminateContract",
        TerminateBody,
        _item_variables,
        "terminateAgreement",
        "Terminate a contract with a reason (contracts:write); 409 once expired or terminated",
        {"reason": "Breach of terms"},
    ),
    (
        "POST",
        "renew",
        "SkeletonRenewContract",
        RenewBody,
        _item_variables,
        "renewAgreement",
        "Renew an active or expired contract to a later end date (contracts:write); 409 past "
        "max_renewals",
        {"new_end_date": "2028-01-14"},
    ),
    (
        "PUT",
        "payment-terms",
        "SkeletonUpdateContractPaymentTerms",
        PaymentTermsBody,
        _terms_variables,
        "replacePaymentTerms",
        f"Change payment terms {TERMS}",
        {"payment_type": "credit", "credit_days": 45, "currency": "UAH"},
    ),
    (
        "PUT",
        "delivery-terms",
        "SkeletonUpdateContractDeliveryTerms",
        DeliveryTermsBody,
        _terms_variables,
        "replaceDeliveryTerms",
        f"Change delivery terms {TERMS}",
        {"delivery_type": "delivery", "estimated_days": 7},
    ),
)

ROUTES = (
    Route(
        "GET",
        "/api/v1/contracts",
        "SkeletonListContracts",
        query=ContractQuery,
        to_variables=_list_variables,
        response=Data[ContractPage],
        present=_page,
        summary="List contracts, oldest first (contracts:read); cursor = the last id seen",
        error_statuses=(400, 401, 403),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "POST",
        "/api/v1/contracts",
        "SkeletonCreateContract",
        body=NewContractBody,
        to_variables=_create_variables,
        response=Data[Created],
        present=lambda data, _: {"data": {"id": data["createAgreement"]["id"]}},
        status=201,
        summary="Create a draft contract with a supplier, partner, employee or customer "
        "(contracts:write)",
        request_example=CREATE_EXAMPLE,
        error_statuses=(400, 401, 403),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "GET",
        ITEM,
        "SkeletonGetContract",
        to_variables=path_variables,
        response=Data[Contract],
        present=_one("agreement"),
        summary="Get a contract (contracts:read)",
        error_statuses=(401, 403, 404),
    ),
    *(
        Route(
            method,
            f"{ITEM}/{action}",
            operation,
            body=body,
            to_variables=variables,
            response=Data[Contract],
            present=_one(field),
            summary=summary,
            request_example=example,
            error_statuses=(400, 401, 403, 404, 409),
            error_fields=ERROR_FIELDS,
        )
        for method, action, operation, body, variables, field, summary, example in ACTIONS
    ),
)
