"""Compiled plans: a query document turned into one SQL statement that builds its JSON.

The plan is what the document fixes; on each request it takes the variables and asks each
root field's own resolver code for its rows (which checks permissions and arguments).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    get_operation_ast,
)
from graphql.execution.values import VariableValues, get_argument_values
from sqlalchemy import CTE, ColumnElement, Select, Text, cast, select
from strawberry.types.arguments import convert_arguments

from resolvers.identity.actor import Actor
from schema.compiled.forms import Forms, ListRoot, PagedRoot
from schema.compiled.objects import ObjectCompiler, json_object
from schema.compiled.roots import ListPlan, PagedPlan, SinglePlan
from schema.compiled.selection import NotCompilable, selected
from schema.compiled.values import sql_text


@dataclass(frozen=True)
class RootPlan:
    key: str
    node: FieldNode
    definition: GraphQLField | None = None  # None: __typename
    body: PagedPlan | SinglePlan | ListPlan | None = None

    def ctes(
        self,
        schema: strawberry.Schema,
        actor: Actor | None,
        tenant: uuid.UUID,
        variables: VariableValues,
    ) -> list[CTE]:
        """The rows this root shows, by the root field's own code (which may refuse)."""
        if self.definition is None or self.body is None:
            return []
        # The arguments exactly as the resolver receives them (Strawberry's conversion).
        raw = get_argument_values(self.definition, self.node, variables)
        field = self.definition.extensions["strawberry-definition"]
        arguments = convert_arguments(
            raw,
            field.arguments,
            scalar_registry=schema.schema_converter.scalar_registry,
            config=schema.config,
        )
        if isinstance(self.body, PagedPlan):
            listing, page = self.body.form.listing(actor, **arguments)
            offset, limit = page.window()
            return self.body.ctes(listing, offset, limit, tenant)
        if isinstance(self.body, ListPlan):
            return self.body.ctes(self.body.form.listing(actor, **arguments), tenant)
        return self.body.ctes(self.body.form.statement(actor, **arguments), tenant)

    @property
    def sql(self) -> ColumnElement[Any]:
        return sql_text("Query") if self.body is None else self.body.sql


@dataclass(frozen=True)
class Plan:
    operation: OperationDefinitionNode
    roots: tuple[RootPlan, ...]
    data: ColumnElement[Any]  # the response's JSON as text, over the roots' CTEs

    def statement(
        self,
        schema: strawberry.Schema,
        actor: Actor | None,
        tenant: uuid.UUID,
        variables: VariableValues,
    ) -> Select[Any]:
        ctes = [cte for root in self.roots for cte in root.ctes(schema, actor, tenant, variables)]
        return select(self.data).add_cte(*ctes)

    @property
    def single_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.roots if isinstance(r.body, SinglePlan))


def compile_plan(
    schema: strawberry.Schema, forms: Forms, document: DocumentNode, operation_name: str | None
) -> Plan:
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        raise NotCompilable("not a query")
    if operation.directives:
        raise NotCompilable("directives")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    graphql_schema = schema._schema
    compiler = ObjectCompiler(graphql_schema, forms.types, fragments)
    query = graphql_schema.query_type
    assert query is not None
    roots: list[RootPlan] = []
    for field in selected(query.name, [operation.selection_set], fragments):
        node = field.nodes[0]
        if field.name == "__typename":
            roots.append(RootPlan(field.key, node))
            continue
        form = forms.roots.get(field.name)
        if form is None:
            raise NotCompilable(f"Query.{field.name} has no SQL form")
        definition = query.fields[field.name]
        type_name = get_named_type(definition.type).name
        body: PagedPlan | SinglePlan | ListPlan
        if isinstance(form, PagedRoot):
            body = PagedPlan(compiler, form, type_name, field, len(roots))
        elif isinstance(form, ListRoot):
            body = ListPlan(compiler, form, type_name, field, len(roots))
        else:
            body = SinglePlan(compiler, form, type_name, field, len(roots))
        roots.append(RootPlan(field.key, node, definition, body))
    if all(root.body is None for root in roots):
        raise NotCompilable("nothing to read")  # `{ __typename }` needs no statement
    # Text, not json: asyncpg hands the JSON over unparsed and orjson parses it once.
    data = cast(json_object([(root.key, root.sql) for root in roots]), Text)
    return Plan(operation, tuple(roots), data)
