"""Ad-hoc documents (aliases, fragments, __typename, nulls, empty pages, pagination, sorting,
filters, errors) give normal execution's bytes; one statement per compiled request; what
does not compile runs as always."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from iso4217 import Currency
from sqlalchemy import BigInteger, DateTime, String, column, select
from sqlalchemy import values as rows_of

from resolvers.invoicing.money import major_units, major_units_sql
from resolvers.pagination import encode_cursor
from schema.compiled.values import cursor, iso_datetime
from tests.schema import execute
from tests.schema.compiled.conftest import World

INVOICE_FIELDS = """
  id kind status number series customerId currency issueDate dueDate dueOffsetDays
  billingPeriod validUntil subject salutation description notes metadata vatRate subtotal
  taxTotal total amountPaid amountDue issuedAt sentAt paidAt cancelledAt isDeposit isDraft
  createdAt updatedAt subtotalDecimal taxTotalDecimal totalDecimal
  taxBreakdown { __typename rate base tax again: rate }
  recurrence { every nextInvoiceAt stoppedAt failedAttempts lastError nextAttemptAt }
"""
CUSTOMER_FIELDS = """
  id name nameAddition legalName status email emailCc phone website language socialMedia
  siret siren vatNumber taxId companyRegistrationNumber accountReference buyerReference
  externalId shippingSameAsBilling shippingName shippingPhone shippingEmail iban bic currency
  creditLimit hourlyRate defaultVatRate defaultDiscountPercent defaultPositionMode
  eInvoiceFormat invoiceNote emailText customerGroup portalLoginEnabled metadata createdAt
  updatedAt deletedAt active totalPurchases creditBalance creditBalanceDecimal
  billingAddress { street line2 city region postalCode country }
  shippingAddress { __typename ...Address }
"""
LINE_FIELDS = """
  id position mode description quantity unitCode unitPrice vatRate net serviceDate reference
  unitPriceDecimal netDecimal
