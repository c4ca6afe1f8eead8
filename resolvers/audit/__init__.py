"""The audit trail: `record` in the same transaction as the action, `list_entries` to read it."""
