"""How errors leave GraphQL: domain errors keep their code, anything unexpected is masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator

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
