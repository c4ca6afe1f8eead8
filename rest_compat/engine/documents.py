"""A contract's GraphQL operations: loaded from .graphql files, one executable source each."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.language import Visitor


class DocumentError(RuntimeError):
    """A contract document does not match the schema (the server refuses to start)."""


def load_operations(directory: Path) -> dict[str, str]:
    """Operation name -> a standalone source holding that operation and every fragment."""
    definitions: list[Node] = []
    for path in sorted(directory.glob("*.graphql")):
        definitions.extend(parse(path.read_text(), no_location=True).definitions)
    fragments = [d for d in definitions if isinstance(d, FragmentDefinitionNode)]
    operations: dict[str, str] = {}
    for definition in definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if definition.name is None:
            raise DocumentError(f"anonymous operation in {directory}")
        name = definition.name.value
        if name in operations:
            raise DocumentError(f"operation {name} defined twice in {directory}")
        used = _used_fragments(definition, fragments)
        operations[name] = print_ast(DocumentNode(definitions=(definition, *used)))
    return operations


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.names.append(node.name.value)


def _spreads(node: Node) -> list[str]:
    visitor = _Spreads()
    visit(node, visitor)
    return visitor.names


def _used_fragments(
    operation: OperationDefinitionNode, fragments: list[FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    by_name = {f.name.value: f for f in fragments}
    used: dict[str, FragmentDefinitionNode] = {}
    pending = _spreads(operation)
    while pending:
        name = pending.pop()
        if name in used or name not in by_name:
            continue  # unknown fragments are reported by validation
        used[name] = by_name[name]
        pending.extend(_spreads(by_name[name]))
    return list(used.values())


def validate_operations(schema: GraphQLSchema, operations: dict[str, str], where: str) -> None:
    problems = []
    for name, source in operations.items():
        for error in validate(schema, parse(source)):
            problems.append(f"{where}: {name}: {error.message}")
    if problems:
        raise DocumentError("\n".join(problems))
