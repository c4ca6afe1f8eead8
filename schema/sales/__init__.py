"""GraphQL for sales orders (cloud-billing's and skeleton-crm's orders)."""
