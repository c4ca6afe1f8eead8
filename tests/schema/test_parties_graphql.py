"""GraphQL for countries and parties: fields, partial updates, errors, loaders and SQL counts."""

from __future__ import annotations

import uuid
from typing import Any

from resolvers.identity.organizations import add_member
from tests.conftest import App
from tests.schema import PASSWORD, codes, errors_of, execute, register

COUNTRY_FIELDS = "id code alpha3 numericCode currencyCode flagEmoji active names { language value }"
PARTY_FIELDS = """
  id kind status name email taxId phone website position
  address { street city region postalCode countryId country { code name(language: "fr") } }
"""

COUNTRIES = f"""
query Countries($search: String, $active: Boolean, $sortBy: CountrySortField,
                $sortOrder: SortOrder, $language: String! = "en") {{
  countries(search: $search, active: $active, sortBy: $sortBy, sortOrder: $sortOrder) {{
    {COUNTRY_FIELDS} name(language: $language)
  }}
}}
"""
COUNTRY = f"query Country($id: ID!) {{ country(id: $id) {{ {COUNTRY_FIELDS} }} }}"
CREATE_COUNTRY = f"""
mutation CreateCountry($input: CreateCountryInput!) {{
  createCountry(input: $input) {{ {COUNTRY_FIELDS} phoneCode region }}
}}
"""
UPDATE_COUNTRY = f"""
mutation UpdateCountry($id: ID!, $input: UpdateCountryInput!) {{
  updateCountry(id: $id, input: $input) {{ {COUNTRY_FIELDS} phoneCode region }}
}}
"""
DEACTIVATE_COUNTRY = "mutation Off($id: ID!) { deactivateCountry(id: $id) { id active } }"
ACTIVATE_COUNTRY = "mutation On($id: ID!) { activateCountry(id: $id) { id active } }"
PARTIES = f"""
query Parties($kind: PartyKind, $status: PartyStatus, $search: String, $first: Int,
              $after: String, $sortBy: PartySortField, $sortOrder: SortOrder) {{
  parties(kind: $kind, status: $status, search: $search, first: $first, after: $after,
          sortBy: $sortBy, sortOrder: $sortOrder) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {PARTY_FIELDS} }}
  }}
}}
"""
PARTY = f"""
query Party($id: ID!, $kind: PartyKind) {{ party(id: $id, kind: $kind) {{ {PARTY_FIELDS} }} }}
"""
CREATE_PARTY = f"""
mutation CreateParty($input: CreatePartyInput!) {{
  createParty(input: $input) {{ {PARTY_FIELDS} }}
}}
"""
UPDATE_PARTY = f"""
mutation UpdateParty($id: ID!, $input: UpdatePartyInput!, $kind: PartyKind) {{
  updateParty(id: $id, input: $input, kind: $kind) {{ {PARTY_FIELDS} }}
}}
"""
SET_STATUS = """
mutation SetStatus($id: ID!, $status: PartyStatus!) {
  setPartyStatus(id: $id, status: $status) { id status }
}
"""
LOGIN = """
mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }
"""


async def owner(app: App, email: str = "owner@acme.com") -> tuple[str, str]:
    """(token, organization id) of a new organization's owner."""
    registered = await register(app, email)
    return registered["accessToken"], registered["organizationId"]


async def viewer_token(app: App, organization_id: str) -> str:
    registered = await register(app, "viewer@acme.com")
    async with app.asgi.state.db.platform() as session:
        await add_member(
            session, uuid.UUID(organization_id), uuid.UUID(registered["user"]["id"]), "viewer"
        )
    data = await execute(
        app,
        LOGIN,
        {
            "input": {
                "email": "viewer@acme.com",
                "password": PASSWORD,
                "organization": organization_id,
            }
        },
    )
    token: str = data["login"]["accessToken"]
    return token


async def country_id(app: App, token: str, code: str) -> str:
    found = (await execute(app, COUNTRIES, {"search": code}, token=token))["countries"]
    (match,) = [c for c in found if c["code"] == code]
    return str(match["id"])


def employee(country: str, **changes: Any) -> dict[str, Any]:
    return {
        "kind": "EMPLOYEE",
        "name": "John Smith",
        "email": "John@Acme.com",
        "position": "Sales Manager",
        "taxId": "SS-123456789",
        "address": {"street": "555 Employee St", "city": "Portland", "country": country},
        **changes,
    }


# --- countries ---------------------------------------------------------------------------


