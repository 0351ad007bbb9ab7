"""Throwaway PostgreSQL servers of a test's own (Debian's PostgreSQL 15 binaries: initdb, pg_ctl,
pg_basebackup), in a temporary directory on a spare port: the fault tests stop them mid-work
(tests/core/test_faults.py), the replica tests run a primary and a hot standby fed by streaming
replication (tests/core/test_replica.py).

`demo_copy()` gives a server a copy of the demo, from the PostgreSQL run's prepared stage
(tests/live.py), with the demo's data directory (keys) and the environment of a `jineng` process
on it."""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.live import _process_environment, _server_url, _stage, free_port, postgres_url

PG_BIN = Path("/usr/lib/postgresql/15/bin")
# The marks of a module of such tests: skipped, with the reason, where they cannot run.
NEEDS_SERVER_BINARIES = pytest.mark.skipif(
    not (PG_BIN / "initdb").exists(), reason=f"no PostgreSQL server binaries in {PG_BIN}"
)
NEEDS_POSTGRES_RUN = pytest.mark.skipif(
    not postgres_url(),
    reason="these tests copy the demo database of the PostgreSQL run "
    "(DATABASE_URL=postgres://...); the SQLite run has none",
)


class Cluster:
    """A throwaway PostgreSQL server: initdb (or pg_basebackup of another, as its hot standby),
    pg_ctl start/stop, in a temporary directory."""

    def __init__(self, root: Path, options: str = ""):
        self.root = root
        self.data = root / "pgdata"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/jineng"
        self.options = options  # more `-c name=value` for the server
        # PostgreSQL refuses to run as root: as root (CI), its own system user runs it.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(root, "postgres")

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        """A new, empty server. Its pg_hba (initdb -A trust) lets 127.0.0.1 replicate from it."""
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip

    def init_standby_of(self, primary: "Cluster") -> None:
        """A hot standby of `primary`: its base backup, streaming the primary's WAL from then on
        (-R writes primary_conninfo and standby.signal)."""
        self.run(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                 "-U", "postgres", "-D", str(self.data), "-R", "-X", "stream",
                 "--checkpoint=fast", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"{self.options}"
        )
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                 "-l", str(self.root / "server.log"), "-w", "start")  # fmt: skip

    def crash(self) -> None:
        """Stop at once, as a power cut would: every connection is dropped mid-transaction."""
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.crash()  # throwaway: nothing to keep

    def connect(self):
        return psycopg.connect(self.url, autocommit=True)

    def value(self, sql: str, *params):
        with self.connect() as conn:
            row = conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def log(self) -> str:
        return (self.root / "server.log").read_text(errors="replace")


def demo_copy(cluster: Cluster, env: dict | None = None) -> dict:
    """Load a copy of the demo into `cluster` (database `jineng`) and copy the demo's data
    directory beside it; the environment of a `jineng` process on it (plus `env`)."""
    stage = _stage("demo")
    cluster.run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port),
                "-U", "postgres", "jineng")  # fmt: skip
    source = _server_url(postgres_url(), (stage / "database").read_text())
    dump = subprocess.run([str(PG_BIN / "pg_dump"), "-Fc", "--no-owner", "-d", source],
                          check=True, capture_output=True, timeout=120)  # fmt: skip
    subprocess.run([str(PG_BIN / "pg_restore"), "--no-owner", "-d", cluster.url],
                   input=dump.stdout, check=True, capture_output=True, timeout=120)  # fmt: skip
    data_dir = cluster.root / "data"
    shutil.copytree(stage / "data", data_dir)
    return {**_process_environment(data_dir), "DATABASE_URL": cluster.url, **(env or {})}


def new_root(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
