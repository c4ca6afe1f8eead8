"""Files: types, queries and mutations."""
