"""One execution per event for every subscriber of this process who asked the same thing.

A subscription resolver yields a root value per subscriber and event. When that root value
carries a `shared_key` (the event's identity: topic and id), it promises to be a function of
the event and the subscription's arguments only, and the selection is executed once per

    (event, organization, document, operation name, variables)

and the result (one `ExecutionResult`, its `data` a `SharedData` that caches its encoded
`next` payload) is handed to every subscriber with that key. Per-subscriber decisions (access
when the subscription starts, who receives which event) stay in the resolvers, before this.

What a result truly depends on beyond that is found out while executing, not declared: field
resolvers of a shared execution see the context through `_ViewerProbe`, which records any read
of something about the viewer (`actor`, credentials, the request…; only `VIEWER_FREE`
attributes are not). A result whose execution read none of it is the same for every viewer of
the organization and is shared; one that did (`isMine`-like fields, unread counts, archive
state, permission checks) is kept for that exact actor only (user, organization, roles,
permissions, credential), and every other viewer executes (once per actor) on their own.

Results are kept for `KEEP_SECONDS` (subscribers of one event ask within milliseconds of each
other; one that reaches the event later, e.g. catching up, gets the same snapshot) and at most
`KEEP_ENTRIES` of them. A result with errors is shared too, but formatted (and masked) per
subscriber; only error-free data is encoded once. `shared_root` builds a root value once per
process for resolvers that want it. Counts are in `STATS` (exported by /metrics).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import orjson
from graphql import ExecutionResult
from strawberry.extensions.runner import SchemaExtensionsRunner

from schema.execution import FastLeafExecution

# Context attributes that say nothing about who the viewer is: the organization is part of the
# key, the rest is process-wide (database, storage, event source, configuration).
VIEWER_FREE: Final = frozenset(
    {
        "db",
        "tenant",
        "session",
        "events",
        "storage",
        "upload_policy",
        "integrations",
        "require_integrations",
        "auth",
    }
)
KEEP_SECONDS: Final = 10.0
KEEP_ENTRIES: Final = 512


class SharedData(dict[str, Any]):
    """A shared result's `data`; `payload` is the encoded `next` payload, built once."""

    __slots__ = ("payload",)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.payload: str | None = None

    def encoded(self) -> str:
        if self.payload is None:
            self.payload = orjson.dumps({"data": self}).decode()
        return self.payload


@dataclass
class Stats:
    executions: int = 0  # shared-key selections executed
    reused: int = 0  # results handed to a subscriber without executing


STATS: Final = Stats()


class _ViewerProbe:
    """The context as a shared execution's resolvers see it."""

    __slots__ = ("_context", "viewer_read")

    def __init__(self, context: Any) -> None:
        object.__setattr__(self, "_context", context)
        object.__setattr__(self, "viewer_read", False)

    def __getattr__(self, name: str) -> Any:
        if name not in VIEWER_FREE:
            object.__setattr__(self, "viewer_read", True)
        return getattr(self._context, name)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, "viewer_read", True)
        setattr(self._context, name, value)


@dataclass
class _Entry:
    done: asyncio.Future[tuple[ExecutionResult, bool] | None]  # None: failed, run your own
    created: float


_results: OrderedDict[Hashable, _Entry] = OrderedDict()
_roots: OrderedDict[Hashable, Any] = OrderedDict()
T = TypeVar("T")


def shared_root(key: Hashable | None, build: Callable[[], T]) -> T:
    """The root value of an event for a subscription field, built once per process (`key`
    names the field and the event; None: built for this subscriber alone)."""
    if key is None:
        return build()
    found = _roots.get(key)
    if found is None:
        found = _roots[key] = build()
        while len(_roots) > KEEP_ENTRIES:
            _roots.popitem(last=False)
    return found


