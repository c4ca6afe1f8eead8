"""GraphQL for agreements: lifecycle, terms history, renewals, errors, permissions, tenancy,
filters and id cursors, and SQL counts for a page of 100 with their parties."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.conftest import App
from tests.schema import codes, errors_of, execute, register
from tests.schema.test_parties_graphql import country_id, employee, owner, viewer_token

FIELDS = """
  id type status partyId version renewalCount maxRenewals autoRenewal renewalPeriodDays
  creditLimit currency signedAt terminatedAt terminationReason createdById
  validityPeriod { startDate endDate }
  paymentTerms { paymentType creditDays penaltyRate discountRate currency }
  deliveryTerms { deliveryType estimatedDays shippingCost insurance shippingCurrency }
"""
CREATE = f"""
mutation C($input: CreateAgreementInput!) {{ createAgreement(input: $input) {{ {FIELDS} }} }}
"""
AGREEMENT = f"""
query A($id: ID!) {{
  agreement(id: $id) {{
    {FIELDS}
    party {{ __typename ... on Party {{ id kind name }} ... on Customer {{ id name }} }}
    createdBy {{ email }}
    paymentTermsHistory {{ version adoptedBy {{ email }} terms {{ paymentType creditDays }} }}
    deliveryTermsHistory {{ version terms {{ deliveryType estimatedDays }} }}
    renewals {{ previousEndDate newEndDate automatic version }}
  }}
}}
"""
LIST = """
query L($status: AgreementStatus, $type: AgreementType, $partyId: ID, $first: Int,
        $after: String) {
  agreements(status: $status, type: $type, partyId: $partyId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor }
    nodes {
      id type status
      party { __typename ... on Party { name } ... on Customer { name } }
      createdBy { email }
      paymentTermsHistory { version }
      renewals { newEndDate }
    }
  }
}
"""
ACTIVATE = f"""
mutation A($id: ID!, $signedAt: DateTime) {{
  activateAgreement(id: $id, signedAt: $signedAt) {{ {FIELDS} }}
}}
"""
SUBMIT = "mutation S($id: ID!) { submitAgreement(id: $id) { status version } }"
TERMINATE = f"""
mutation T($id: ID!, $reason: String!) {{
  terminateAgreement(id: $id, reason: $reason) {{ {FIELDS} }}
}}
"""
RENEW = f"""
mutation R($id: ID!, $end: Date!) {{ renewAgreement(id: $id, newEndDate: $end) {{ {FIELDS} }} }}
"""
PAYMENT = f"""
mutation P($id: ID!, $input: PaymentTermsInput!) {{
  replacePaymentTerms(id: $id, input: $input) {{ {FIELDS} }}
}}
"""
DELIVERY = f"""
mutation D($id: ID!, $input: DeliveryTermsInput!) {{
  replaceDeliveryTerms(id: $id, input: $input) {{ {FIELDS} }}
}}
"""
AUDIT = """
query Audit($id: ID!) { auditEntries(subjectId: $id) { nodes { action actorKind details } } }
"""
CREATE_PARTY = "mutation P($input: CreatePartyInput!) { createParty(input: $input) { id } }"
CREATE_CUSTOMER = (
    "mutation C($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
)

TODAY = date.today()


async def supplier(app: App, token: str, name: str = "Steel Works") -> str:
    country = await country_id(app, token, "UA")
    party = employee(country, kind="SUPPLIER", name=name, email="sales@steel.example")
    del party["position"]
    data = await execute(app, CREATE_PARTY, {"input": party}, token=token)
    return str(data["createParty"]["id"])


async def customer(app: App, token: str, name: str = "Acme") -> str:
    data = await execute(app, CREATE_CUSTOMER, {"input": {"name": name}}, token=token)
    return str(data["createCustomer"]["id"])


def draft(party_id: str, **changes: Any) -> dict[str, Any]:
    """skeleton-crm's create example, under GraphQL names."""
    return {
        "type": "SUPPLY",
        "partyId": party_id,
        "paymentTerms": {"paymentType": "CREDIT", "creditDays": 30, "currency": "UAH"},
        "deliveryTerms": {"deliveryType": "DELIVERY", "estimatedDays": 5},
        "startDate": TODAY.isoformat(),
        "endDate": (TODAY + timedelta(days=364)).isoformat(),
        "creditLimit": 500000000,
        **changes,
    }


