"""`comptoir`: serve, migrate, schema, bootstrap, worker."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import signal
import sys
from collections.abc import Sequence

from server.embedded_postgres import EmbeddedPostgresError
from server.preflight import (
    StartupError,
    checked_port,
    require_shared_secret,
    settings_from_environment,
)
from server.settings import Settings


class _Stopped(Exception):
    pass


def _exit_on_signal(signum: int, _: object) -> None:
    raise _Stopped(signum)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    # The cheap checks first: an operator's mistake is reported before the app is imported.
    from server.object_storage import FilesUrlError, storage_for

    require_shared_secret(settings)
    try:
        storage_for(settings.files_url, settings.data_dir)
    except FilesUrlError as exc:
        raise StartupError(f"invalid COMPTOIR_FILES_URL: {exc}") from None
    port = checked_port(args.port) if args.port is not None else settings.port

    from server.logging import configure_logging
    from server.runtime import database_url

    host = args.host or settings.host
    configure_logging(settings.log_level, settings.log_json)
    with database_url(settings) as url:
        # The app (and uvicorn) once the database answers: the checks above fail fast.
        import uvicorn

        from server import migrate
        from server.app import create_app
        from server.limits import guarded_protocol

        if not args.no_migrate:
            _report_applied(migrate.upgrade(url))
        app = create_app(settings, url, run_worker=False if args.no_worker else None)
        base = f"http://{host}:{port}"
        print(f"Comptoir on {base}")
        graphiql = " (GraphiQL)" if settings.graphiql_enabled() else ""
        print(f"  GraphQL{graphiql}: {base}/graphql")
        from rest_compat.registry import CONTRACTS

        for contract in CONTRACTS:
            print(f"  REST {contract.name:<14} {base}/rest/{contract.name}  (openapi.json)")
        if not settings.database_url:
            print(f"  database: embedded PostgreSQL in {settings.data_dir.resolve()}")
        sys.stdout.flush()
        # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal; these
        # handlers turn it into an exception so leaving the `with` stops the embedded database.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        signal.signal(signal.SIGINT, _exit_on_signal)
        with contextlib.suppress(_Stopped):
            uvicorn.run(
                app,
                host=host,
                port=port,
                log_config=None,
                access_log=False,
                ws="websockets-sansio",
                # Request heads: bounded and read within the client timeout (server.limits).
                http=guarded_protocol(settings.client_timeout_seconds, settings.max_header_bytes),
                h11_max_incomplete_event_size=settings.max_header_bytes,
                timeout_keep_alive=5,
                ws_max_size=settings.max_body_bytes,
                # Subscription frames are small and sent to many: compressing each one for
                # each client (and a zlib context per connection) costs more than it saves.
                ws_per_message_deflate=False,
            )
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from alembic.util import CommandError

    from server import migrate
    from server.runtime import database_url

    with database_url(settings) as url:
        if args.check:
            try:
                migrate.check(url)
            except CommandError as exc:  # behind, or models and migrations differ
                print(f"comptoir migrate --check: {exc}", file=sys.stderr)
                return 1
            print("models and migrations match the database")
        else:
            _report_applied(migrate.upgrade(url))
            print("database is up to date")
    return 0


def _report_applied(revisions: list[str]) -> None:
    if revisions:
        print(f"applied {len(revisions)} migration(s): {', '.join(revisions)}")
    else:
        print("no migration to apply")
    sys.stdout.flush()


def _schema(_: Settings, __: argparse.Namespace) -> int:
    from schema.root import schema

    print(schema.as_str())
    return 0


def _bootstrap(settings: Settings, args: argparse.Namespace) -> int:
    from resolvers.identity.bootstrap import bootstrap
    from resolvers.unit_of_work import Database
    from server import migrate
    from server.database import create_engine
    from server.runtime import database_url

    async def run(url: str) -> dict[str, object]:
        db = Database(create_engine(url, settings))
        try:
            async with db.platform() as session:
                done = await bootstrap(session, admin_password=args.admin_password)
        finally:
            await db.dispose()
        return dataclasses.asdict(done)

    with database_url(settings) as url:
        migrate.upgrade(url)
        result = asyncio.run(run(url))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("Bootstrap credentials (shown once; run again to issue new ones):")
    for section in ("partner", "organization", "admin", "keys"):
        for name, value in result[section].items():  # type: ignore[attr-defined]
            print(f"  {section}.{name}: {value}")
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from resolvers.unit_of_work import Database
    from server import migrate
    from server.app import integrations_for
    from server.database import create_engine
    from server.jobs import configure_jobs, create_job_app, run_worker
    from server.logging import configure_logging
    from server.runtime import database_url

    require_shared_secret(settings)
    configure_logging(settings.log_level, settings.log_json)

    async def run(url: str) -> None:
        db = Database(create_engine(url, settings))
        configure_jobs(db, integrations_for(settings))
        app = create_job_app(url)
        try:
            async with app.open_async():
                await run_worker(app, install_signal_handlers=True)
        finally:
            await db.dispose()

    with database_url(settings) as url:
        if not args.no_migrate:
            _report_applied(migrate.upgrade(url))
        asyncio.run(run(url))
    return 0


def _rotate_secrets(settings: Settings, _: argparse.Namespace) -> int:
    from resolvers.secrets import rotate_all
    from resolvers.unit_of_work import Database
    from server import migrate
    from server.database import create_engine
    from server.runtime import database_url

    async def run(url: str) -> int:
        db = Database(create_engine(url, settings))
        try:
            async with db.platform() as session:
                return await rotate_all(session, settings.secret_box())
        finally:
            await db.dispose()

    with database_url(settings) as url:
        migrate.upgrade(url)
        count = asyncio.run(run(url))
    print(f"re-encrypted {count} secret(s) with the newest key")
    return 0


def _documents(settings: Settings, args: argparse.Namespace) -> int:
    """Register trusted documents from a manifest (for COMPTOIR_TRUSTED_DOCUMENTS_ONLY)."""
    from resolvers.persisted_documents import register, sha256_of
    from resolvers.unit_of_work import Database
    from server import migrate
    from server.database import create_engine
    from server.runtime import database_url

    try:
        manifest = json.loads(args.manifest.read())
    except json.JSONDecodeError as exc:
        print(f"comptoir documents: {args.manifest.name} is not JSON ({exc})", file=sys.stderr)
        return 1
    # Apollo's persisted query manifest, or {"<sha256>": "<document>"} (GraphQL Codegen, Relay).
    if isinstance(manifest, dict) and isinstance(manifest.get("operations"), list):
        documents = {str(op.get("id")): str(op.get("body")) for op in manifest["operations"]}
    elif isinstance(manifest, dict):
        documents = {str(key): str(value) for key, value in manifest.items()}
    else:
        print("comptoir documents: expected a JSON object", file=sys.stderr)
        return 1
    wrong = [key for key, body in documents.items() if sha256_of(body) != key]
    if wrong:
        print(f"comptoir documents: not the SHA-256 of its document: {wrong[0]}", file=sys.stderr)
        return 1

    async def run(url: str) -> None:
        db = Database(create_engine(url, settings))
        try:
            async with db.platform() as session:
                for body in documents.values():
                    await register(session, body)
        finally:
            await db.dispose()

    with database_url(settings) as url:
        migrate.upgrade(url)
        asyncio.run(run(url))
    print(f"{len(documents)} trusted documents registered")
    return 0


NO_MIGRATE = "do not apply migrations at start (run `comptoir migrate` once instead)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="comptoir", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server (and a job worker)")
    serve.add_argument("--host")
    serve.add_argument("--port", help="1-65535 (default: COMPTOIR_PORT, 8000)")
    serve.add_argument("--no-worker", action="store_true", help="do not run jobs in-process")
    serve.add_argument("--no-migrate", action="store_true", help=NO_MIGRATE)
    serve.set_defaults(handler=_serve)
    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.add_argument(
        "--check", action="store_true", help="fail if models and migrations differ"
    )
    migrate.set_defaults(handler=_migrate)
    commands.add_parser("schema", help="print the GraphQL SDL").set_defaults(handler=_schema)
    bootstrap = commands.add_parser("bootstrap", help="create a partner, an organization, keys")
    bootstrap.add_argument("--json", action="store_true", help="print one JSON object")
    bootstrap.add_argument("--admin-password", help="instead of a generated one")
    bootstrap.set_defaults(handler=_bootstrap)
    worker = commands.add_parser("worker", help="run a background job worker")
    worker.add_argument("--no-migrate", action="store_true", help=NO_MIGRATE)
    worker.set_defaults(handler=_worker)
    commands.add_parser(
        "rotate-secrets", help="re-encrypt every stored secret with the newest encryption key"
    ).set_defaults(handler=_rotate_secrets)
    documents = commands.add_parser(
        "documents", help="register trusted GraphQL documents from a persisted-query manifest"
    )
    documents.add_argument("manifest", type=argparse.FileType("r"))
    documents.set_defaults(handler=_documents)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(settings_from_environment(), args))
    except StartupError as exc:
        print(f"comptoir: {exc}", file=sys.stderr)
    except EmbeddedPostgresError as exc:
        print(f"comptoir: embedded PostgreSQL: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
