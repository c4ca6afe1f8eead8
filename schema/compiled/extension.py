"""The hook: a query whose plan compiles gets its result before graphql-core runs.

Strawberry's `_execute_operation` skips execution when an `on_execute` hook has set
`execution_context.result` before yielding. Placed after the parse and validation caches, the
limits and the cost limiter, so every refusal before execution happens as always.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.compiled.runner import CompiledPlans


class CompiledExecution(SchemaExtension):
    def __init__(self, *, plans: CompiledPlans) -> None:
        self.plans = plans

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if (
            document is not None
            and context.query is not None
            and context.result is None
            and context.operation_type is OperationType.QUERY
        ):
            result = await self.plans.run(
                context.schema,
                context.context,
                context.query,
                document,
                context.operation_name,
                context.variables,
            )
            if result is not None:
                context.result = result
        yield