async def create(app: App, token: str, party_id: str, **changes: Any) -> dict[str, Any]:
    created: dict[str, Any] = (
        await execute(app, CREATE, {"input": draft(party_id, **changes)}, token=token)
    )["createAgreement"]
    return created


async def test_lifecycle_keeps_terms_history_and_renewals(app: App) -> None:
    token, _ = await owner(app)
    party = await supplier(app, token)
    created = await create(app, token, party, currency="UAH", maxRenewals=1)
    assert created["status"] == "DRAFT"
    assert created["version"] == 1
    assert created["creditLimit"] == 500000000
    assert created["validityPeriod"] == {
        "startDate": TODAY.isoformat(),
        "endDate": (TODAY + timedelta(days=364)).isoformat(),
    }
    assert created["paymentTerms"] == {
        "paymentType": "CREDIT",
        "creditDays": 30,
        "penaltyRate": None,
        "discountRate": None,
        "currency": "UAH",
    }
    assert created["createdById"] is not None
    agreement_id = created["id"]

    activated = (
        await execute(
            app,
            ACTIVATE,
            {"id": agreement_id, "signedAt": "2026-01-20T10:00:00+02:00"},
            token=token,
        )
    )["activateAgreement"]
    assert (activated["status"], activated["version"]) == ("ACTIVE", 2)
    assert activated["signedAt"] == "2026-01-20T08:00:00+00:00"

    new_end = (TODAY + timedelta(days=729)).isoformat()
    renewed = (await execute(app, RENEW, {"id": agreement_id, "end": new_end}, token=token))[
        "renewAgreement"
    ]
    assert renewed["validityPeriod"]["endDate"] == new_end
    assert (renewed["renewalCount"], renewed["version"]) == (1, 3)
    # One renewal allowed: the second is refused, and nothing changes.
    refused = await errors_of(
        app,
        RENEW,
        {"id": agreement_id, "end": (TODAY + timedelta(days=900)).isoformat()},
        token=token,
    )
    assert codes(refused) == ["CONFLICT"]

    paid = (
        await execute(
            app,
            PAYMENT,
            {"id": agreement_id, "input": {"creditDays": 45, "penaltyRate": "0.5"}},
            token=token,
        )
    )["replacePaymentTerms"]
    assert paid["paymentTerms"]["creditDays"] == 45
    assert paid["paymentTerms"]["paymentType"] == "CREDIT"  # not sent: kept
    assert paid["paymentTerms"]["penaltyRate"] == "0.50"
    assert paid["version"] == 4
    # The same terms again are no change: no new version.
    again = (
        await execute(app, PAYMENT, {"id": agreement_id, "input": {"creditDays": 45}}, token=token)
    )["replacePaymentTerms"]
    assert again["version"] == 4
    shipped = (
        await execute(
            app,
            DELIVERY,
            {"id": agreement_id, "input": {"estimatedDays": 7, "shippingCost": 5000000}},
            token=token,
        )
    )["replaceDeliveryTerms"]
    assert shipped["deliveryTerms"]["estimatedDays"] == 7
    assert shipped["version"] == 5

    ended = (
        await execute(
            app, TERMINATE, {"id": agreement_id, "reason": "Breach of terms"}, token=token
        )
    )["terminateAgreement"]
    assert (ended["status"], ended["terminationReason"], ended["version"]) == (
        "TERMINATED",
        "Breach of terms",
        6,
    )

    found = (await execute(app, AGREEMENT, {"id": agreement_id}, token=token))["agreement"]
    assert found["party"] == {
        "__typename": "Party",
        "id": party,
        "kind": "SUPPLIER",
        "name": "Steel Works",
    }
    assert found["createdBy"]["email"] == "owner@acme.com"
    assert [(v["version"], v["terms"]["creditDays"]) for v in found["paymentTermsHistory"]] == [
        (1, 30),
        (4, 45),
    ]
    assert found["paymentTermsHistory"][0]["adoptedBy"]["email"] == "owner@acme.com"
    assert [(v["version"], v["terms"]["estimatedDays"]) for v in found["deliveryTermsHistory"]] == [
        (1, 5),
        (5, 7),
    ]
    assert found["renewals"] == [
        {
            "previousEndDate": (TODAY + timedelta(days=364)).isoformat(),
            "newEndDate": new_end,
            "automatic": False,
            "version": 3,
        }
    ]

    trail = await execute(app, AUDIT, {"id": agreement_id}, token=token)
    assert [(e["action"], e["details"]["version"]) for e in trail["auditEntries"]["nodes"]] == [
        ("agreement.terminated", 6),
        ("agreement.delivery_terms_changed", 5),
        ("agreement.payment_terms_changed", 4),
        ("agreement.renewed", 3),
        ("agreement.activated", 2),
        ("agreement.created", 1),
    ]

    # A terminated agreement accepts no transition and no new terms.
    for document, variables in (
        (ACTIVATE, {"id": agreement_id}),
        (TERMINATE, {"id": agreement_id, "reason": "again"}),
        (RENEW, {"id": agreement_id, "end": (TODAY + timedelta(days=1000)).isoformat()}),
        (PAYMENT, {"id": agreement_id, "input": {"creditDays": 60}}),
        (DELIVERY, {"id": agreement_id, "input": {"estimatedDays": 1}}),
        (SUBMIT, {"id": agreement_id}),
    ):
        assert codes(await errors_of(app, document, variables, token=token)) == ["CONFLICT"]
    assert (await execute(app, AGREEMENT, {"id": agreement_id}, token=token))["agreement"][
        "version"
    ] == 6


