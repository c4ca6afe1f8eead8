"""Files over GraphQL: multipart uploads (with the CSRF guard), queries, the download URL."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import uuid
from typing import Any

import httpx
from starlette.datastructures import Headers, UploadFile

from resolvers.files import files as cases
from resolvers.files.changes import file_changes
from resolvers.files.content_types import UploadPolicy
from resolvers.identity.actor import Actor, ActorKind
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_files import PDF, PNG, row_count, stored_files
from tests.rest_compat.skeleton_crm.test_users import add_user, login, register_org
from tests.schema import bearer, codes, errors_of, execute

FIELDS = """
  id filename contentType size sha256 createdAt updatedAt uploadedById
  uploadedBy { id email } downloadUrl
"""
UPLOAD = f"mutation Upload($file: Upload!) {{ uploadFile(file: $file) {{ {FIELDS} }} }}"
GET = "query Get($id: ID!) { file(id: $id) { id filename contentBase64 } }"
DELETE = "mutation Delete($id: ID!) { deleteFile(id: $id) { id filename } }"
LIST = f"""
query List(
  $search: String, $contentType: String, $uploadedBy: ID, $first: Int, $offset: Int,
  $sortBy: FileSortField, $sortOrder: SortOrder
) {{
  files(
    search: $search, contentType: $contentType, uploadedBy: $uploadedBy, first: $first,
    offset: $offset, sortBy: $sortBy, sortOrder: $sortOrder
  ) {{ totalCount nodes {{ {FIELDS} }} }}
}}
"""
PREFLIGHT = {"GraphQL-Require-Preflight": "1"}


async def post_upload(
    app: App,
    token: str | None,
    name: str = "report.pdf",
    content: bytes = PDF,
    headers: dict[str, str] = PREFLIGHT,
) -> httpx.Response:
    """A GraphQL multipart request (operations + map + the file part)."""
    operations = {"query": UPLOAD, "variables": {"file": None}}
    return await app.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, "application/octet-stream")},
        headers={**(bearer(token) if token else {}), **headers},
    )


async def upload(app: App, token: str, name: str = "report.pdf", content: bytes = PDF) -> Any:
    response = await post_upload(app, token, name, content)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["uploadFile"]


async def test_upload_read_and_delete_over_graphql(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    created = await upload(app, org.token)
    assert created["filename"] == "report.pdf"
    assert created["contentType"] == "application/pdf"
    assert created["size"] == len(PDF)
    assert created["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert created["uploadedById"] == org.owner_id
    assert created["uploadedBy"] == {"id": org.owner_id, "email": "owner@acme.io"}
    assert created["downloadUrl"] == f"/files/{created['id']}/download"

    got = (await execute(app, GET, {"id": created["id"]}, token=org.token))["file"]
    assert base64.b64decode(got["contentBase64"]) == PDF

    deleted = await execute(app, DELETE, {"id": created["id"]}, token=org.token)
    assert deleted["deleteFile"] == {"id": created["id"], "filename": "report.pdf"}
    assert stored_files(app) == []
    errors = await errors_of(app, GET, {"id": created["id"]}, token=org.token)
    assert codes(errors) == ["NOT_FOUND"]


async def test_multipart_needs_the_preflight_header(app: App) -> None:
    """A cross-site form could post multipart with the cookie; the header forces a preflight."""
    org = await register_org(app, "owner@acme.io")
    refused = await post_upload(app, org.token, headers={})
    assert refused.status_code == 400
    assert "GraphQL-Require-Preflight" in refused.text
    apollo = await post_upload(app, org.token, headers={"Apollo-Require-Preflight": "true"})
    assert apollo.status_code == 200
    assert "errors" not in apollo.json()
    assert await row_count(app) == 1


async def test_refusals_are_bad_user_input_on_the_file_field(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    for name, content, message in (
        ("tool.exe", b"MZ" + bytes(10), "files of type .exe are not allowed"),
        ("fake.png", PDF, "the content is not a valid .png file"),
        ("empty.txt", b"", "must not be empty"),
    ):
        response = await post_upload(app, org.token, name, content)
        (problem,) = response.json()["errors"]
        assert problem["extensions"] == {"code": "BAD_USER_INPUT", "fields": {"file": message}}
    assert await row_count(app) == 0
    assert stored_files(app) == []


async def test_the_upload_limit_comes_from_the_settings(app: App) -> None:
    """The default app allows 25 MB; this one checks the value reaches the use case."""
    assert app.settings.max_upload_bytes == 25 * 1024 * 1024
    org = await register_org(app, "owner@acme.io")
    assert (await upload(app, org.token, "logo.png", PNG))["contentType"] == "image/png"


async def test_list_filters_and_sorts(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    await add_user(app, org, "ada@acme.io", "admin")
    ada = await login(app, "ada@acme.io")
    await upload(app, org.token, "a.pdf")
    await upload(app, ada, "b.png", PNG)
    await upload(app, org.token, "c.csv", b"name;amount\nacme;12\n")
    everything = (await execute(app, LIST, {}, token=org.token))["files"]
    assert everything["totalCount"] == 3
    assert [n["filename"] for n in everything["nodes"]] == ["c.csv", "b.png", "a.pdf"]
    pngs = (await execute(app, LIST, {"contentType": "IMAGE/PNG"}, token=org.token))["files"]
    assert [n["filename"] for n in pngs["nodes"]] == ["b.png"]
    ada_id = pngs["nodes"][0]["uploadedBy"]["id"]
    by_ada = await execute(app, LIST, {"uploadedBy": ada_id}, token=org.token)
    assert by_ada["files"]["totalCount"] == 1
    by_size = await execute(app, LIST, {"sortBy": "SIZE", "sortOrder": "ASC"}, token=org.token)
    assert next(n["filename"] for n in by_size["files"]["nodes"]) == "c.csv"
    searched = await execute(app, LIST, {"search": "_"}, token=org.token)
    assert searched["files"]["totalCount"] == 0  # LIKE wildcards are literal
    bad = await errors_of(app, LIST, {"uploadedBy": "nope"}, token=org.token)
    assert bad[0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "fields": {"uploadedBy": "must be a user id"},
    }


async def test_nested_uploaders_load_in_a_fixed_number_of_queries(app: App) -> None:
    async def count_for(domain: str, files: int) -> int:
        org = await register_org(app, f"owner@{domain}")
        for n in range(files):
            await upload(app, org.token, f"f{n}.txt", b"x\n")
        app.queries.reset()
        found = await execute(app, LIST, {"first": 100}, token=org.token)
        assert len(found["files"]["nodes"]) == files
        return app.queries.count

    assert await count_for("small.io", 3) == await count_for("large.io", 30)


async def test_the_download_url_serves_the_bytes_to_the_organization_only(app: App) -> None:
    acme = await register_org(app, "owner@acme.io")
    globex = await register_org(app, "owner@globex.io")
    created = await upload(app, acme.token, "résumé.pdf")
    url = created["downloadUrl"]
    response = await app.client.get(url, headers=bearer(acme.token))
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-length"] == str(len(PDF))
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
    )
    unauthenticated = await app.client.get(url)
    assert unauthenticated.status_code == 401
    other = await app.client.get(url, headers=bearer(globex.token))
    assert other.status_code == 404
    assert other.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (
        await app.client.get("/files/nope/download", headers=bearer(acme.token))
    ).status_code == 404
    await add_user(app, acme, "nobody@acme.io", None)
    nobody = await login(app, "nobody@acme.io")
    assert (await app.client.get(url, headers=bearer(nobody))).status_code == 403


async def test_a_viewer_cannot_upload_or_delete_over_graphql(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    created = await upload(app, org.token)
    await add_user(app, org, "vic@acme.io", "viewer")
    viewer = await login(app, "vic@acme.io")
    refused = await post_upload(app, viewer, "mine.pdf")
    assert codes(refused.json()["errors"]) == ["FORBIDDEN"]
    errors = await errors_of(app, DELETE, {"id": created["id"]}, token=viewer)
    assert codes(errors) == ["FORBIDDEN"]
    listed = await execute(app, LIST, {}, token=viewer)
    assert listed["files"]["totalCount"] == 1
    assert await row_count(app) == 1
    assert len(stored_files(app)) == 1


async def test_a_rolled_back_upload_leaves_no_file(app: App) -> None:
    """The bytes are written before the row is committed: a failing transaction removes them."""
    org = await register_org(app, "owner@acme.io")
    actor = Actor(
        kind=ActorKind.USER,
        user_id=uuid.UUID(org.owner_id),
        organization_id=uuid.UUID(org.id),
        permissions=frozenset({"*:*"}),
    )
    source = UploadFile(io.BytesIO(PDF), size=len(PDF), filename="doomed.pdf", headers=Headers({}))
    storage = app.asgi.state.storage
    try:
        async with (
            file_changes(storage) as changes,
            app.asgi.state.db.transaction(actor.organization_id) as session,
        ):
            await cases.upload_file(session, actor, changes, source, UploadPolicy())
            assert len(stored_files(app)) == 1  # written, not yet committed
            raise RuntimeError("the transaction fails after the write")
    except RuntimeError:
        pass
    assert stored_files(app) == []
    assert await row_count(app) == 0
    await source.close()
