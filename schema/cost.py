"""Query cost, like Shopify's: every field costs 1, times the page sizes of the lists above it.

`{ customers(first: 50) { edges { node { id name } } } }` costs 1 (customers) + 50 * (edges,
node, id, name) = 201. A list field without `first`/`last` counts its default page size. The
limit is checked right after validation, before anything runs; a client sending
`"extensions": {"cost": true}` gets `extensions.cost` back (requested and maximum).
"""

from __future__ import annotations

from collections import OrderedDict
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
        self.read: set[str] = set()  # the variables the cost depends on

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
            self.read.add(node.name.value)
            return _page_variable(self.variables, node.name.value)
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


def _page_variable(variables: Mapping[str, Any], name: str) -> int | None:
    """A variable as a page size: its value when it is an integer, else None (the default)."""
    found = variables.get(name)
    return found if isinstance(found, int) else None


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
    return _priced(schema, document, operation_name, variables)[0]


def _priced(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> tuple[int, frozenset[str]]:
    """The cost, and the variables it depends on (page sizes given as variables)."""
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
    return max(costs, default=0), frozenset(walk.read)


class CostCache:
    """Costs per document, so a known document is not walked on every request.

    A cost depends on the document text, the operation and the values of the variables it
    read as page sizes (and on nothing else: the schema is fixed). Per (text, operation) the
    cache keeps which variables those were, and per their values (as the walk saw them) the
    cost; the least recently used documents are dropped beyond `size`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._documents: OrderedDict[tuple[str, str | None], _Priced] = OrderedDict()

    def cost(
        self,
        schema: GraphQLSchema,
        query: str,
        document: Any,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        key = (query, operation_name)
        known = self._documents.get(key)
        if known is not None:
            self._documents.move_to_end(key)
            values = known.values_of(variables or {})
            found = known.costs.get(values)
            if found is not None:
                return found
        cost, read = _priced(schema, document, operation_name, variables)
        if known is None or known.read != read:
            known = _Priced(tuple(sorted(read)))
            self._documents[key] = known
            while len(self._documents) > self.size:
                self._documents.popitem(last=False)
        if len(known.costs) < _VALUES_PER_DOCUMENT:
            known.costs[known.values_of(variables or {})] = cost
        return cost


_VALUES_PER_DOCUMENT = 64  # page sizes remembered per document


class _Priced:
    def __init__(self, read: tuple[str, ...]) -> None:
        self.names = read
        self.read = frozenset(read)
        self.costs: dict[tuple[int | None, ...], int] = {}

    def values_of(self, variables: Mapping[str, Any]) -> tuple[int | None, ...]:
        return tuple(_page_variable(variables, name) for name in self.names)


class QueryCostLimiter(SchemaExtension):
    """Refuses operations costing more than `max_cost`, right after validation.

    Not a validation rule: the cost depends on the variables (page sizes), while validation
    results are cached per document. Place it after `CachedValidation` so it sees the (cached)
    validation outcome and only prices valid documents. With a `cache`, a document's cost is
    computed once per value of the variables it depends on."""

    def __init__(self, *, max_cost: int, cache: CostCache | None = None) -> None:
        self.max_cost = max_cost
        self.cache = cache
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and not context.pre_execution_errors:
            schema = context.schema._schema
            document, name = context.graphql_document, context.operation_name
            if self.cache is not None and context.query is not None:
                cost = self.cache.cost(schema, context.query, document, name, context.variables)
            else:
                cost = query_cost(schema, document, name, context.variables)
            self.cost = cost
            if cost > self.max_cost:
                context.pre_execution_errors = [
                    GraphQLError(
                        f"The query costs {cost}, more than the maximum of "
                        f"{self.max_cost}: ask for fewer fields or smaller pages.",
                        extensions={
                            "code": "QUERY_TOO_COSTLY",
                            "cost": cost,
                            "maximumCost": self.max_cost,
                        },
                    )
                ]
        yield

    def get_results(self) -> dict[str, Any]:
        asked = (self.execution_context.operation_extensions or {}).get("cost")
        if not asked or self.cost is None:
            return {}
        return {"cost": {"requestedQueryCost": self.cost, "maximumAvailable": self.max_cost}}
