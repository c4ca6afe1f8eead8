"""SQL forms of the catalog types and root fields (compiled plans, `schema.compiled`)."""

from __future__ import annotations

from models import CatalogCategory as CatalogCategoryModel
from models import CatalogItem as CatalogItemModel
from schema.catalog.queries import catalog_item_by_id, catalog_items_listing
from schema.compiled.forms import Forms, PagedRoot, Rows, SingleRoot, columns


def _category(foreign_key: str) -> Rows:
    """The category a key of this row names (null when it names none)."""
    return Rows(
        CatalogCategoryModel, lambda category, row: category.id == getattr(row.entity, foreign_key)
    )


CATALOG_FORMS = Forms(
    types={
        "CatalogItem": {
            **columns(
                "id",
                "sku",
                "name",
                "description",
                "category_id",
                "unit_price",
                "currency",
                "unit_cost",
                "vat_rate",
                "status",
                "created_at",
                "updated_at",
            ),
            "category": _category("category_id"),
        },
        "CatalogCategory": {
            **columns("id", "name", "parent_id", "created_at"),
            "parent": _category("parent_id"),
        },
    },
    roots={
        "catalogItems": PagedRoot(CatalogItemModel, catalog_items_listing),
        "catalogItem": SingleRoot(CatalogItemModel, catalog_item_by_id),
    },
)
