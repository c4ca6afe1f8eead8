"""Which database the process talks to: DATABASE_URL, or an embedded PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from server.embedded_postgres import EmbeddedPostgres
from server.preflight import check_database, require_embedded_allowed
from server.settings import Settings


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """Yield a reachable database URL; an embedded server started here is stopped on exit."""
    if settings.database_url:
        check_database(settings.database_url)
        yield settings.database_url
        return
    require_embedded_allowed(settings)
    embedded = EmbeddedPostgres(settings.data_dir.resolve())
    url = embedded.start()
    try:
        yield url
    finally:
        embedded.stop()