async def test_countries_with_names_in_several_languages(app: App) -> None:
    token, _ = await owner(app)
    found = await execute(app, COUNTRIES, {"search": "allem", "language": "fr"}, token=token)
    (germany,) = found["countries"]
    assert germany["code"] == "DE"
    assert germany["name"] == "Allemagne"
    assert germany["currencyCode"] == "EUR"
    names = {entry["language"]: entry["value"] for entry in germany["names"]}
    assert names["de"] == "Deutschland"
    assert names["es"] == "Alemania"
    # An unknown language falls back to English.
    unknown = await execute(app, COUNTRIES, {"search": "DEU", "language": "tlh"}, token=token)
    assert unknown["countries"][0]["name"] == "Germany"
    by_code = await execute(app, COUNTRIES, {"sortBy": "CODE", "sortOrder": "DESC"}, token=token)
    assert by_code["countries"][0]["code"] == "ZW"
    one = await execute(app, COUNTRY, {"id": germany["id"]}, token=token)
    assert one["country"]["code"] == "DE"
    missing = await errors_of(app, COUNTRY, {"id": str(uuid.uuid4())}, token=token)
    assert codes(missing) == ["NOT_FOUND"]
    too_long = await errors_of(app, COUNTRIES, {"search": "x" * 201}, token=token)
    assert too_long[0]["extensions"]["fields"] == {"search": "must be at most 200 characters"}


async def test_country_mutations_and_partial_updates(app: App) -> None:
    token, _ = await owner(app)
    created = (
        await execute(
            app,
            CREATE_COUNTRY,
            {
                "input": {
                    "code": "xk",
                    "name": [{"language": "en", "value": "Kosovo"}],
                    "alpha3": "xkx",
                    "region": "Europe",
                    "phoneCode": "+383",
                }
            },
            token=token,
        )
    )["createCountry"]
    assert (created["code"], created["alpha3"], created["active"]) == ("XK", "XKX", True)
    # Omitted keeps, null clears.
    updated = (
        await execute(
            app, UPDATE_COUNTRY, {"id": created["id"], "input": {"region": None}}, token=token
        )
    )["updateCountry"]
    assert updated["region"] is None
    assert updated["phoneCode"] == "+383"
    refused = await errors_of(
        app,
        UPDATE_COUNTRY,
        {"id": created["id"], "input": {"name": None, "code": None}},
        token=token,
    )
    assert codes(refused) == ["BAD_USER_INPUT"]
    assert refused[0]["extensions"]["fields"] == {
        "code": "is required",
        "name": "cannot be cleared",
    }
    duplicate = await errors_of(
        app,
        CREATE_COUNTRY,
        {"input": {"code": "XK", "name": [{"language": "en", "value": "Again"}]}},
        token=token,
    )
    assert codes(duplicate) == ["CONFLICT"]
    twice = await errors_of(
        app,
        CREATE_COUNTRY,
        {
            "input": {
                "code": "XX",
                "name": [{"language": "en", "value": "A"}, {"language": "en", "value": "B"}],
            }
        },
        token=token,
    )
    assert twice[0]["extensions"]["fields"] == {"name.en": "is given twice"}
    off = await execute(app, DEACTIVATE_COUNTRY, {"id": created["id"]}, token=token)
    assert off["deactivateCountry"]["active"] is False
    conflict = await errors_of(app, DEACTIVATE_COUNTRY, {"id": created["id"]}, token=token)
    assert codes(conflict) == ["CONFLICT"]
    on = await execute(app, ACTIVATE_COUNTRY, {"id": created["id"]}, token=token)
    assert on["activateCountry"]["active"] is True


async def test_country_permissions(app: App) -> None:
    token, organization_id = await owner(app)
    viewer = await viewer_token(app, organization_id)
    ua = await country_id(app, viewer, "UA")
    forbidden = await errors_of(app, DEACTIVATE_COUNTRY, {"id": ua}, token=viewer)
    assert codes(forbidden) == ["FORBIDDEN"]
    assert codes(await errors_of(app, COUNTRIES)) == ["UNAUTHENTICATED"]
    assert (await execute(app, COUNTRY, {"id": ua}, token=token))["country"]["active"] is True


# --- parties -----------------------------------------------------------------------------


async def test_create_read_and_the_nested_country(app: App) -> None:
    token, _ = await owner(app)
    us = await country_id(app, token, "US")
    created = (await execute(app, CREATE_PARTY, {"input": employee(us)}, token=token))[
        "createParty"
    ]
    assert created["kind"] == "EMPLOYEE"
    assert created["status"] == "ACTIVE"
    assert created["email"] == "john@acme.com"
    assert created["address"]["countryId"] == us
    assert created["address"]["country"] == {"code": "US", "name": "États-Unis"}
    assert created["address"]["region"] is None
    found = await execute(app, PARTY, {"id": created["id"]}, token=token)
    assert found["party"] == created
    wrong_kind = await errors_of(app, PARTY, {"id": created["id"], "kind": "SUPPLIER"}, token=token)
    assert codes(wrong_kind) == ["NOT_FOUND"]
    assert wrong_kind[0]["message"] == "supplier not found"


async def test_create_errors_name_the_fields(app: App) -> None:
    token, _ = await owner(app)
    us = await country_id(app, token, "US")
    supplier = await errors_of(
        app,
        CREATE_PARTY,
        {
            "input": {
                "kind": "SUPPLIER",
                "name": "",
                "email": "nope",
                "position": "Boss",
                "address": {"city": "X", "postalCode": "1" * 21, "country": us},
            }
        },
        token=token,
    )
    assert codes(supplier) == ["BAD_USER_INPUT"]
    assert supplier[0]["extensions"]["fields"] == {
        "name": "is required",
        "email": "Invalid email format",
        "position": "only employees have a position",
        "address.street": "is required",
        "address.postalCode": "must be at most 20 characters",
    }