async def test_customer_party_submit_and_wrong_transitions(app: App) -> None:
    token, _ = await owner(app)
    buyer = await customer(app, token)
    created = await create(app, token, buyer, type="SERVICE")
    agreement_id = created["id"]
    found = (await execute(app, AGREEMENT, {"id": agreement_id}, token=token))["agreement"]
    assert found["party"] == {"__typename": "Customer", "id": buyer, "name": "Acme"}
    # A draft cannot be renewed; it can be submitted once, then activated.
    later = (TODAY + timedelta(days=800)).isoformat()
    assert codes(await errors_of(app, RENEW, {"id": agreement_id, "end": later}, token=token)) == [
        "CONFLICT"
    ]
    submitted = (await execute(app, SUBMIT, {"id": agreement_id}, token=token))["submitAgreement"]
    assert submitted == {"status": "PENDING_APPROVAL", "version": 2}
    assert codes(await errors_of(app, SUBMIT, {"id": agreement_id}, token=token)) == ["CONFLICT"]
    activated = (await execute(app, ACTIVATE, {"id": agreement_id}, token=token))[
        "activateAgreement"
    ]
    assert activated["status"] == "ACTIVE" and activated["signedAt"] is not None
    assert codes(await errors_of(app, ACTIVATE, {"id": agreement_id}, token=token)) == ["CONFLICT"]
    # The new end date must be later than the current one.
    earlier = (TODAY + timedelta(days=10)).isoformat()
    errors = await errors_of(app, RENEW, {"id": agreement_id, "end": earlier}, token=token)
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "newEndDate" in errors[0]["extensions"]["fields"]
    # A reason is required to terminate.
    errors = await errors_of(app, TERMINATE, {"id": agreement_id, "reason": "  "}, token=token)
    assert errors[0]["extensions"]["fields"] == {"reason": "is required"}


