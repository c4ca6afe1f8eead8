"""Purchasing: supplier invoices read from their PDFs."""
