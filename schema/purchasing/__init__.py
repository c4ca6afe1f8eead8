"""Supplier invoices in GraphQL (accounting permission)."""