async def test_update_keeps_omitted_fields_and_clears_nulls(app: App) -> None:
    token, _ = await owner(app)
    us = await country_id(app, token, "US")
    fr = await country_id(app, token, "FR")
    created = (await execute(app, CREATE_PARTY, {"input": employee(us)}, token=token))[
        "createParty"
    ]
    updated = (
        await execute(
            app,
            UPDATE_PARTY,
            {
                "id": created["id"],
                "kind": "EMPLOYEE",
                "input": {"taxId": None, "address": {"city": "Lyon", "country": fr}},
            },
            token=token,
        )
    )["updateParty"]
    assert updated["taxId"] is None
    assert updated["position"] == "Sales Manager"
    assert updated["address"]["street"] == "555 Employee St"
    assert updated["address"]["city"] == "Lyon"
    assert updated["address"]["country"] == {"code": "FR", "name": "France"}
    refused = await errors_of(
        app,
        UPDATE_PARTY,
        {"id": created["id"], "input": {"email": None, "address": {"country": "nowhere"}}},
        token=token,
    )
    assert refused[0]["extensions"]["fields"] == {
        "email": "is required",
        "address.country": "unknown country",
    }
    again = await execute(app, PARTY, {"id": created["id"]}, token=token)
    assert again["party"] == updated


async def test_status_changes(app: App) -> None:
    token, _ = await owner(app)
    us = await country_id(app, token, "US")
    created = (await execute(app, CREATE_PARTY, {"input": employee(us)}, token=token))[
        "createParty"
    ]
    blacklisted = await execute(
        app, SET_STATUS, {"id": created["id"], "status": "BLACKLISTED"}, token=token
    )
    assert blacklisted["setPartyStatus"]["status"] == "BLACKLISTED"
    refused = await errors_of(
        app, SET_STATUS, {"id": created["id"], "status": "INACTIVE"}, token=token
    )
    assert codes(refused) == ["CONFLICT"]


async def test_lists_page_by_cursor_and_load_countries_in_one_batch(app: App) -> None:
    token, _ = await owner(app)
    countries = [await country_id(app, token, code) for code in ("US", "FR", "DE")]

    async def add(count: int, start: int) -> None:
        for index in range(start, start + count):
            party = employee(
                countries[index % 3], name=f"Person {index:02}", email=f"p{index}@acme.com"
            )
            await execute(app, CREATE_PARTY, {"input": party}, token=token)

    async def statements() -> int:
        app.queries.reset()
        data = await execute(
            app, PARTIES, {"kind": "EMPLOYEE", "first": 100, "sortBy": "NAME"}, token=token
        )
        assert all(node["address"]["country"] for node in data["parties"]["nodes"])
        return app.queries.count

    await add(3, 0)
    few = await statements()
    await add(27, 3)
    assert await statements() == few

    first = (
        await execute(
            app, PARTIES, {"first": 10, "sortBy": "NAME", "sortOrder": "DESC"}, token=token
        )
    )["parties"]
    assert first["totalCount"] == 30
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["nodes"][0]["name"] == "Person 29"
    after = (
        await execute(
            app,
            PARTIES,
            {
                "first": 10,
                "after": first["pageInfo"]["endCursor"],
                "sortBy": "NAME",
                "sortOrder": "DESC",
            },
            token=token,
        )
    )["parties"]
    assert after["nodes"][0]["name"] == "Person 19"
    assert (await execute(app, PARTIES, {"kind": "SUPPLIER"}, token=token))["parties"][
        "totalCount"
    ] == 0
    searched = await execute(app, PARTIES, {"search": "P7@ACME"}, token=token)
    assert [n["name"] for n in searched["parties"]["nodes"]] == ["Person 07"]


async def test_party_permissions_and_tenancy(app: App) -> None:
    token, organization_id = await owner(app)
    us = await country_id(app, token, "US")
    created = (await execute(app, CREATE_PARTY, {"input": employee(us)}, token=token))[
        "createParty"
    ]
    viewer = await viewer_token(app, organization_id)
    seen = await execute(app, PARTY, {"id": created["id"]}, token=viewer)
    assert seen["party"]["id"] == created["id"]
    forbidden = await errors_of(app, CREATE_PARTY, {"input": employee(us)}, token=viewer)
    assert codes(forbidden) == ["FORBIDDEN"]
    other, _ = await owner(app, "other@other.com")
    hidden = await errors_of(app, PARTY, {"id": created["id"]}, token=other)
    assert codes(hidden) == ["NOT_FOUND"]
    assert (await execute(app, PARTIES, token=other))["parties"]["totalCount"] == 0
    assert codes(await errors_of(app, PARTIES)) == ["UNAUTHENTICATED"]