async def test_bad_input_lists_every_field(app: App) -> None:
    token, _ = await owner(app)
    party = await supplier(app, token)
    errors = await errors_of(
        app,
        CREATE,
        {
            "input": draft(
                party,
                endDate=(TODAY - timedelta(days=1)).isoformat(),
                currency="XXY",
                creditLimit=-1,
                autoRenewal=True,
                paymentTerms={"creditDays": -3, "discountRate": "101"},
                deliveryTerms={"shippingCurrency": "nope", "shippingCost": -5},
            )
        },
        token=token,
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["fields"] == {
        "endDate": "must not be before startDate",
        "creditLimit": "must be zero or more",
        "currency": "must be an ISO 4217 currency code",
        "renewalPeriodDays": "is required with autoRenewal",
        "paymentTerms.creditDays": "must be between 0 and 3650",
        "paymentTerms.discountRate": "must be between 0 and 100",
        "deliveryTerms.shippingCost": "must be zero or more",
        "deliveryTerms.shippingCurrency": "must be an ISO 4217 currency code",
    }
    unknown = await errors_of(
        app, CREATE, {"input": draft("019d75e7-0000-7000-8000-000000000000")}, token=token
    )
    assert unknown[0]["extensions"]["fields"] == {
        "partyId": "no supplier, partner, employee or customer has this id"
    }
    listed = await execute(app, LIST, {}, token=token)
    assert listed["agreements"]["totalCount"] == 0


async def test_permissions_and_tenant_isolation(app: App) -> None:
    token, organization_id = await owner(app)
    party = await supplier(app, token)
    created = await create(app, token, party)
    viewer = await viewer_token(app, organization_id)
    # A viewer reads (contracts:read) but does not write.
    assert (await execute(app, AGREEMENT, {"id": created["id"]}, token=viewer))["agreement"][
        "id"
    ] == created["id"]
    assert codes(await errors_of(app, CREATE, {"input": draft(party)}, token=viewer)) == [
        "FORBIDDEN"
    ]
    assert codes(await errors_of(app, ACTIVATE, {"id": created["id"]}, token=viewer)) == [
        "FORBIDDEN"
    ]
    # Another organization sees nothing, and cannot use this organization's party.
    other = (await register(app, "other@elsewhere.example"))["accessToken"]
    assert codes(await errors_of(app, AGREEMENT, {"id": created["id"]}, token=other)) == [
        "NOT_FOUND"
    ]
    assert codes(await errors_of(app, ACTIVATE, {"id": created["id"]}, token=other)) == [
        "NOT_FOUND"
    ]
    assert (await execute(app, LIST, {}, token=other))["agreements"]["totalCount"] == 0
    foreign = await errors_of(app, CREATE, {"input": draft(party)}, token=other)
    assert "partyId" in foreign[0]["extensions"]["fields"]
    assert codes(await errors_of(app, LIST, {})) == ["UNAUTHENTICATED"]


async def test_filters_and_id_cursors(app: App) -> None:
    token, _ = await owner(app)
    steel = await supplier(app, token)
    buyer = await customer(app, token)
    ids = []
    for index in range(5):
        created = await create(
            app, token, steel if index % 2 else buyer, type="LEASE" if index < 2 else "SUPPLY"
        )
        ids.append(created["id"])
    await execute(app, ACTIVATE, {"id": ids[3]}, token=token)

    first = (await execute(app, LIST, {"first": 2}, token=token))["agreements"]
    assert [n["id"] for n in first["nodes"]] == ids[:2]
    assert first["pageInfo"] == {"hasNextPage": True, "endCursor": ids[1]}
    assert [e["cursor"] for e in first["edges"]] == ids[:2]
    assert first["totalCount"] == 5
    rest = (await execute(app, LIST, {"first": 2, "after": ids[3]}, token=token))["agreements"]
    assert [n["id"] for n in rest["nodes"]] == ids[4:]
    assert rest["pageInfo"]["hasNextPage"] is False

    def listed(data: dict[str, Any]) -> list[str]:
        return [n["id"] for n in data["agreements"]["nodes"]]

    assert listed(await execute(app, LIST, {"status": "ACTIVE"}, token=token)) == [ids[3]]
    assert listed(await execute(app, LIST, {"type": "LEASE"}, token=token)) == ids[:2]
    assert listed(await execute(app, LIST, {"partyId": steel}, token=token)) == [ids[1], ids[3]]
    assert listed(await execute(app, LIST, {"partyId": buyer, "type": "SUPPLY"}, token=token)) == [
        ids[2],
        ids[4],
    ]
    bad = await errors_of(app, LIST, {"after": "not-an-id"}, token=token)
    assert codes(bad) == ["BAD_USER_INPUT"]
    bad = await errors_of(app, LIST, {"partyId": "not-an-id"}, token=token)
    assert bad[0]["extensions"]["fields"] == {"partyId": "is not an id"}
    assert codes(await errors_of(app, LIST, {"first": 101}, token=token)) == ["BAD_USER_INPUT"]


async def test_a_page_of_100_with_parties_in_fixed_statements(app: App) -> None:
    token, _ = await owner(app)
    parties = [await supplier(app, token, f"Supplier {i}") for i in range(3)]
    buyers = [await customer(app, token, f"Buyer {i}") for i in range(3)]
    everyone = parties + buyers

    async def add(count: int, start: int) -> None:
        for index in range(start, start + count):
            await create(app, token, everyone[index % len(everyone)])

    async def statements() -> int:
        app.queries.reset()
        data = await execute(app, LIST, {"first": 100}, token=token)
        nodes = data["agreements"]["nodes"]
        assert all(node["party"]["name"] for node in nodes)
        assert all(node["createdBy"]["email"] == "owner@acme.com" for node in nodes)
        assert all(len(node["paymentTermsHistory"]) == 1 for node in nodes)
        return app.queries.count

    await add(6, 0)
    few = await statements()
    await add(94, 6)
    assert await statements() == few
