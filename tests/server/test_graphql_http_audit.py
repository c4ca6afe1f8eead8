"""The graphql-http audit (the reference GraphQL-over-HTTP server audit) against `comptoir serve`.

Needs node and npm; the package is installed once into a cache directory under the temporary
directory. Skips, saying why, when node is absent or the npm registry cannot be reached.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.server.processes import start_server

AUDIT_SCRIPT = Path(__file__).with_name("graphql_http_audit.mjs")
PACKAGES = ("graphql-http@1.23.1", "graphql@16")
CACHE = Path(tempfile.gettempdir()) / "comptoir-graphql-http-audit"


def audit_directory() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run the graphql-http audit")
    if not (CACHE / "node_modules" / "graphql-http" / "package.json").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        installed = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", *PACKAGES],
            cwd=CACHE,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if installed.returncode != 0:
            pytest.skip(f"npm could not install graphql-http: {installed.stderr.strip()[-300:]}")
    shutil.copy(AUDIT_SCRIPT, CACHE / AUDIT_SCRIPT.name)
    return CACHE


async def test_every_must_and_should_of_the_graphql_over_http_audit(
    database_url: str, tmp_path: Path
) -> None:
    directory = audit_directory()
    server = await start_server(database_url, tmp_path / "audit", "audit")
    try:
        process = await asyncio.create_subprocess_exec(
            "node",
            AUDIT_SCRIPT.name,
            f"{server.base}/graphql",
            cwd=directory,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        await server.stop()
    assert process.returncode == 0, err.decode()
    results = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
    musts = [r for r in results if r["name"].startswith("MUST")]
    shoulds = [r for r in results if r["name"].startswith("SHOULD")]
    assert len(musts) >= 13 and len(shoulds) >= 23, results
    failures = [r for r in results if r["status"] != "ok" and not r["name"].startswith("MAY")]
    assert failures == []
