"""Customers: create, update (partial), soft delete, status, lookups and lists."""
