"""Agreements (skeleton-crm's contracts) in GraphQL."""
