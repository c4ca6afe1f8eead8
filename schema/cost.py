"""Query cost, like Shopify's: every field costs 1, times the page sizes of the lists above it.

`{ customers(first: 50) { edges { node { id name } } } }` costs 1 (customers) + 50 * (edges,
node, id, name) = 201. A list field without `first`/`last` counts its default page size. The
limit is checked with the other validation rules, before anything runs; a client sending
`"extensions": {"cost": true}` gets `extensions.cost` back (requested and maximum).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from graphql.language import ValueNode
from strawberry.extensions import SchemaExtension

from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

PAGE_ARGUMENTS = ("first", "last")


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def page_size(self, field: FieldNode, definition: Any) -> int:
        arguments = {argument.name.value: argument.value for argument in field.arguments or ()}
        for name in PAGE_ARGUMENTS:
            if name not in definition.args:
                continue
            value = self.value(arguments.get(name))
            if value is not None:
                # Larger pages are refused by the resolvers (and huge numbers by coercion).
                return min(max(value, 0), MAX_PAGE_SIZE)
            default = definition.args[name].default_value
            return default if isinstance(default, int) else DEFAULT_PAGE_SIZE
        return 1

    def value(self, node: ValueNode | None) -> int | None:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            found = self.variables.get(node.name.value)
            return found if isinstance(found, int) else None
        return None

    def cost(
        self,
        selections: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        seen: frozenset[str] = frozenset(),
    ) -> int:
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, inner, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:  # reported by the standard rules
                    continue
                inner = self.schema.get_type(fragment.type_condition.name.value)
                total += self.cost(fragment.selection_set, inner, seen | {name})
        return total

    def field_cost(
        self, field: FieldNode, parent: GraphQLNamedType | None, seen: frozenset[str]
    ) -> int:
        if field.name.value.startswith("__"):
            return 0  # introspection and __typename are free
        fields = getattr(parent, "fields", None)
        definition = fields.get(field.name.value) if fields else None
        if definition is None:  # an unknown field: the standard rules report it
            return 1
        child = get_named_type(definition.type)
        return 1 + self.page_size(field, definition) * self.cost(field.selection_set, child, seen)


def _operations(document: Any, operation_name: str | None) -> Iterator[OperationDefinitionNode]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        ):
            yield definition


def query_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The cost of the operation that runs (the most costly one if it is not named)."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, variables or {})
    roots: dict[OperationType, GraphQLObjectType | None] = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }
    costs = [
        walk.cost(operation.selection_set, roots[operation.operation])
        for operation in _operations(document, operation_name)
    ]
    return max(costs, default=0)


class QueryCostLimiter(SchemaExtension):
    """Refuses operations costing more than `max_cost`, with the other validation rules."""

    def __init__(self, *, max_cost: int) -> None:
        self.max_cost = max_cost
        self.cost: int | None = None

    def on_operation(self) -> Iterator[None]:
        extension = self
        context = self.execution_context

        class QueryCostRule(ValidationRule):
            def __init__(self, validation: ValidationContext) -> None:
                super().__init__(validation)
                cost = query_cost(
                    validation.schema,
                    validation.document,
                    context.operation_name,
                    context.variables,
                )
                extension.cost = cost
                if cost > extension.max_cost:
                    validation.report_error(
                        GraphQLError(
                            f"The query costs {cost}, more than the maximum of "
                            f"{extension.max_cost}: ask for fewer fields or smaller pages.",
                            extensions={
                                "code": "QUERY_TOO_COSTLY",
                                "cost": cost,
                                "maximumCost": extension.max_cost,
                            },
                        )
                    )

        context.validation_rules = (*context.validation_rules, QueryCostRule)
        yield

    def get_results(self) -> dict[str, Any]:
        asked = (self.execution_context.operation_extensions or {}).get("cost")
        if not asked or self.cost is None:
            return {}
        return {"cost": {"requestedQueryCost": self.cost, "maximumAvailable": self.max_cost}}
