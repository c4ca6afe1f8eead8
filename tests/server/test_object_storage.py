"""Files on an S3-compatible store (moto's standalone server, a real S3-protocol endpoint):
two replicas on one database and one bucket; failed writes leave no object."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiobotocore.session import get_session
from moto.server import ThreadedMotoServer

from resolvers.files.changes import file_changes
from resolvers.files.storage import LocalDiskStorage, StoredContentMissing, read_all
from server.app import create_app
from server.object_storage import PART_SIZE, FilesUrlError, S3Storage, close_storage, storage_for
from server.settings import Settings
from tests.conftest import App, QueryCounter
from tests.rest_compat.skeleton_crm.test_users import bearer, register_org
from tests.rest_compat.vorgio.test_clients import bearer as vorgio_bearer
from tests.rest_compat.vorgio.test_invoices import INVOICES, create, new_team, post

BUCKET = "comptoir-files"
FILES = "/rest/skeleton-crm/api/v1/files"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
KEY = "0190a3b2-0000-7000-8000-000000000001/0190a3b2-0000-7000-8000-000000000002"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
async def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """A client on a fresh bucket; the AWS variables point every client at the server."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    async with get_session().create_client("s3") as client:
        await client.create_bucket(Bucket=BUCKET)
        yield client
        listed = await client.list_objects_v2(Bucket=BUCKET)
        for item in listed.get("Contents", []):
            await client.delete_object(Bucket=BUCKET, Key=item["Key"])
        await client.delete_bucket(Bucket=BUCKET)


async def object_keys(s3: Any) -> list[str]:
    listed = await s3.list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listed.get("Contents", [])]


@pytest.fixture
async def replicas(s3: Any, database_url: str, tmp_path: Path) -> AsyncIterator[list[App]]:
    """Two app instances on one database and one bucket, sharing nothing on disk."""
    replicas: list[App] = []
    clients: list[httpx.AsyncClient] = []
    try:
        for name in ("one", "two"):
            settings = Settings(
                database_url=database_url,
                data_dir=tmp_path / name,  # nothing shared on disk
                secret_key="test-secret-key-test-secret-key-test-secret",
                run_worker=False,
                files_url=f"s3://{BUCKET}/tenant-files",
            )
            asgi = create_app(settings, database_url, run_worker=False)
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=asgi), base_url="http://testserver"
            )
            clients.append(client)
            replicas.append(App(asgi, client, QueryCounter(), settings))
        yield replicas
    finally:
        for client in clients:
            await client.aclose()
        for replica in replicas:
            await close_storage(replica.asgi.state.storage)
            await replica.asgi.state.db.dispose()


async def test_an_upload_through_one_replica_downloads_from_the_other(
    s3: Any, replicas: list[App], tmp_path: Path
) -> None:
    one, two = replicas
    org = await register_org(one, "owner@acme.io")
    created = await one.client.post(
        FILES, files={"file": ("report.pdf", PDF, "application/pdf")}, headers=bearer(org.token)
    )
    assert created.status_code == 201, created.text
    keys = await object_keys(s3)
    assert len(keys) == 1 and keys[0].startswith("tenant-files/")
    assert not (tmp_path / "one" / "files").exists()
    download = await two.client.get(
        f"/files/{created.json()['id']}/download", headers=bearer(org.token)
    )
    assert download.status_code == 200
    assert download.content == PDF
    via_rest = await two.client.get(
        f"{FILES}/{created.json()['id']}/download", headers=bearer(org.token)
    )
    assert via_rest.content == PDF
    deleted = await two.client.delete(f"{FILES}/{created.json()['id']}", headers=bearer(org.token))
    assert deleted.status_code in (200, 204)
    assert await object_keys(s3) == []


async def test_a_rendered_pdf_is_stored_once_for_every_replica(
    s3: Any, replicas: list[App]
) -> None:
    one, two = replicas
    team = await new_team(one, "owner@acme.example")
    issued = await create(one, team, is_draft=False)
    url = f"{INVOICES}/{issued['id']}/pdf"
    first = await one.client.get(url, headers=vorgio_bearer(team.token))
    assert first.status_code == 200, first.text
    assert len(await object_keys(s3)) == 1
    # The other replica serves the same stored bytes (no second rendering, no second object).
    second = await two.client.get(url, headers=vorgio_bearer(team.token))
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert len(await object_keys(s3)) == 1
    # A new version replaces the stored file once the transaction commits.
    before = await object_keys(s3)
    paid = await post(two, team, issued["id"], "mark-paid", {"paid_at": "2026-05-09"})
    assert paid.status_code == 200
    third = await two.client.get(url, headers=vorgio_bearer(team.token))
    assert third.headers["etag"] != first.headers["etag"]
    after = await object_keys(s3)
    assert len(after) == 1 and after != before


async def chunks_then_failure(total: int) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * 1024 * 1024
        sent += 1024 * 1024
    raise RuntimeError("the client went away")


async def test_large_objects_stream_in_parts_and_a_failed_write_stores_nothing(s3: Any) -> None:
    storage = S3Storage(BUCKET, "p")
    try:

        async def big() -> AsyncIterator[bytes]:
            for _ in range(PART_SIZE // (1024 * 1024) + 3):
                yield b"y" * 1024 * 1024

        await storage.put(KEY, big())
        assert len(await read_all(storage, KEY)) == PART_SIZE + 3 * 1024 * 1024
        await storage.delete(KEY)
        with pytest.raises(RuntimeError):
            await storage.put(KEY, chunks_then_failure(PART_SIZE * 2))
        assert await object_keys(s3) == []
        assert (await s3.list_multipart_uploads(Bucket=BUCKET)).get("Uploads", []) == []
        with pytest.raises(StoredContentMissing):
            await read_all(storage, KEY)
    finally:
        await storage.close()


async def test_a_rolled_back_unit_leaves_no_object(s3: Any) -> None:
    storage = S3Storage(BUCKET)
    try:
        with pytest.raises(LookupError):
            async with file_changes(storage) as changes:

                async def content() -> AsyncIterator[bytes]:
                    yield PDF

                await changes.put(KEY, content())
                assert await object_keys(s3) == [KEY]
                raise LookupError("the transaction failed after the write")
        assert await object_keys(s3) == []
    finally:
        await storage.close()


def test_files_url_names_the_storage(tmp_path: Path) -> None:
    default = storage_for(None, tmp_path)
    assert isinstance(default, LocalDiskStorage) and default.root == tmp_path / "files"
    local = storage_for(f"file://{tmp_path}/elsewhere", tmp_path)
    assert isinstance(local, LocalDiskStorage) and local.root == tmp_path / "elsewhere"
    s3 = storage_for("s3://bucket/some/prefix/", tmp_path)
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == ("bucket", "some/prefix")
    for bad in ("s3:///prefix", "ftp://host/x", "file://host/x", "bucket/prefix"):
        with pytest.raises(FilesUrlError):
            storage_for(bad, tmp_path)
