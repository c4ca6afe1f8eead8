"""A real browser (Debian's headless chromium, driven by Playwright) against `comptoir serve`.

- A page on another origin listed in COMPTOIR_CORS_ORIGINS logs in (session cookie), queries
  /graphql, calls a REST route with a Bearer token and follows a subscription; a page on an
  unlisted origin is blocked (CORS) and its websocket refused.
- GraphiQL renders and runs a query with every non-local request blocked (no CDN).
- Each contract's Swagger UI page renders its operations, also without network.

One `comptoir serve` (CORS origins listed, GraphiQL on) and one chromium serve the whole module;
each test has its own browser context (no cookies shared between tests).

Skips when chromium (`apt-get install chromium`) or the playwright package is missing.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from server.settings import Settings
from tests.conftest import PostgresServer
from tests.server.processes import (
    PASSWORD,
    SECRET,
    ServerProcess,
    colleagues,
    free_port,
    start_server,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGE = Path(__file__).with_name("browser_page.html")
# As the machine notes advise: no sandbox (root), and none of Chromium's own network traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="the playwright package drives chromium"
)
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"
)


@contextlib.contextmanager
def static_site(directory: Path, host: str) -> Iterator[str]:
    """A tiny static server for the front end's page, on its own origin."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    server = ThreadingHTTPServer((host, free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Api:
    server: ServerProcess
    settings: Settings  # of the server's database
    listed: str  # the front end's origin, listed in COMPTOIR_CORS_ORIGINS
    unlisted: str  # the same page on an origin that is not listed


@pytest.fixture(scope="module")
async def api(
    postgres: PostgresServer, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Api]:
    workdir = tmp_path_factory.mktemp("browser")
    site = workdir / "site"
    site.mkdir()
    shutil.copy(PAGE, site / "index.html")
    database = await postgres.copy(template_database)
    url = postgres.url_for(database)
    settings = Settings(database_url=url, data_dir=workdir, secret_key=SECRET, run_worker=False)
    try:
        with static_site(site, "127.0.0.1") as listed, static_site(site, "localhost") as unlisted:
            server = await start_server(
                url,
                workdir / "api",
                "api",
                {"COMPTOIR_CORS_ORIGINS": f'["{listed}"]', "COMPTOIR_GRAPHIQL": "true"},
            )
            try:
                yield Api(server, settings, listed, unlisted)
            finally:
                await server.stop()
    finally:
        await postgres.drop(database)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def context(browser: Any) -> AsyncIterator[Any]:
    """A fresh browser profile per test: its own cookies and storage."""
    fresh = await browser.new_context()
    try:
        yield fresh
    finally:
        await fresh.close()


def local_only(outside: list[str]) -> Any:
    """A route handler that lets local requests through and records and aborts the others."""

    async def handle(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    return handle


async def test_a_front_end_on_a_listed_origin_logs_in_queries_and_subscribes(
    api: Api, context: Any
) -> None:
    server = api.server
    colleague_id = await colleagues(server, api.settings, "browser@example.com")
    page = await context.new_page()
    await page.goto(f"{api.listed}/index.html")
    result = await page.evaluate(
        "([api, email, password, other]) => frontEnd(api, email, password, other)",
        [server.base, "browser@example.com", PASSWORD, colleague_id],
    )
    other = await context.new_page()
    await other.goto(f"{api.unlisted}/index.html")
    blocked = await other.evaluate("(api) => refused(api)", server.base)
    assert result["me"] == {"kind": "USER", "user": {"email": "browser@example.com"}}
    assert result["restStatus"] == 200 and result["rest"]["email"] == "browser@example.com"
    assert result["requestId"]  # an exposed header the page can read
    assert result["event"] == {
        "data": {"messageAdded": {"message": {"content": "hello from the browser"}}}
    }
    assert blocked == {"fetch": "blocked", "websocket": "websocket refused"}


async def test_graphiql_renders_and_runs_a_query_without_network(api: Api, context: Any) -> None:
    outside: list[str] = []
    page = await context.new_page()
    await page.route("**/*", local_only(outside))
    await page.goto(f"{api.server.base}/graphql?q=%7B%20__typename%20%7D")
    await page.wait_for_selector(".graphiql-container", timeout=30_000)
    assert await page.evaluate("typeof GraphiQLPluginExplorer.explorerPlugin") == "function"
    await page.click(".graphiql-execute-button")
    await page.wait_for_function(
        "document.querySelector('.result-window')?.innerText.includes('Query')",
        timeout=30_000,
    )
    shown = await page.inner_text(".result-window")
    headers_tab = await page.locator("text=Headers").count()
    assert '"__typename": "Query"' in shown
    assert headers_tab >= 1  # the header editor (Authorization) is there
    assert outside == []


async def test_every_contract_docs_page_renders_without_network(api: Api, context: Any) -> None:
    """Each `/rest/<contract>/docs` (Swagger UI, assets served by us) renders its operations
    with every non-local request blocked."""
    outside: list[str] = []
    rendered: dict[str, int] = {}
    page = await context.new_page()
    await page.route("**/*", local_only(outside))
    for name in ("yaoka", "skeleton-crm", "vorgio", "cloud-billing"):
        await page.goto(f"{api.server.base}/rest/{name}/docs")
        await page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
        rendered[name] = await page.locator(".swagger-ui .opblock").count()
    assert all(count > 0 for count in rendered.values()), rendered
    assert outside == []
