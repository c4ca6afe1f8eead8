"""The File type: a stored file's metadata, its uploader, and its bytes on request."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

import strawberry

from models import StoredFile
from resolvers.files import files as cases
from resolvers.files.storage import FileStorage
from schema.identity.types import User
from schema.loaders import loaders
from schema.scalars import Int64


def require_storage(info: strawberry.Info) -> FileStorage:
    storage: FileStorage | None = info.context.storage
    if storage is None:
        raise RuntimeError("no file storage configured in the GraphQL context")
    return storage


@strawberry.type(description="A file uploaded to the organization.")
class File:
    id: strawberry.ID
    filename: str = strawberry.field(description="The name it was uploaded with (no path).")
    content_type: str = strawberry.field(
        description="Decided by the server from the extension and checked on the content."
    )
    size: Int64 = strawberry.field(description="In bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content, in hex.")
    created_at: datetime
    updated_at: datetime
    uploaded_by_id: strawberry.ID | None = strawberry.field(
        description="The user who uploaded it (null for uploads with an API key)."
    )
    key: strawberry.Private[uuid.UUID]
    model: strawberry.Private[StoredFile]

    @strawberry.field(description="The uploader, when a user uploaded it and still exists.")
    async def uploaded_by(self, info: strawberry.Info) -> User | None:
        if self.model.uploaded_by_id is None:
            return None
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).users.load(self.model.uploaded_by_id)
        return User.from_model(found) if found else None

    @strawberry.field(
        description="Where a browser downloads it (same credentials as /graphql: the session "
        "cookie or a Bearer token)."
    )
    def download_url(self) -> str:
        return f"/files/{self.key}/download"

    @strawberry.field(
        description="The content, base64-encoded: for small files and in-process callers; "
        "browsers should follow `downloadUrl`."
    )
    async def content_base64(self, info: strawberry.Info) -> str:
        content = await cases.read_content(require_storage(info), self.model)
        return base64.b64encode(content).decode("ascii")

    @classmethod
    def from_model(cls, stored: StoredFile) -> File:
        return cls(
            id=strawberry.ID(str(stored.id)),
            filename=stored.filename,
            content_type=stored.content_type,
            size=Int64(stored.size),
            sha256=stored.sha256,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
            uploaded_by_id=strawberry.ID(str(stored.uploaded_by_id))
            if stored.uploaded_by_id
            else None,
            key=stored.id,
            model=stored,
        )
