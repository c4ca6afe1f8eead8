"""invoice-connections: cookie or JWT auth (accounting permission), write-only secrets."""

from rest_compat.invoice_connections.contract import contract

__all__ = ["contract"]
