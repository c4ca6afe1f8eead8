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


def _classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        return error
    if original is None:
        # Parse/validation errors, and variables that do not match their declared types.
        is_variable = error.message.startswith("Variable '$")
        code = BAD_USER_INPUT if is_variable else VALIDATION_FAILED
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

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None) if result is not None else None
        if errors:
            result.errors = [_classify(error) for error in errors]  # type: ignore[union-attr]
        pre = self.execution_context.pre_execution_errors
        if pre:
            self.execution_context.pre_execution_errors = [_classify(e) for e in pre]
