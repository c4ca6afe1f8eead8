"""Expense reports in GraphQL: lines, totals, the status machine, refusals, tenant isolation."""

from __future__ import annotations

from tests.conftest import App
from tests.schema import codes, errors_of, execute, register

CREATE = """
mutation C($input: CreateExpenseReportInput!) {
  createExpenseReport(input: $input) {
    id employeeId title currency status total vatTotal
    lines { spentOn category description amount vatAmount receiptFileId }
  }
}"""
MOVE = """
mutation M($id: ID!, $action: ExpenseAction!, $reason: String) {
  transitionExpenseReport(id: $id, action: $action, reason: $reason) {
    status rejectionReason submittedAt decidedAt reimbursedAt
  }
}"""
LIST = "query L($status: ExpenseStatus) { expenseReports(status: $status) { id status } }"


async def test_a_report_goes_from_draft_to_reimbursed(app: App) -> None:
    token = (await register(app, "boss@shop.example"))["accessToken"]
    lines = [
        {"spentOn": "2026-11-02", "category": "travel", "amount": 12000, "vatAmount": 2000},
        {"spentOn": "2026-11-03", "category": "meals", "amount": 3300, "description": "Lunch"},
    ]
    report = (
        await execute(
            app,
            CREATE,
            {"input": {"title": "Lyon trip", "currency": "eur", "lines": lines}},
            token=token,
        )
    )["createExpenseReport"]
    assert (report["status"], report["currency"], report["total"], report["vatTotal"]) == (
        "DRAFT",
        "EUR",
        15300,
        2000,
    )
    assert [line["category"] for line in report["lines"]] == ["travel", "meals"]

    # Approve before submit: CONFLICT. Reject without a reason: BAD_USER_INPUT.
    errors = await errors_of(app, MOVE, {"id": report["id"], "action": "APPROVE"}, token=token)
    assert codes(errors) == ["CONFLICT"]
    submitted = await execute(app, MOVE, {"id": report["id"], "action": "SUBMIT"}, token=token)
    assert submitted["transitionExpenseReport"]["status"] == "SUBMITTED"
    errors = await errors_of(app, MOVE, {"id": report["id"], "action": "REJECT"}, token=token)
    assert codes(errors) == ["BAD_USER_INPUT"]
    rejected = await execute(
        app, MOVE, {"id": report["id"], "action": "REJECT", "reason": "no receipts"}, token=token
    )
    assert rejected["transitionExpenseReport"]["rejectionReason"] == "no receipts"
    for action, status in (
        ("REOPEN", "DRAFT"),
        ("SUBMIT", "SUBMITTED"),
        ("APPROVE", "APPROVED"),
        ("REIMBURSE", "REIMBURSED"),
    ):
        moved = await execute(app, MOVE, {"id": report["id"], "action": action}, token=token)
        assert moved["transitionExpenseReport"]["status"] == status
    assert moved["transitionExpenseReport"]["reimbursedAt"] is not None
    assert (await execute(app, LIST, {"status": "REIMBURSED"}, token=token))["expenseReports"] == [
        {"id": report["id"], "status": "REIMBURSED"}
    ]

    other = (await register(app, "other@shop.example"))["accessToken"]
    assert (await execute(app, LIST, token=other))["expenseReports"] == []
    errors = await errors_of(app, MOVE, {"id": report["id"], "action": "REOPEN"}, token=other)
    assert codes(errors) == ["NOT_FOUND"]


async def test_bad_reports_are_refused_whole(app: App) -> None:
    token = (await register(app, "bad@shop.example"))["accessToken"]
    errors = await errors_of(
        app,
        CREATE,
        {
            "input": {
                "title": " ",
                "currency": "XXQ",
                "employeeId": "01930000-0000-7000-8000-000000000000",
                "lines": [
                    {"spentOn": "2026-11-02", "category": "yachts", "amount": 0},
                    {"spentOn": "2026-11-02", "category": "meals", "amount": 100, "vatAmount": 200},
                ],
            }
        },
        token=token,
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert set(errors[0]["extensions"]["fields"]) == {
        "title",
        "currency",
        "employeeId",
        "lines.0.category",
        "lines.0.amount",
        "lines.1.vatAmount",
    }
    empty = (
        await execute(app, CREATE, {"input": {"title": "Empty", "currency": "EUR"}}, token=token)
    )["createExpenseReport"]
    errors = await errors_of(app, MOVE, {"id": empty["id"], "action": "SUBMIT"}, token=token)
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert (await execute(app, LIST, token=token))["expenseReports"] == [
        {"id": empty["id"], "status": "DRAFT"}
    ]
