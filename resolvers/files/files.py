"""File use cases: upload, list, get, read the bytes, delete (files:read/write/delete)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import StoredFile
from models.base import new_id
from resolvers.errors import NotFound
from resolvers.files.changes import FileChanges
from resolvers.files.content_types import UploadPolicy
from resolvers.files.storage import FileStorage, StoredContentMissing, read_all
from resolvers.files.uploads import (
    Measured,
    UploadSource,
    accepted_kind,
    checked_content,
    clean_filename,
)
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.pagination import Listing, Page, PageRequest, SortOrder, paginate
from resolvers.validation import search_pattern

READ = "files:read"
WRITE = "files:write"
DELETE = "files:delete"


def storage_key(organization_id: uuid.UUID, file_id: uuid.UUID) -> str:
    return f"{organization_id}/{file_id}"


async def upload_file(
    session: AsyncSession,
    actor: Actor | None,
    files: FileChanges,
    upload: UploadSource,
    policy: UploadPolicy,
) -> StoredFile:
    """Store the bytes, then the row. BAD_USER_INPUT (field `file`) stores nothing."""
    caller = require_permission(actor, WRITE)
    organization_id = require_organization(caller)
    filename = clean_filename(upload.filename)
    kind = accepted_kind(filename, policy)
    file_id = new_id()
    key = storage_key(organization_id, file_id)
    measured = Measured()
    await files.put(key, checked_content(upload, kind, policy, measured))
    stored = StoredFile(
        id=file_id,
        organization_id=organization_id,
        filename=filename,
        content_type=kind.content_type,
        size=measured.size,
        sha256=measured.sha256,
        storage_key=key,
        uploaded_by_id=caller.user_id,
    )
    session.add(stored)
    await session.flush()
    return stored


async def _find(session: AsyncSession, file_id: uuid.UUID) -> StoredFile:
    found = await session.scalar(select(StoredFile).where(StoredFile.id == file_id))
    if found is None:
        raise NotFound("file not found")
    return found


async def get_file(session: AsyncSession, actor: Actor | None, file_id: uuid.UUID) -> StoredFile:
    require_organization(require_permission(actor, READ))
    return await _find(session, file_id)


async def read_content(storage: FileStorage, stored: StoredFile) -> bytes:
    """The bytes of a file the caller already obtained (so was allowed to read)."""
    try:
        return await read_all(storage, stored.storage_key)
    except StoredContentMissing as exc:
        raise NotFound("the file's content is missing") from exc


async def delete_file(
    session: AsyncSession, actor: Actor | None, files: FileChanges, file_id: uuid.UUID
) -> StoredFile:
    """Remove the row now and the bytes once the transaction has committed."""
    require_organization(require_permission(actor, DELETE))
    stored = await _find(session, file_id)
    await session.delete(stored)
    await session.flush()
    files.delete_after_commit(stored.storage_key)
    return stored


class FileSortField(enum.StrEnum):
    CREATED_AT = "created_at"
    FILENAME = "filename"
    SIZE = "size"


@dataclass(frozen=True)
class FileFilter:
    search: str | None = None  # part of the file name
    content_type: str | None = None
    uploaded_by: uuid.UUID | None = None


_SORT_KEYS: dict[FileSortField, Any] = {
    FileSortField.CREATED_AT: StoredFile.created_at,
    FileSortField.FILENAME: func.lower(StoredFile.filename),
    FileSortField.SIZE: StoredFile.size,
}


def _order(field: FileSortField, order: SortOrder) -> tuple[ColumnElement[Any], ...]:
    key = _SORT_KEYS[field]
    if order is SortOrder.DESC:
        return key.desc(), StoredFile.id.desc()
    return key.asc(), StoredFile.id.asc()


def files_listing(
    actor: Actor | None, filters: FileFilter, sort: FileSortField, order: SortOrder
) -> Listing:
    """The organization's files matching `filters`, in `sort` order (FORBIDDEN without
    files:read); shared by the resolver and compiled plans."""
    organization_id = require_organization(require_permission(actor, READ))
    conditions: list[ColumnElement[bool]] = [StoredFile.organization_id == organization_id]
    pattern = search_pattern(filters.search)
    if pattern is not None:
        conditions.append(StoredFile.filename.ilike(pattern, escape="\\"))
    if filters.content_type:
        conditions.append(StoredFile.content_type == filters.content_type.lower())
    if filters.uploaded_by is not None:
        conditions.append(StoredFile.uploaded_by_id == filters.uploaded_by)
    return Listing(select(StoredFile).where(*conditions), _order(sort, order))


async def list_files(
    session: AsyncSession,
    actor: Actor | None,
    filters: FileFilter,
    sort: FileSortField,
    order: SortOrder,
    page: PageRequest,
) -> Page[StoredFile]:
    return await paginate(session, files_listing(actor, filters, sort, order).ordered(), page)
