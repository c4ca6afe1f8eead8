"""Invoicing: invoices, credit notes and quotes, payments, numbering, recurrence, rendering."""
