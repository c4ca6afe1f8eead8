"""The engine: which PostgreSQL to use (DATABASE_URL or the embedded one) and its pool."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from server.settings import Settings


def async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as most hosts give them) and use asyncpg."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same database as a libpq URL, for the job queue's psycopg connection."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, settings: Settings) -> AsyncEngine:
    return create_async_engine(
        async_url(url),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        # No round trip before every checkout: connections are recycled instead, and a
        # connection the server dropped fails one statement, which invalidates the pool.
        pool_pre_ping=False,
        pool_recycle=settings.db_pool_recycle_seconds,
    )
