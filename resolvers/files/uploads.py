"""The uploaded file itself: its name, its type (by extension and first bytes), its size."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from resolvers.errors import BadUserInput
from resolvers.files.content_types import HEAD_SIZE, FileKind, UploadPolicy, human_size
from resolvers.files.storage import CHUNK_SIZE

FIELD = "file"
MAX_FILENAME = 255


class UploadSource(Protocol):
    """What an upload offers (starlette's UploadFile has all of it)."""

    @property
    def filename(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    async def read(self, size: int = -1) -> bytes: ...


def _refuse(message: str) -> BadUserInput:
    return BadUserInput("Invalid file", fields={FIELD: message})


def clean_filename(raw: str | None) -> str:
    """The last path segment (browsers may send `C:\\fakepath\\x.pdf`), trimmed."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise _refuse("must have a file name")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise _refuse("the file name must not contain control characters")
    if len(name) > MAX_FILENAME:
        raise _refuse(f"the file name must be at most {MAX_FILENAME} characters")
    return name


def accepted_kind(filename: str, policy: UploadPolicy) -> FileKind:
    stem, dot, extension = filename.rpartition(".")
    if not dot or not stem or not extension:
        raise _refuse("the file name needs an extension telling its type (e.g. .pdf)")
    kind = policy.kind_for(extension.lower())
    if kind is None:
        raise _refuse(f"files of type .{extension.lower()} are not allowed")
    return kind


@dataclass
class Measured:
    """Filled while the content streams through: its size and SHA-256."""

    size: int = 0
    sha256: str = ""


async def _head(upload: UploadSource) -> bytes:
    head = b""
    while len(head) < HEAD_SIZE:
        chunk = await upload.read(HEAD_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    return head


async def checked_content(
    upload: UploadSource, kind: FileKind, policy: UploadPolicy, measured: Measured
) -> AsyncIterator[bytes]:
    """The upload's chunks, once its first bytes match `kind`; stops (raising) past the limit."""
    too_big = _refuse(f"must be at most {human_size(policy.max_bytes)}")
    if upload.size is not None and upload.size > policy.max_bytes:
        raise too_big  # known before reading: spare the disk
    chunk = await _head(upload)
    if not chunk:
        raise _refuse("must not be empty")
    if not kind.matches(chunk):
        extension = kind.extensions[0]
        raise _refuse(f"the content is not a valid .{extension} file")
    digest = hashlib.sha256()
    while chunk:
        measured.size += len(chunk)
        if measured.size > policy.max_bytes:
            raise too_big
        digest.update(chunk)
        yield chunk
        chunk = await upload.read(CHUNK_SIZE)
    measured.sha256 = digest.hexdigest()
