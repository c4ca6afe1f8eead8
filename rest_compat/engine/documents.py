"""A contract's GraphQL operations: loaded from .graphql files, one executable source each."""

from __future__ import annotations

import hashlib
from pathlib import Path
from weakref import WeakKeyDictionary

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    parse,
    print_ast,
    print_schema,
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


# Every app built in one process (one in production; one per test in the test suite) checks
# the same documents against an equal schema: parse and validate each combination once.
_LOADED: dict[tuple[str, tuple[tuple[str, int, int], ...]], dict[str, str]] = {}
_VALID: set[tuple[str, tuple[str, tuple[tuple[str, int, int], ...]]]] = set()
_SDL_DIGESTS: WeakKeyDictionary[GraphQLSchema, str] = WeakKeyDictionary()


def checked_operations(schema: GraphQLSchema, directory: Path, where: str) -> dict[str, str]:
    """`load_operations` then `validate_operations`, remembered per process for unchanged
    files (name, mtime, size) and an identical schema (its SDL); failures are never kept."""
    files = tuple(
        (path.name, stat.st_mtime_ns, stat.st_size)
        for path in sorted(directory.glob("*.graphql"))
        for stat in (path.stat(),)
    )
    documents = (str(directory), files)
    if documents not in _LOADED:
        _LOADED[documents] = load_operations(directory)
    operations = dict(_LOADED[documents])
    sdl = _SDL_DIGESTS.get(schema)
    if sdl is None:
        sdl = _SDL_DIGESTS[schema] = hashlib.sha256(print_schema(schema).encode()).hexdigest()
    if (sdl, documents) not in _VALID:
        validate_operations(schema, operations, where)
        _VALID.add((sdl, documents))
    return operations
