"""Messenger schema: conversations, messages, and their subscriptions."""
