"""Idempotency-Key handling, as the engine sees it; the server supplies the storage.

`store.once(scope, key, fingerprint)` opens the request's transaction and says what to do with
the key. For NEW, the engine runs the request inside the block and hands the response to
`claim.finish`; the claim, the effect and the stored response then commit together when the
block ends. A block left without `finish` (a 5xx, an exception, a dead process) commits nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.datastructures import UploadFile

REPLAY = "replay"
MISMATCH = "mismatch"
IN_FLIGHT = "in_flight"
NEW = "new"


# Store a response: (status, body, content type), in the claim's transaction.
Finish = Callable[[tuple[int, bytes, str]], Awaitable[None]]


async def _nothing_to_finish(_: tuple[int, bytes, str]) -> None:
    raise RuntimeError("only a NEW claim stores a response")


@dataclass(frozen=True)
class StoredClaim:
    outcome: str  # NEW, REPLAY, MISMATCH or IN_FLIGHT
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    finish: Finish = _nothing_to_finish


class IdempotencyStore(Protocol):
    def once(
        self, scope: str, key: str, fingerprint: str
    ) -> AbstractAsyncContextManager[StoredClaim]: ...


def fingerprint(method: str, path: str, body: Any) -> str:
    """Same route and same JSON payload (key order ignored) give the same fingerprint; an
    uploaded file counts by its name, type and size."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=_upload_key)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _upload_key(value: Any) -> str:
    if isinstance(value, UploadFile):
        return f"file:{value.filename}:{value.content_type}:{value.size}"
    return str(value)
