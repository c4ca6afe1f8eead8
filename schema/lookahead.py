"""Looking ahead at a field's selection, so a root field can prefetch what its children need.

Fragments (named and inline) are flattened; a field selected under several aliases counts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def _under(selections: Iterable[Selection], name: str) -> list[Selection]:
    """The selections of every field called `name` among these."""
    return [
        child for field in _fields(selections) if field.name == name for child in field.selections
    ]


def names(selections: Iterable[Selection]) -> frozenset[str]:
    return frozenset(field.name for field in _fields(selections))


def selected(info: strawberry.Info) -> frozenset[str]:
    """Field names selected on the object the current field returns."""
    return names(_under(info.selected_fields, info.field_name))


def selected_nodes(info: strawberry.Info) -> frozenset[str]:
    """Field names selected on the nodes of the connection the current field returns
    (`nodes { … }` and `edges { node { … } }`)."""
    connection = _under(info.selected_fields, info.field_name)
    nodes: Sequence[Selection] = [
        *_under(connection, "nodes"),
        *_under(_under(connection, "edges"), "node"),
    ]
    return names(nodes)
