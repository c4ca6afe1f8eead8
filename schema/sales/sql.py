"""SQL forms of the sales order types and root fields (compiled plans, `schema.compiled`)."""

from __future__ import annotations

from models import CatalogItem as CatalogItemModel
from models import Customer as CustomerModel
from models import SalesOrder as SalesOrderModel
from models import SalesOrderLine as SalesOrderLineModel
from models import Warehouse as WarehouseModel
from resolvers.sales.batches import line_order
from schema.compiled.forms import (
    Embedded,
    Forms,
    JsonElements,
    PagedRoot,
    Prefixed,
    Row,
    Rows,
    SingleRoot,
    Value,
    columns,
)
from schema.invoicing.sql import major
from schema.sales.queries import sales_order_by_id, sales_orders_listing


def _line_major(attribute: str) -> Value:
    """In the currency of the order the line belongs to."""
    return major(attribute, lambda row: row.above.entity.currency)


SALES_FORMS = Forms(
    types={
        "SalesOrder": {
            **columns(
                "id",
                "order_number",
                "status",
                "customer_id",
                "currency",
                "notes",
                "ordered_at",
                "warehouse_id",
                "subtotal",
                "tax_total",
                "total",
                "invoice_id",
                "confirmed_at",
                "shipped_at",
                "delivered_at",
                "cancelled_at",
                "invoiced_at",
                "created_at",
                "updated_at",
            ),
            "subtotalDecimal": major("subtotal"),
            "taxTotalDecimal": major("tax_total"),
            "totalDecimal": major("total"),
            # Elements as TaxAmount.from_json reads them (the invoices' TaxAmount forms).
            "taxBreakdown": JsonElements(lambda row: row.entity.tax_breakdown),
            "shippingAddress": Embedded(lambda row: Row(Prefixed(row.entity, "shipping_"), row)),
            "customer": Rows(
                CustomerModel, lambda customer, row: customer.id == row.entity.customer_id
            ),
            "lines": Rows(
                SalesOrderLineModel, lambda line, row: line.order_id == row.entity.id, line_order
            ),
            "warehouse": Rows(
                WarehouseModel, lambda warehouse, row: warehouse.id == row.entity.warehouse_id
            ),
        },
        "SalesOrderLine": {
            **columns(
                "id",
                "position",
                "item_id",
                "description",
                "quantity",
                "unit_price",
                "vat_rate",
                "net",
                "shipped_quantity",
                "reserved_quantity",
            ),
            "remainingQuantity": Value(
                lambda row: row.entity.quantity - row.entity.shipped_quantity
            ),
            "unitPriceDecimal": _line_major("unit_price"),
            "netDecimal": _line_major("net"),
            "item": Rows(CatalogItemModel, lambda item, row: item.id == row.entity.item_id),
        },
        # `countryName` is Python's table of names: not compiled.
        "ShippingAddress": columns("street", "line2", "city", "region", "postal_code", "country"),
    },
    roots={
        "salesOrders": PagedRoot(SalesOrderModel, sales_orders_listing),
        "salesOrder": SingleRoot(SalesOrderModel, sales_order_by_id),
    },
)
