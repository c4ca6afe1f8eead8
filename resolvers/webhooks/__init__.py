"""Outbound webhooks (Standard Webhooks): endpoints, the outbox of deliveries, sending."""
