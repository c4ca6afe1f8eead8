"""The default chart of accounts every organization starts with (at creation, in the migration
for older ones, and lazily when a posting finds an account missing).

Codes follow the usual four-digit ranges: 1xxx assets, 2xxx liabilities, 3xxx equity,
4xxx revenue, 5xxx-6xxx expenses. skeleton-crm's example posts to `1010` (cash) and `4000`
(revenue); the automatic postings use the accounts named below.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, AccountType
from models.base import new_id

CASH: Final = "1010"
RECEIVABLES: Final = "1100"
INVENTORY: Final = "1200"
VAT_PAYABLE: Final = "2100"
REVENUE: Final = "4000"
COST_OF_GOODS: Final = "5000"

# (code, name, type, parent code)
DEFAULT_CHART: Final[tuple[tuple[str, str, AccountType, str | None], ...]] = (
    ("1000", "Assets", AccountType.ASSET, None),
    (CASH, "Cash", AccountType.ASSET, "1000"),
    ("1020", "Bank", AccountType.ASSET, "1000"),
    (RECEIVABLES, "Accounts receivable", AccountType.ASSET, "1000"),
    (INVENTORY, "Inventory", AccountType.ASSET, "1000"),
    ("2000", "Liabilities", AccountType.LIABILITY, None),
    ("2010", "Accounts payable", AccountType.LIABILITY, "2000"),
    (VAT_PAYABLE, "VAT payable", AccountType.LIABILITY, "2000"),
    ("3000", "Equity", AccountType.EQUITY, None),
    ("3010", "Owner's capital", AccountType.EQUITY, "3000"),
    ("3100", "Retained earnings", AccountType.EQUITY, "3000"),
    (REVENUE, "Revenue", AccountType.REVENUE, None),
    ("4100", "Other income", AccountType.REVENUE, REVENUE),
    (COST_OF_GOODS, "Cost of goods sold", AccountType.EXPENSE, None),
    ("6000", "Operating expenses", AccountType.EXPENSE, None),
    ("6100", "Rent", AccountType.EXPENSE, "6000"),
    ("6200", "Salaries", AccountType.EXPENSE, "6000"),
    ("6300", "Bank fees", AccountType.EXPENSE, "6000"),
)


def seed_rows(organization_id: uuid.UUID) -> list[dict[str, Any]]:
    """One row per default account, parents before children, with fresh UUIDv7 ids."""
    ids = {code: new_id() for code, *_ in DEFAULT_CHART}
    return [
        {
            "id": ids[code],
            "organization_id": organization_id,
            "code": code,
            "name": name,
            "type": kind.value,
            "parent_id": ids[parent] if parent else None,
            "description": None,
        }
        for code, name, kind, parent in DEFAULT_CHART
    ]


async def seed_chart(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Insert the default accounts the organization lacks (codes it already uses are kept).

    Children whose parent code is taken by the organization's own account are attached to it.
    """
    # Concurrent seeders of one organization take turns (the second finds everything there).
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtext(f"chart:{organization_id}")))
    )
    existing = {
        code: account_id
        for code, account_id in await session.execute(
            select(Account.code, Account.id).where(Account.organization_id == organization_id)
        )
    }
    rows = [row for row in seed_rows(organization_id) if row["code"] not in existing]
    if not rows:
        return
    by_code = {**{row["code"]: row["id"] for row in rows}, **existing}
    for row in rows:
        parent = next(p for c, _, _, p in DEFAULT_CHART if c == row["code"])
        row["parent_id"] = by_code[parent] if parent else None
    statement = insert(Account).values(rows).on_conflict_do_nothing()
    await session.execute(statement)
