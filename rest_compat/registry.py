"""Every contract the server can serve."""

from __future__ import annotations

from rest_compat.cloud_billing import contract as cloud_billing
from rest_compat.engine import Contract
from rest_compat.invoice_connections import contract as invoice_connections
from rest_compat.skeleton_crm import contract as skeleton_crm
from rest_compat.vorgio import contract as vorgio
from rest_compat.yaoka import contract as yaoka

CONTRACTS: tuple[Contract, ...] = (
    yaoka,
    skeleton_crm,
    vorgio,
    cloud_billing,
    invoice_connections,
)
