"""Notifications: types, queries and mutations."""
