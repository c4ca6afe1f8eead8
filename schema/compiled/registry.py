"""Every domain's SQL forms, as compiled plans see them."""

from __future__ import annotations

from schema.accounting.sql import ACCOUNTING_FORMS
from schema.catalog.sql import CATALOG_FORMS
from schema.compiled.forms import Forms
from schema.customers.sql import CUSTOMER_FORMS
from schema.files.sql import FILE_FORMS
from schema.identity.sql import IDENTITY_FORMS
from schema.inventory.sql import INVENTORY_FORMS
from schema.invoicing.sql import INVOICING_FORMS
from schema.notifications.sql import NOTIFICATION_FORMS
from schema.parties.sql import PARTY_FORMS
from schema.purchasing.sql import PURCHASING_FORMS
from schema.sales.sql import SALES_FORMS

FORMS: Forms = (
    ACCOUNTING_FORMS
    | CATALOG_FORMS
    | CUSTOMER_FORMS
    | FILE_FORMS
    | IDENTITY_FORMS
    | INVENTORY_FORMS
    | INVOICING_FORMS
    | NOTIFICATION_FORMS
    | PARTY_FORMS
    | PURCHASING_FORMS
    | SALES_FORMS
)
