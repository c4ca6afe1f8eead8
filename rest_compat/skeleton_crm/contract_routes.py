"""skeleton-crm `/contracts`: the Agreement domain under skeleton-crm's names.

Answers are wrapped in `{data: …}` as the contract documents them; lists page by cursor (the
last id of a page, a UUIDv7) as `{data: {items, next_cursor, has_more, limit}}`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_compat.engine import RestRequest, Route, id_from_path
from rest_compat.skeleton_crm import contract_input as read


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _number(value: str | None) -> int | float | None:
    """GraphQL's Decimal text as the contract writes rates: "2.00" -> 2, "0.50" -> 0.5."""
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


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
    return {
        "data": {
            "items": [contract(node) for node in connection["nodes"]],
            "next_cursor": page["endCursor"] if page["hasNextPage"] else None,
            "has_more": page["hasNextPage"],
            "limit": read.limit_of(request),
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
# The routes that change one contract: method, path after the id, operation, variables,
# mutation field, summary, request example.
ACTIONS: tuple[tuple[str, str, str, Any, str, str, dict[str, Any]], ...] = (
    (
        "POST",
        "activate",
        "SkeletonActivateContract",
        read.activate_variables,
        "activateAgreement",
        "Activate a draft or pending contract, signed at signed_at (default now) "
        "(contracts:write); 409 from any other status",
        {"signed_at": "2026-01-20T10:00:00+02:00"},
    ),
    (
        "POST",
        "terminate",
        "SkeletonTerminateContract",
        read.terminate_variables,
        "terminateAgreement",
        "Terminate a contract with a reason (contracts:write); 409 once expired or terminated",
        {"reason": "Breach of terms"},
    ),
    (
        "POST",
        "renew",
        "SkeletonRenewContract",
        read.renew_variables,
        "renewAgreement",
        "Renew an active or expired contract to a later end date (contracts:write); 409 past "
        "max_renewals",
        {"new_end_date": "2028-01-14"},
    ),
    (
        "PUT",
        "payment-terms",
        "SkeletonUpdateContractPaymentTerms",
        read.payment_terms_variables,
        "replacePaymentTerms",
        f"Change payment terms {TERMS}",
        {"payment_type": "credit", "credit_days": 45, "currency": "UAH"},
    ),
    (
        "PUT",
        "delivery-terms",
        "SkeletonUpdateContractDeliveryTerms",
        read.delivery_terms_variables,
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
        variables=read.list_variables,
        present=_page,
        summary="List contracts, oldest first (contracts:read); cursor = the last id seen",
        query_parameters=("status", "contract_type", "party_id", "cursor", "limit"),
        error_statuses=(400, 401, 403),
        error_fields=read.ERROR_FIELDS,
    ),
    Route(
        "POST",
        "/api/v1/contracts",
        "SkeletonCreateContract",
        variables=read.create_variables,
        present=lambda data, _: {"data": {"id": data["createAgreement"]["id"]}},
        status=201,
        summary="Create a draft contract with a supplier, partner, employee or customer "
        "(contracts:write)",
        request_example=CREATE_EXAMPLE,
        error_statuses=(400, 401, 403),
        error_fields=read.ERROR_FIELDS,
    ),
    Route(
        "GET",
        ITEM,
        "SkeletonGetContract",
        variables=id_from_path,
        present=_one("agreement"),
        summary="Get a contract (contracts:read)",
        error_statuses=(401, 403, 404),
    ),
    *(
        Route(
            method,
            f"{ITEM}/{action}",
            operation,
            variables=variables,
            present=_one(field),
            summary=summary,
            request_example=example,
            error_statuses=(400, 401, 403, 404, 409),
            error_fields=read.ERROR_FIELDS,
        )
        for method, action, operation, variables, field, summary, example in ACTIONS
    ),
)
