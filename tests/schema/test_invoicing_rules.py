"""Domain rules partners broke (issue 10): numbering nothing can block, quotes that bill once,
documents that stay legal, the kind guard, money within bounds, each through GraphQL."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from tests.conftest import App
from tests.schema import codes, errors_of, execute, register
from tests.schema.test_invoicing_graphql import (
    ADD_LINE,
    CANCEL,
    CONVERT,
    CREATE,
    CREATE_QUOTE,
    CREDIT,
    CUSTOMER,
    DELETE,
    FINALIZE,
    GET,
    PAY,
)

YEAR = date.today().year
CUSTOMER_TOTALS = "query Q($id: ID!) { customer(id: $id) { creditBalance totalPurchases } }"


async def _setup(app: App, email: str = "rules@shop.example") -> tuple[str, str]:
    owner = await register(app, email)
    token = owner["accessToken"]
    customer = await execute(
        app, CUSTOMER, {"input": {"name": "Acme", "currency": "EUR"}}, token=token
    )
    return token, customer["createCustomer"]["id"]


def _doc(customer_id: str, amount: int = 1000, **extra: Any) -> dict[str, Any]:
    return {"customerId": customer_id, "lines": [{"description": "x", "amount": amount}], **extra}


async def _create(
    app: App, token: str, customer_id: str, *, finalize: bool = False, **extra: Any
) -> dict[str, Any]:
    data = await execute(
        app,
        CREATE,
        {"input": _doc(customer_id, **extra), "finalize": finalize},
        token=token,
    )
    created: dict[str, Any] = data["createInvoice"]
    return created


# --- numbering ---------------------------------------------------------------------------


async def test_a_caller_number_ahead_of_the_series_is_skipped(app: App) -> None:
    token, customer_id = await _setup(app)
    first = await _create(app, token, customer_id, finalize=True)
    assert first["number"] == f"INV-{YEAR}-0001"
    # The caller takes the next two automatic numbers (issued and draft) and a credit note's.
    await _create(app, token, customer_id, finalize=True, number=f"INV-{YEAR}-0002")
    await _create(app, token, customer_id, number=f"INV-{YEAR}-0003")
    await _create(app, token, customer_id, finalize=True, number=f"CN-{YEAR}-0001")
    third = await _create(app, token, customer_id, finalize=True)
    assert third["number"] == f"INV-{YEAR}-0004"
    credit = (await execute(app, CREDIT, {"id": third["id"]}, token=token))["creditInvoice"]
    assert credit["number"] == f"CN-{YEAR}-0002"
    quote_number = f"QUO-{YEAR}-0001"
    await _create(app, token, customer_id, number=quote_number)
    quote = await execute(app, CREATE_QUOTE, {"input": _doc(customer_id)}, token=token)
    assert quote["createQuote"]["number"] == f"QUO-{YEAR}-0002"


async def test_a_taken_automatic_number_is_refused_to_the_caller(app: App) -> None:
    token, customer_id = await _setup(app)
    await _create(app, token, customer_id, finalize=True)
    errors = await errors_of(
        app,
        CREATE,
        {"input": _doc(customer_id, number=f"INV-{YEAR}-0001"), "finalize": True},
        token=token,
    )
    assert codes(errors) == ["CONFLICT"]
    assert (await _create(app, token, customer_id, finalize=True))["number"] == f"INV-{YEAR}-0002"


async def test_caller_numbers_and_finalizations_racing_never_block(app: App) -> None:
    token, customer_id = await _setup(app)
    drafts = [await _create(app, token, customer_id) for _ in range(8)]
    chosen = [f"INV-{YEAR}-{n:04d}" for n in (2, 4, 6, 8)]

    async def finalize(draft: dict[str, Any]) -> str:
        data = await execute(app, FINALIZE, {"id": draft["id"]}, token=token)
        number: str = data["finalizeInvoice"]["number"]
        return number

    async def choose(number: str) -> str | None:
        result = await app.client.post(
            "/graphql",
            json={
                "query": CREATE,
                "variables": {"input": _doc(customer_id, number=number), "finalize": True},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        body = result.json()
        if body.get("errors"):  # only when the series took it first
            assert codes(body["errors"]) == ["CONFLICT"], body
            return None
        taken: str = body["data"]["createInvoice"]["number"]
        return taken

    results = await asyncio.gather(*map(finalize, drafts), *map(choose, chosen))
    automatic, caller = results[:8], [n for n in results[8:] if n is not None]
    numbers = sorted(n for n in [*automatic, *caller] if n is not None)
    assert len(set(numbers)) == len(numbers)
    # Gapless: every number up to the last one exists.
    assert numbers == [f"INV-{YEAR}-{n:04d}" for n in range(1, len(numbers) + 1)]


# --- quotes bill once --------------------------------------------------------------------


async def _quote(app: App, token: str, customer_id: str) -> dict[str, Any]:
    lines = [
        {"description": "a", "amount": 100000, "vatRate": "20"},
        {"description": "b", "amount": 20000, "vatRate": "10"},
    ]
    data = await execute(
        app, CREATE_QUOTE, {"input": {"customerId": customer_id, "lines": lines}}, token=token
    )
    quote: dict[str, Any] = data["createQuote"]
    return quote


async def test_a_quote_is_invoiced_once(app: App) -> None:
    token, customer_id = await _setup(app)
    quote = await _quote(app, token, customer_id)
    balance = {"id": quote["id"], "input": {"mode": "BALANCE"}}
    first = (await execute(app, CONVERT, balance, token=token))["convertQuote"]
    assert first["total"] == quote["total"]
    for again in (balance, {"id": quote["id"], "input": {"mode": "DEPOSIT", "percent": "50"}}):
        errors = await errors_of(app, CONVERT, again, token=token)
        assert codes(errors) == ["CONFLICT"]
    # Cancelling the balance invoice reopens the quote.
    await execute(app, CANCEL, {"id": first["id"]}, token=token)
    again_ = (await execute(app, CONVERT, balance, token=token))["convertQuote"]
    assert again_["total"] == quote["total"]


async def test_deposits_never_exceed_the_quote_per_rate(app: App) -> None:
    token, customer_id = await _setup(app)
    quote = await _quote(app, token, customer_id)
    deposit = {"id": quote["id"], "input": {"mode": "DEPOSIT", "percent": "60"}}
    first = (await execute(app, CONVERT, deposit, token=token))["convertQuote"]
    # A retry without an idempotency key counts the draft it made: 120 % > the quote.
    errors = await errors_of(app, CONVERT, deposit, token=token)
    assert codes(errors) == ["BAD_USER_INPUT"]
    forty = {"id": quote["id"], "input": {"mode": "DEPOSIT", "percent": "40"}}
    second = (await execute(app, CONVERT, forty, token=token))["convertQuote"]
    await execute(app, FINALIZE, {"id": first["id"]}, token=token)
    assert first["subtotal"] + second["subtotal"] == quote["subtotal"]
    errors = await errors_of(app, CONVERT, forty, token=token)
    assert codes(errors) == ["CONFLICT"]
    balance = {"id": quote["id"], "input": {"mode": "BALANCE"}}
    assert codes(await errors_of(app, CONVERT, balance, token=token)) == ["CONFLICT"]


async def test_concurrent_balances_bill_once(app: App) -> None:
    token, customer_id = await _setup(app)
    quote = await _quote(app, token, customer_id)
    balance = {"query": CONVERT, "variables": {"id": quote["id"], "input": {"mode": "BALANCE"}}}
    headers = {"Authorization": f"Bearer {token}"}
    answers = await asyncio.gather(
        *(app.client.post("/graphql", json=balance, headers=headers) for _ in range(5))
    )
    bodies = [answer.json() for answer in answers]
    assert sum(1 for body in bodies if not body.get("errors")) == 1
    assert (
        sorted(codes(body["errors"])[0] for body in bodies if body.get("errors"))
        == ["CONFLICT"] * 4
    )


# --- documents stay legal ----------------------------------------------------------------


async def test_a_negative_total_is_not_issued(app: App) -> None:
    token, customer_id = await _setup(app)
    errors = await errors_of(
        app, CREATE, {"input": _doc(customer_id, amount=-500), "finalize": True}, token=token
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["fields"] == {"total": "must not be negative"}
    zero = await _create(app, token, customer_id, finalize=True, amount=0)
    assert zero["status"] == "ISSUED" and zero["total"] == 0


async def test_cancelling_records_the_refund_and_the_credit_left(app: App) -> None:
    token, customer_id = await _setup(app)
    unpaid = await _create(app, token, customer_id, finalize=True, amount=1000)
    credit = (await execute(app, CREDIT, {"id": unpaid["id"]}, token=token))["creditInvoice"]
    assert credit["amountDue"] == 0  # it settles the unpaid invoice: nothing is owed back
    cancelled = (await execute(app, GET, {"id": unpaid["id"]}, token=token))["invoice"]
    assert cancelled["status"] == "CANCELLED" and cancelled["amountDue"] == 0
    totals = (await execute(app, CUSTOMER_TOTALS, {"id": customer_id}, token=token))["customer"]
    assert totals == {"creditBalance": 0, "totalPurchases": 0}

    paid = await _create(app, token, customer_id, finalize=True, amount=3000)
    await execute(app, PAY, {"id": paid["id"], "input": {"amount": 1200}}, token=token)
    refund = (await execute(app, CREDIT, {"id": paid["id"]}, token=token))["creditInvoice"]
    assert refund["total"] == -3000 and refund["amountDue"] == -1200  # owed to the customer
    cancelled = (await execute(app, GET, {"id": paid["id"]}, token=token))["invoice"]
    assert cancelled["amountDue"] == 0 and cancelled["amountPaid"] == 1200
    totals = (await execute(app, CUSTOMER_TOTALS, {"id": customer_id}, token=token))["customer"]
    assert totals == {"creditBalance": 1200, "totalPurchases": 0}


KIND_GET = "query G($id: ID!, $kind: [DocumentKind!]) { invoice(id: $id, kind: $kind) { id } }"
KIND_PAID = (
    "mutation P($id: ID!, $kind: [DocumentKind!]) { markInvoicePaid(id: $id, kind: $kind) { id } }"
)
KIND_DELETE = (
    "mutation D($id: ID!, $kind: [DocumentKind!]) { deleteInvoice(id: $id, kind: $kind) { id } }"
)
KIND_UPDATE = """
mutation U($id: ID!, $kind: [DocumentKind!]) {
  updateInvoice(id: $id, input: {notes: "n"}, kind: $kind) { id }
}"""


async def test_the_kind_guard_answers_not_found_for_another_kind(app: App) -> None:
    token, customer_id = await _setup(app)
    quote = await _quote(app, token, customer_id)
    invoice = await _create(app, token, customer_id)
    for document, wrong in ((quote, "INVOICE"), (invoice, "QUOTE")):
        for operation in (KIND_GET, KIND_PAID, KIND_DELETE, KIND_UPDATE):
            variables = {"id": document["id"], "kind": [wrong]}
            errors = await errors_of(app, operation, variables, token=token)
            assert codes(errors) == ["NOT_FOUND"], (operation, wrong)
    right = await execute(app, KIND_GET, {"id": quote["id"], "kind": ["QUOTE"]}, token=token)
    assert right["invoice"]["id"] == quote["id"]
    await execute(app, KIND_UPDATE, {"id": invoice["id"], "kind": ["INVOICE"]}, token=token)
    # An invoice is not a quote to convert: NOT_FOUND, not a conflict.
    errors = await errors_of(
        app, CONVERT, {"id": invoice["id"], "input": {"mode": "BALANCE"}}, token=token
    )
    assert codes(errors) == ["NOT_FOUND"]
    assert (await execute(app, DELETE, {"id": invoice["id"]}, token=token))["deleteInvoice"]


# --- money within bounds -----------------------------------------------------------------


async def _fields_of(app: App, token: str, input_: dict[str, Any]) -> dict[str, str]:
    errors = await errors_of(app, CREATE, {"input": input_}, token=token)
    assert codes(errors) == ["BAD_USER_INPUT"], errors
    fields: dict[str, str] = errors[0]["extensions"]["fields"]
    return fields


async def test_amounts_beyond_what_is_stored_are_bad_input_naming_the_field(app: App) -> None:
    token, customer_id = await _setup(app)
    big_quantity = {"description": "x", "quantity": "999999999999", "unitPrice": 10**13}
    cases: list[tuple[list[dict[str, Any]], set[str]]] = [
        ([big_quantity], {"lines.0.quantity"}),  # the product overflowed a bigint: was a 500
        ([{"description": "x", "hours": "999999999", "unitPrice": 10**13}], {"lines.0.hours"}),
        ([{"description": "x", "unitPrice": 10**14}], {"lines.0.unitPrice"}),
        ([{"description": "x", "amount": -(10**14)}], {"lines.0.amount"}),
        ([{"description": "x", "quantity": "1e13", "unitPrice": 1}], {"lines.0.quantity"}),
        (
            [{"description": "x", "quantity": "60", "unitPrice": 10**13}] * 2,
            {"lines"},  # each line fits, their sum does not
        ),
    ]
    for lines, fields in cases:
        found = await _fields_of(app, token, {"customerId": customer_id, "lines": lines})
        assert set(found) == fields, (lines, found)
    draft = await _create(app, token, customer_id, amount=9 * 10**12)
    line = {"description": "y", "quantity": "100", "unitPrice": 10**13}
    errors = await errors_of(app, ADD_LINE, {"id": draft["id"], "line": line}, token=token)
    assert codes(errors) == ["BAD_USER_INPUT"] and set(errors[0]["extensions"]["fields"]) == {
        "lines"
    }
    issued = await _create(app, token, customer_id, finalize=True, amount=1000)
    errors = await errors_of(
        app, PAY, {"id": issued["id"], "input": {"amount": 2**63 - 1}}, token=token
    )
    assert codes(errors) == ["BAD_USER_INPUT"] and "amount" in errors[0]["extensions"]["fields"]


async def test_major_units_follow_the_currency_exponent(app: App) -> None:
    token, _ = await _setup(app)
    prices = {"JPY": ("1000", 1000), "EUR": ("12.5", 1250), "KWD": ("10.5", 10500)}
    for currency, (entered, minor) in prices.items():
        customer = await execute(
            app, CUSTOMER, {"input": {"name": currency, "currency": currency}}, token=token
        )
        line = {"description": "x", "quantity": "2", "unitPriceDecimal": entered}
        created = (
            await execute(
                app,
                CREATE,
                {
                    "input": {"customerId": customer["createCustomer"]["id"], "lines": [line]},
                    "finalize": True,
                },
                token=token,
            )
        )["createInvoice"]
        assert created["currency"] == currency
        assert created["lines"][0]["unitPrice"] == minor and created["total"] == 2 * minor
        payment = {"amountDecimal": entered}
        await execute(app, PAY, {"id": created["id"], "input": payment}, token=token)
        paid = (await execute(app, GET, {"id": created["id"]}, token=token))["invoice"]
        assert paid["amountPaid"] == minor
    jpy = await execute(app, CUSTOMER, {"input": {"name": "JP", "currency": "JPY"}}, token=token)
    jpy_id = jpy["createCustomer"]["id"]
    fields = await _fields_of(
        app,
        token,
        {"customerId": jpy_id, "lines": [{"description": "x", "unitPriceDecimal": "10.5"}]},
    )
    assert fields == {"lines.0.unitPriceDecimal": "has more than 0 decimal places for JPY"}
    fields = await _fields_of(
        app,
        token,
        {
            "customerId": jpy_id,
            "lines": [{"description": "x", "amount": 5, "amountDecimal": "5"}],
        },
    )
    assert set(fields) == {"lines.0.amountDecimal"}


async def test_dates_computed_from_stay_far_from_the_calendar_end(app: App) -> None:
    token, customer_id = await _setup(app)
    fields = await _fields_of(
        app, token, _doc(customer_id, issueDate="9999-12-31", dueOffsetDays=30)
    )
    assert set(fields) == {"issueDate"}  # adding the offset would overflow: was a 500
    recurring = {"every": "MONTHLY", "nextInvoiceAt": "9999-12-15"}
    errors = await errors_of(
        app,
        CREATE,
        {"input": _doc(customer_id, recurrence=recurring), "finalize": True},
        token=token,
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert set(errors[0]["extensions"]["fields"]) == {"nextInvoiceAt"}
