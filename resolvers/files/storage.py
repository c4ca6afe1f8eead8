"""Where file bytes live: a small interface, and its default on the local disk.

(`server.object_storage` implements it on any S3-compatible store, for several machines.)

Keys are relative paths chosen by the use cases (`<organization id>/<file id>`); a storage
never interprets them beyond that. Writes are atomic (a temporary file renamed into place),
so a reader never sees half a file and a failed write leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK_SIZE = 1024 * 1024
# Two path segments of ids: nothing a key could use to climb out of the root.
_KEY = re.compile(r"[0-9A-Za-z_-]{1,64}/[0-9A-Za-z_-]{1,64}")


class StoredContentMissing(LookupError):
    """The storage has nothing under this key."""


class FileStorage(Protocol):
    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        """Store the chunks under `key`; an exception raised by `chunks` stores nothing."""
        ...

    def open(self, key: str) -> AsyncIterator[bytes]:
        """The stored bytes in chunks; raises StoredContentMissing for an unknown key."""
        ...

    async def delete(self, key: str) -> None:
        """Remove `key`; an unknown key is not an error."""
        ...


def checked_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


async def read_all(storage: FileStorage, key: str) -> bytes:
    return b"".join([chunk async for chunk in storage.open(key)])


def _sync_and_close(out: BinaryIO) -> None:
    out.flush()
    os.fsync(out.fileno())
    out.close()


class LocalDiskStorage:
    """Files under `root/<key>`; directories are created as needed."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, key: str) -> Path:
        return self.root / checked_key(key)

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        target = self.path_for(key)
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        fd, temporary = await asyncio.to_thread(
            tempfile.mkstemp, dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
        out = os.fdopen(fd, "wb")
        try:
            async for chunk in chunks:
                await asyncio.to_thread(out.write, chunk)
            await asyncio.to_thread(_sync_and_close, out)
            await asyncio.to_thread(os.replace, temporary, target)
        except BaseException:
            out.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self.path_for(key)
        try:
            source = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError as exc:
            raise StoredContentMissing(key) from exc
        try:
            while chunk := await asyncio.to_thread(source.read, CHUNK_SIZE):
                yield chunk
        finally:
            source.close()

    async def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(self.path_for(key).unlink)
