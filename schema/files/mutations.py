"""File mutations: upload (multipart request spec, files:write) and delete (files:delete)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from resolvers.files import files as cases
from resolvers.files.changes import file_changes
from schema.files.types import File, require_storage
from schema.ids import parse_id


@strawberry.type
class FilesMutation:
    @strawberry.mutation(
        description="Upload a file (a multipart request, see the GraphQL multipart request "
        "spec). BAD_USER_INPUT on `file` when it is too large, empty, of a type not allowed or "
        "not what its extension says; nothing is stored then."
    )
    async def upload_file(self, info: strawberry.Info, file: Upload) -> File:
        ctx = info.context
        upload: Any = file  # starlette's UploadFile
        async with file_changes(require_storage(info)) as changes, ctx.session() as session:
            stored = await cases.upload_file(session, ctx.actor, changes, upload, ctx.upload_policy)
        return File.from_model(stored)

    @strawberry.mutation(description="Delete a file and its content.")
    async def delete_file(self, info: strawberry.Info, id: strawberry.ID) -> File:
        ctx = info.context
        async with file_changes(require_storage(info)) as changes, ctx.session() as session:
            deleted = await cases.delete_file(session, ctx.actor, changes, parse_id(id, "file"))
        return File.from_model(deleted)
