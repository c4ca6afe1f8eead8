"""Validation results are cached per document text: a cached document is refused (or
accepted) exactly as the first time, with the schema's rules and limits."""

from __future__ import annotations

from graphql import GraphQLError

from schema.validation import ValidationResults
from tests.conftest import App

UNKNOWN_FIELD = "{ customers { nodes { noSuchField } } }"
TOO_MANY_ALIASES = "{ " + " ".join(f"a{n}: __typename" for n in range(40)) + " }"
VALID = "{ __typename }"


async def test_a_cached_document_is_refused_or_accepted_every_time(app: App) -> None:
    for query, expected in ((UNKNOWN_FIELD, "noSuchField"), (TOO_MANY_ALIASES, "aliases")):
        answers = [
            (await app.client.post("/graphql", json={"query": query})).json() for _ in range(3)
        ]
        assert answers[0] == answers[1] == answers[2]
        assert "data" not in answers[0] or answers[0]["data"] is None
        assert expected in answers[0]["errors"][0]["message"]
    for _ in range(2):
        valid = await app.client.post("/graphql", json={"query": VALID})
        assert valid.json() == {"data": {"__typename": "Query"}}


def test_results_beyond_the_size_are_dropped_least_recently_used_first() -> None:
    results = ValidationResults(size=2)
    results.put(("a", ()), [])
    results.put(("b", ()), [GraphQLError("bad")])
    assert results.get(("a", ())) == []  # a is now the most recent
    results.put(("c", ()), [])
    assert results.get(("b", ())) is None
    assert results.get(("a", ())) == [] and results.get(("c", ())) == []
