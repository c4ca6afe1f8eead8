"""graphql-core execution with a fast path for plain leaf fields.

A page of 100 invoices resolves about 4,000 fields; most are plain attributes of a Strawberry
object holding a scalar or an enum. For those, graphql-core builds a resolve-info object,
calls Strawberry's resolver wrapper and walks `complete_value`, although nothing looks at the
info. Here such a field reads the attribute and coerces it directly; anything unusual (a null
where the schema says non-null, a value the scalar refuses, an error) falls back to the
normal path, which produces exactly the error it always did.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    is_leaf_type,
)
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Strawberry's resolver for a field with no resolver of its own, no arguments and no
# extensions (schema_converter.from_resolver): it only reads the attribute.
_BASIC_RESOLVER = "_get_basic_result"

_Plan = tuple[str, GraphQLLeafType, bool] | None


def _plan(field: GraphQLField) -> _Plan:
    resolve = field.resolve
    if resolve is None or getattr(resolve, "__name__", "") != _BASIC_RESOLVER or field.args:
        return None
    # What that resolver does: the configured default resolver on the Python attribute name.
    definition = field.extensions.get("strawberry-definition")
    if definition is None or definition.base_resolver is not None:
        return None
    if definition.default_resolver is not getattr:
        return None
    return_type = field.type
    non_null = isinstance(return_type, GraphQLNonNull)
    named = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if not is_leaf_type(named):
        return None
    assert isinstance(named, GraphQLLeafType)
    return definition.python_name, named, non_null


def _leaf_value(plan: tuple[str, GraphQLLeafType, bool], source: Any) -> Any:
    """The completed value, or Undefined when the normal path must handle the field."""
    attribute, leaf, non_null = plan
    try:
        result = getattr(source, attribute)
        if result is None:
            return Undefined if non_null else None
        if isinstance(result, Exception):
            return Undefined
        coerced = leaf.coerce_output_value(result)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced


def _plans(schema: GraphQLSchema) -> dict[tuple[str, str], _Plan]:
    """Plans per (type, field) of a schema, kept on the schema object."""
    plans: dict[tuple[str, str], _Plan] | None = schema.__dict__.get("_comptoir_leaf_plans")
    if plans is None:
        plans = schema.__dict__["_comptoir_leaf_plans"] = {}
    return plans


class FastLeafExecution(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        name = node.name.value
        plans = _plans(self.schema)
        key = (parent_type.name, name)
        try:
            plan = plans[key]
        except KeyError:
            field = self.schema.get_field(parent_type, name)
            plan = plans[key] = _plan(field) if field is not None else None
        middleware = self.middleware_manager
        if plan is not None and not node.arguments and not (middleware and middleware.middlewares):
            value = _leaf_value(plan, source)
            if value is not Undefined:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
