"""skeleton-crm `/files` routes: multipart upload, list, delete and download.

The upload's `file` part is passed as the GraphQL `Upload` variable (the operation runs
in-process). Downloads come back through the `contentBase64` field and leave as the bytes,
with the stored content type and an attachment Content-Disposition.
"""

from __future__ import annotations

import base64
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import Response

from rest_compat.engine import RestInputError, RestRequest, Route, id_from_path
from rest_compat.skeleton_crm.paging import LIST_PARAMETERS, page_of, page_variables, sort_variables
from schema.files.downloads import download_headers

SORTS = {"created_at": "CREATED_AT", "name": "FILENAME", "size": "SIZE"}


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


def _upload_variables(request: RestRequest) -> dict[str, Any]:
    body = request.body if isinstance(request.body, dict) else {}
    upload = body.get("file")
    if isinstance(upload, list):
        raise RestInputError("Invalid input", {"file": "send one file per request"})
    if not isinstance(upload, UploadFile):
        raise RestInputError(
            "Invalid input", {"file": "is required (a multipart/form-data part named file)"}
        )
    return {"file": upload}


def _list_variables(request: RestRequest) -> dict[str, Any]:
    variables = page_variables(request)
    # Newest first unless the caller sorts.
    if request.query.get("sort_by") or request.query.get("sort_order"):
        variables.update(sort_variables(request, SORTS))
    search = request.query.get("search")
    if search:
        variables["search"] = search
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
        variables=_upload_variables,
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
        variables=_list_variables,
        present=lambda data, request: page_of(data["files"], request, file_item),
        summary="List files (files:read), newest first; search in the file name",
        query_parameters=(*LIST_PARAMETERS, "search"),
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
        summary="Download a file's bytes (files:read), as an attachment",
        error_statuses=(401, 403, 404),
    ),
)
