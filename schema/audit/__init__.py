"""The audit trail over GraphQL (audit:read)."""
