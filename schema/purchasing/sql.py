"""SQL forms of the expense reports (compiled plans, `schema.compiled`).

Supplier invoices are not compiled: their JSON entries are read with `dict.get` into loosely
typed fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, cast, func, literal_column

from models import ExpenseReport as ExpenseReportModel
from resolvers.purchasing.expenses import reports_listing
from schema.compiled.forms import Forms, JsonElements, ListRoot, Row, Value, columns
from schema.invoicing.sql import json_key


def _amount(key: str, default: int | None = None) -> Value:
    def sql(row: Row) -> ColumnElement[Any]:
        amount = cast(json_key(key)(row), BigInteger)
        return amount if default is None else func.coalesce(amount, default)

    return Value(sql)


PURCHASING_FORMS = Forms(
    types={
        "ExpenseReport": {
            **columns(
                "id",
                "employee_id",
                "title",
                "currency",
                "status",
                "total",
                "vat_total",
                "submitted_at",
                "decided_at",
                "reimbursed_at",
                "rejection_reason",
                "created_at",
            ),
            "lines": JsonElements(lambda row: row.entity.lines),
        },
        # Elements of `ExpenseReport.lines`, as ExpenseReport.from_model reads them.
        "ExpenseLine": {
            "spentOn": Value(json_key("spent_on")),
            "category": Value(json_key("category")),
            "description": Value(json_key("description")),
            "amount": _amount("amount"),
            "vatAmount": _amount("vat_amount", 0),
            "receiptFileId": Value(
                lambda row: func.nullif(json_key("receipt_file_id")(row), literal_column("''"))
            ),
        },
    },
    roots={"expenseReports": ListRoot(ExpenseReportModel, reports_listing)},
)
