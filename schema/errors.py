"""How errors leave GraphQL: domain errors keep their code, anything unexpected is masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.errors import DomainError

logger = logging.getLogger("comptoir.graphql")

INTERNAL = "INTERNAL_SERVER_ERROR"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"


def _classify(error: GraphQLError, *, executing: bool) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        return error
    if original is None and (error.extensions or {}).get("code") == INTERNAL:
        return error  # already masked (a streamed result, seen again when the stream ends)
    if error.path is None and (original is None or isinstance(original, GraphQLError)):
        # A request error: parsing and validation fail the document; once execution has
        # started, a pathless error means the variables do not match their declared types
        # (graphql-core chains the scalar's own GraphQLError as the original error).
        code = BAD_USER_INPUT if executing else VALIDATION_FAILED
        if "code" not in (error.extensions or {}):
            error.extensions = {**(error.extensions or {}), "code": code}
        return error
    logger.error("unexpected error in %s", error.path, exc_info=original)
    return GraphQLError(
        "Unexpected error.",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": INTERNAL},
    )


class ErrorCodes(SchemaExtension):
    """Gives every error an `extensions.code`; masks errors that are not domain errors."""

    executing = False

    def on_execute(self) -> Iterator[None]:
        self.executing = True
        yield

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Subscriptions send each result as it comes: classify and mask before it leaves."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [_classify(error, executing=self.executing) for error in errors]
            # What on_operation looks at when the stream ends: the masked errors, not again
            # the originals (which would be logged twice).
            self.execution_context.pre_execution_errors = result.errors
        yield

    def on_operation(self) -> Iterator[None]:
        self.executing = False
        yield
        executing = self.executing
        result = self.execution_context.result
        errors = getattr(result, "errors", None) if result is not None else None
        if result is not None and errors:
            result.errors = [_classify(error, executing=executing) for error in errors]
        pre = self.execution_context.pre_execution_errors
        if pre:
            self.execution_context.pre_execution_errors = [
                _classify(e, executing=executing) for e in pre
            ]
