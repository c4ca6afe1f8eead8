"""SQL that prints a value exactly as the GraphQL scalar (or enum) serializes the Python value
asyncpg returns for it, so the compiled JSON equals normal execution byte for byte."""

from __future__ import annotations

import enum
from typing import Any

from graphql import GraphQLEnumType, GraphQLNamedType
from sqlalchemy import ColumnElement, Enum, Text, case, cast, func, literal_column

from resolvers.pagination import CURSOR_PREFIX
from schema.compiled.selection import NotCompilable

# Printed by PostgreSQL's json as Python prints them (JSON numbers, strings, booleans; dates
# in ISO form; JSON values as stored, which asyncpg hands over parsed in the same key order).
_AS_IS = frozenset({"String", "Int", "Int64", "Boolean", "Date", "JSON"})
# str() of a UUID or a Decimal (at the column's scale) is PostgreSQL's text form.
_AS_TEXT = frozenset({"ID", "Decimal"})


def sql_text(value: str) -> ColumnElement[str]:
    """A constant string written into the SQL (no bind parameter: names, formats)."""
    return literal_column("'" + value.replace("'", "''") + "'", Text)


def formatted(named: GraphQLNamedType, value: ColumnElement[Any]) -> ColumnElement[Any]:
    if isinstance(named, GraphQLEnumType):
        return enum_name(named, value)
    if named.name in _AS_IS:
        return value
    if named.name in _AS_TEXT:
        return cast(value, Text)
    if named.name == "DateTime":
        return iso_datetime(value)
    raise NotCompilable(f"no SQL form for the scalar {named.name}")


def iso_datetime(value: ColumnElement[Any]) -> ColumnElement[str]:
    """`datetime.isoformat()` of the UTC-aware value asyncpg returns: microseconds only
    when there are some, and `+00:00` (PostgreSQL's json drops trailing zeros instead)."""
    utc = func.timezone(sql_text("UTC"), value)
    seconds = func.to_char(utc, sql_text('YYYY-MM-DD"T"HH24:MI:SS'))
    micro = func.to_char(utc, sql_text('YYYY-MM-DD"T"HH24:MI:SS.US'))
    whole = func.date_trunc(sql_text("second"), utc) == utc
    return case((whole, seconds), else_=micro).concat(sql_text("+00:00"))


def enum_name(named: GraphQLEnumType, value: ColumnElement[Any]) -> ColumnElement[str]:
    """The GraphQL name of the stored value, from the column's Python enum."""
    column_type = value.type
    if not isinstance(column_type, Enum) or column_type.enum_class is None:
        raise NotCompilable(f"{named.name}: not an enum column")
    members: list[enum.Enum] = list(column_type.enum_class)
    stored = dict(zip(members, column_type.enums, strict=True))
    names = {definition.value: name for name, definition in named.values.items()}
    text = cast(value, Text)
    return case(
        *((text == sql_text(stored[member]), sql_text(names[member.value])) for member in members)
    )


def cursor(index: ColumnElement[Any]) -> ColumnElement[str]:
    """`encode_cursor(index)` in SQL: urlsafe base64 of "o:<index>" (short: no line breaks)."""
    raw = func.convert_to(sql_text(CURSOR_PREFIX).concat(cast(index, Text)), sql_text("UTF8"))
    return func.translate(func.encode(raw, sql_text("base64")), sql_text("+/"), sql_text("-_"))
