"""GraphQL for the catalog: items and their category tree."""
