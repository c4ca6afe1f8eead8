"""Checkouts: one call finds or creates the customer, issues an invoice and queues its mail."""
