"""File bytes on any S3-compatible object store, and choosing the storage from settings.

`COMPTOIR_FILES_URL` is `file:///path` (the default: `<data dir>/files`) or
`s3://bucket/prefix`. For S3 the endpoint, region and credentials come from the standard AWS
variables (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, or a
profile), read by botocore as every AWS tool reads them.

Writes are all-or-nothing like on disk: a small file is one PUT, a large one a multipart upload
completed only after its last chunk (aborted on any error), so a failed upload leaves no object.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from resolvers.files.storage import (
    CHUNK_SIZE,
    FileStorage,
    LocalDiskStorage,
    StoredContentMissing,
    checked_key,
)

PART_SIZE = 8 * 1024 * 1024  # S3 parts are at least 5 MiB, except the last
_MISSING = {"NoSuchKey", "404", "NotFound"}


class FilesUrlError(ValueError):
    """COMPTOIR_FILES_URL names no storage we can use."""


class S3Storage:
    """Objects `<prefix>/<key>` in one bucket; one client per process, opened on first use."""

    def __init__(self, bucket: str, prefix: str = "") -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self._exit = contextlib.AsyncExitStack()
        self._client: Any = None

    def object_key(self, key: str) -> str:
        key = checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def client(self) -> Any:
        if self._client is None:
            self._client = await self._exit.enter_async_context(get_session().create_client("s3"))
        return self._client

    async def close(self) -> None:
        self._client = None
        await self._exit.aclose()

    async def put(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        client = await self.client()
        name = self.object_key(key)
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        try:
            async for chunk in chunks:
                buffer += chunk
                if len(buffer) >= PART_SIZE:
                    if upload_id is None:
                        started = await client.create_multipart_upload(Bucket=self.bucket, Key=name)
                        upload_id = started["UploadId"]
                    await self._upload_part(client, name, upload_id, parts, buffer)
            if upload_id is None:
                await client.put_object(Bucket=self.bucket, Key=name, Body=bytes(buffer))
                return
            if buffer:
                await self._upload_part(client, name, upload_id, parts, buffer)
            await client.complete_multipart_upload(
                Bucket=self.bucket, Key=name, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            if upload_id is not None:
                with contextlib.suppress(Exception):
                    await client.abort_multipart_upload(
                        Bucket=self.bucket, Key=name, UploadId=upload_id
                    )
            raise

    async def _upload_part(
        self, client: Any, name: str, upload_id: str, parts: list[dict[str, Any]], buffer: bytearray
    ) -> None:
        number = len(parts) + 1
        part = await client.upload_part(
            Bucket=self.bucket, Key=name, UploadId=upload_id, PartNumber=number, Body=bytes(buffer)
        )
        parts.append({"PartNumber": number, "ETag": part["ETag"]})
        buffer.clear()

    async def open(self, key: str) -> AsyncIterator[bytes]:
        client = await self.client()
        try:
            found = await client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise StoredContentMissing(key) from exc
            raise
        body = found["Body"]
        try:
            while chunk := await body.read(CHUNK_SIZE):
                yield chunk
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        client = await self.client()
        await client.delete_object(Bucket=self.bucket, Key=self.object_key(key))


def storage_for(files_url: str | None, data_dir: Path) -> FileStorage:
    """The storage `COMPTOIR_FILES_URL` names; raises FilesUrlError with the reason."""
    if not files_url:
        return LocalDiskStorage(data_dir / "files")
    parts = urlsplit(files_url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path:
            raise FilesUrlError(f"use file:///absolute/path, not {files_url!r}")
        return LocalDiskStorage(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise FilesUrlError(f"{files_url!r} names no bucket (s3://bucket/prefix)")
        return S3Storage(parts.netloc, unquote(parts.path))
    raise FilesUrlError(f"{files_url!r}: use file:///path or s3://bucket/prefix")


async def close_storage(storage: FileStorage) -> None:
    if isinstance(storage, S3Storage):
        await storage.close()
