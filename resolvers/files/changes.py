"""File writes and deletions that follow the fate of the database transaction beside them.

The bytes cannot join the SQL transaction, so the edge wraps both:

    async with file_changes(storage) as files, ctx.session() as session:
        await upload_file(session, actor, files, ...)

The session commits first; then a written file is kept and a deleted one removed. If anything
fails (the use case, the flush, the commit), written files are removed and deleted ones kept,
so no row points to missing bytes and no bytes outlive a rolled-back row.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager

from resolvers.files.storage import FileStorage

logger = logging.getLogger("comptoir.files")


class FileChanges:
    def __init__(self, storage: FileStorage) -> None:
        self.storage = storage
        self.written: list[str] = []
        self.doomed: list[str] = []

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        await self.storage.put(key, chunks)
        self.written.append(key)

    def delete_after_commit(self, key: str) -> None:
        self.doomed.append(key)

    async def _remove(self, keys: list[str]) -> None:
        for key in keys:
            try:
                await self.storage.delete(key)
            except Exception:  # an orphan on disk is harmless; losing the error is not
                logger.exception("could not remove stored file %s", key)

    async def discard(self) -> None:
        await self._remove(self.written)

    async def apply(self) -> None:
        await self._remove(self.doomed)


@asynccontextmanager
async def file_changes(storage: FileStorage) -> AsyncIterator[FileChanges]:
    changes = FileChanges(storage)
    try:
        yield changes
    except BaseException:
        await changes.discard()
        raise
    await changes.apply()
