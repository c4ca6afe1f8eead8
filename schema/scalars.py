"""Custom scalars: GraphQL `Int` is 32-bit, money sums are not."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

Int64 = NewType("Int64", int)


def _parse_int64(value: object) -> int:
    number = int(str(value))
    if not -(2**63) <= number < 2**63:
        raise ValueError("Int64 out of range")
    return number


SCALAR_MAP: dict[object, ScalarDefinition] = {
    Int64: strawberry.scalar(
        name="Int64",
        description="A signed 64-bit integer (amounts in minor units), as a JSON number.",
        serialize=int,
        parse_value=_parse_int64,
    ),
}
