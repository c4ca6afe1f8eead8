"""skeleton-crm `/suppliers`, `/partners` and `/employees`: one route family per party kind.

The three families are built by one function; only the kind (and, for employees, the
`position` field) differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, Route, id_from_path
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import Text, choice, lowered_choice
from rest_compat.skeleton_crm.paging import Page, PageQuery, SortOrder, page_of

SORTS = {
    "name": "NAME",
    "email": "EMAIL",
    "status": "STATUS",
    "created_at": "CREATED_AT",
    "updated_at": "UPDATED_AT",
}
STATUSES = ("active", "inactive", "blacklisted")
COUNTRY = (
    "The id of one of the organization's countries (GET /api/v1/countries?search=US gives "
    "the id of the United States)"
)


class PartyAddressBody(ContractModel):
    """Each part sent changes (null clears it); absent parts are kept."""

    street: Text | None = None
    city: Text | None = None
    region: Text | None = None
    postal_code: Text | None = None
    country: Text | None = Field(default=None, description=COUNTRY)


class PartyBody(ContractModel):
    """Absent keeps a field, null clears it; name and email cannot be cleared (null keeps
    them, as for customers)."""

    name: Text | None = None
    email: Text | None = None
    tax_id: Text | None = None
    phone: Text | None = None
    website: Text | None = None
    address: PartyAddressBody | None = None


class EmployeeBody(PartyBody):
    position: Text | None = None


class PartyQuery(PageQuery):
    status: lowered_choice(*STATUSES, graphql={s: s.upper() for s in STATUSES}) | None = None  # type: ignore[valid-type]
    search: Text | None = None
    sort_by: choice(*SORTS, graphql=SORTS) | None = None  # type: ignore[valid-type]
    sort_order: SortOrder = "asc"


class PartyAddress(BaseModel):
    street: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None = Field(description="A country id")


class Party(BaseModel):
    id: str
    name: str
    tax_id: str | None
    email: str
    phone: str | None
    website: str | None
    address: PartyAddress
    status: str
    position: str | None = Field(default=None, description="Employees only")
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Kind:
    value: str  # the GraphQL PartyKind
    one: str  # "Supplier": names the operations
    many: str  # "Suppliers"
    has_position: bool = False

    @property
    def path(self) -> str:
        return f"/api/v1/{self.many.lower()}"


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


def _changes(body: PartyBody) -> dict[str, Any]:
    changes = body.graphql(changes=True, exclude={"address"})
    for name in ("name", "email"):
        if name in changes and changes[name] is None:
            del changes[name]  # null keeps, as for customers
    if body.sent("address"):
        changes["address"] = body.address.graphql(changes=True) if body.address else None
    return changes


def _create_variables(kind: Kind) -> Any:
    def variables(inputs: Inputs[PartyBody, None]) -> dict[str, Any]:
        """Missing name or email go through as empty, so every problem is reported at once."""
        given = _changes(inputs.body)
        return {
            "input": {
                "name": "",
                "email": "",
                **given,
                "kind": kind.value,
                "address": given.get("address") or {},
            }
        }

    return variables


def _update_variables(inputs: Inputs[PartyBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "input": _changes(inputs.body)}


def _present(field: str) -> Any:
    return lambda data, _: party(data[field])


def routes(kind: Kind) -> tuple[Route, ...]:
    """The seven documented routes of one kind."""
    one, path = kind.one.lower(), kind.path
    model = EmployeeBody if kind.has_position else PartyBody
    item = f"{path}/{{id}}"
    example = {
        "name": "SupplyCo",
        "email": "sales@supplyco.com",
        "address": {
            "street": "789 Industrial Rd",
            "city": "Chicago",
            "country": "<the id of GET /api/v1/countries?search=US>",
        },
    }
    if kind.has_position:
        example["position"] = "Sales Manager"
    status_routes = tuple(
        Route(
            "PATCH",
            f"{item}/{action.lower()}",
            f"Skeleton{action}{kind.one}",
            variables=id_from_path,
            response=Party,
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
            query=PartyQuery,
            to_variables=lambda inputs: inputs.query.variables(),
            response=Page[Party],
            present=lambda data, request: page_of(data["parties"], request, party),
            summary=f"List {kind.many.lower()} (parties:read)",
            error_statuses=(400, 401, 403),
        ),
        Route(
            "POST",
            path,
            f"SkeletonCreate{kind.one}",
            body=model,
            to_variables=_create_variables(kind),
            response=Party,
            present=_present("createParty"),
            status=201,
            summary=f"Create a {one} (parties:write); address.country is the id of one of the "
            "organization's countries (GET /api/v1/countries): the contract's example id "
            "01972b15-8000-7000-8000-000000000001 is a placeholder",
            request_example=example,
            error_statuses=(400, 401, 403),
        ),
        Route(
            "GET",
            item,
            f"SkeletonGet{kind.one}",
            variables=id_from_path,
            response=Party,
            present=_present("party"),
            summary=f"Get a {one} (parties:read)",
            error_statuses=(401, 403, 404),
        ),
        Route(
            "PUT",
            item,
            f"SkeletonUpdate{kind.one}",
            body=model,
            to_variables=_update_variables,
            response=Party,
            present=_present("updateParty"),
            summary=f"Update a {one} (parties:write): absent keeps, null clears",
            request_example={"phone": "+1-555-0399", "address": {"city": "Indianapolis"}},
            error_statuses=(400, 401, 403, 404),
        ),
        *status_routes,
    )


ROUTES = routes(SUPPLIERS) + routes(PARTNERS) + routes(EMPLOYEES)
