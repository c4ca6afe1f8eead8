"""`bin/setup` (run by `bin/serve`) says it is installing, on stderr, only when it installs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_first_run_says_it_is_installing(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "bin" / "setup", tmp_path / "bin" / "setup")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    # A stand-in interpreter that records what it was asked to do (no real install here).
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    stub = venv_bin / "python"
    stub.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/calls"\n')
    stub.chmod(0o755)

    def setup() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(tmp_path / "bin" / "setup")],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ},
            timeout=60,
        )

    first = setup()
    assert first.stdout == ""  # stdout stays clean for `bin/setup && comptoir ... --json`
    assert first.stderr.splitlines()[0].startswith("comptoir: installing into .venv")
    assert first.stderr.splitlines()[-1] == "comptoir: installed."
    assert "install --quiet -e .[dev]" in (tmp_path / "calls").read_text()
    again = setup()
    assert again.stderr == "" and again.stdout == ""
