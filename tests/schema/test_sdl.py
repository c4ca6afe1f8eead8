"""The committed SDL (schema/schema.graphql) is the schema the code builds and the server serves."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import (
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

from schema.root import SDL_PATH, schema
from server.cli import main
from tests.conftest import App
from tests.schema import execute

REGENERATE = "run `comptoir schema > schema/schema.graphql`"


def current_sdl() -> str:
    return schema.as_str() + "\n"


def test_the_committed_sdl_is_current() -> None:
    assert SDL_PATH.exists(), f"schema/schema.graphql is missing: {REGENERATE}"
    committed = SDL_PATH.read_text(encoding="utf-8")
    expected = current_sdl()
    if committed != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    "schema/schema.graphql (committed)",
                    "schema.root.schema (current)",
                )
            )[:60]
        )
        pytest.fail(f"The committed GraphQL schema is out of date; {REGENERATE}.\n{diff}")


def test_the_sdl_file_is_valid_graphql() -> None:
    parsed = build_schema(SDL_PATH.read_text(encoding="utf-8"))
    query = parsed.query_type
    assert query is not None
    assert {"me", "organization"} <= set(query.fields)


def test_comptoir_schema_prints_the_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == current_sdl()


def test_the_console_script_prints_the_sdl(tmp_path: Path) -> None:
    """The installed `comptoir` command, as an operator runs it (from any directory)."""
    script = Path(sys.executable).with_name("comptoir")
    assert script.exists(), "the project is not installed (pip install -e .)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    done = subprocess.run(
        [str(script), "schema"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == current_sdl()


async def test_the_server_serves_the_committed_schema(app: App) -> None:
    assert app.asgi.state.schema.as_str() == schema.as_str()
    introspection = await execute(
        app,
        get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            input_value_deprecation=True,
        ),
    )
    served = build_client_schema(introspection)  # type: ignore[arg-type]
    committed = build_schema(SDL_PATH.read_text(encoding="utf-8"))
    assert print_schema(lexicographic_sort_schema(served)) == print_schema(
        lexicographic_sort_schema(committed)
    )
