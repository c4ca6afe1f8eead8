"""skeleton-crm `/files` routes: multipart upload, list, delete and download.

The upload's `file` part is passed as the GraphQL `Upload` variable (the operation runs
in-process). Downloads come back through the `contentBase64` field and leave as the bytes,
with the stored content type and an attachment Content-Disposition.
"""

from __future__ import annotations

import base64
from typing import Any

from pydantic import BaseModel
from starlette.responses import Response

from rest_compat.engine import Inputs, RestRequest, Route, id_from_path
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import Text, Upload, choice
from rest_compat.skeleton_crm.paging import Page, PageQuery, SortOrder, page_of
from schema.files.downloads import download_headers

SORTS = {"created_at": "CREATED_AT", "name": "FILENAME", "size": "SIZE"}


class UploadForm(ContractModel):
    """multipart/form-data with one part named `file`."""

    file: Upload


class FileQuery(PageQuery):
    """Newest first unless the caller sorts."""

    search: Text | None = None
    sort_by: choice(*SORTS, graphql=SORTS) | None = None  # type: ignore[valid-type]
    sort_order: SortOrder | None = None


class File(BaseModel):
    id: str
    name: str
    mime_type: str
    size: int
    url: str
    created_at: str


def download_path(file_id: str) -> str:
    """As the contract shows it: relative to the contract's base, like every documented path."""
    return f"/api/v1/files/{file_id}/download"


def file_item(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "name": node["filename"],
        "mime_type": node["contentType"],
        "size": node["size"],
        "url": download_path(node["id"]),
        "created_at": node["createdAt"],
    }


def _list_variables(inputs: Inputs[None, FileQuery]) -> dict[str, Any]:
    query = inputs.query
    variables = query.variables(exclude={"sort_order"})
    if query.sort_by is not None or query.sort_order is not None:  # else newest first
        variables["sortOrder"] = (query.sort_order or "asc").upper()
    return variables


def _download(data: dict[str, Any], _: RestRequest) -> Response:
    found = data["file"]
    return Response(
        base64.b64decode(found["contentBase64"]),
        media_type=found["contentType"],
        headers=download_headers(found["filename"], found["sha256"]),
    )


ROUTES = (
    Route(
        "POST",
        "/api/v1/files",
        "SkeletonUploadFile",
        body=UploadForm,
        upload=True,
        to_variables=lambda inputs: {"file": inputs.body.file},
        response=File,
        present=lambda data, _: file_item(data["uploadFile"]),
        status=201,
        summary="Upload a file (files:write): multipart/form-data with one part named `file`; "
        "size and type (by extension and content) are checked",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/files",
        "SkeletonListFiles",
        query=FileQuery,
        to_variables=_list_variables,
        response=Page[File],
        present=lambda data, request: page_of(data["files"], request, file_item),
        summary="List files (files:read), newest first; search in the file name",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "DELETE",
        "/api/v1/files/{id}",
        "SkeletonDeleteFile",
        variables=id_from_path,
        status=204,
        summary="Delete a file and its content (files:delete)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "GET",
        "/api/v1/files/{id}/download",
        "SkeletonDownloadFile",
        variables=id_from_path,
        present=_download,
        response_media_type="application/octet-stream",
        summary="Download a file's bytes (files:read), as an attachment",
        error_statuses=(401, 403, 404),
    ),
)
