"""vorgio `/clients` routes: the team's clients (the unified Customer), cursor-paginated.

Reads need the `clients:read` ability, writes `clients:write` (the customer use cases check
it for personal access tokens). `GET /clients?external_id=…` finds a client by the caller's own
id (0 or 1 item): the contract keys clients by `external_id` per team (see its checkouts) but
documents no lookup route, so the list takes it as a filter.

The body model checks what the contract itself states (JSON types, required fields, its enums,
a 2-letter country) under the contract's names; the domain checks the rest (lengths, emails,
IBAN/BIC, VAT id, ranges) and its errors come back renamed (`ERROR_FIELDS`). Absent keys are
left out, so a PATCH keeps them; `null` clears a nullable field.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import LaravelInteger, Number, Text
from rest_compat.vorgio.fields import Country, Filled, TeamId, not_null, one_of, refuse_null, upper
from rest_compat.vorgio.paging import PAGE_ERROR_FIELDS, CursorPage, CursorQuery, One, cursor_page
from rest_compat.vorgio.presenters import Client, client, one

# `rate` is "in euro cents": every rate the contract sets is a EUR amount.
CURRENCY = "EUR"
# Body field -> part of the GraphQL `billingAddress`.
ADDRESS = {
    "address": "street",
    "address_addition": "line2",
    "zip": "postalCode",
    "city": "city",
    "country": "country",
}
REQUIRED = ("name", "address", "zip", "city", "country", "language", "rate", "vat")
# Domain error paths that the snake_case rule would not name as the contract does.
ERROR_FIELDS = {
    **{f"billingAddress.{part}": name for name, part in ADDRESS.items()},
    "hourlyRate": "rate",
    "currency": "rate",
    "defaultVatRate": "vat",
    "vatNumber": "vat_id",
}


class ClientBody(ContractModel):
    """A client's fields (PATCH: every one optional; the required ones cannot be null).
    `team_id` is accepted and ignored: the token's team is the only team a request reaches."""

    team_id: TeamId = None
    name: Filled = not_null()
    name_addition: Text | None = None
    address: Filled = not_null(description="Street and number")
    address_addition: Text | None = None
    zip: Filled = not_null()
    city: Filled = not_null()
    country: Country = not_null(description="ISO 3166-1 alpha-2 code")
    email: Text | None = None
    email_cc: list[Text] | None = None
    email_text: Text | None = None
    language: one_of("de", "en") = not_null()  # type: ignore[valid-type]
    rate: LaravelInteger = not_null(
        serialization_alias="hourlyRate", description="Hourly rate in euro cents"
    )
    vat: Number = not_null(serialization_alias="defaultVatRate", description="VAT rate in percent")
    default_position_mode: one_of(  # type: ignore[valid-type]
        "hourly", "fixed", graphql=upper("hourly", "fixed")
    ) = not_null()
    invoice_note: Text | None = None
    iban: Text | None = None
    bic: Text | None = None
    vat_id: Text | None = Field(default=None, serialization_alias="vatNumber")
    buyer_reference: Text | None = None
    e_invoice_format: one_of(  # type: ignore[valid-type]
        "none", "zugferd", "xrechnung", graphql=upper("none", "zugferd", "xrechnung")
    ) = not_null(description="Not nullable: `none` for no e-invoice")
    external_id: Text | None = Field(default=None, description="Unique per team")

    @field_validator(*REQUIRED, "default_position_mode", mode="before")
    @classmethod
    def required_not_null(cls, value: Any) -> Any:
        return refuse_null(value)

    def graphql_input(self) -> dict[str, Any]:
        """The GraphQL customer input of the keys sent (absent keys are kept)."""
        fields = self.graphql(changes=True, exclude={"team_id", *ADDRESS})
        address = self.model_dump(mode="json", include=set(ADDRESS), exclude_unset=True)
        if address:
            fields["billingAddress"] = {ADDRESS[name]: value for name, value in address.items()}
        if fields.get("hourlyRate") is not None:
            fields["currency"] = CURRENCY
        return fields


class NewClientBody(ClientBody):
    name: Filled
    address: Filled = Field(description="Street and number")
    zip: Filled
    city: Filled
    country: Country = Field(description="ISO 3166-1 alpha-2 code")
    language: one_of("de", "en")  # type: ignore[valid-type]
    rate: LaravelInteger = Field(
        serialization_alias="hourlyRate", description="Hourly rate in euro cents"
    )
    vat: Number = Field(serialization_alias="defaultVatRate", description="VAT rate in percent")
    default_position_mode: one_of(  # type: ignore[valid-type]
        "hourly", "fixed", graphql=upper("hourly", "fixed")
    )


class ClientQuery(CursorQuery):
    external_id: Text | None = Field(default=None, description="Exact match: 0 or 1 client")


def _list_variables(inputs: Inputs[None, ClientQuery]) -> dict[str, Any]:
    query = inputs.query
    variables = query.window()
    if query.external_id is not None:
        variables["externalId"] = query.external_id
    return variables


def _create_variables(inputs: Inputs[ClientBody, None]) -> dict[str, Any]:
    return {"input": inputs.body.graphql_input()}


def _update_variables(inputs: Inputs[ClientBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "input": inputs.body.graphql_input()}


def _by_id(inputs: Inputs[None, None]) -> dict[str, Any]:
    return {"id": inputs.id}


EXAMPLE = {
    "team_id": 16,
    "name": "Acme GmbH",
    "name_addition": "Berlin Office",
    "address": "Musterstraße 1",
    "zip": "10115",
    "city": "Berlin",
    "country": "DE",
    "email": "billing@acme.example",
    "email_cc": ["accounting@acme.example"],
    "language": "de",
    "rate": 12000,
    "vat": 19,
    "default_position_mode": "hourly",
    "buyer_reference": "04011000-12345-34",
    "e_invoice_format": "xrechnung",
    "external_id": "wc_customer_42",
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/clients",
        "VorgioListClients",
        query=ClientQuery,
        to_variables=_list_variables,
        response=CursorPage[Client],
        present=lambda data, request: cursor_page(data["customers"], request, client),
        summary="List clients (clients:read), oldest first. `limit` (default 25, max 100), "
        "`cursor` (the previous page's `meta.next_cursor`), `external_id` (exact match).",
        error_statuses=(401, 403, 422),
        error_fields=PAGE_ERROR_FIELDS,
    ),
    Route(
        "POST",
        "/api/v1/clients",
        "VorgioCreateClient",
        body=NewClientBody,
        to_variables=_create_variables,
        response=One[Client],
        present=lambda data, _: one(data["createCustomer"]),
        status=201,
        summary="Create a client (clients:write)",
        request_example=EXAMPLE,
        error_statuses=(401, 403, 409, 422),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "GET",
        "/api/v1/clients/{id}",
        "VorgioGetClient",
        to_variables=_by_id,
        response=One[Client],
        present=lambda data, _: one(data["customer"]),
        summary="Get a client (clients:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/clients/{id}",
        "VorgioUpdateClient",
        body=ClientBody,
        to_variables=_update_variables,
        response=One[Client],
        present=lambda data, _: one(data["updateCustomer"]),
        summary="Update a client (clients:write): only the fields sent change, null clears",
        request_example={"rate": 13500, "email": None},
        error_statuses=(401, 403, 404, 409, 422),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "DELETE",
        "/api/v1/clients/{id}",
        "VorgioDeleteClient",
        to_variables=_by_id,
        status=204,
        summary="Soft-delete a client (clients:write); 409 while a retention rule keeps it",
        error_statuses=(401, 403, 404, 409),
    ),
)
