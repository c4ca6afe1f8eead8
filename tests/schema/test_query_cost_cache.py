"""The cost cache prices a document once per value of its page-size variables: every answer
equals a fresh walk, whatever order the variables come in."""

from __future__ import annotations

from typing import Any

from graphql import parse

from schema.cost import CostCache, query_cost
from schema.root import schema

TWO_PAGES = """
query Two($customers: Int, $invoices: Int, $search: String) {
  customers(first: $customers, search: $search) { edges { node { ...Named } } }
  invoices(first: $invoices) { nodes { number lines { description } } }
}
fragment Named on Customer { id name }
query Fixed { customers(first: 7) { nodes { id } } }
"""


def test_cached_costs_equal_a_fresh_walk_for_every_variable_value() -> None:
    cache = CostCache(size=4)
    document = parse(TWO_PAGES)
    graphql_schema = schema._schema
    runs: list[tuple[str | None, dict[str, Any] | None]] = [
        ("Two", {"customers": 50, "invoices": 10}),
        ("Two", {"customers": 50, "invoices": 10, "search": "a"}),  # not a page size
        ("Two", {"customers": 5, "invoices": 10}),
        ("Two", {"customers": 50, "invoices": 100}),
        ("Two", {"customers": "50", "invoices": None}),  # not integers: default page sizes
        ("Two", None),
        ("Two", {"customers": 50, "invoices": 10}),
        ("Fixed", {"customers": 1}),
        ("Fixed", None),
    ]
    costs = []
    for name, variables in runs * 2:
        expected = query_cost(graphql_schema, document, name, variables)
        assert cache.cost(graphql_schema, TWO_PAGES, document, name, variables) == expected
        costs.append(expected)
    assert len(set(costs)) > 3  # the variables did change the cost


def test_documents_beyond_the_size_are_forgotten_and_priced_again() -> None:
    cache = CostCache(size=1)
    graphql_schema = schema._schema
    texts = [f"{{ customers(first: {n}) {{ nodes {{ id }} }} }}" for n in (1, 2, 1)]
    for text in texts:
        document = parse(text)
        expected = query_cost(graphql_schema, document, None, None)
        assert cache.cost(graphql_schema, text, document, None, None) == expected
