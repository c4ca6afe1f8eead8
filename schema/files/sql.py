"""SQL forms of the organization's files (compiled plans, `schema.compiled`).

`uploadedBy` is a user (not compiled); the content is read from the storage (not compiled)."""

from __future__ import annotations

from sqlalchemy import Text, cast

from models import StoredFile
from schema.compiled.forms import Forms, PagedRoot, Value, columns
from schema.compiled.values import sql_text
from schema.files.queries import files_listing

FILE_FORMS = Forms(
    types={
        "File": {
            **columns(
                "id",
                "filename",
                "content_type",
                "size",
                "sha256",
                "created_at",
                "updated_at",
                "uploaded_by_id",
            ),
            # File.download_url.
            "downloadUrl": Value(
                lambda row: (
                    sql_text("/files/")
                    .concat(cast(row.entity.id, Text))
                    .concat(sql_text("/download"))
                )
            ),
        },
    },
    roots={"files": PagedRoot(StoredFile, files_listing)},
)
