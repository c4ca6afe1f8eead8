"""Validation results cached per document text, not per parsed document.

graphql-core 3.3's AST nodes are frozen dataclasses whose `__hash__` walks the whole tree, so
Strawberry's `ValidationCache` (an `lru_cache` keyed by the parsed document) hashes every node
of the document on every request (a sixth of a REST route's CPU). The parse cache turns one
text into one document, so the text (whose hash Python keeps) and the rule classes (built once,
see `schema.root.build_schema`) key the same result.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from functools import partial

from graphql import ASTValidationRule, GraphQLError
from strawberry import Schema as StrawberrySchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

Key = tuple[str, tuple[type[ASTValidationRule], ...]]


class ValidationResults:
    """The errors (none for a valid document) per (text, rules); the least recently used are
    dropped beyond `size`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._results: OrderedDict[Key, list[GraphQLError]] = OrderedDict()
        self.hits = 0

    def get(self, key: Key) -> list[GraphQLError] | None:
        found = self._results.get(key)
        if found is not None:
            self.hits += 1
            self._results.move_to_end(key)
        return found

    def put(self, key: Key, errors: list[GraphQLError]) -> None:
        self._results[key] = errors
        while len(self._results) > self.size:
            self._results.popitem(last=False)


class CachedValidation(SchemaExtension):
    """Strawberry's validation step (the same rules and errors), its result cached per text."""

    @staticmethod
    def results_of(schema: StrawberrySchema) -> ValidationResults | None:
        """The results cache a schema's validation step uses (None without this step)."""
        for extension in schema.extensions:
            if isinstance(extension, partial) and extension.func is CachedValidation:
                results: ValidationResults = extension.keywords["results"]
                return results
        return None

    def __init__(self, *, results: ValidationResults) -> None:
        self.results = results

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            rules = tuple(context.validation_rules)
            schema = context.schema._schema
            if context.query is None:  # a document without its text: not cached
                context.pre_execution_errors = validate_document(schema, document, rules)
            else:
                key = (context.query, rules)
                errors = self.results.get(key)
                if errors is None:
                    errors = validate_document(schema, document, rules)
                    self.results.put(key, errors)
                context.pre_execution_errors = errors
        yield
