"""Custom scalars: GraphQL `Int` is 32-bit, money sums are not."""

from __future__ import annotations

from typing import NewType

import strawberry

Int64 = strawberry.scalar(
    NewType("Int64", int),
    description="A signed 64-bit integer (amounts in minor units), serialized as a JSON number.",
    serialize=int,
    parse_value=lambda value: int(value),
)
