"""What every dataloader batch function answers: one result per key, in the keys' order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def grouped(pairs: Iterable[tuple[K, V]], keys: Sequence[K]) -> list[list[V]]:
    """The values of each key, in `keys` order (an empty list for a key with none); the values
    of one key keep the order of `pairs` (the batch statement's ORDER BY)."""
    found: dict[K, list[V]] = defaultdict(list)
    for key, value in pairs:
        found[key].append(value)
    return [found.get(key, []) for key in keys]
