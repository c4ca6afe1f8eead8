"""GraphQL for identity and tenancy: viewer, organizations, accounts, API keys."""
