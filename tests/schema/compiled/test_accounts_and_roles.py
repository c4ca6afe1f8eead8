"""The chart of accounts, the roles and the expense reports compiled: balances summed by
PostgreSQL per currency, signed by the account's normal side, roles by name, the newest expense
reports with their JSON lines give normal execution's bytes."""

from __future__ import annotations

import random

from tests.schema.compiled.conftest import World

ACCOUNTS = """
query Accounts($first: Int, $offset: Int, $type: [AccountType!]) {
  accounts(first: $first, offset: $offset, type: $type) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename id code name type description createdAt
      balances { __typename currency debit credit balance again: balance }
      sums: balances { currency }
      parent { id code parent { id balances { balance } } }
    }
  }
}
"""
TYPES = ("ASSET", "LIABILITY", "EQUITY", "REVENUE", "EXPENSE")


async def test_accounts_and_balances_equal_normal_execution(world: World) -> None:
    rng = random.Random(4)
    with_balances = 0
    for organization in world.organizations:
        for variables in (
            {"first": 100},
            {"first": 0},
            {"first": 5, "offset": rng.choice((0, 3, 500))},
            {"type": rng.sample(TYPES, 2)},
            {"type": [rng.choice(TYPES)], "first": 100},
        ):
            response, ran = await world.both(ACCOUNTS, variables, organization.token)
            assert ran, variables
            nodes = response.json()["data"]["accounts"]["nodes"]
            with_balances += sum(bool(node["balances"]) for node in nodes)
    assert with_balances > 10


async def test_accounts_refused_as_always(world: World) -> None:
    organization = world.organizations[0]
    response, _ = await world.both(ACCOUNTS, {"first": 101}, organization.token)
    assert response.json()["errors"]
    response, _ = await world.both(ACCOUNTS, {}, None)
    assert response.json()["errors"]


ROLES = """{
  roles { __typename id name description permissions createdAt updatedAt again: permissions }
  second: roles { name }
}"""


async def test_roles_equal_normal_execution(world: World) -> None:
    for organization in world.organizations:
        response, ran = await world.both(ROLES, None, organization.token)
        assert ran
        assert len(response.json()["data"]["roles"]) > 3
    response, ran = await world.both(ROLES, None, None)
    assert response.json()["errors"]


EXPENSES = """query E($status: ExpenseStatus, $first: Int!) {
  expenseReports(status: $status, first: $first) {
    id employeeId title currency status total vatTotal submittedAt decidedAt reimbursedAt
    rejectionReason createdAt
    lines { spentOn category description amount vatAmount receiptFileId }
    again: lines { amount }
  }
}"""


async def test_expense_reports_equal_normal_execution(world: World) -> None:
    rng = random.Random(9)
    lines = 0
    for organization in world.organizations:
        for variables in (
            {"first": 200},
            {"first": 1},
            {"first": 3, "status": rng.choice(("DRAFT", "SUBMITTED", "APPROVED"))},
        ):
            response, ran = await world.both(EXPENSES, variables, organization.token)
            assert ran, variables
            lines += sum(len(r["lines"]) for r in response.json()["data"]["expenseReports"])
        for refused in ({"first": 0}, {"first": 201}):
            response, _ = await world.both(EXPENSES, refused, organization.token)
            assert response.json()["errors"]
    assert lines > 5
