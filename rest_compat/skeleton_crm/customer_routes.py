"""skeleton-crm `/customers` routes: the unified Customer under skeleton-crm's names.

`address` is the billing address; `addresses: [{type, …}]` names each address by its type.
`total_purchases` is computed by the server (0 until the customer has invoices).
"""

from __future__ import annotations

from typing import Any

from rest_compat.engine import RestInputError, RestRequest, Route, id_from_path
from rest_compat.skeleton_crm.paging import LIST_PARAMETERS, page_of, page_variables, sort_variables

SORTS = {
    "name": "NAME",
    "email": "EMAIL",
    "credit_limit": "CREDIT_LIMIT",
    "created_at": "CREATED_AT",
    "updated_at": "UPDATED_AT",
}
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# Contract field -> GraphQL input field.
TEXTS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "tax_id": "taxId",
    "website": "website",
    "currency": "currency",
}
ADDRESS_PARTS = {
    "street": "street",
    "city": "city",
    "region": "region",
    "state": "region",  # `addresses[]` entries say state, `address` says region
    "postal_code": "postalCode",
    "country": "country",  # an ISO 3166-1 alpha-2 code or a country id
}
ADDRESS_TYPES = {"billing": "billingAddress", "shipping": "shippingAddress"}
REQUIRED = ("name", "email")


def _address(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "street": node["street"],
        "city": node["city"],
        "region": node["region"],
        "postal_code": node["postalCode"],
        "country": node["country"],
    }


