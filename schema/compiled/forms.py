"""How the fields of a GraphQL type read from SQL: what each domain declares next to its
types, and what compiled plans are built from.

A field with no form here is not compilable: a document selecting it runs field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select
from strawberry.utils.str_converters import to_camel_case

from resolvers.pagination import Listing, PageRequest


@dataclass(frozen=True)
class Row:
    """Where an object's fields read: an alias of its ORM class (or anything whose
    attributes are its columns), and the row of the object it hangs from."""

    entity: Any
    parent: Row | None = None

    @property
    def above(self) -> Row:
        assert self.parent is not None, "this form reads its parent's row"
        return self.parent


SqlOf = Callable[[Row], ColumnElement[Any]]


@dataclass(frozen=True)
class Value:
    """A scalar or enum field: a SQL value, formatted as the field's GraphQL type prints it
    (`as_json`: already the JSON the field returns, e.g. a list of strings)."""

    sql: SqlOf
    as_json: bool = False


@dataclass(frozen=True)
class Rows:
    """An object (the first row) or a list of objects read from another tenant table."""

    model: type[Any]
    join: Callable[[Any, Row], ColumnElement[bool]]  # (the child's alias, the parent's row)
    order: Callable[[Any], tuple[ColumnElement[Any], ...]] = lambda _child: ()


def _same_row(row: Row) -> Row:
    return row


@dataclass(frozen=True)
class Embedded:
    """An object made of columns of the same row (an address, a schedule); null where
    `present` is false."""

    row: Callable[[Row], Row] = _same_row
    present: Callable[[Row], ColumnElement[bool]] | None = None


@dataclass(frozen=True)
class JsonElements:
    """A list kept as a JSON array on the row; each element (column `value`) is one object."""

    array: SqlOf


Form = Value | Rows | Embedded | JsonElements


@dataclass(frozen=True)
class PagedRoot:
    """A root field returning a connection: (actor, **arguments) -> the rows and the page,
    by the function the field's resolver uses."""

    model: type[Any]
    listing: Callable[..., tuple[Listing, PageRequest]]


@dataclass(frozen=True)
class SingleRoot:
    """A root field returning one object: (actor, **arguments) -> the statement reading it,
    by the function the field's resolver uses (not found: the normal path tells why)."""

    model: type[Any]
    statement: Callable[..., Select[Any]]


@dataclass(frozen=True)
class ListRoot:
    """A root field returning a list: (actor, **arguments) -> its rows in order, by the
    function the field's resolver uses."""

    model: type[Any]
    listing: Callable[..., Listing]


RootForm = PagedRoot | SingleRoot | ListRoot


@dataclass(frozen=True)
class Forms:
    """A domain's declarations: GraphQL type -> field -> form, and root fields."""

    types: Mapping[str, Mapping[str, Form]] = field(default_factory=dict)
    roots: Mapping[str, RootForm] = field(default_factory=dict)

    def __or__(self, other: Forms) -> Forms:
        return Forms({**self.types, **other.types}, {**self.roots, **other.roots})


def column(attribute: str) -> Value:
    return Value(lambda row: getattr(row.entity, attribute))


def columns(*attributes: str) -> dict[str, Form]:
    """Fields that show an attribute of the same (snake_case) name."""
    return {to_camel_case(attribute): column(attribute) for attribute in attributes}


class Prefixed:
    """A group of columns sharing a prefix, seen as an entity (`billing_city` as `city`)."""

    def __init__(self, entity: Any, prefix: str) -> None:
        self._entity = entity
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._entity, self._prefix + name)
