"""GraphQL for customers (yaoka's and cloud-billing's customers, vorgio's clients)."""
