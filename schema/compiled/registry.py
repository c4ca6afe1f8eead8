"""Every domain's SQL forms, as compiled plans see them."""

from __future__ import annotations

from schema.compiled.forms import Forms
from schema.customers.sql import CUSTOMER_FORMS
from schema.invoicing.sql import INVOICING_FORMS
from schema.parties.sql import PARTY_FORMS
from schema.sales.sql import SALES_FORMS

FORMS: Forms = CUSTOMER_FORMS | INVOICING_FORMS | PARTY_FORMS | SALES_FORMS
