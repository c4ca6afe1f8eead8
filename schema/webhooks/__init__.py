"""Outbound webhooks in GraphQL: endpoints, the delivery log, replays."""
