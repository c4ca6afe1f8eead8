"""cloud-billing `/orders` routes: the sales orders of the GraphQL sales API.

Statuses read draft (DRAFT, PENDING), confirmed, fulfilled (FULFILLED, SHIPPED, DELIVERED),
invoiced and cancelled. `order_number` is the caller's (409 when taken). Unit prices are
decimals in major units of the order's currency, converted by the domain with the currency's
ISO 4217 exponent. `warehouse_id` (an extension of the contract) names where catalog lines
are reserved on confirm and shipped from; fulfill and ship may name it too.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.cloud_billing.invoice_presenters import Written, created
from rest_compat.cloud_billing.paging import Listed, ListQuery, StatusFilter, listed
from rest_compat.cloud_billing.presenters import Customer, customer, number
from rest_compat.cloud_billing.tenant import TENANT_HEADER, path_id, tenant_scoped
from rest_compat.engine import Inputs, RestInputError, RestRequest, Route
from rest_compat.engine.models import ContractModel, Data
from rest_compat.engine.values import (
    Day,
    Id,
    NonBlankText,
    Number,
    Text,
    absent,
    choice,
    json_number,
)

NOTE = f"Bearer JWT; the `{TENANT_HEADER}` header names the tenant."
MAX_LINES = 50
STATUS_WORDS = {
    "DRAFT": "draft",
    "PENDING": "draft",
    "CONFIRMED": "confirmed",
    "SHIPPED": "fulfilled",
    "DELIVERED": "fulfilled",
    "FULFILLED": "fulfilled",
    "INVOICED": "invoiced",
    "CANCELLED": "cancelled",
}
STATUS = StatusFilter(
    {
        word: [status for status, shown in STATUS_WORDS.items() if shown == word]
        for word in ("draft", "confirmed", "fulfilled", "invoiced", "cancelled")
    }
)
EXAMPLE = {
    "customer_id": "01972b15-8000-7000-8000-000000000001",
    "order_number": "SO-1001",
    "status": "draft",
    "lines": [
        {
            "description": "Widget",
            "quantity": 10,
            "unit_price": 12.5,
            "tax_rate": 20,
            "product_id": "01972b15-8000-7000-8000-000000000002",
        },
        {"description": "Setup", "quantity": 1, "unit_price": 99, "tax_rate": 20},
    ],
}


class OrderLineBody(ContractModel):
    """SalesOrderLineCreate."""

    description: NonBlankText
    quantity: Number | None = Field(default=None, description="Default 1")
    unit_price: Number | None = Field(
        default=None,
        serialization_alias="unitPriceDecimal",
        description="Major units; default: the product's price, else 0",
    )
    tax_rate: Number | None = Field(
        default=None, serialization_alias="vatRate", description="Percent; default 0"
    )
    product_id: Id | None = Field(
        default=None, serialization_alias="itemId", description="A catalog item"
    )


class OrderBody(ContractModel):
    """SalesOrderPatch: at least one property; draft orders only; absent keeps."""

    customer_id: Id = absent()
    order_number: NonBlankText = absent()
    notes: Text | None = None
    ordered_at: Day = absent(description="ISO date")
    currency: Text = absent(description="ISO 4217; default: the customer's")
    warehouse_id: Id | None = Field(
        default=None, description="Extension: where catalog lines are reserved and shipped"
    )
    lines: list[OrderLineBody] = absent(min_length=1, max_length=MAX_LINES)


class NewOrderBody(OrderBody):
    """SalesOrderCreate."""

    customer_id: Id
    order_number: NonBlankText
    lines: list[OrderLineBody] = Field(min_length=1, max_length=MAX_LINES)
    status: choice("draft", "confirmed", message="must be draft or confirmed") = "draft"  # type: ignore[valid-type]


class OrderQuery(ListQuery):
    status: STATUS.type | None = Field(  # type: ignore[name-defined]
        default=None,
        description="draft, confirmed, fulfilled, invoiced or cancelled; repeat it or "
        "comma-separate the values",
    )


class FulfillBody(ContractModel):
    warehouse_id: Id | None = Field(
        default=None, description="Required when lines reference catalog products"
    )


class ShipmentBody(ContractModel):
    line_id: Id
    quantity: Number = Field(gt=0)


class ShipBody(FulfillBody):
    shipments: list[ShipmentBody] = Field(min_length=1, max_length=MAX_LINES)


class InvoiceOrderBody(ContractModel):
    number: NonBlankText = Field(description="The issued invoice's number")


class SalesOrder(BaseModel):
    id: str
    order_number: str
    status: str
    total: float
    currency: str
    customer_id: str
    invoice_id: str | None
    ordered_at: str | None
    created_at: str


class SalesOrderLine(BaseModel):
    id: str
    product_id: str | None
    description: str
    quantity: float
    unit_price: float
    tax_rate: float
    line_total: float
    shipped_quantity: float
    remaining_quantity: float


class SalesOrderDetail(SalesOrder):
    subtotal: float
    tax_total: float
    notes: str | None
    warehouse_id: str | None
    customer: Customer | None
    lines: list[SalesOrderLine]


class InvoicedOrder(BaseModel):
    order: SalesOrderDetail
    invoice: Written


def _summary(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "order_number": node["orderNumber"],
        "status": STATUS_WORDS.get(node["status"], node["status"].lower()),
        "total": json_number(node["totalDecimal"]),
        "currency": node["currency"],
        "customer_id": node["customerId"],
        "invoice_id": node["invoiceId"],
        "ordered_at": node["orderedAt"],
        "created_at": node["createdAt"],
    }


def _line(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "product_id": node["itemId"],
        "description": node["description"],
        "quantity": json_number(node["quantity"]),
        "unit_price": json_number(node["unitPriceDecimal"]),
        "tax_rate": json_number(node["vatRate"]),
        "line_total": json_number(node["netDecimal"]),
        "shipped_quantity": json_number(node["shippedQuantity"]),
        "remaining_quantity": json_number(node["remainingQuantity"]),
    }


def order_detail(node: dict[str, Any]) -> dict[str, Any]:
    return {
        **_summary(node),
        "subtotal": number(node["subtotalDecimal"]),
        "tax_total": number(node["taxTotalDecimal"]),
        "notes": node["notes"],
        "warehouse_id": node["warehouseId"],
        "customer": customer(node["customer"]) if node["customer"] else None,
        "lines": [_line(line) for line in node["lines"]],
    }


def _one(field: str) -> Any:
    return lambda data, _: {"data": order_detail(data[field])}


def _order_input(body: OrderBody) -> dict[str, Any]:
    fields = body.graphql(changes=True, exclude={"lines", "status"})
    if body.lines is not None:
        fields["lines"] = [line.graphql(changes=True) for line in body.lines]
    return fields


def _create(inputs: Inputs[NewOrderBody, None]) -> dict[str, Any]:
    body = inputs.body
    fields = _order_input(body)
    fields["customerId"] = body.customer_id
    fields["orderNumber"] = body.order_number
    return {"input": fields, "confirm": body.status == "confirmed"}


def _update(inputs: Inputs[OrderBody, None]) -> dict[str, Any]:
    if not inputs.body.model_fields_set:
        raise RestInputError(
            f"At least one property is required: {', '.join(OrderBody.model_fields)}"
        )
    return {"id": inputs.id, "input": _order_input(inputs.body)}


def _fulfill(inputs: Inputs[FulfillBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "warehouseId": inputs.body.warehouse_id}


def _ship(inputs: Inputs[ShipBody, None]) -> dict[str, Any]:
    body = inputs.body
    return {
        "id": inputs.id,
        "warehouseId": body.warehouse_id,
        "shipments": [s.graphql() for s in body.shipments],
    }


def _invoice(inputs: Inputs[InvoiceOrderBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "number": inputs.body.number}


def _list(inputs: Inputs[None, OrderQuery]) -> dict[str, Any]:
    return {**inputs.query.window(), "status": STATUS.variables(inputs.request)}


def _listed(data: dict[str, Any], request: RestRequest) -> dict[str, Any]:
    return STATUS.listed(listed(data["salesOrders"], request, _summary), request)


def _invoiced(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    done = data["invoiceSalesOrder"]
    return {"data": {"order": order_detail(done["order"]), "invoice": created(done["invoice"])}}


ERROR_FIELDS = {
    "lines.{n}.unitPriceDecimal": "lines.{n}.unit_price",
    "lines.{n}.unitPrice": "lines.{n}.unit_price",
    "lines.{n}.vatRate": "lines.{n}.tax_rate",
    "lines.{n}.itemId": "lines.{n}.product_id",
    "shipments.{n}.lineId": "shipments.{n}.line_id",
}
ITEM = "/api/v1/orders/{id}"
WRITES = (400, 401, 403, 404, 409)


def _action(verb: str, operation: str, summary: str, **kwargs: Any) -> Route:
    """A `POST /orders/{id}/<verb>` route answering the order."""
    settings: dict[str, Any] = {
        "to_variables": tenant_scoped(path_id),
        "response": Data[SalesOrderDetail],
        "error_statuses": WRITES,
        "error_fields": ERROR_FIELDS,
        **kwargs,
    }
    return Route("POST", f"{ITEM}/{verb}", operation, summary=f"{summary} {NOTE}", **settings)


ROUTES = (
    Route(
        "GET",
        "/api/v1/orders",
        "CloudBillingListOrders",
        query=OrderQuery,
        to_variables=tenant_scoped(_list),
        response=Listed[SalesOrder],
        present=_listed,
        summary=f"List sales orders, oldest first; `status` repeated or comma-separated. {NOTE}",
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/orders",
        "CloudBillingCreateOrder",
        body=NewOrderBody,
        to_variables=tenant_scoped(_create),
        response=Data[SalesOrderDetail],
        present=_one("createSalesOrder"),
        status=201,
        summary="Create a multi-line sales order, a draft or confirmed at once (which reserves "
        f"catalog lines in `warehouse_id`); 409 when the order number is taken. {NOTE}",
        request_example=EXAMPLE,
        error_statuses=WRITES,
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "GET",
        ITEM,
        "CloudBillingGetOrder",
        to_variables=tenant_scoped(path_id),
        response=Data[SalesOrderDetail],
        present=_one("salesOrder"),
        summary=f"Fetch one sales order with its lines and customer. {NOTE}",
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "PATCH",
        ITEM,
        "CloudBillingUpdateOrder",
        body=OrderBody,
        to_variables=tenant_scoped(_update),
        response=Data[SalesOrderDetail],
        present=_one("updateSalesOrder"),
        summary=f"Update a draft order; `lines` replaces every line (409 once confirmed). {NOTE}",
        request_example={"notes": "Leave at the door", "ordered_at": "2026-05-07"},
        error_statuses=WRITES,
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "DELETE",
        ITEM,
        "CloudBillingDeleteOrder",
        to_variables=tenant_scoped(path_id),
        status=204,
        summary=f"Delete a draft order (409 otherwise: cancel it). {NOTE}",
        error_statuses=WRITES,
    ),
    _action(
        "confirm",
        "CloudBillingConfirmOrder",
        "Confirm a draft order; reserves its catalog lines in its warehouse (409 on "
        "insufficient stock or when not a draft).",
        present=_one("confirmSalesOrder"),
    ),
    _action(
        "fulfill",
        "CloudBillingFulfillOrder",
        "Ship everything still to ship and mark the order fulfilled (409 on insufficient "
        "stock or a wrong status).",
        body=FulfillBody,
        to_variables=tenant_scoped(_fulfill),
        present=_one("fulfillSalesOrder"),
        request_example={"warehouse_id": "01972b15-8000-7000-8000-000000000003"},
    ),
    _action(
        "ship",
        "CloudBillingShipOrder",
        "Ship quantities per line; the order stays confirmed until every line is shipped, "
        "then is fulfilled (409 on over-shipment, a reservation mismatch or insufficient stock).",
        body=ShipBody,
        to_variables=tenant_scoped(_ship),
        present=_one("shipSalesOrder"),
        request_example={
            "shipments": [{"line_id": "01972b15-8000-7000-8000-000000000004", "quantity": 2}]
        },
    ),
    _action(
        "cancel",
        "CloudBillingCancelOrder",
        "Cancel a draft or confirmed order; releases its reservations (409 otherwise).",
        present=_one("cancelSalesOrder"),
    ),
    _action(
        "invoice",
        "CloudBillingInvoiceOrder",
        "Issue the invoice of a confirmed or fulfilled order with the given number, link it "
        "and mark the order invoiced (409 on a taken number or a wrong status).",
        body=InvoiceOrderBody,
        to_variables=tenant_scoped(_invoice),
        present=_invoiced,
        response=Data[InvoicedOrder],
        status=201,
        request_example={"number": "2026-0100"},
    ),
)
