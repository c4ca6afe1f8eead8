"""Compiled execution: a query document whose every field has a SQL form runs as one SQL
statement that builds its JSON (json_build_object, json_agg over correlated subqueries),
byte-identical to field-by-field execution; any other document runs as always.

- `extension`: the Strawberry hook (sets the result before graphql-core would run);
- `runner`: the plan cache and one request through a plan (falls back on any refusal);
- `plans`, `roots`, `objects`, `selection`, `values`: from a document to SQL;
- `forms`: the declarations each domain writes next to its types (`schema/<domain>/sql.py`),
  gathered in `registry`.

To compile another type: declare its fields' forms and, for a root field, a function shared
with its resolver that turns the field's arguments into the rows (a `Listing` and a
`PageRequest`, or a statement for one row), so filters, order, permissions and tenancy are
the resolver's own; then add documents using it to the byte-for-byte tests.
"""