"""
PAYMENT_FIELDS = "id invoiceId amount currency paidOn method reference createdAt"

INVOICES = f"""
fragment Address on CustomerAddress {{ street city country }}
fragment Money on Invoice {{ total totalDecimal ...Due }}
fragment Due on Invoice {{ amountDue owed: amountDue currency }}
query Invoices(
  $first: Int, $after: String, $offset: Int, $sortBy: DocumentSortField!,
  $sortOrder: SortOrder!, $kind: [DocumentKind!], $status: [DocumentStatus!],
  $customerId: ID, $dateFrom: Date, $dateTo: Date, $includeDrafts: Boolean!,
  $recurring: Boolean, $search: String
) {{
  __typename
  page: invoices(
    first: $first, after: $after, offset: $offset, sortBy: $sortBy, sortOrder: $sortOrder,
    kind: $kind, status: $status, customerId: $customerId, dateFrom: $dateFrom,
    dateTo: $dateTo, includeDrafts: $includeDrafts, recurring: $recurring, search: $search
  ) {{
    __typename
    totalCount
    pageInfo {{ __typename hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ __typename cursor node {{ __typename id ...Money }} }}
    nodes {{
      {INVOICE_FIELDS}
      ... on Invoice {{ number ...Money }}
      ...Money
      customer {{ __typename {CUSTOMER_FIELDS} }}
      customer {{ id extra: name }}
      lines {{ {LINE_FIELDS} }}
      payments {{ {PAYMENT_FIELDS} }}
      creditNotes {{ id number total corrects {{ id }} lines {{ netDecimal }} }}
      corrects {{ id kind customer {{ name }} }}
      quote {{ id }}
      recurringParent {{ id recurrence {{ every }} }}
    }}
  }}
  quotes: invoices(first: 2, kind: [QUOTE]) {{ totalCount nodes {{ id validUntil }} }}
}}
"""
CUSTOMERS = f"""
fragment Address on CustomerAddress {{ street line2 city region postalCode country }}
query Customers(
  $first: Int, $after: String, $offset: Int, $search: String, $status: CustomerStatus,
  $externalId: String, $sortBy: CustomerSortField!, $sortOrder: SortOrder!
) {{
  customers(
    first: $first, after: $after, offset: $offset, search: $search, status: $status,
    externalId: $externalId, sortBy: $sortBy, sortOrder: $sortOrder
  ) {{
    totalCount
    edges {{ cursor node {{ id name }} }}
    nodes {{ {CUSTOMER_FIELDS} }}
    pageInfo {{ endCursor hasNextPage startCursor hasPreviousPage }}
  }}
}}
"""
ONE = f"""
fragment Address on CustomerAddress {{ city }}
query One($invoice: ID!, $customer: ID!, $kind: [DocumentKind!]) {{
  invoice(id: $invoice, kind: $kind) {{
    {INVOICE_FIELDS}
    customer {{ {CUSTOMER_FIELDS} }}
    lines {{ {LINE_FIELDS} }}
    payments {{ {PAYMENT_FIELDS} }}
  }}
  customer(id: $customer) {{ {CUSTOMER_FIELDS} }}
}}
"""
DOCUMENT_SORTS = ("CREATED_AT", "ISSUE_DATE", "DUE_DATE", "NUMBER", "TOTAL")
CUSTOMER_SORTS = ("NAME", "EMAIL", "EXTERNAL_ID", "CREDIT_LIMIT", "CREATED_AT", "UPDATED_AT")


def _invoice_variables(rng: random.Random, customers: list[str]) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "first": rng.choice((None, 0, 1, 7, 30)),
        "sortBy": rng.choice(DOCUMENT_SORTS),
        "sortOrder": rng.choice(("ASC", "DESC")),
        "includeDrafts": rng.choice((True, False)),
    }
    window = rng.choice(("after", "offset", None))
    if window == "after":
        variables["after"] = encode_cursor(rng.choice((0, 3, 40)))
    elif window == "offset":
        variables["offset"] = rng.choice((0, 5, 100))
    for name, values in (
        ("kind", (["INVOICE"], ["CREDIT_NOTE", "QUOTE"])),
        ("status", (["PAID", "SENT"], ["DRAFT"])),
        ("customerId", tuple(customers[:3])),
        ("dateFrom", ("2026-04-01",)),
        ("dateTo", ("2026-08-31",)),
        ("recurring", (True, False)),
        ("search", ("N-", "zzz-nothing", "1")),
    ):
        if rng.random() < 0.25:
            variables[name] = rng.choice(values)
    return variables


def _customer_variables(rng: random.Random) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "first": rng.choice((None, 0, 3, 10)),
        "sortBy": rng.choice(CUSTOMER_SORTS),
        "sortOrder": rng.choice(("ASC", "DESC")),
    }
    if rng.random() < 0.3:
        variables["after"] = encode_cursor(rng.choice((0, 2)))
    elif rng.random() < 0.3:
        variables["offset"] = rng.choice((1, 50))
    for name, values in (
        ("search", ("acme", "ö", "example.com")),
        ("status", ("ACTIVE", "INACTIVE")),
        ("externalId", ("ext-1-2", " ext-2-4 ", "none")),
    ):
        if rng.random() < 0.25:
            variables[name] = rng.choice(values)
    return variables


async def test_pages_of_invoices_and_customers_equal_normal_execution(world: World) -> None:
    rng = random.Random(12)
    for organization in world.organizations:
        customers = [str(c) for c in organization.customers]
        for _ in range(3):
            variables = _invoice_variables(rng, customers)
            _, ran = await world.both(INVOICES, variables, organization.token)
            assert ran, variables
            _, ran = await world.both(CUSTOMERS, _customer_variables(rng), organization.token)
            assert ran


FORECAST = f"""query F($days: Int!) {{
  recurringForecast(days: $days) {{ {INVOICE_FIELDS} lines {{ netDecimal }} }}
  soon: recurringForecast(days: 3) {{ id nextAt: recurrence {{ nextInvoiceAt }} }}
}}"""


async def test_lists_equal_normal_execution(world: World) -> None:
    for organization in world.organizations:
        for days in (0, 30, 366):
            response, ran = await world.both(FORECAST, {"days": days}, organization.token)
            assert ran
        assert response.json()["data"]["recurringForecast"]
        response, _ = await world.both(FORECAST, {"days": 400}, organization.token)
        assert response.json()["errors"]


async def test_single_objects_equal_normal_execution(world: World) -> None:
    rng = random.Random(5)
    for organization in world.organizations:
        for invoice in rng.sample(organization.documents, 6):
            variables = {"invoice": str(invoice), "customer": str(organization.customers[0])}
            await world.both(ONE, variables, organization.token)


async def test_errors_are_those_of_normal_execution(world: World) -> None:
    first, second = world.organizations[:2]
    invoice, customer = str(first.documents[0]), str(first.customers[0])
    found, _ = await world.both(ONE, {"invoice": invoice, "customer": customer}, first.token)
    other_kinds = sorted(
        {"INVOICE", "CREDIT_NOTE", "QUOTE"} - {found.json()["data"]["invoice"]["kind"]}
    )
    pages = "query P($first: Int, $after: String) { invoices(first: $first, after: $after)"
    cases: list[tuple[str, dict[str, Any], str | None]] = [
        # Another organization's rows, malformed ids, a kind the document is not.
        (ONE, {"invoice": invoice, "customer": customer}, second.token),
        (ONE, {"invoice": "not-an-id", "customer": customer}, first.token),
        (ONE, {"invoice": invoice, "customer": customer, "kind": other_kinds}, first.token),
        # Bad windows, no credentials, no permission.
        (pages + " { totalCount } }", {"first": 101}, first.token),
        (pages + " { totalCount } }", {"after": "bm90LWEtY3Vyc29y"}, first.token),
        (pages + " { totalCount } }", {"first": -1}, first.token),
        (pages + " { totalCount } }", {}, None),
        (pages + " { totalCount } }", {}, await _token_without_invoices(world, first.token)),
    ]
    for query, variables, token in cases:
        response, _ = await world.both(query, variables, token)
        assert response.json().get("errors"), (query, variables)


async def test_customers_compile_for_a_token_that_may_read_them(world: World) -> None:
    organization = world.organizations[0]
    token = await _token_without_invoices(world, organization.token)
    _, ran = await world.both(CUSTOMERS, _customer_variables(random.Random(1)), token)
    assert ran


async def test_a_page_is_one_statement_whatever_its_rows(world: World) -> None:
    organization = world.organizations[0]
    query = f"""query P($first: Int) {{ invoices(first: $first) {{ totalCount nodes {{
      {INVOICE_FIELDS} customer {{ name }} lines {{ net }} payments {{ amount }} }} }} }}"""
    counts = []
    for first in (1, 24):
        world.compiled.statements.reset()
        await world.compiled.client.post(
            "/graphql",
            json={"query": query, "variables": {"first": first}},
            headers={"Authorization": f"Bearer {organization.token}"},
        )
        statements = world.compiled.statements.statements
        assert sum("json_build_object" in s for s in statements) == 1
        counts.append(len(statements))
    assert counts == [2, 2], counts  # authentication, then the page


async def test_documents_that_do_not_compile_run_as_always(world: World) -> None:
    organization = world.organizations[0]
    for query, variables in (
        # A field with no SQL form, a directive, a mutation-free root without a form.
        ("{ invoices(first: 3) { nodes { id customer { billingAddress { countryName } } } } }", {}),
        (
            "query Q($x: Boolean!) { invoices { nodes { id number @include(if: $x) } } }",
            {"x": True},
        ),
        ("{ invoices(first: 2) { nodes { id } } me { roles } }", {}),
    ):
        response, ran = await world.both(query, variables, organization.token)
        assert not ran
        assert "errors" not in response.json()


async def test_the_setting_off_never_compiles(world: World) -> None:
    organization = world.organizations[0]
    world.plain.statements.reset()
    await world.plain.client.post(
        "/graphql",
        json={"query": INVOICES, "variables": _invoice_variables(random.Random(3), [])},
        headers={"Authorization": f"Bearer {organization.token}"},
    )
    assert world.plain.statements.count > 2
    assert not any("json_build_object" in s for s in world.plain.statements.statements)


async def test_sql_formats_equal_python(world: World) -> None:
    """Cursors, major units and timestamps as PostgreSQL builds them, on many values (one
    statement each, over a VALUES list)."""
    indexes = [*range(0, 130), 9_999, 123_456_789]
    amounts = [-(10**15), -12_345, -5, -1, 0, 1, 7, 99, 100, 12_345, 10**15]
    codes = [c.code for c in Currency] + [None, "", "ZZZ", "eur", " JPY "]
    micros = (0, 1, 10, 500_000, 999_999)
    moments = [datetime(2026, 1, 2, 3, 4, 5, micro, tzinfo=UTC) for micro in micros]
    pairs = [(a, c) for a in amounts for c in codes]
    async with world.compiled.asgi.state.db.transaction() as session:
        numbers = rows_of(column("n", BigInteger), name="numbers").data([(i,) for i in indexes])
        rows = await session.execute(select(numbers.c.n, cursor(numbers.c.n)))
        assert {n: text for n, text in rows} == {i: encode_cursor(i) for i in indexes}
        money = rows_of(column("a", BigInteger), column("c", String), name="money").data(pairs)
        rows = await session.execute(
            select(money.c.a, money.c.c, major_units_sql(money.c.a, money.c.c))
        )
        assert {(a, c): text for a, c, text in rows} == {
            (a, c): str(major_units(a, c)) for a, c in pairs
        }
        times = rows_of(column("t", DateTime(True)), name="times").data([(m,) for m in moments])
        rows = await session.execute(select(times.c.t, iso_datetime(times.c.t)))
        assert {t: text for t, text in rows} == {m: m.isoformat() for m in moments}


async def _token_without_invoices(world: World, owner: str) -> str:
    data = await execute(
        world.plain,  # type: ignore[arg-type]
        "mutation T($input: CreatePersonalAccessTokenInput!) {"
        " createPersonalAccessToken(input: $input) { rawKey } }",
        {"input": {"name": "clients only", "abilities": ["clients:read"]}},
        token=owner,
    )
    raw: str = data["createPersonalAccessToken"]["rawKey"]
    return raw


async def test_objects_of_more_keys_than_one_sql_call_takes(world: World) -> None:
    aliases = " ".join(f"a{i}: name" for i in range(25))
    query = f"""fragment Address on CustomerAddress {{ city }}
    {{ customers(first: 4) {{ nodes {{ __typename {CUSTOMER_FIELDS} {aliases} }} }} }}"""
    organization = world.organizations[1]
    response, ran = await world.both(query, None, organization.token)
    assert ran
    (node, *_) = response.json()["data"]["customers"]["nodes"]
    assert len(node) > 70
