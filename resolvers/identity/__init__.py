"""Identity and tenancy use cases: accounts, organizations, credentials, the actor."""
