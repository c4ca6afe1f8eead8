"""Expense reports: an employee's expenses, their lines and their life (accounting permission).

draft → submitted → approved → reimbursed; submitted → rejected → (reopen) draft. Lines change
only while the report is a draft; a report is submitted with at least one line.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ExpenseReport, ExpenseStatus, Party, PartyKind, StoredFile
from resolvers.accounting.access import READ, WRITE, require_accounting
from resolvers.customers.fields import currency as clean_currency
from resolvers.errors import BadUserInput, Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing
from resolvers.validation import FieldErrors

__all__ = [
    "CATEGORIES",
    "ExpenseLineInput",
    "ExpenseReportInput",
    "create_report",
    "list_reports",
    "transition",
]

CATEGORIES: Final = (
    "travel",
    "lodging",
    "meals",
    "fuel",
    "supplies",
    "telecom",
    "training",
    "other",
)
MAX_LINES: Final = 200
MAX_LIST: Final = 200
S = ExpenseStatus
# action -> (allowed from, to)
_MOVES: Final = {
    "submit": ((S.DRAFT,), S.SUBMITTED),
    "approve": ((S.SUBMITTED,), S.APPROVED),
    "reject": ((S.SUBMITTED,), S.REJECTED),
    "reimburse": ((S.APPROVED,), S.REIMBURSED),
    "reopen": ((S.REJECTED,), S.DRAFT),
}


@dataclass(frozen=True)
class ExpenseLineInput:
    spent_on: date
    category: str
    amount: int  # gross, minor units
    vat_amount: int = 0
    description: str | None = None
    receipt_file_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ExpenseReportInput:
    title: str
    currency: str
    employee_id: uuid.UUID | None = None
    lines: Sequence[ExpenseLineInput] = ()


async def create_report(
    session: AsyncSession, actor: Actor | None, data: ExpenseReportInput
) -> ExpenseReport:
    require_accounting(actor, WRITE)
    errors = FieldErrors()
    title = errors.required("title", data.title, 200)
    currency = clean_currency(errors, "currency", data.currency)
    if currency is None:
        errors.add("currency", "is required")
    if len(data.lines) > MAX_LINES:
        errors.add("lines", f"at most {MAX_LINES} lines")
    lines = []
    receipts = {line.receipt_file_id for line in data.lines if line.receipt_file_id}
    known = (
        set((await session.scalars(select(StoredFile.id).where(StoredFile.id.in_(receipts)))).all())
        if receipts
        else set()
    )
    for index, line in enumerate(data.lines):
        at = f"lines.{index}"
        if line.category not in CATEGORIES:
            errors.add(f"{at}.category", f"one of {', '.join(CATEGORIES)}")
        if line.amount <= 0:
            errors.add(f"{at}.amount", "must be more than zero")
        if not 0 <= line.vat_amount <= max(line.amount, 0):
            errors.add(f"{at}.vatAmount", "between zero and the amount")
        if line.receipt_file_id and line.receipt_file_id not in known:
            errors.add(f"{at}.receiptFileId", "file not found")
        lines.append(
            {
                "spent_on": line.spent_on.isoformat(),
                "category": line.category,
                "description": errors.text(f"{at}.description", line.description, 500),
                "amount": line.amount,
                "vat_amount": line.vat_amount,
                "receipt_file_id": str(line.receipt_file_id) if line.receipt_file_id else None,
            }
        )
    if data.employee_id is not None:
        employee = await session.scalar(
            select(Party.id).where(Party.id == data.employee_id, Party.kind == PartyKind.EMPLOYEE)
        )
        if employee is None:
            errors.add("employeeId", "no such employee")
    errors.raise_if_any()
    report = ExpenseReport(
        employee_id=data.employee_id,
        title=title,
        currency=currency,
        lines=lines,
        total=sum(line.amount for line in data.lines),
        vat_total=sum(line.vat_amount for line in data.lines),
    )
    session.add(report)
    await session.flush()
    return report


async def transition(
    session: AsyncSession,
    actor: Actor | None,
    report_id: uuid.UUID,
    action: str,
    reason: str | None = None,
) -> ExpenseReport:
    """submit, approve, reject (with a reason), reimburse or reopen; CONFLICT from a state
    that does not allow it."""
    require_accounting(actor, WRITE)
    allowed, target = _MOVES[action]
    report = await session.scalar(
        select(ExpenseReport).where(ExpenseReport.id == report_id).with_for_update()
    )
    if report is None:
        raise NotFound("expense report not found")
    if report.status not in allowed:
        raise Conflict(f"a {report.status.value} expense report cannot become {target.value}")
    now = datetime.now(UTC)
    if action == "submit":
        if not report.lines:
            raise BadUserInput("no lines", fields={"lines": "at least one line to submit"})
        report.submitted_at = now
    elif action in ("approve", "reject"):
        if action == "reject" and not (reason or "").strip():
            raise BadUserInput("a reason is required", fields={"reason": "is required"})
        report.decided_at = now
        report.rejection_reason = reason.strip() if action == "reject" and reason else None
    elif action == "reimburse":
        report.reimbursed_at = now
    report.status = target
    await session.flush()
    return report


def reports_listing(
    actor: Actor | None, status: ExpenseStatus | None = None, first: int = 50
) -> Listing:
    """The `first` newest reports (of `status`), newest first (FORBIDDEN without
    accounting:read, BAD_USER_INPUT for a bad size); shared by the resolver and compiled
    plans."""
    organization_id = require_accounting(actor, READ)
    if not 1 <= first <= MAX_LIST:
        raise BadUserInput("bad page size", fields={"first": f"between 1 and {MAX_LIST}"})
    order = (ExpenseReport.created_at.desc(), ExpenseReport.id.desc())
    conditions: list[ColumnElement[bool]] = [ExpenseReport.organization_id == organization_id]
    if status is not None:
        conditions.append(ExpenseReport.status == status)
    newest = select(ExpenseReport.id).where(*conditions).order_by(*order).limit(first)
    return Listing(select(ExpenseReport).where(ExpenseReport.id.in_(newest)), order)


async def list_reports(
    session: AsyncSession,
    actor: Actor | None,
    status: ExpenseStatus | None = None,
    first: int = 50,
) -> list[ExpenseReport]:
    return list((await session.scalars(reports_listing(actor, status, first).ordered())).all())
