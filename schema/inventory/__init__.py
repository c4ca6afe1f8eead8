"""GraphQL for warehouses, stock levels and stock movements."""
