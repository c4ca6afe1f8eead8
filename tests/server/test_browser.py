"""A real browser (Debian's headless chromium, driven by Playwright) against `comptoir serve`.

- A page on another origin listed in COMPTOIR_CORS_ORIGINS logs in (session cookie), queries
  /graphql, calls a REST route with a Bearer token and follows a subscription; a page on an
  unlisted origin is blocked (CORS) and its websocket refused.
- GraphiQL renders and runs a query with every non-local request blocked (no CDN).

Skips when chromium (`apt-get install chromium`) or the playwright package is missing.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from server.settings import Settings
from tests.server.processes import PASSWORD, colleagues, free_port, start_server

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


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def test_a_front_end_on_a_listed_origin_logs_in_queries_and_subscribes(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(PAGE, site / "index.html")
    with static_site(site, "127.0.0.1") as listed, static_site(site, "localhost") as unlisted:
        server = await start_server(
            database_url,
            tmp_path / "api",
            "api",
            {"COMPTOIR_CORS_ORIGINS": f'["{listed}"]'},
        )
        try:
            colleague_id = await colleagues(server, settings, "browser@example.com")
            async with chromium() as browser:
                page = await browser.new_page()
                await page.goto(f"{listed}/index.html")
                result = await page.evaluate(
                    "([api, email, password, other]) => frontEnd(api, email, password, other)",
                    [server.base, "browser@example.com", PASSWORD, colleague_id],
                )
                other = await browser.new_page()
                await other.goto(f"{unlisted}/index.html")
                blocked = await other.evaluate("(api) => refused(api)", server.base)
        finally:
            await server.stop()
    assert result["me"] == {"kind": "USER", "user": {"email": "browser@example.com"}}
    assert result["restStatus"] == 200 and result["rest"]["email"] == "browser@example.com"
    assert result["requestId"]  # an exposed header the page can read
    assert result["event"] == {
        "data": {"messageAdded": {"message": {"content": "hello from the browser"}}}
    }
    assert blocked == {"fetch": "blocked", "websocket": "websocket refused"}


async def test_graphiql_renders_and_runs_a_query_without_network(
    database_url: str, tmp_path: Path
) -> None:
    server = await start_server(database_url, tmp_path, "graphiql", {"COMPTOIR_GRAPHIQL": "true"})
    outside: list[str] = []

    async def local_only(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    try:
        async with chromium() as browser:
            page = await browser.new_page()
            await page.route("**/*", local_only)
            await page.goto(f"{server.base}/graphql?q=%7B%20__typename%20%7D")
            await page.wait_for_selector(".graphiql-container", timeout=30_000)
            assert await page.evaluate("typeof GraphiQLPluginExplorer.explorerPlugin") == (
                "function"
            )
            await page.click(".graphiql-execute-button")
            await page.wait_for_function(
                "document.querySelector('.result-window')?.innerText.includes('Query')",
                timeout=30_000,
            )
            shown = await page.inner_text(".result-window")
            headers_tab = await page.locator("text=Headers").count()
    finally:
        await server.stop()
    assert '"__typename": "Query"' in shown
    assert headers_tab >= 1  # the header editor (Authorization) is there
    assert outside == []
