"""skeleton-crm /files routes over HTTP: multipart upload, list, download, delete."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from models import StoredFile
from server.settings import Settings
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_users import (
    Org,
    add_user,
    bearer,
    error,
    login,
    register_org,
)

API = "/rest/skeleton-crm/api/v1"
FILES = f"{API}/files"
LIMIT = 64 * 1024  # this module's upload limit, so over-size bodies stay small
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
ITEM_KEYS = {"id", "name", "mime_type", "size", "url", "created_at"}


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key="test-secret-key-test-secret-key-test-secret",
        run_worker=False,
        max_upload_bytes=LIMIT,
    )


def stored_files(app: App) -> list[Path]:
    """Every file under the storage root, temporary ones included."""
    root = app.settings.data_dir / "files"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def row_count(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(StoredFile)) or 0)


async def upload(
    app: App, token: str, name: str = "report.pdf", content: bytes = PDF, mime: str = "x/y"
) -> Any:
    return await app.client.post(
        FILES, files={"file": (name, content, mime)}, headers=bearer(token)
    )


async def uploaded(app: App, token: str, name: str = "report.pdf", content: bytes = PDF) -> Any:
    response = await upload(app, token, name, content)
    assert response.status_code == 201, response.text
    return response.json()


async def test_upload_list_download_and_delete(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    created = await uploaded(app, org.token)
    assert set(created) == ITEM_KEYS
    assert created["name"] == "report.pdf"
    # The type comes from the extension and the content, not from what the client claims.
    assert created["mime_type"] == "application/pdf"
    assert created["size"] == len(PDF)
    assert created["url"] == f"/api/v1/files/{created['id']}/download"
    assert created["created_at"]
    on_disk = app.settings.data_dir / "files" / org.id / created["id"]
    assert stored_files(app) == [on_disk]
    assert on_disk.read_bytes() == PDF

    listed = await app.client.get(FILES, headers=bearer(org.token))
    assert listed.status_code == 200
    body = listed.json()
    assert set(body) == {"items", "total", "page", "limit", "has_more"}
    assert (body["total"], body["page"], body["limit"], body["has_more"]) == (1, 1, 20, False)
    assert body["items"] == [created]

    download = await app.client.get(f"{FILES}/{created['id']}/download", headers=bearer(org.token))
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith('attachment; filename="report.pdf"')
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["etag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'

    deleted = await app.client.delete(f"{FILES}/{created['id']}", headers=bearer(org.token))
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert stored_files(app) == []
    assert await row_count(app) == 0
    assert (await app.client.get(FILES, headers=bearer(org.token))).json()["total"] == 0
    gone = await app.client.get(f"{FILES}/{created['id']}/download", headers=bearer(org.token))
    error(gone, 404, "not_found")
    again = await app.client.delete(f"{FILES}/{created['id']}", headers=bearer(org.token))
    error(again, 404, "not_found")


async def test_list_pages_sorts_and_searches(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    for name in ("b-minutes.txt", "a-invoice.pdf", "c-logo.png"):
        content = {"txt": b"minutes\n", "pdf": PDF, "png": PNG}[name.rsplit(".", 1)[1]]
        await uploaded(app, org.token, name, content)
    newest_first = (await app.client.get(FILES, headers=bearer(org.token))).json()
    assert [i["name"] for i in newest_first["items"]] == [
        "c-logo.png",
        "a-invoice.pdf",
        "b-minutes.txt",
    ]
    page = (await app.client.get(f"{FILES}?page=2&limit=2", headers=bearer(org.token))).json()
    assert (page["total"], page["page"], page["has_more"]) == (3, 2, False)
    assert [i["name"] for i in page["items"]] == ["b-minutes.txt"]
    by_name = await app.client.get(f"{FILES}?sort_by=name", headers=bearer(org.token))
    assert [i["name"] for i in by_name.json()["items"]] == [
        "a-invoice.pdf",
        "b-minutes.txt",
        "c-logo.png",
    ]
    found = await app.client.get(f"{FILES}?search=LOGO", headers=bearer(org.token))
    assert [i["mime_type"] for i in found.json()["items"]] == ["image/png"]
    bad = await app.client.get(f"{FILES}?sort_by=owner&limit=x", headers=bearer(org.token))
    assert bad.status_code == 400
    assert bad.json()["error"] == "validation_error"


async def test_a_unicode_name_is_kept_and_sent_back_safely(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    created = await uploaded(app, org.token, "C:\\fakepath\\Re\u0301sume\u0301 v2.txt", b"hi\n")
    assert created["name"] == "Re\u0301sume\u0301 v2.txt"  # the path a browser adds is dropped
    assert created["mime_type"] == "text/plain"
    download = await app.client.get(f"{FILES}/{created['id']}/download", headers=bearer(org.token))
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Re_sume_ v2.txt"')
    assert "filename*=UTF-8''Re%CC%81sume%CC%81%20v2.txt" in disposition


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", PDF + bytes(LIMIT), "must be at most 64 KB"),
        ("tool.exe", b"MZ\x90\x00" + bytes(100), "files of type .exe are not allowed"),
        ("fake.pdf", b"MZ\x90\x00" + bytes(100), "the content is not a valid .pdf file"),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg", "the content is not a valid .png file"),
        ("notes.txt", b"text\x00\x01\x02binary", "the content is not a valid .txt file"),
        ("empty.pdf", b"", "must not be empty"),
        ("README", b"plain words", "the file name needs an extension telling its type (e.g. .pdf)"),
        ("page.html", b"<html></html>", "files of type .html are not allowed"),
        ("archive.zip", b"PK\x03\x04" + bytes(30), "files of type .zip are not allowed"),
    ],
)
async def test_refused_uploads_store_nothing(
    app: App, name: str, content: bytes, message: str
) -> None:
    org = await register_org(app, "owner@acme.io")
    response = await upload(app, org.token, name, content, "application/pdf")
    body = error(response, 400, "validation_error")
    assert body["details"] == {"file": message}
    assert await row_count(app) == 0
    assert stored_files(app) == []


async def test_the_limit_itself_is_accepted(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    content = PDF + b"%" * (LIMIT - len(PDF))
    created = await uploaded(app, org.token, "exact.pdf", content)
    assert created["size"] == LIMIT


async def test_an_upload_needs_a_file_part(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    # JSON is not a multipart form: refused as such, in the contract's format.
    as_json = await app.client.post(FILES, json={"file": "x"}, headers=bearer(org.token))
    error(as_json, 415, "unsupported_media_type")
    empty = await app.client.post(
        FILES,
        content=b"--x--\r\n",
        headers={**bearer(org.token), "content-type": "multipart/form-data; boundary=x"},
    )
    assert error(empty, 400, "validation_error")["details"]["file"].startswith("is required")
    no_boundary = await app.client.post(
        FILES,
        content=b"--x\r\n\r\n",
        headers={**bearer(org.token), "content-type": "multipart/form-data"},
    )
    error(no_boundary, 400, "validation_error")
    # A multipart text part named `file` (no file name) is not a file.
    text_only = await app.client.post(
        FILES, files={"file": (None, b"x")}, headers=bearer(org.token)
    )
    assert error(text_only, 400, "validation_error")["details"]["file"].startswith("is required")
    two = await app.client.post(
        FILES,
        files=[("file", ("a.txt", b"a", "text/plain")), ("file", ("b.txt", b"b", "text/plain"))],
        headers=bearer(org.token),
    )
    assert error(two, 400, "validation_error")["details"] == {"file": "send one file per request"}
    assert await row_count(app) == 0
    assert stored_files(app) == []


async def test_routes_need_a_valid_token(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    created = await uploaded(app, org.token)
    item = f"{FILES}/{created['id']}"
    for response in (
        await app.client.post(FILES, files={"file": ("a.pdf", PDF, "application/pdf")}),
        await app.client.get(FILES),
        await app.client.get(f"{item}/download", headers=bearer("garbage")),
        await app.client.delete(item),
    ):
        error(response, 401, "unauthorized")
    assert await row_count(app) == 1


async def test_another_organization_sees_and_changes_nothing(app: App) -> None:
    acme = await register_org(app, "owner@acme.io")
    globex = await register_org(app, "owner@globex.io")
    created = await uploaded(app, acme.token)
    item = f"{FILES}/{created['id']}"
    assert (await app.client.get(FILES, headers=bearer(globex.token))).json()["total"] == 0
    error(await app.client.get(f"{item}/download", headers=bearer(globex.token)), 404, "not_found")
    error(await app.client.delete(item, headers=bearer(globex.token)), 404, "not_found")
    mine = await uploaded(app, globex.token, "globex.pdf")
    assert (await app.client.get(FILES, headers=bearer(acme.token))).json()["items"] == [created]
    assert (await app.client.get(FILES, headers=bearer(globex.token))).json()["items"] == [mine]
    download = await app.client.get(f"{item}/download", headers=bearer(acme.token))
    assert download.content == PDF
    assert len(stored_files(app)) == 2


async def test_a_viewer_lists_and_downloads_but_does_not_upload_or_delete(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    created = await uploaded(app, org.token)
    await add_user(app, org, "vic@acme.io", "viewer")
    viewer = await login(app, "vic@acme.io")
    assert (await app.client.get(FILES, headers=bearer(viewer))).json()["items"] == [created]
    download = await app.client.get(f"{FILES}/{created['id']}/download", headers=bearer(viewer))
    assert download.content == PDF
    error(await upload(app, viewer, "mine.pdf"), 403, "forbidden")
    error(
        await app.client.delete(f"{FILES}/{created['id']}", headers=bearer(viewer)),
        403,
        "forbidden",
    )
    assert await row_count(app) == 1
    assert len(stored_files(app)) == 1
    # A member without any role reads nothing either.
    await add_user(app, org, "nobody@acme.io", None)
    nobody = await login(app, "nobody@acme.io")
    error(await app.client.get(FILES, headers=bearer(nobody)), 403, "forbidden")


async def test_malformed_ids_are_not_found(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    for path in (f"{FILES}/nope/download", f"{FILES}/{uuid.uuid4()}/download"):
        error(await app.client.get(path, headers=bearer(org.token)), 404, "not_found")
    error(await app.client.delete(f"{FILES}/nope", headers=bearer(org.token)), 404, "not_found")


async def _add_rows(app: App, org: Org, count: int) -> None:
    """Rows only (listing never reads the bytes)."""
    async with app.asgi.state.db.transaction(uuid.UUID(org.id)) as session:
        for n in range(count):
            file_id = uuid.uuid4()
            session.add(
                StoredFile(
                    id=file_id,
                    organization_id=uuid.UUID(org.id),
                    filename=f"f{n}.pdf",
                    content_type="application/pdf",
                    size=n,
                    sha256="0" * 64,
                    storage_key=f"{org.id}/{file_id}",
                    uploaded_by_id=uuid.UUID(org.owner_id),
                )
            )


async def test_listing_runs_a_fixed_number_of_queries(app: App) -> None:
    async def count_for(domain: str, files: int) -> int:
        org = await register_org(app, f"owner@{domain}")
        await _add_rows(app, org, files)
        app.queries.reset()
        response = await app.client.get(f"{FILES}?limit=100", headers=bearer(org.token))
        assert response.status_code == 200
        assert len(response.json()["items"]) == files
        return app.queries.count

    assert await count_for("small.io", 3) == await count_for("large.io", 30)


async def test_openapi_lists_the_file_routes(app: App) -> None:
    document = (await app.client.get("/rest/skeleton-crm/openapi.json")).json()
    assert set(document["paths"]["/api/v1/files"]) == {"get", "post"}
    assert set(document["paths"]["/api/v1/files/{id}"]) == {"delete"}
    assert set(document["paths"]["/api/v1/files/{id}/download"]) == {"get"}


async def test_an_idempotent_upload_is_stored_once(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    headers = {**bearer(org.token), "Idempotency-Key": "upload-1"}
    part = {"file": ("report.pdf", PDF, "application/pdf")}
    first = await app.client.post(FILES, files=part, headers=headers)
    replay = await app.client.post(FILES, files=part, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    assert await row_count(app) == 1
    assert len(stored_files(app)) == 1
    other = {"file": ("other.pdf", PDF + b"%", "application/pdf")}
    assert (await app.client.post(FILES, files=other, headers=headers)).status_code == 422
