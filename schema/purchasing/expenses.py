"""Expense reports in GraphQL (accounting permission)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from models import ExpenseReport as ExpenseReportModel
from models import ExpenseStatus as ExpenseStatusModel
from resolvers.purchasing import expenses as cases
from schema.ids import optional_id, parse_id
from schema.scalars import Int64

ExpenseStatus = strawberry.enum(
    ExpenseStatusModel,
    name="ExpenseStatus",
    description="DRAFT → SUBMITTED → APPROVED → REIMBURSED; SUBMITTED → REJECTED → DRAFT.",
)


@strawberry.type
class ExpenseLine:
    spent_on: date
    category: str
    description: str | None
    amount: Int64 = strawberry.field(description="Gross, in minor units.")
    vat_amount: Int64
    receipt_file_id: strawberry.ID | None


@strawberry.type(description="An employee's expenses.")
class ExpenseReport:
    id: strawberry.ID
    employee_id: strawberry.ID | None
    title: str
    currency: str
    status: ExpenseStatus  # type: ignore[valid-type]
    lines: list[ExpenseLine]
    total: Int64
    vat_total: Int64
    submitted_at: datetime | None
    decided_at: datetime | None
    reimbursed_at: datetime | None
    rejection_reason: str | None
    created_at: datetime

    @classmethod
    def from_model(cls, model: ExpenseReportModel) -> ExpenseReport:
        def line(entry: dict[str, Any]) -> ExpenseLine:
            receipt = entry.get("receipt_file_id")
            return ExpenseLine(
                spent_on=date.fromisoformat(entry["spent_on"]),
                category=entry["category"],
                description=entry.get("description"),
                amount=Int64(entry["amount"]),
                vat_amount=Int64(entry.get("vat_amount", 0)),
                receipt_file_id=strawberry.ID(receipt) if receipt else None,
            )

        return cls(
            id=strawberry.ID(str(model.id)),
            employee_id=optional_id(model.employee_id),
            title=model.title,
            currency=model.currency,
            status=model.status,
            lines=[line(entry) for entry in model.lines],
            total=Int64(model.total),
            vat_total=Int64(model.vat_total),
            submitted_at=model.submitted_at,
            decided_at=model.decided_at,
            reimbursed_at=model.reimbursed_at,
            rejection_reason=model.rejection_reason,
            created_at=model.created_at,
        )


@strawberry.input
class ExpenseLineInput:
    spent_on: date
    category: str = strawberry.field(description="travel, lodging, meals, fuel, supplies, …")
    amount: Int64 = strawberry.field(description="Gross, in minor units.")
    vat_amount: Int64 = Int64(0)
    description: str | None = None
    receipt_file_id: strawberry.ID | None = strawberry.field(
        default=None, description="An uploaded file (the receipt)."
    )


@strawberry.input
class CreateExpenseReportInput:
    title: str
    currency: str
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="A party of kind EMPLOYEE."
    )
    lines: list[ExpenseLineInput] = strawberry.field(default_factory=list)

    def to_input(self) -> cases.ExpenseReportInput:
        return cases.ExpenseReportInput(
            title=self.title,
            currency=self.currency,
            employee_id=None if self.employee_id is None else parse_id(self.employee_id),
            lines=[
                cases.ExpenseLineInput(
                    spent_on=line.spent_on,
                    category=line.category,
                    amount=line.amount,
                    vat_amount=line.vat_amount,
                    description=line.description,
                    receipt_file_id=(
                        None if line.receipt_file_id is None else parse_id(line.receipt_file_id)
                    ),
                )
                for line in self.lines
            ],
        )


@strawberry.enum(
    description="SUBMIT (draft), APPROVE or REJECT (submitted), REIMBURSE (approved), REOPEN "
    "(rejected, back to draft)."
)
class ExpenseAction(enum.Enum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REIMBURSE = "reimburse"
    REOPEN = "reopen"


@strawberry.type
class ExpensesQuery:
    @strawberry.field(description="Expense reports, newest first (accounting:read).")
    async def expense_reports(
        self,
        info: strawberry.Info,
        status: ExpenseStatus | None = None,  # type: ignore[valid-type]
        first: Annotated[int, strawberry.argument(description="At most 200 (default 50).")] = 50,
    ) -> list[ExpenseReport]:
        ctx = info.context
        async with ctx.session() as session:
            rows = await cases.list_reports(session, ctx.actor, status, first)
        return [ExpenseReport.from_model(row) for row in rows]


@strawberry.type
class ExpensesMutation:
    @strawberry.mutation(description="Create a draft expense report (accounting:write).")
    async def create_expense_report(
        self, info: strawberry.Info, input: CreateExpenseReportInput
    ) -> ExpenseReport:
        ctx = info.context
        async with ctx.session() as session:
            created = await cases.create_report(session, ctx.actor, input.to_input())
        return ExpenseReport.from_model(created)

    @strawberry.mutation(
        description="Move a report on (accounting:write); REJECT needs a reason; CONFLICT from "
        "a status that does not allow it."
    )
    async def transition_expense_report(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        action: ExpenseAction,
        reason: str | None = None,
    ) -> ExpenseReport:
        ctx = info.context
        async with ctx.session() as session:
            moved = await cases.transition(
                session, ctx.actor, parse_id(id, "expense report"), action.value, reason
            )
        return ExpenseReport.from_model(moved)
