"""Notifications: stored per user and organization, raised by other domains through `notify`."""

from resolvers.notifications.raising import notify

__all__ = ["notify"]