def _freeze(value: Any) -> Hashable:
    if isinstance(value, dict):
        return tuple(sorted((key, _freeze(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    hash(value)  # TypeError: not shareable
    return value  # type: ignore[no-any-return]


def _claim(key: Hashable) -> tuple[_Entry, bool]:
    """The entry for `key`, and whether the caller must compute it."""
    now = time.monotonic()
    entry = _results.get(key)
    if entry is not None and now - entry.created < KEEP_SECONDS:
        return entry, False
    entry = _Entry(asyncio.get_running_loop().create_future(), now)
    _keep(key, entry)
    return entry, True


def _keep(key: Hashable, entry: _Entry) -> None:
    _results[key] = entry
    _results.move_to_end(key)
    while len(_results) > KEEP_ENTRIES:
        _results.popitem(last=False)


def _viewer_of(context: Any) -> Hashable:
    """Who a viewer-dependent result was computed for: the whole actor, credential included."""
    return getattr(context, "_actor", None), getattr(context, "_auth_error", None) is not None


_UNSHAREABLE: Final = object()


class SharedEventExecution(FastLeafExecution):
    """The schema's executor: subscription events with a `shared_key` run through
    `_SharedEvent`, which only copies this executor (graphql-core's per-event executor) when
    it has to execute."""

    _subscription: Hashable | None = None  # what identifies the subscription, built once

    def build_per_event_executor(self, payload: Any) -> Any:
        shared_key = getattr(payload, "shared_key", None)
        if shared_key is not None:
            subscription = self._subscription
            if subscription is None:
                subscription = self._subscription = self._identify()
            if subscription is not _UNSHAREABLE:
                return _SharedEvent(self, payload, (shared_key, subscription))
        return super().build_per_event_executor(payload)

    def build_per_event_executor_copy(self, payload: Any, context: Any) -> Any:
        """graphql-core's per-event executor, its resolvers seeing `context`."""
        executor = super().build_per_event_executor(payload)
        executor.context_value = context
        return executor

    def _identify(self) -> Hashable:
        """Organization, document, operation and variables (or _UNSHAREABLE)."""
        location = self.operation.loc
        if location is None:
            return _UNSHAREABLE
        try:
            variables = _freeze(self.variable_values.coerced)
        except TypeError:  # a variable value that cannot be a key: execute alone
            return _UNSHAREABLE
        name = self.operation.name.value if self.operation.name else None
        tenant = getattr(self.context_value, "tenant", None)
        return (tenant, location.source.body, name, variables)


class _SharedEvent:
    """One subscriber's event: reuses the result of an identical subscriber, or executes."""

    __slots__ = ("_executor", "_key", "_payload")

    def __init__(self, executor: SharedEventExecution, payload: Any, key: Hashable) -> None:
        self._executor = executor
        self._payload = payload
        self._key = key

    def execute_operation(self, serially: bool | None = None) -> Awaitable[ExecutionResult]:
        return self._shared(serially)

    async def _execute(self, serially: bool | None, context: Any) -> ExecutionResult:
        executor = self._executor.build_per_event_executor_copy(self._payload, context)
        result = executor.execute_operation(serially)
        if isinstance(result, Awaitable):
            result = await result
        assert isinstance(result, ExecutionResult)
        return result

    async def _shared(self, serially: bool | None) -> ExecutionResult:
        key = self._key
        context = self._executor.context_value
        entry, mine = _claim(key)
        if mine:
            probe = _ViewerProbe(context)
            try:
                result = await self._execute(serially, probe)
            except BaseException:
                entry.done.set_result(None)
                raise
            result = _with_shared_data(result)
            entry.done.set_result((result, probe.viewer_read))
            STATS.executions += 1
            if probe.viewer_read:  # the next subscriber with this exact actor may reuse it
                _keep((key, _viewer_of(context)), _Entry(entry.done, entry.created))
            return result
        found = await asyncio.shield(entry.done)
        if found is not None and not found[1]:
            STATS.reused += 1
            return found[0]
        # Viewer-dependent (or the first execution failed): once per actor.
        entry, mine = _claim((key, _viewer_of(context)))
        if not mine:
            found = await asyncio.shield(entry.done)
            if found is not None:
                STATS.reused += 1
                return found[0]
            return await self._execute(serially, context)
        try:
            result = _with_shared_data(await self._execute(serially, context))
        except BaseException:
            entry.done.set_result(None)
            raise
        STATS.executions += 1
        entry.done.set_result((result, True))
        return result


class SharedEventsRunner(SchemaExtensionsRunner):
    """Extension hooks for a stream result run per subscriber; a shared event result without
    errors skips them (the only stream hook, `schema.errors.ErrorCodes`, has nothing to do for
    it), as it skips per-operation extension results (`schema.root.Schema`)."""

    def on_stream_result(self, result: Any) -> Any:
        if isinstance(getattr(result, "data", None), SharedData) and not result.errors:
            return _NOTHING
        return super().on_stream_result(result)


_NOTHING: Final = contextlib.nullcontext()


def _with_shared_data(result: ExecutionResult) -> ExecutionResult:
    if result.data is None or result.errors:
        return result  # errors are formatted (and masked) per subscriber
    return ExecutionResult(data=SharedData(result.data), errors=None, extensions=result.extensions)