def _addresses(node: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for kind, field in ADDRESS_TYPES.items():
        address = node[field]
        if any(value is not None for value in address.values()):
            entries.append(
                {
                    "type": kind,
                    "street": address["street"],
                    "city": address["city"],
                    "state": address["region"],
                    "postal_code": address["postalCode"],
                    "country": address["country"],
                }
            )
    return entries


def customer(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "name": node["name"],
        "email": node["email"],
        "phone": node["phone"],
        "credit_limit": node["creditLimit"],
        "total_purchases": node["totalPurchases"],
        "currency": node["currency"],
        "active": node["active"],
        "tax_id": node["taxId"],
        "website": node["website"],
        "social_media": node["socialMedia"],
        "address": _address(node["billingAddress"]),
        "addresses": _addresses(node),
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


class _Reader:
    """Checks JSON types under the contract's field names, collecting every problem."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def typed(self, value: Any, kind: type, path: str) -> bool:
        """Whether `value` is null or of `kind` (a bool is not an integer here)."""
        ok = value is None or (
            isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        )
        if not ok:
            names = {str: "a string", int: "an integer", dict: "an object", bool: "a boolean"}
            self.problems.setdefault(path, f"must be {names.get(kind, kind.__name__)}")
        return ok

    def address(self, raw: Any, path: str) -> dict[str, Any] | None:
        """A partial address input: only the parts the body names."""
        if raw is None:
            return None
        if not self.typed(raw, dict, path):
            return {}
        if "state" in raw and "region" in raw:
            self.problems[f"{path}.state"] = "give state or region, not both"
        parts: dict[str, Any] = {}
        for key, target in ADDRESS_PARTS.items():
            if key in raw and self.typed(raw[key], str, f"{path}.{key}"):
                parts[target] = raw[key]
        return parts

    def addresses(self, raw: Any, fields: dict[str, Any]) -> None:
        if raw is None:
            fields.update(dict.fromkeys(ADDRESS_TYPES.values()))
            return
        if not isinstance(raw, list):
            self.problems["addresses"] = "must be an array"
            return
        for index, entry in enumerate(raw):
            path = f"addresses[{index}]"
            kind = entry.get("type") if isinstance(entry, dict) else None
            if kind not in ADDRESS_TYPES:
                self.problems[f"{path}.type"] = "must be billing or shipping"
                continue
            target = ADDRESS_TYPES[kind]
            if target in fields:
                self.problems[f"{path}.type"] = f"the {kind} address is given twice"
                continue
            fields[target] = self.address({k: v for k, v in entry.items() if k != "type"}, path)


def _customer_input(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """GraphQL input fields for the keys the body has: absent keys are left out (kept)."""
    reader = _Reader()
    fields: dict[str, Any] = {}
    for key, target in TEXTS.items():
        if key not in body:
            continue
        value = body[key]
        if key in REQUIRED and value is None:
            continue  # a nil pointer: nothing to change (or missing, below)
        if key in REQUIRED and isinstance(value, str) and not value.strip():
            reader.problems[key] = "must not be empty"
        elif reader.typed(value, str, key):
            fields[target] = value
    if creating:
        for key in REQUIRED:
            if body.get(key) is None:
                reader.problems[key] = "is required"
    if "credit_limit" in body and reader.typed(body["credit_limit"], int, "credit_limit"):
        if body["credit_limit"] is not None and body["credit_limit"] < 0:
            reader.problems["credit_limit"] = "must be zero or more"
        fields["creditLimit"] = body["credit_limit"]
    if "social_media" in body and reader.typed(body["social_media"], dict, "social_media"):
        fields["socialMedia"] = body["social_media"]
    active = body.get("active")
    if active is not None and reader.typed(active, bool, "active"):
        fields["status"] = "ACTIVE" if active else "INACTIVE"
    if "address" in body:
        fields["billingAddress"] = reader.address(body["address"], "address")
    if "addresses" in body:
        if "address" in body:
            reader.problems["address"] = "give address or addresses, not both"
        else:
            reader.addresses(body["addresses"], fields)
    if reader.problems:
        raise RestInputError("Invalid input", reader.problems)
    return fields


def _list_variables(request: RestRequest) -> dict[str, Any]:
    variables = {**page_variables(request), **sort_variables(request, SORTS)}
    search = request.query.get("search")
    if search:
        variables["search"] = search
    active = request.query.get("active")
    if active:
        if active.lower() not in BOOLEANS:
            raise RestInputError("Invalid input", {"active": "must be true or false"})
        variables["status"] = "ACTIVE" if BOOLEANS[active.lower()] else "INACTIVE"
    return variables


def _create_variables(request: RestRequest) -> dict[str, Any]:
    return {"input": _customer_input(request.json_object(), creating=True)}


def _update_variables(request: RestRequest) -> dict[str, Any]:
    body = request.json_object()
    return {"id": request.path_params["id"], "input": _customer_input(body, creating=False)}


EXAMPLE = {
    "name": "Acme Corporation",
    "email": "contact@acme.com",
    "phone": "+1-555-0100",
    "credit_limit": 50000,
    "currency": "USD",
    "addresses": [
        {
            "type": "billing",
            "street": "123 Main St",
            "city": "New York",
            "state": "NY",
            "postal_code": "10001",
            "country": "US",
        }
    ],
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/customers",
        "SkeletonListCustomers",
        variables=_list_variables,
        present=lambda data, request: page_of(data["customers"], request, customer),
        summary="List customers (customers:read); search in name, email, external id, "
        "SIRET and VAT number; active=true|false",
        query_parameters=(*LIST_PARAMETERS, "search", "active"),
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/customers",
        "SkeletonCreateCustomer",
        variables=_create_variables,
        present=lambda data, _: customer(data["createCustomer"]),
        status=201,
        summary="Create a customer (customers:write)",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/customers/{id}",
        "SkeletonGetCustomer",
        variables=id_from_path,
        present=lambda data, _: customer(data["customer"]),
        summary="Get a customer (customers:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "PUT",
        "/api/v1/customers/{id}",
        "SkeletonUpdateCustomer",
        variables=_update_variables,
        present=lambda data, _: customer(data["updateCustomer"]),
        summary="Update a customer partially (customers:write): absent keeps, null clears",
        request_example={"phone": "+1-555-0200", "address": {"city": "Boston", "region": None}},
        error_statuses=(400, 401, 403, 404),
    ),
)
