"""GraphQL for countries: each organization's own list, seeded from ISO 3166."""
