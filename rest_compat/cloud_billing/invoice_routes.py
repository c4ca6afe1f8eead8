"""cloud-billing `/invoices` routes: the unified invoices, with decimal amounts.

Statuses read draft, issued (ISSUED and SENT), paid and cancelled; the list filters on the
first three. Lists are oldest first and show invoices only (no credit notes or quotes, which
this contract does not know; the domain's kind guard answers 404 for them). POST and PATCH
with `status: issued` issue the invoice in the same transaction as the write (`finalize`),
keeping the caller's number.

An invoice is written either with the single-line fields (`line_description`, `quantity`,
`unit_price`, `tax_rate`) or with `lines` (at most 50), which then wins: the single-line
fields are ignored, as the contract says. Unit prices are decimals in major units of the
invoice's currency; the domain converts them with the currency's ISO 4217 exponent (1000 JPY
stays 1000, 10.5 KWD stays 10.5) and refuses more digits than the currency has.

The single line's `tax_rate` becomes the document's VAT rate (the rate of lines that name
none), so that a PATCH sending only `tax_rate` re-rates the line without touching it, and a
PATCH that replaces the line keeps the rate. Since a PATCH cannot read the line it would
merge with, `line_description`, `quantity` and `unit_price` are sent together or not at all.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from rest_compat.cloud_billing.invoice_presenters import (
    FILTER_STATUSES,
    Invoice,
    InvoiceDetail,
    Written,
    created,
    invoice,
    invoice_detail,
)
from rest_compat.cloud_billing.paging import Listed, ListQuery, StatusFilter, listed
from rest_compat.cloud_billing.tenant import TENANT_HEADER, path_id, tenant_scoped
from rest_compat.engine import Inputs, RestInputError, RestRequest, Route
from rest_compat.engine.models import ContractModel, Data
from rest_compat.engine.values import Id, NonBlankText, Number, absent, choice

NOTE = f"Bearer JWT; the `{TENANT_HEADER}` header names the tenant."
MAX_LINES = 50
DEFAULT_DESCRIPTION = "Line 1"
# Whether a `status` word finalizes the invoice (issued) or leaves it a draft.
FINALIZES = {"draft": False, "issued": True}
SINGLE_LINE = ("line_description", "quantity", "unit_price")
Status = choice(*FINALIZES, message="must be draft or issued")
EXAMPLE = {
    "customer_id": "01972b15-8000-7000-8000-000000000001",
    "number": "2026-0042",
    "status": "draft",
    "lines": [
        {"description": "Consulting", "quantity": 3, "unit_price": 450, "tax_rate": 20},
        {"description": "Travel", "quantity": 1, "unit_price": 129.9, "tax_rate": 10},
    ],
}


class LineBody(ContractModel):
    """InvoiceLineCreate."""

    description: NonBlankText
    quantity: Number | None = Field(default=None, description="Default 1")
    unit_price: Number | None = Field(default=None, description="Major units; default 0")
    tax_rate: Number | None = Field(default=None, description="Percent; default 0")

    def line(self) -> dict[str, Any]:
        return {**_priced(self.description, self), "vatRate": str(self.tax_rate or 0)}


class InvoiceBody(ContractModel):
    """InvoicePatch: at least one property; absent keeps."""

    customer_id: Id = absent()
    number: NonBlankText = absent()
    line_description: NonBlankText = absent(description='Default "Line 1"')
    quantity: Number = absent(description="Default 1")
    unit_price: Number = absent(description="Major units; default 0")
    tax_rate: Number = absent(description="Percent; default 0")
    status: Status = absent()  # type: ignore[valid-type]
    lines: list[LineBody] = absent(
        min_length=1,
        max_length=MAX_LINES,
        description="When present, the single-line fields are ignored",
    )


class NewInvoiceBody(InvoiceBody):
    """InvoiceCreate."""

    customer_id: Id
    number: NonBlankText
    status: Status = Field(default="issued")  # type: ignore[valid-type]


_NOT_DOCUMENT_FIELDS = set(InvoiceBody.model_fields) - {"customer_id", "number"}


STATUS = StatusFilter(FILTER_STATUSES)


class InvoiceQuery(ListQuery):
    status: STATUS.type | None = Field(  # type: ignore[name-defined]
        default=None,
        description="draft, issued or paid; repeat it or comma-separate the values",
    )


def _priced(description: str, body: LineBody | InvoiceBody) -> dict[str, Any]:
    line: dict[str, Any] = {"mode": "QUANTITY", "description": description}
    if body.quantity is not None:
        line["quantity"] = str(body.quantity)
    if body.unit_price is not None:
        line["unitPriceDecimal"] = str(body.unit_price)  # converted by the domain
    return line


def _document(inputs: Inputs[Any, None], *, creating: bool) -> dict[str, Any]:
    body: InvoiceBody = inputs.body
    document = body.graphql(changes=True, exclude=_NOT_DOCUMENT_FIELDS)
    if body.lines is not None:
        document["lines"] = [line.line() for line in body.lines]
        return document
    if creating or any(body.sent(name) for name in SINGLE_LINE):
        document["lines"] = [_priced(body.line_description or DEFAULT_DESCRIPTION, body)]
        for path, name in (
            ("description", "line_description"),
            ("quantity", "quantity"),
            ("unitPriceDecimal", "unit_price"),
        ):
            inputs.rename(f"lines.0.{path}", name)
    if creating or body.tax_rate is not None:
        document["vatRate"] = str(body.tax_rate or 0)
    return document


def _create(inputs: Inputs[NewInvoiceBody, None]) -> dict[str, Any]:
    finalize = FINALIZES[inputs.body.status]
    return {"input": _document(inputs, creating=True), "finalize": finalize}


def _update(inputs: Inputs[InvoiceBody, None]) -> dict[str, Any]:
    body = inputs.body
    if not body.model_fields_set:
        fields = ", ".join(InvoiceBody.model_fields)
        raise RestInputError(f"At least one property is required: {fields}")
    sent = [name for name in SINGLE_LINE if body.sent(name)]
    if sent and not body.sent("lines"):
        missing = {
            name: f"is required with {', '.join(sent)} (the line is replaced)"
            for name in SINGLE_LINE
            if name not in sent
        }
        if missing:
            raise RestInputError("Invalid input", missing)
    finalize = FINALIZES[body.status] if body.status is not None else False
    return {"id": inputs.id, "input": _document(inputs, creating=False), "finalize": finalize}


def _list(inputs: Inputs[None, InvoiceQuery]) -> dict[str, Any]:
    return {**inputs.query.window(), "status": STATUS.variables(inputs.request)}


def _listed(data: dict[str, Any], request: RestRequest) -> dict[str, Any]:
    return STATUS.listed(listed(data["invoices"], request, invoice), request)


# Domain paths -> contract names (the contract's snake_case rule does the rest).
ERROR_FIELDS = {
    "vatRate": "tax_rate",
    "lines.{n}.vatRate": "lines.{n}.tax_rate",
    "lines.{n}.unitPriceDecimal": "lines.{n}.unit_price",
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/invoices",
        "CloudBillingListInvoices",
        query=InvoiceQuery,
        to_variables=tenant_scoped(_list),
        response=Listed[Invoice],
        present=_listed,
        summary=f"List invoices, oldest first; `status` (draft, issued, paid) repeated or "
        f"comma-separated. {NOTE}",
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/invoices",
        "CloudBillingCreateInvoice",
        body=NewInvoiceBody,
        to_variables=tenant_scoped(_create),
        response=Data[Written],
        present=lambda data, _: {"data": created(data["createInvoice"])},
        status=201,
        summary=f"Create an invoice (issued unless `status` is draft) with the single-line "
        f"fields or up to {MAX_LINES} `lines`; 409 when the number is taken. {NOTE}",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403, 404, 409),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "GET",
        "/api/v1/invoices/{id}",
        "CloudBillingGetInvoice",
        to_variables=tenant_scoped(path_id),
        response=Data[InvoiceDetail],
        present=lambda data, _: {"data": invoice_detail(data["invoice"])},
        summary=f"Fetch one invoice with its lines and customer. {NOTE}",
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/invoices/{id}",
        "CloudBillingUpdateInvoice",
        body=InvoiceBody,
        to_variables=tenant_scoped(_update),
        response=Data[Written],
        present=lambda data, _: {"data": created(data["updateInvoice"])},
        summary="Update a draft (409 otherwise); `status: issued` issues it in the same "
        "transaction; `lines` replaces every line; `line_description`, `quantity` and "
        f"`unit_price` replace the line together; `tax_rate` alone re-rates it. {NOTE}",
        request_example={"tax_rate": 5.5, "status": "issued"},
        error_statuses=(400, 401, 403, 404, 409),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "DELETE",
        "/api/v1/invoices/{id}",
        "CloudBillingDeleteInvoice",
        to_variables=tenant_scoped(path_id),
        status=204,
        summary=f"Delete a draft invoice (409 once issued). {NOTE}",
        error_statuses=(400, 401, 403, 404, 409),
    ),
)
