"""Suppliers, partners and employees: one use-case set, parameterised by the party's kind."""
