"""The fields a selection asks of an object type, merged as graphql-core merges them.

Response keys come in the order of their first appearance, fragments (named or inline, on
that very type) are expanded in place, a named fragment once per selection, and the
sub-selections of one response key are merged. Anything this does not evaluate (directives
such as @skip/@include, fragments on interfaces or unions, fragment variables) makes the
document not compilable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)


class NotCompilable(Exception):
    """The document selects something without a SQL form: it runs field by field."""


@dataclass(frozen=True)
class Selected:
    """One response key: the field it names and every node that asks for it."""

    key: str
    name: str
    nodes: tuple[FieldNode, ...]

    @property
    def selection_sets(self) -> list[SelectionSetNode]:
        return [node.selection_set for node in self.nodes if node.selection_set is not None]


def selected(
    type_name: str,
    selection_sets: Iterable[SelectionSetNode],
    fragments: Mapping[str, FragmentDefinitionNode],
) -> list[Selected]:
    found: dict[str, tuple[str, list[FieldNode]]] = {}
    visited: set[str] = set()

    def walk(selections: SelectionSetNode) -> None:
        for selection in selections.selections:
            if selection.directives:
                raise NotCompilable("directives")
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                found.setdefault(key, (selection.name.value, []))[1].append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is not None and condition.name.value != type_name:
                    raise NotCompilable("fragment on another type")
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = fragments[name]
                if fragment.type_condition.name.value != type_name:
                    raise NotCompilable("fragment on another type")
                if fragment.variable_definitions:
                    raise NotCompilable("fragment variables")
                walk(fragment.selection_set)

    for selection_set in selection_sets:
        walk(selection_set)
    return [Selected(key, name, tuple(nodes)) for key, (name, nodes) in found.items()]
