"""Root fields of a compiled plan: a connection (a page of rows) or one object.

What is fixed by the document (the JSON of each node, over one alias of the node's table) is
built once per plan; the page (filters, order, window) comes from the root field's own
resolver code on every request.
"""

from __future__ import annotations

import uuid
from typing import Any

from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import ColumnElement, Select, case, func, literal, null, select
from sqlalchemy.orm import aliased

from resolvers.pagination import Listing, count_of
from schema.compiled.forms import PagedRoot, Row, SingleRoot
from schema.compiled.objects import ObjectCompiler, json_list, json_object
from schema.compiled.selection import NotCompilable, Selected
from schema.compiled.values import cursor, sql_text

PAGE_INFO_FIELDS = frozenset(
    {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"}
)


def _child_type(compiler: ObjectCompiler, parent: GraphQLObjectType, field: str) -> str:
    definition = parent.fields.get(field)
    if definition is None:
        raise NotCompilable(f"{parent.name}.{field}")
    return str(get_named_type(definition.type).name)


class SinglePlan:
    def __init__(self, compiler: ObjectCompiler, form: SingleRoot, type_name: str, of: Selected):
        self.form = form
        self.entity = aliased(form.model)
        self.node = compiler.object_json(
            type_name, compiler.fields(type_name, of), Row(self.entity)
        )

    def json(self, statement: Select[Any], tenant: uuid.UUID) -> ColumnElement[Any]:
        model = self.form.model
        found = statement.with_only_columns(model.id).where(model.organization_id == tenant)
        return (
            select(self.node)
            .where(self.entity.id.in_(found), self.entity.organization_id == tenant)
            .limit(1)
            .scalar_subquery()
        )


class PagedPlan:
    """A connection: totalCount, nodes, edges { cursor node }, pageInfo, in selection order."""

    def __init__(self, compiler: ObjectCompiler, form: PagedRoot, type_name: str, of: Selected):
        self.form = form
        self.entity = aliased(form.model)
        connection = compiler.object_type(type_name)
        node_type = _child_type(compiler, connection, "nodes")
        row = Row(self.entity)
        # key -> what to build: a name, or a node's JSON, or an edge's / pageInfo's parts.
        self.parts: list[tuple[str, str, Any]] = []
        for field in compiler.fields(type_name, of):
            if field.name in ("__typename", "totalCount"):
                self.parts.append((field.key, field.name, type_name))
            elif field.name == "nodes":
                node = compiler.object_json(node_type, compiler.fields(node_type, field), row)
                self.parts.append((field.key, "nodes", node))
            elif field.name == "edges":
                edge_type = _child_type(compiler, connection, "edges")
                self.parts.append((field.key, "edges", self._edge(compiler, edge_type, field)))
            elif field.name == "pageInfo":
                info_type = _child_type(compiler, connection, "pageInfo")
                names = [(f.key, f.name) for f in compiler.fields(info_type, field)]
                if not {name for _, name in names} <= PAGE_INFO_FIELDS:
                    raise NotCompilable("pageInfo field")
                self.parts.append((field.key, "pageInfo", (info_type, names)))
            else:
                raise NotCompilable(f"{type_name}.{field.name}")

    def _edge(
        self, compiler: ObjectCompiler, edge_type: str, of: Selected
    ) -> list[tuple[str, str, Any]]:
        parts: list[tuple[str, str, Any]] = []
        node_type = _child_type(compiler, compiler.object_type(edge_type), "node")
        for field in compiler.fields(edge_type, of):
            if field.name == "node":
                fields = compiler.fields(node_type, field)
                parts.append(
                    (field.key, "node", compiler.object_json(node_type, fields, Row(self.entity)))
                )
            elif field.name in ("cursor", "__typename"):
                parts.append((field.key, field.name, edge_type))
            else:
                raise NotCompilable(f"{edge_type}.{field.name}")
        return parts

    def json(
        self, listing: Listing, offset: int, limit: int, tenant: uuid.UUID
    ) -> ColumnElement[Any]:
        model = self.form.model
        rows = listing.statement.where(model.organization_id == tenant)
        # Position in the whole list (0-based), so the cursor is the offset encode_cursor takes.
        index = func.row_number().over(order_by=listing.order) - 1
        page = (
            rows.with_only_columns(model.id.label("id"), index.label("index"))
            .order_by(*listing.order)
            .offset(offset)
            .limit(limit)
            .cte()
        )
        total = count_of(rows).scalar_subquery()
        size = select(func.count()).select_from(page).scalar_subquery()
        joined = page.join(self.entity, self.entity.id == page.c.id)

        def listed(element: ColumnElement[Any]) -> ColumnElement[Any]:
            return (
                select(json_list(element, (page.c.index,)))
                .select_from(joined)
                .where(self.entity.organization_id == tenant)
                .scalar_subquery()
            )

        first = literal(offset)
        entries: list[tuple[str, ColumnElement[Any]]] = []
        for key, kind, part in self.parts:
            if kind == "__typename":
                entries.append((key, sql_text(part)))
            elif kind == "totalCount":
                entries.append((key, total))
            elif kind == "nodes":
                entries.append((key, listed(part)))
            elif kind == "edges":
                edge = [
                    (
                        k,
                        sql_text(p)
                        if what == "__typename"
                        else cursor(page.c.index)
                        if what == "cursor"
                        else p,
                    )
                    for k, what, p in part
                ]
                entries.append((key, listed(json_object(edge))))
            else:
                info_type, names = part
                values: dict[str, ColumnElement[Any]] = {
                    "__typename": sql_text(info_type),
                    "hasNextPage": first + size < total,
                    "hasPreviousPage": literal(offset > 0),
                    "startCursor": case((size > 0, cursor(first)), else_=null()),
                    "endCursor": case((size > 0, cursor(first + size - 1)), else_=null()),
                }
                entries.append((key, json_object([(k, values[name]) for k, name in names])))
        return json_object(entries)
