"""Connections to outside invoice providers: registry, use cases, inbound webhooks."""
