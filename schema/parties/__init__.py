"""GraphQL for suppliers, partners and employees (one `Party` type with a `kind`)."""
