"""Idempotency-Key handling, as the engine sees it; the server supplies the storage."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.datastructures import UploadFile

REPLAY = "replay"
MISMATCH = "mismatch"
IN_FLIGHT = "in_flight"
NEW = "new"


@dataclass(frozen=True)
class StoredClaim:
    outcome: str  # NEW, REPLAY, MISMATCH or IN_FLIGHT
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None


class IdempotencyStore(Protocol):
    async def claim(self, scope: str, key: str, fingerprint: str) -> StoredClaim: ...

    async def finish(
        self, scope: str, key: str, status: int, body: bytes, content_type: str
    ) -> None: ...

    async def release(self, scope: str, key: str) -> None: ...


def fingerprint(method: str, path: str, body: Any) -> str:
    """Same route and same JSON payload (key order ignored) give the same fingerprint; an
    uploaded file counts by its name, type and size."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=_upload_key)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _upload_key(value: Any) -> str:
    if isinstance(value, UploadFile):
        return f"file:{value.filename}:{value.content_type}:{value.size}"
    return str(value)
