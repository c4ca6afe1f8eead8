"""Checkouts and checkout intents (GraphQL)."""
