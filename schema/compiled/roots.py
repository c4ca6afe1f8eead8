"""Root fields of a compiled plan: a connection (a page of rows) or one object.

What the document fixes (the JSON of the connection and of each node) is rendered to SQL
text once per plan, over named placeholders: `page<i>` (id and position of each row of the
page), `meta<i>` (offset, total and tenant) or `found<i>` (the one row). On each request only
those are built, as CTEs, from the root field's own resolver code (filters, order, window and
permission), so SQLAlchemy keys and compiles a few small statements, not the whole tree.
"""

from __future__ import annotations

import uuid
from typing import Any

from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    Uuid,
    case,
    column,
    func,
    literal,
    literal_column,
    null,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import asyncpg
from sqlalchemy.orm import aliased

from resolvers.pagination import Listing, count_of
from schema.compiled.forms import ListRoot, PagedRoot, Row, SingleRoot
from schema.compiled.objects import ObjectCompiler, json_list, json_object
from schema.compiled.selection import NotCompilable, Selected
from schema.compiled.values import cursor, sql_text

_DIALECT = asyncpg.dialect()  # type: ignore[no-untyped-call]


def rendered(expression: ColumnElement[Any]) -> ColumnElement[Any]:
    """SQL text made once (its constants inlined), embedded as is in every request's
    statement. Only the forms' own constants are inlined: request values (arguments,
    variables, the tenant) live in the CTEs, as bound parameters."""
    sql = expression.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True})
    return literal_column(f"({sql})")


def _child_type(parent: GraphQLObjectType, field: str) -> str:
    definition = parent.fields.get(field)
    if definition is None:
        raise NotCompilable(f"{parent.name}.{field}")
    return str(get_named_type(definition.type).name)


class SinglePlan:
    def __init__(
        self, compiler: ObjectCompiler, form: SingleRoot, type_name: str, of: Selected, index: int
    ) -> None:
        self.form = form
        self.found = table(f"found{index}", column("id", Uuid), column("tenant", Uuid))
        entity = aliased(form.model, name=f"n{index}")
        node = compiler.object_json(type_name, compiler.fields(type_name, of), Row(entity))
        self.sql = rendered(
            select(node)
            .where(entity.id == self.found.c.id, entity.organization_id == self.found.c.tenant)
            .limit(1)
            .scalar_subquery()
        )

    def ctes(self, statement: Select[Any], tenant: uuid.UUID) -> list[CTE]:
        model = self.form.model
        found = statement.with_only_columns(
            model.id.label("id"), literal(tenant, Uuid).label("tenant")
        ).where(model.organization_id == tenant)
        return [found.cte(self.found.name)]


class ListPlan:
    """A list of objects, in the listing's order."""

    def __init__(
        self, compiler: ObjectCompiler, form: ListRoot, type_name: str, of: Selected, index: int
    ) -> None:
        self.form = form
        self.rows = table(
            f"rows{index}", column("id", Uuid), column("index", Integer), column("tenant", Uuid)
        )
        rows, entity = self.rows, aliased(form.model, name=f"n{index}")
        node = compiler.object_json(type_name, compiler.fields(type_name, of), Row(entity))
        self.sql = rendered(
            select(json_list(node, (rows.c.index,)))
            .select_from(rows.join(entity, entity.id == rows.c.id))
            .where(entity.organization_id == rows.c.tenant)
            .scalar_subquery()
        )

    def ctes(self, listing: Listing, tenant: uuid.UUID) -> list[CTE]:
        model = self.form.model
        rows = listing.statement.where(model.organization_id == tenant).with_only_columns(
            model.id.label("id"),
            func.row_number().over(order_by=listing.order).label("index"),
            literal(tenant, Uuid).label("tenant"),
        )
        return [rows.cte(self.rows.name).prefix_with("MATERIALIZED")]


