"""The JSON of an object selection, built by PostgreSQL from the declared forms:
json_build_object over the row, correlated subqueries with json_agg for lists."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)
from sqlalchemy import (
    JSON,
    ColumnElement,
    Text,
    case,
    cast,
    column,
    func,
    literal_column,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.orm import aliased

from schema.compiled.forms import Embedded, Form, JsonElements, Row, Rows, Value
from schema.compiled.selection import NotCompilable, Selected, selected
from schema.compiled.values import formatted, sql_text

EMPTY_LIST: ColumnElement[Any] = literal_column("'[]'::json")
# PostgreSQL functions take at most 100 arguments: 50 keys and values.
MAX_KEYS = 50


def json_object(entries: list[tuple[str, ColumnElement[Any]]]) -> ColumnElement[Any]:
    """An object with these keys in this order (json keeps it; jsonb would sort them)."""
    parts: list[ColumnElement[Any]] = []
    for start in range(0, len(entries), MAX_KEYS):
        arguments: list[ColumnElement[Any]] = []
        for key, value in entries[start : start + MAX_KEYS]:
            arguments += [sql_text(key), value]
        parts.append(func.json_build_object(*arguments))
    if len(parts) == 1:
        return parts[0]
    # More keys than one call takes: join the objects' texts, `{a}` + `{b}` -> `{a, b}`.
    texts = [cast(part, Text) for part in parts]
    joined: ColumnElement[Any] = func.left(texts[0], -1)
    for text in texts[1:-1]:
        joined = joined.concat(sql_text(", ")).concat(func.substr(func.left(text, -1), 2))
    joined = joined.concat(sql_text(", ")).concat(func.substr(texts[-1], 2))
    return cast(joined, JSON)


def json_list(
    element: ColumnElement[Any], order: tuple[ColumnElement[Any], ...]
) -> ColumnElement[Any]:
    aggregated = func.json_agg(aggregate_order_by(element, *order) if order else element)
    return func.coalesce(aggregated, EMPTY_LIST)


def _is_list(output: GraphQLOutputType) -> bool:
    inner = output.of_type if isinstance(output, GraphQLNonNull) else output
    return isinstance(inner, GraphQLList)


class ObjectCompiler:
    """Builds the JSON expression of selections of one document's object types."""

    def __init__(
        self,
        schema: GraphQLSchema,
        types: Mapping[str, Mapping[str, Form]],
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.types = types
        self.fragments = fragments
        self._names = itertools.count()

    def alias_name(self, prefix: str) -> str:
        """Aliases named once per plan: the plan's SQL is rendered to text once."""
        return f"{prefix}{next(self._names)}"

    def object_type(self, name: str) -> GraphQLObjectType:
        found = self.schema.get_type(name)
        if not isinstance(found, GraphQLObjectType):
            raise NotCompilable(f"{name} is not an object type")
        return found

    def fields(self, type_name: str, of: Selected) -> list[Selected]:
        return selected(type_name, of.selection_sets, self.fragments)

    def object_json(self, type_name: str, fields: list[Selected], row: Row) -> ColumnElement[Any]:
        return json_object([(f.key, self.field_json(type_name, f, row)) for f in fields])

    def field_json(self, type_name: str, field: Selected, row: Row) -> ColumnElement[Any]:
        if field.name == "__typename":
            return sql_text(type_name)
        form = self.types.get(type_name, {}).get(field.name)
        if form is None:
            raise NotCompilable(f"{type_name}.{field.name} has no SQL form")
        if any(node.arguments for node in field.nodes):
            raise NotCompilable(f"{type_name}.{field.name}: arguments")
        output = self.object_type(type_name).fields[field.name].type
        named = get_named_type(output)
        if isinstance(form, Value):
            if form.as_json:
                return form.sql(row)
            if _is_list(output) or not is_leaf_type(named):
                raise NotCompilable(f"{type_name}.{field.name}: not a scalar")
            return formatted(named, form.sql(row))
        if is_leaf_type(named):
            raise NotCompilable(f"{type_name}.{field.name}: a scalar with an object form")
        children = self.fields(named.name, field)
        if isinstance(form, Embedded):
            inner = self.object_json(named.name, children, form.row(row))
            if form.present is None:
                return inner
            return case((form.present(row), inner), else_=null())
        if isinstance(form, JsonElements):
            elements = (
                func.jsonb_array_elements(form.array(row))
                .table_valued(column("value", JSONB), with_ordinality="position")
                .render_derived(name=self.alias_name("e"))
            )
            element = self.object_json(named.name, children, Row(elements, row))
            return (
                select(json_list(element, (elements.c.position,)))
                .select_from(elements)
                .scalar_subquery()
            )
        return self.rows_json(named.name, children, form, row, many=_is_list(output))

    def rows_json(
        self, type_name: str, children: list[Selected], form: Rows, row: Row, *, many: bool
    ) -> ColumnElement[Any]:
        child = aliased(form.model, name=self.alias_name("c"))
        # Tenancy, explicitly: a child lives in its parent's organization.
        condition = form.join(child, row) & (child.organization_id == row.entity.organization_id)
        element = self.object_json(type_name, children, Row(child, row))
        if many:
            statement = select(json_list(element, form.order(child)))
        else:
            statement = select(element).order_by(*form.order(child)).limit(1)
        return statement.where(condition).scalar_subquery()
