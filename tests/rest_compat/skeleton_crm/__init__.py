"""skeleton-crm contract tests."""
