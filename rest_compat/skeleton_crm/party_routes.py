"""skeleton-crm `/suppliers`, `/partners` and `/employees`: one route family per party kind.

The three families are built by one function; only the kind (and, for employees, the
`position` field) differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_compat.engine import RestInputError, RestRequest, Route, id_from_path
from rest_compat.skeleton_crm.countries_routes import check, search_filter, strings
from rest_compat.skeleton_crm.paging import (
    LIST_PARAMETERS,
    page_of,
    page_variables,
    sort_variables,
)

SORTS = {
    "name": "NAME",
    "email": "EMAIL",
    "status": "STATUS",
    "created_at": "CREATED_AT",
    "updated_at": "UPDATED_AT",
}
STATUSES = ("active", "inactive", "blacklisted")
# Contract field -> GraphQL input field.
FIELDS = {
    "name": "name",
    "email": "email",
    "tax_id": "taxId",
    "phone": "phone",
    "website": "website",
}
ADDRESS = {
    "street": "street",
    "city": "city",
    "region": "region",
    "postal_code": "postalCode",
    "country": "country",
}


@dataclass(frozen=True)
class Kind:
    value: str  # the GraphQL PartyKind
    one: str  # "Supplier": names the operations
    many: str  # "Suppliers"
    has_position: bool = False

    @property
    def path(self) -> str:
        return f"/api/v1/{self.many.lower()}"

    @property
    def fields(self) -> dict[str, str]:
        return {**FIELDS, "position": "position"} if self.has_position else FIELDS


SUPPLIERS = Kind("SUPPLIER", "Supplier", "Suppliers")
PARTNERS = Kind("PARTNER", "Partner", "Partners")
EMPLOYEES = Kind("EMPLOYEE", "Employee", "Employees", has_position=True)


def party(node: dict[str, Any]) -> dict[str, Any]:
    address = node["address"]
    body = {
        "id": node["id"],
        "name": node["name"],
        "tax_id": node["taxId"],
        "email": node["email"],
        "phone": node["phone"],
        "website": node["website"],
        "address": {
            "street": address["street"],
            "city": address["city"],
            "region": address["region"],
            "postal_code": address["postalCode"],
            "country": address["countryId"],
        },
        "status": node["status"].lower(),
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }
    if node["kind"] == EMPLOYEES.value:
        body["position"] = node["position"]
    return body


def _list_variables(request: RestRequest) -> dict[str, Any]:
    variables = {**page_variables(request), **sort_variables(request, SORTS)}
    variables.update(search_filter(request))
    status = request.query.get("status")
    if status:
        if status.lower() not in STATUSES:
            raise RestInputError(
                "Invalid input", {"status": f"must be one of {', '.join(STATUSES)}"}
            )
        variables["status"] = status.upper()
    return variables


def _address(body: dict[str, Any], problems: dict[str, str]) -> dict[str, Any] | None:
    value = body.get("address")
    if value is not None and not isinstance(value, dict):
        problems["address"] = "must be an object"
        return None
    return None if value is None else strings(value, ADDRESS, problems, prefix="address.")


def _create_variables(kind: Kind) -> Any:
    def variables(request: RestRequest) -> dict[str, Any]:
        """Missing name or email go through as empty, so every problem is reported at once."""
        body = request.json_object()
        problems: dict[str, str] = {}
        values = strings(body, kind.fields, problems)
        address = _address(body, problems)
        check(problems)
        given = {key: value for key, value in values.items() if value is not None}
        return {
            "input": {
                "name": "",
                "email": "",
                **given,
                "kind": kind.value,
                "address": address or {},
            }
        }

    return variables


def _update_variables(kind: Kind) -> Any:
    def variables(request: RestRequest) -> dict[str, Any]:
        """Absent keeps a field, null clears it, also inside `address`."""
        body = request.json_object()
        problems: dict[str, str] = {}
        changes = strings(body, kind.fields, problems)
        if "address" in body:
            changes["address"] = _address(body, problems)
        check(problems)
        return {"id": request.path_params["id"], "input": changes}

    return variables


def _present(field: str) -> Any:
    return lambda data, _: party(data[field])


def routes(kind: Kind) -> tuple[Route, ...]:
    """The seven documented routes of one kind."""
    one, path = kind.one.lower(), kind.path
    item = f"{path}/{{id}}"
    example = {
        "name": "SupplyCo",
        "email": "sales@supplyco.com",
        "address": {"street": "789 Industrial Rd", "city": "Chicago", "country": "<country id>"},
    }
    if kind.has_position:
        example["position"] = "Sales Manager"
    status_routes = tuple(
        Route(
            "PATCH",
            f"{item}/{action.lower()}",
            f"Skeleton{action}{kind.one}",
            variables=id_from_path,
            present=_present("setPartyStatus"),
            summary=f"{action} a {one} (parties:write); {refused}",
            error_statuses=(401, 403, 404, 409),
        )
        for action, refused in (
            ("Activate", "409 if already active"),
            ("Deactivate", "409 if already inactive or blacklisted"),
            ("Blacklist", "409 if already blacklisted"),
        )
    )
    return (
        Route(
            "GET",
            path,
            f"SkeletonList{kind.many}",
            variables=_list_variables,
            present=lambda data, request: page_of(data["parties"], request, party),
            summary=f"List {kind.many.lower()} (parties:read)",
            query_parameters=(*LIST_PARAMETERS, "status", "search"),
            error_statuses=(400, 401, 403),
        ),
        Route(
            "POST",
            path,
            f"SkeletonCreate{kind.one}",
            variables=_create_variables(kind),
            present=_present("createParty"),
            status=201,
            summary=f"Create a {one} (parties:write)",
            request_example=example,
            error_statuses=(400, 401, 403),
        ),
        Route(
            "GET",
            item,
            f"SkeletonGet{kind.one}",
            variables=id_from_path,
            present=_present("party"),
            summary=f"Get a {one} (parties:read)",
            error_statuses=(401, 403, 404),
        ),
        Route(
            "PUT",
            item,
            f"SkeletonUpdate{kind.one}",
            variables=_update_variables(kind),
            present=_present("updateParty"),
            summary=f"Update a {one} (parties:write): absent keeps, null clears",
            request_example={"phone": "+1-555-0399", "address": {"city": "Indianapolis"}},
            error_statuses=(400, 401, 403, 404),
        ),
        *status_routes,
    )


ROUTES = routes(SUPPLIERS) + routes(PARTNERS) + routes(EMPLOYEES)
