"""Process-wide tuning applied once the server has started.

The start-up heap (modules, the schema, SQLAlchemy mappers: hundreds of thousands of objects)
never becomes garbage, yet every full collection walks it. `gc.freeze()` moves it out of the
collector's sight, and a larger first-generation threshold makes collections rarer: a GraphQL
page allocates tens of thousands of short-lived containers, which reference counting frees.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

# Allocations (minus deallocations) of container objects between two young collections.
YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def watch_collections(observe: Callable[[int, float, float], None]) -> Callable[[], None]:
    """Report every collection's pause (generation, wall seconds, CPU seconds: a wall pause
    much longer than its CPU time is the process waiting for a core, not collecting);
    returns what stops it."""
    started = (0.0, 0.0)

    def callback(phase: str, info: dict[str, Any]) -> None:
        nonlocal started
        if phase == "start":
            started = (time.perf_counter(), time.process_time())
        else:
            wall, cpu = started
            observe(
                int(info["generation"]),
                time.perf_counter() - wall,
                time.process_time() - cpu,
            )

    gc.callbacks.append(callback)
    return lambda: gc.callbacks.remove(callback)
