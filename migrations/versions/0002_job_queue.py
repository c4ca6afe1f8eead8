"""Job queue: procrastinate's tables, types, functions and triggers.

Revision ID: 0002_job_queue
Revises: 0001_identity
Create Date: 2026-11-22 15:00:00
"""

import inspect
from collections.abc import Sequence

from alembic import op
from sqlalchemy.util import await_

from server.jobs import procrastinate_schema_sql

revision: str = "0002_job_queue"
down_revision: str | None = "0001_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Everything procrastinate creates is named procrastinate_*: drop it all, whatever its version
# added (tables first, which takes their triggers and indexes, then functions, then types).
_DROP_PROCRASTINATE = r"""
DO $$
DECLARE
    obj record;
BEGIN
    FOR obj IN
        SELECT c.oid::regclass AS name FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relkind IN ('r', 'p') AND c.relname LIKE 'procrastinate\_%'
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS %s CASCADE', obj.name);
    END LOOP;
    FOR obj IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace
          AND p.proname LIKE 'procrastinate\_%'
    LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', obj.name);
    END LOOP;
    FOR obj IN
        SELECT t.oid::regtype AS name FROM pg_type t
        WHERE t.typnamespace = current_schema()::regnamespace
          AND t.typname LIKE 'procrastinate\_%' AND t.typtype IN ('e', 'c')
          AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
    LOOP
        EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', obj.name);
    END LOOP;
END;
$$;
"""


def _execute_script(sql: str) -> None:
    """Run a multi-statement script inside the migration's transaction.

    `op.execute` goes through SQLAlchemy's asyncpg adapter, which prepares each statement, and
    PostgreSQL refuses to prepare several commands at once. The driver's own `execute` without
    arguments (asyncpg, psycopg) uses the simple query protocol, which takes a whole script.
    """
    bind = op.get_bind()
    # The adapter begins its transaction lazily, on its first statement: make sure it has,
    # so the script runs in (and rolls back with) the migration's transaction.
    bind.exec_driver_sql("SELECT 1")
    result = bind.connection.driver_connection.execute(sql)
    if inspect.isawaitable(result):
        await_(result)


def upgrade() -> None:
    _execute_script(procrastinate_schema_sql())


def downgrade() -> None:
    _execute_script(_DROP_PROCRASTINATE)
