"""yaoka integrations under `/orgs/{orgId}`: Pennylane OAuth start, supplier invoices (a PDF,
Factur-X read), expense reports. camelCase, integer cents; lists answer `{data: [...]}`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, Route, path_variables
from rest_compat.engine.models import CamelContractModel
from rest_compat.engine.values import Day, Id, Integer, NonBlankText, Text, Upload


class PennylaneStart(BaseModel):
    authUrl: str
    state: str
    sandbox: bool


class SupplierInvoiceForm(CamelContractModel):
    """multipart/form-data with the PDF in a part named `file`."""

    file: Upload


class SupplierInvoice(BaseModel):
    id: str
    supplierId: str | None
    fileId: str | None
    source: str
    number: str | None
    issueDate: str | None
    dueDate: str | None
    currency: str | None
    netCents: int | None
    vatCents: int | None
    totalCents: int | None
    seller: dict[str, str | None]
    taxes: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    createdAt: str


class SupplierInvoices(BaseModel):
    data: list[SupplierInvoice]


class ExpenseLineBody(CamelContractModel):
    date: Day
    category: NonBlankText
    amount_cents: Integer = Field(gt=0, description="Gross")
    vat_cents: Integer = Field(default=0, ge=0)
    description: Text | None = None
    receipt_file_id: Id | None = None


class ExpenseReportBody(CamelContractModel):
    title: NonBlankText
    currency: NonBlankText = "EUR"
    employee_id: Id | None = None
    lines: list[ExpenseLineBody] = Field(default_factory=list, max_length=200)


class ExpenseReport(BaseModel):
    id: str
    employeeId: str | None
    title: str
    currency: str
    status: str
    totalCents: int
    vatCents: int
    lines: list[dict[str, Any]]
    submittedAt: str | None
    decidedAt: str | None
    reimbursedAt: str | None
    rejectionReason: str | None
    createdAt: str


class ExpenseReports(BaseModel):
    data: list[ExpenseReport]


def supplier_invoice(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "supplierId": node["supplierId"],
        "fileId": node["fileId"],
        "source": node["source"],
        "number": node["number"],
        "issueDate": node["issueDate"],
        "dueDate": node["dueDate"],
        "currency": node["currency"],
        "netCents": node["netTotal"],
        "vatCents": node["taxTotal"],
        "totalCents": node["total"],
        "seller": {
            "name": node["sellerName"],
            "siren": node["sellerSiren"],
            "siret": node["sellerSiret"],
            "vatNumber": node["sellerVatId"],
        },
        "taxes": [
            {
                "vatRate": tax["rate"],
                "category": tax["category"],
                "baseCents": tax["base"],
                "vatCents": tax["tax"],
            }
            for tax in node["taxes"]
        ],
        "lines": [
            {
                "description": line["description"],
                "quantity": line["quantity"],
                "unitPriceCents": line["unitPrice"],
                "vatRate": line["vatRate"],
                "netCents": line["net"],
            }
            for line in node["lines"]
        ],
        "createdAt": node["createdAt"],
    }


def expense_report(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "employeeId": node["employeeId"],
        "title": node["title"],
        "currency": node["currency"],
        "status": node["status"].lower(),
        "totalCents": node["total"],
        "vatCents": node["vatTotal"],
        "lines": [
            {
                "date": line["spentOn"],
                "category": line["category"],
                "description": line["description"],
                "amountCents": line["amount"],
                "vatCents": line["vatAmount"],
                "receiptFileId": line["receiptFileId"],
            }
            for line in node["lines"]
        ],
        "submittedAt": node["submittedAt"],
        "decidedAt": node["decidedAt"],
        "reimbursedAt": node["reimbursedAt"],
        "rejectionReason": node["rejectionReason"],
        "createdAt": node["createdAt"],
    }


def _expense_variables(inputs: Inputs[ExpenseReportBody, None]) -> dict[str, Any]:
    body = inputs.body
    return {
        "input": {
            "title": body.title,
            "currency": body.currency,
            "employeeId": body.employee_id,
            "lines": [
                {
                    "spentOn": line.date.isoformat(),
                    "category": line.category,
                    "amount": line.amount_cents,
                    "vatAmount": line.vat_cents,
                    "description": line.description,
                    "receiptFileId": line.receipt_file_id,
                }
                for line in body.lines
            ],
        }
    }


ROUTES = (
    Route(
        "POST",
        "/api/v1/orgs/{orgId}/pennylane/oauth/start",
        "YaokaPennylaneStart",
        to_variables=path_variables,
        response=PennylaneStart,
        present=lambda data, _: {
            "authUrl": data["startPennylaneOAuth"]["authorizeUrl"],
            "state": data["startPennylaneOAuth"]["state"],
            "sandbox": data["startPennylaneOAuth"]["sandbox"],
        },
        summary="Start Pennylane OAuth for the org: the authorize URL (PKCE, a single-use "
        "state bound to the org, valid 10 minutes); sandbox for test-mode orgs",
        error_statuses=(401, 403, 404, 422),
    ),
    Route(
        "GET",
        "/api/v1/orgs/{orgId}/supplier-invoices",
        "YaokaListSupplierInvoices",
        to_variables=path_variables,
        response=SupplierInvoices,
        present=lambda data, _: {
            "data": [supplier_invoice(node) for node in data["supplierInvoices"]]
        },
        summary="List supplier invoices, newest first (the latest 200)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/orgs/{orgId}/supplier-invoices",
        "YaokaReceiveSupplierInvoice",
        body=SupplierInvoiceForm,
        upload=True,
        to_variables=lambda inputs: {"file": inputs.body.file},
        response=SupplierInvoice,
        present=lambda data, _: supplier_invoice(data["receiveSupplierInvoice"]),
        status=201,
        summary="Upload a supplier invoice PDF (multipart, part `file`): Factur-X/ZUGFeRD data "
        "is read and the supplier matched by SIREN; 409 for the same supplier and number",
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "GET",
        "/api/v1/orgs/{orgId}/expense-reports",
        "YaokaListExpenseReports",
        to_variables=path_variables,
        response=ExpenseReports,
        present=lambda data, _: {"data": [expense_report(node) for node in data["expenseReports"]]},
        summary="List expense reports, newest first (the latest 200)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/orgs/{orgId}/expense-reports",
        "YaokaCreateExpenseReport",
        body=ExpenseReportBody,
        to_variables=_expense_variables,
        response=ExpenseReport,
        present=lambda data, _: expense_report(data["createExpenseReport"]),
        status=201,
        summary="Create a draft expense report with its lines (date, category, amountCents "
        "gross, vatCents, receiptFileId)",
        request_example={
            "title": "Lyon trip",
            "currency": "EUR",
            "lines": [{"date": "2026-11-02", "category": "travel", "amountCents": 12000}],
        },
        error_statuses=(400, 401, 403, 404),
        error_fields={
            "lines.{n}.amount": "lines.{n}.amountCents",
            "lines.{n}.vatAmount": "lines.{n}.vatCents",
            "lines.{n}.spentOn": "lines.{n}.date",
        },
    ),
)