class PagedPlan:
    """A connection: totalCount, nodes, edges { cursor node }, pageInfo, in selection order."""

    def __init__(
        self, compiler: ObjectCompiler, form: PagedRoot, type_name: str, of: Selected, index: int
    ) -> None:
        self.form = form
        self.page = table(f"page{index}", column("id", Uuid), column("index", Integer))
        self.meta = table(
            f"meta{index}",
            column("first", Integer),
            column("total", Integer),
            column("tenant", Uuid),
        )
        self.entity = aliased(form.model, name=f"n{index}")
        self.compiler = compiler
        connection = compiler.object_type(type_name)
        entries = [(f.key, self._entry(connection, f)) for f in compiler.fields(type_name, of)]
        self.sql = rendered(select(json_object(entries)).select_from(self.meta).scalar_subquery())

    @property
    def size(self) -> ColumnElement[Any]:
        return select(func.count()).select_from(self.page).scalar_subquery()

    def _listed(self, element: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON list of `element` over the page's rows, in page order."""
        entity, page = self.entity, self.page
        return (
            select(json_list(element, (page.c.index,)))
            .select_from(page.join(entity, entity.id == page.c.id))
            .where(entity.organization_id == self.meta.c.tenant)
            .scalar_subquery()
        )

    def _node(self, parent: GraphQLObjectType, of: Selected) -> ColumnElement[Any]:
        node_type = _child_type(parent, of.name)
        fields = self.compiler.fields(node_type, of)
        return self.compiler.object_json(node_type, fields, Row(self.entity))

    def _entry(self, connection: GraphQLObjectType, field: Selected) -> ColumnElement[Any]:
        if field.name == "__typename":
            return sql_text(connection.name)
        if field.name == "totalCount":
            return self.meta.c.total
        if field.name == "nodes":
            return self._listed(self._node(connection, field))
        if field.name == "edges":
            edge = self.compiler.object_type(_child_type(connection, "edges"))
            parts = [
                (f.key, self._edge_entry(edge, f)) for f in self.compiler.fields(edge.name, field)
            ]
            return self._listed(json_object(parts))
        if field.name == "pageInfo":
            info = _child_type(connection, "pageInfo")
            return json_object(
                [(f.key, self._page_info(info, f.name)) for f in self.compiler.fields(info, field)]
            )
        raise NotCompilable(f"{connection.name}.{field.name}")

    def _edge_entry(self, edge: GraphQLObjectType, field: Selected) -> ColumnElement[Any]:
        if field.name == "node":
            return self._node(edge, field)
        if field.name == "cursor":
            return cursor(self.page.c.index)
        if field.name == "__typename":
            return sql_text(edge.name)
        raise NotCompilable(f"{edge.name}.{field.name}")

    def _page_info(self, info: str, name: str) -> ColumnElement[Any]:
        first, size = self.meta.c.first, self.size
        if name == "__typename":
            return sql_text(info)
        if name == "hasNextPage":
            return first + size < self.meta.c.total
        if name == "hasPreviousPage":
            return first > 0
        if name == "startCursor":
            return case((size > 0, cursor(first)), else_=null())
        if name == "endCursor":
            return case((size > 0, cursor(first + size - 1)), else_=null())
        raise NotCompilable(f"{info}.{name}")

    def ctes(self, listing: Listing, offset: int, limit: int, tenant: uuid.UUID) -> list[CTE]:
        model = self.form.model
        rows = listing.statement.where(model.organization_id == tenant)
        # Position in the whole list (0-based): the offset encode_cursor takes.
        position = func.row_number().over(order_by=listing.order) - 1
        page = (
            rows.with_only_columns(model.id.label("id"), position.label("index"))
            .order_by(*listing.order)
            .offset(offset)
            .limit(limit)
        )
        meta = select(
            literal(offset, Integer).label("first"),
            count_of(rows).scalar_subquery().label("total"),
            literal(tenant, Uuid).label("tenant"),
        )
        # Materialized: computed once, not once per row it is joined to (PostgreSQL inlines a
        # CTE used once).
        page_cte = page.cte(self.page.name).prefix_with("MATERIALIZED")
        return [page_cte, meta.cte(self.meta.name)]
