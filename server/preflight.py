"""Checks before starting: each operator mistake is one line on stderr and exit status 1.

Settings are validated as they are read; the database is reached once before anything else
(unreachable, wrong password, missing database); a shared database needs a shared secret key.
"""

from __future__ import annotations

import asyncio
import re
import socket

import asyncpg
from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy.engine import make_url

from server.database import libpq_url
from server.settings import Settings

CONNECT_TIMEOUT = 10.0
MIN_SECRET_LENGTH = 32


class StartupError(Exception):
    """A configuration or environment problem the operator can fix; its message is one line."""


def settings_from_environment() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise StartupError(describe(exc)) from None
    except SettingsError as exc:  # a value that is not even JSON, e.g. COMPTOIR_REST_HOSTS
        found = re.search(r'field "(\w+)"', str(exc))
        variable = _variable(found.group(1)) if found else "setting"
        cause = f": {exc.__cause__}" if exc.__cause__ else ""
        raise StartupError(f"invalid {variable}: not valid JSON{cause}") from None


def _variable(field: str) -> str:
    return "DATABASE_URL" if field == "database_url" else f"COMPTOIR_{field.upper()}"


def describe(error: ValidationError) -> str:
    """`COMPTOIR_PORT: Input should be a valid integer …` (several joined with `; `)."""
    problems = []
    for item in error.errors():
        variable = _variable(str(item["loc"][0]) if item["loc"] else "")
        message = item["msg"].removeprefix("Value error, ")
        shown = item.get("input")
        given = f" (got {shown!r})" if isinstance(shown, str | int) else ""
        if repr(shown) in message:
            given = ""
        problems.append(f"invalid {variable}: {message}{given}")
    return "; ".join(problems)


def checked_port(value: str | int) -> int:
    try:
        port = int(value)
    except ValueError:
        raise StartupError(f"invalid port {value!r}: not a number") from None
    if not 1 <= port <= 65535:
        raise StartupError(f"invalid port {port}: must be between 1 and 65535")
    return port


def require_shared_secret(settings: Settings) -> None:
    """Replicas on one database must sign with one key: never generate one per machine."""
    if settings.database_url and not settings.secret_key:
        raise StartupError(
            "COMPTOIR_SECRET_KEY is not set: with DATABASE_URL every process must share one key "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if (
        settings.env == "production"
        and settings.secret_key
        and len(settings.secret_key) < MIN_SECRET_LENGTH
    ):
        raise StartupError(
            f"COMPTOIR_SECRET_KEY is too short ({len(settings.secret_key)} characters): "
            f"use at least {MIN_SECRET_LENGTH} random characters in production"
        )


def require_embedded_allowed(settings: Settings) -> None:
    if not settings.database_url and settings.env == "production":
        raise StartupError(
            "COMPTOIR_ENV=production needs DATABASE_URL: the embedded PostgreSQL is for development"
        )


def check_database(url: str) -> None:
    """Connect once; a failure becomes one line naming the server and the reason."""
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"

    async def probe() -> None:
        connection = await asyncpg.connect(libpq_url(url), timeout=CONNECT_TIMEOUT)
        await connection.close()

    try:
        asyncio.run(probe())
    except asyncpg.InvalidPasswordError:
        raise StartupError(
            f"database {where}: password authentication failed for user {parsed.username!r}"
        ) from None
    except asyncpg.InvalidAuthorizationSpecificationError as exc:
        raise StartupError(f"database {where}: access refused ({exc})") from None
    except asyncpg.InvalidCatalogNameError:
        raise StartupError(f"database {where}: no database named {parsed.database!r}") from None
    except ConnectionRefusedError:
        raise StartupError(
            f"cannot reach the database at {where}: connection refused (is PostgreSQL running?)"
        ) from None
    except (OSError, TimeoutError, socket.gaierror) as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise StartupError(f"cannot reach the database at {where}: {reason}") from None
    except asyncpg.PostgresError as exc:
        raise StartupError(f"database {where}: {exc}") from None
