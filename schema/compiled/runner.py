"""Running compiled plans: a bounded cache of plans, and one request through its plan.

A plan is made once per (document text, operation name), and so is the verdict that a
document does not compile. A request runs one statement, scoped to the actor's tenant, in
autocommit (one round trip, no BEGIN and COMMIT: one statement sees one snapshot) and parses
the JSON. Whenever that cannot give exactly what normal execution gives (a domain error, a
root that is not found, bad variables, a database error) it steps aside and the request runs
field by field, which reports the error as always.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import orjson
import strawberry
from graphql import DocumentNode, ExecutionResult, GraphQLError
from graphql.execution.values import get_variable_values
from sqlalchemy.exc import DBAPIError

from resolvers.errors import DomainError
from schema.compiled.forms import Forms
from schema.compiled.plans import Plan, compile_plan
from schema.compiled.selection import NotCompilable
from schema.context import Context


class CompiledPlans:
    """Plans per (document text, operation name), None for documents that do not compile;
    the least recently used are dropped beyond `size`."""

    def __init__(self, forms: Forms, size: int) -> None:
        self.forms = forms
        self.size = size
        self._plans: OrderedDict[tuple[str, str | None], Plan | None] = OrderedDict()

    def plan(
        self,
        schema: strawberry.Schema,
        query: str,
        document: DocumentNode,
        operation_name: str | None,
    ) -> Plan | None:
        key = (query, operation_name)
        try:
            found = self._plans[key]
        except KeyError:
            try:
                found = compile_plan(schema, self.forms, document, operation_name)
            except NotCompilable:
                found = None
            self._plans[key] = found
            while len(self._plans) > self.size:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        return found

    async def run(
        self,
        schema: strawberry.Schema,
        context: Any,
        query: str,
        document: DocumentNode,
        operation_name: str | None,
        raw_variables: Mapping[str, Any] | None,
    ) -> ExecutionResult | None:
        """The operation's result by its plan, or None: run it field by field."""
        if not isinstance(context, Context):
            return None
        plan = self.plan(schema, query, document, operation_name)
        if plan is None:
            return None
        definitions = plan.operation.variable_definitions or ()
        variables = get_variable_values(schema._schema, definitions, dict(raw_variables or {}))
        if isinstance(variables, list):
            return None
        try:
            actor = context.actor
            tenant = context.tenant
            if tenant is None:
                return None
            statement = plan.statement(schema, actor, tenant, variables)
        except (DomainError, GraphQLError):
            return None
        try:
            async with context.read_session() as session:
                text = await session.scalar(statement)
        except DBAPIError:
            return None
        data = orjson.loads(text)
        if any(data[key] is None for key in plan.single_keys):
            return None  # not found: the normal path says so
        return ExecutionResult(data=data)
