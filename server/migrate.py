"""Running Alembic from code: `comptoir migrate`, `comptoir serve` and the tests use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from server.database import async_url

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    # '%' is configparser's interpolation character.
    config.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> list[str]:
    """Apply pending migrations (synchronous: call it before the event loop starts); returns
    the revisions applied, in order."""
    config = alembic_config(database_url)
    applied: list[str] = []

    def record(*, step: Any, **_: Any) -> None:
        if step.is_upgrade:
            applied.extend(step.up_revision_ids)

    config.attributes["on_version_apply"] = record
    command.upgrade(config, revision)
    return applied


def check(database_url: str) -> None:
    """Fail when the models and the migrations disagree."""
    command.check(alembic_config(database_url))
