"""The books over GraphQL: the default chart, balanced journal transactions, reversals,
postings that follow invoices and payments, the trial balance, and the audit trail."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text

from tests.conftest import App
from tests.schema import codes, errors_of, execute, register

ACCOUNTS = """
query A($type: [AccountType!]) {
  accounts(type: $type, first: 100) {
    totalCount
    nodes { id code name type parent { code } balances { currency debit credit balance } }
  }
}"""
TX = """
  id description currency source sourceId reversesId amount postedBy { email }
  lines { position debit credit memo account { code type } }
"""
POST_TX = f"""
mutation P($input: PostJournalTransactionInput!) {{
  postJournalTransaction(input: $input) {{ {TX} }}
}}
"""
REVERSE = f"mutation R($id: ID!) {{ reverseJournalTransaction(id: $id) {{ {TX} }} }}"
LIST_TX = f"""
query L($account: String, $source: JournalSource, $first: Int) {{
  journalTransactions(account: $account, source: $source, first: $first) {{
    totalCount nodes {{ {TX} }}
  }}
}}"""
TRIAL = """
query T { trialBalance {
  balanced totals { currency debit credit balanced }
  rows { account { code } currency debit credit balance }
} }"""
CREATE_ACCOUNT = """
mutation C($input: CreateAccountInput!) {
  createAccount(input: $input) { id code name type parent { code } }
}"""
AUDIT = """
query Au($action: String, $subject: ID) {
  auditEntries(action: $action, subjectId: $subject, first: 100) {
    totalCount
    nodes { action subjectType subjectId actorKind actorId actor { email } apiKeyId details }
  }
}"""
CUSTOMER = "mutation C($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
INVOICE = """
mutation I($input: CreateDocumentInput!, $finalize: Boolean!) {
  createInvoice(input: $input, finalize: $finalize) { id total subtotal taxTotal status number }
}"""
FINALIZE = "mutation F($id: ID!) { finalizeInvoice(id: $id) { id number total } }"
PAY = """
mutation Pay($id: ID!, $input: PaymentInput!) {
  recordPayment(invoiceId: $id, input: $input) { amount }
}
"""
CANCEL = "mutation C($id: ID!) { cancelInvoice(id: $id) { id status creditNotes { id total } } }"
API_KEY = 'mutation K { createApiKey(name: "books") { rawKey apiKey { id } } }'

CONTRACT_EXAMPLE = {
    "description": "Invoice payment",
    "lines": [{"accountId": "1010", "debit": 10000}, {"accountId": "4000", "credit": 10000}],
}


def _balance(accounts: list[dict[str, Any]], code: str, currency: str = "EUR") -> int:
    for account in accounts:
        if account["code"] == code:
            return sum(b["balance"] for b in account["balances"] if b["currency"] == currency)
    raise AssertionError(f"no account {code}")


async def _accounts(app: App, token: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await execute(app, ACCOUNTS, token=token))["accounts"]["nodes"]
    return nodes


async def test_default_chart_and_the_contract_example(app: App) -> None:
    token = (await register(app, "books@shop.example"))["accessToken"]
    chart = await _accounts(app, token)
    by_code = {a["code"]: a for a in chart}
    assert by_code["1010"]["name"] == "Cash" and by_code["1010"]["type"] == "ASSET"
    assert by_code["1010"]["parent"] == {"code": "1000"}
    assert by_code["4000"]["type"] == "REVENUE" and by_code["2100"]["type"] == "LIABILITY"
    assets = (await execute(app, ACCOUNTS, {"type": ["ASSET"]}, token=token))["accounts"]
    assert {a["type"] for a in assets["nodes"]} == {"ASSET"} and assets["totalCount"] == 5

    posted = (await execute(app, POST_TX, {"input": CONTRACT_EXAMPLE}, token=token))[
        "postJournalTransaction"
    ]
    assert posted["source"] == "MANUAL" and posted["amount"] == 10000
    assert posted["currency"] == "EUR" and posted["postedBy"] == {"email": "books@shop.example"}
    assert [(x["account"]["code"], x["debit"], x["credit"]) for x in posted["lines"]] == [
        ("1010", 10000, 0),
        ("4000", 0, 10000),
    ]
    chart = await _accounts(app, token)
    assert _balance(chart, "1010") == 10000 and _balance(chart, "4000") == 10000
    trial = (await execute(app, TRIAL, token=token))["trialBalance"]
    assert trial["balanced"] and trial["totals"] == [
        {"currency": "EUR", "debit": 10000, "credit": 10000, "balanced": True}
    ]
    assert [r["account"]["code"] for r in trial["rows"]] == ["1010", "4000"]


async def test_unbalanced_or_malformed_lines_are_refused_and_change_nothing(app: App) -> None:
    token = (await register(app, "bad@shop.example"))["accessToken"]
    unbalanced = {
        "description": "Oops",
        "lines": [{"accountId": "1010", "debit": 10000}, {"accountId": "4000", "credit": 9000}],
    }
    errors = await errors_of(app, POST_TX, {"input": unbalanced}, token=token)
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "must equal credits" in errors[0]["extensions"]["fields"]["lines"]

    malformed = {
        "description": "Oops",
        "lines": [
            {"accountId": "9999", "debit": 100},
            {"accountId": "4000", "debit": 100, "credit": 100},
            {"accountId": "1010", "credit": -5},
        ],
    }
    errors = await errors_of(app, POST_TX, {"input": malformed}, token=token)
    fields = errors[0]["extensions"]["fields"]
    assert set(fields) == {"lines.0.accountId", "lines.1.debit", "lines.2.credit"}
    one_line = {"description": "x", "lines": [{"accountId": "1010", "debit": 1}]}
    errors = await errors_of(app, POST_TX, {"input": one_line}, token=token)
    assert errors[0]["extensions"]["fields"] == {"lines": "at least two lines"}
    listed = (await execute(app, LIST_TX, token=token))["journalTransactions"]
    assert listed["totalCount"] == 0


async def test_posted_transactions_are_corrected_by_one_reversal(app: App) -> None:
    token = (await register(app, "rev@shop.example"))["accessToken"]
    posted = (await execute(app, POST_TX, {"input": CONTRACT_EXAMPLE}, token=token))[
        "postJournalTransaction"
    ]
    reversal = (await execute(app, REVERSE, {"id": posted["id"]}, token=token))[
        "reverseJournalTransaction"
    ]
    assert reversal["reversesId"] == posted["id"] and reversal["source"] == "REVERSAL"
    assert [(x["account"]["code"], x["debit"], x["credit"]) for x in reversal["lines"]] == [
        ("1010", 0, 10000),
        ("4000", 10000, 0),
    ]
    chart = await _accounts(app, token)
    assert _balance(chart, "1010") == 0 and _balance(chart, "4000") == 0
    again = await errors_of(app, REVERSE, {"id": posted["id"]}, token=token)
    assert codes(again) == ["CONFLICT"]
    of_reversal = await errors_of(app, REVERSE, {"id": reversal["id"]}, token=token)
    assert codes(of_reversal) == ["CONFLICT"]
    # Two concurrent reversals of one transaction: exactly one wins.
    second = (await execute(app, POST_TX, {"input": CONTRACT_EXAMPLE}, token=token))[
        "postJournalTransaction"
    ]
    results = await asyncio.gather(
        *(
            app.client.post(
                "/graphql",
                json={"query": REVERSE, "variables": {"id": second["id"]}},
                headers={"Authorization": f"Bearer {token}"},
            )
            for _ in range(3)
        )
    )
    outcomes = sorted("errors" in r.json() for r in results)
    assert outcomes == [False, True, True]
    # The database refuses any change to a posted line, whatever the writer.
    async with app.asgi.state.db.platform() as session:
        try:
            await session.execute(text("UPDATE journal_lines SET memo = 'changed'"))
        except Exception as exc:
            assert "immutable" in str(exc)
        else:
            raise AssertionError("a posted line was changed")


async def test_accounts_codes_parents_and_tenants(app: App) -> None:
    token = (await register(app, "chart@shop.example"))["accessToken"]
    other = (await register(app, "other@shop.example"))["accessToken"]
    created = (
        await execute(
            app,
            CREATE_ACCOUNT,
            {"input": {"code": "1030", "name": "Petty cash", "type": "ASSET", "parentId": "1000"}},
            token=token,
        )
    )["createAccount"]
    assert created["parent"] == {"code": "1000"} and created["type"] == "ASSET"
    duplicate = await errors_of(
        app,
        CREATE_ACCOUNT,
        {"input": {"code": "1030", "name": "Again", "type": "ASSET"}},
        token=token,
    )
    assert codes(duplicate) == ["CONFLICT"]
    wrong_parent = await errors_of(
        app,
        CREATE_ACCOUNT,
        {"input": {"code": "1040", "name": "X", "type": "EXPENSE", "parentId": "1000"}},
        token=token,
    )
    assert set(wrong_parent[0]["extensions"]["fields"]) == {"parentId"}
    # The other organization has its own chart: same code allowed, ids of ours unknown.
    await execute(
        app,
        CREATE_ACCOUNT,
        {"input": {"code": "1030", "name": "Mine", "type": "ASSET"}},
        token=other,
    )
    foreign = {
        "description": "x",
        "lines": [{"accountId": created["id"], "debit": 5}, {"accountId": "4000", "credit": 5}],
    }
    errors = await errors_of(app, POST_TX, {"input": foreign}, token=other)
    assert set(errors[0]["extensions"]["fields"]) == {"lines.0.accountId"}
    posted = (await execute(app, POST_TX, {"input": CONTRACT_EXAMPLE}, token=token))[
        "postJournalTransaction"
    ]
    hidden = await errors_of(
        app,
        "query Q($id: ID!) { journalTransaction(id: $id) { id } }",
        {"id": posted["id"]},
        token=other,
    )
    assert codes(hidden) == ["NOT_FOUND"]
    assert (await execute(app, LIST_TX, token=other))["journalTransactions"]["totalCount"] == 0


async def _customer(app: App, token: str) -> str:
    created = await execute(
        app, CUSTOMER, {"input": {"name": "Acme", "currency": "EUR"}}, token=token
    )
    customer_id: str = created["createCustomer"]["id"]
    return customer_id


def _invoice_input(customer_id: str) -> dict[str, Any]:
    return {
        "customerId": customer_id,
        "lines": [
            {"description": "Consulting", "quantity": "2", "unitPrice": 10000, "vatRate": "20"},
            {"description": "Book", "quantity": "1", "unitPrice": 1000, "vatRate": "5.5"},
        ],
    }


async def test_invoices_payments_and_credit_notes_post_to_the_books(app: App) -> None:
    owner = await register(app, "post@shop.example")
    token = owner["accessToken"]
    customer_id = await _customer(app, token)
    draft = (
        await execute(
            app, INVOICE, {"input": _invoice_input(customer_id), "finalize": False}, token=token
        )
    )["createInvoice"]
    assert (await execute(app, LIST_TX, token=token))["journalTransactions"]["totalCount"] == 0

    issued = (await execute(app, FINALIZE, {"id": draft["id"]}, token=token))["finalizeInvoice"]
    # 20000 at 20 % (VAT 4000) + 1000 at 5.5 % (VAT 55): total 25055.
    assert issued["total"] == 25055
    chart = await _accounts(app, token)
    assert _balance(chart, "1100") == 25055
    assert _balance(chart, "4000") == 21000 and _balance(chart, "2100") == 4055

    await execute(app, PAY, {"id": draft["id"], "input": {"amount": 5055}}, token=token)
    chart = await _accounts(app, token)
    assert _balance(chart, "1010") == 5055 and _balance(chart, "1100") == 20000

    cancelled = (await execute(app, CANCEL, {"id": draft["id"]}, token=token))["cancelInvoice"]
    assert cancelled["status"] == "CANCELLED"
    chart = await _accounts(app, token)
    # The credit note reversed the invoice: revenue and VAT back to zero; the customer's
    # payment is now owed back to them (a credit balance on receivables).
    assert _balance(chart, "4000") == 0 and _balance(chart, "2100") == 0
    assert _balance(chart, "1100") == -5055
    sources = [
        t["source"]
        for t in (await execute(app, LIST_TX, token=token))["journalTransactions"]["nodes"]
    ]
    assert sources == ["CREDIT_NOTE", "PAYMENT", "INVOICE"]
    assert (await execute(app, TRIAL, token=token))["trialBalance"]["balanced"]

    audit = (await execute(app, AUDIT, {"subject": draft["id"]}, token=token))["auditEntries"]
    actions = [n["action"] for n in audit["nodes"]]
    assert actions == ["invoice.cancelled", "invoice.payment_recorded", "invoice.finalized"]
    assert {n["actor"]["email"] for n in audit["nodes"]} == {"post@shop.example"}
    assert {n["actorKind"] for n in audit["nodes"]} == {"user"}


async def test_api_key_actions_are_audited_without_a_user(app: App) -> None:
    token = (await register(app, "keys@shop.example"))["accessToken"]
    created = (await execute(app, API_KEY, token=token))["createApiKey"]
    key = created["rawKey"]
    posted = (await execute(app, POST_TX, {"input": CONTRACT_EXAMPLE}, token=key))[
        "postJournalTransaction"
    ]
    assert posted["postedBy"] is None
    audit = (await execute(app, AUDIT, token=token))["auditEntries"]["nodes"]
    by_action = {n["action"]: n for n in audit}
    assert by_action["journal.posted"]["actorId"] is None
    assert by_action["journal.posted"]["actor"] is None
    assert by_action["journal.posted"]["actorKind"] == "organization_key"
    assert by_action["journal.posted"]["apiKeyId"] == created["apiKey"]["id"]
    assert by_action["journal.posted"]["subjectId"] == posted["id"]
    key_entry = by_action["api_key.created"]
    assert key_entry["actor"] == {"email": "keys@shop.example"}
    assert key_entry["subjectId"] == created["apiKey"]["id"]
    revoke = "mutation R($id: ID!) { revokeApiKey(id: $id) { id } }"
    await execute(app, revoke, {"id": created["apiKey"]["id"]}, token=token)
    revoked = await execute(app, AUDIT, {"action": "api_key.revoked"}, token=token)
    assert [n["subjectId"] for n in revoked["auditEntries"]["nodes"]] == [created["apiKey"]["id"]]


async def test_reading_the_books_and_the_audit_trail_needs_permissions(app: App) -> None:
    token = (await register(app, "perm@shop.example"))["accessToken"]
    pat = await execute(
        app,
        """mutation P($input: CreatePersonalAccessTokenInput!) {
          createPersonalAccessToken(input: $input) { rawKey } }""",
        {"input": {"name": "clients only", "abilities": ["clients:read"]}},
        token=token,
    )
    limited = pat["createPersonalAccessToken"]["rawKey"]
    assert codes(await errors_of(app, ACCOUNTS, token=limited)) == ["FORBIDDEN"]
    assert codes(await errors_of(app, POST_TX, {"input": CONTRACT_EXAMPLE}, token=limited)) == [
        "FORBIDDEN"
    ]
    assert codes(await errors_of(app, ACCOUNTS)) == ["UNAUTHENTICATED"]
    assert codes(await errors_of(app, AUDIT)) == ["UNAUTHENTICATED"]


async def test_listing_100_transactions_takes_a_fixed_number_of_statements(app: App) -> None:
    token = (await register(app, "many@shop.example"))["accessToken"]
    query = f"""query L($first: Int) {{
      journalTransactions(first: $first) {{ nodes {{ {TX} }} }}
      accounts(first: 100) {{ nodes {{ code parent {{ code }} balances {{ balance }} }} }}
      auditEntries(first: $first) {{ nodes {{ action actor {{ email }} }} }}
    }}"""

    async def statements(first: int) -> int:
        app.queries.reset()
        data = await execute(app, query, {"first": first}, token=token)
        assert len(data["journalTransactions"]["nodes"]) == first
        assert len(data["auditEntries"]["nodes"]) == first
        return app.queries.count

    for _ in range(10):
        await execute(app, POST_TX, {"input": CONTRACT_EXAMPLE}, token=token)
    few = await statements(10)
    for _ in range(90):
        await execute(app, POST_TX, {"input": CONTRACT_EXAMPLE}, token=token)
    assert await statements(100) == few


async def test_the_ledger_stays_balanced_under_concurrent_events(app: App) -> None:
    """Finalize, pay and cancel invoices from many concurrent requests; then every
    transaction balances, the trial balance is zero-sum and receivables match the documents."""
    token = (await register(app, "busy@shop.example"))["accessToken"]
    customer_id = await _customer(app, token)
    invoices = [
        (
            await execute(
                app, INVOICE, {"input": _invoice_input(customer_id), "finalize": False}, token=token
            )
        )["createInvoice"]["id"]
        for _ in range(8)
    ]

    async def call(query: str, variables: dict[str, Any]) -> None:
        await app.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )

    # Round 1: every invoice finalized twice at once (one wins), round 2: payments racing
    # cancellations on the same invoices.
    await asyncio.gather(*(call(FINALIZE, {"id": i}) for i in invoices for _ in range(2)))
    events = []
    for n, invoice_id in enumerate(invoices):
        events.append(call(PAY, {"id": invoice_id, "input": {"amount": 1000 + n}}))
        events.append(call(PAY, {"id": invoice_id, "input": {"amount": 2000}}))
        if n % 2:
            events.append(call(CANCEL, {"id": invoice_id}))
    await asyncio.gather(*events)

    trial = (await execute(app, TRIAL, token=token))["trialBalance"]
    assert trial["balanced"] and trial["totals"][0]["debit"] > 0
    async with app.asgi.state.db.platform() as session:
        unbalanced = await session.scalar(
            text(
                "SELECT count(*) FROM (SELECT transaction_id FROM journal_lines "
                "GROUP BY transaction_id HAVING sum(debit) <> sum(credit)) AS t"
            )
        )
        assert unbalanced == 0
        expected = await session.scalar(
            text(
                "SELECT (SELECT coalesce(sum(total), 0) FROM invoices WHERE issued_at IS NOT NULL"
                " AND kind IN ('invoice', 'credit_note'))"
                " - (SELECT coalesce(sum(amount), 0) FROM payments)"
            )
        )
        issued = await session.scalar(
            text("SELECT count(*) FROM invoices WHERE kind = 'invoice' AND issued_at IS NOT NULL")
        )
        postings = await session.scalar(
            text("SELECT count(*) FROM journal_transactions WHERE source = 'invoice'")
        )
    assert issued == postings == len(invoices)
    chart = await _accounts(app, token)
    assert _balance(chart, "1100") == expected
