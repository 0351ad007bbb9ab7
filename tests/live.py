"""A real jineng server for browser and HTTP tests: `jineng demo` then `jineng serve` (gunicorn),
in a temporary data directory, on SQLite or on a fresh PostgreSQL database when DATABASE_URL
names a PostgreSQL server. Built once per test session."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def scratch_postgres(url: str):
    """A new, empty database on the server of `url`, dropped afterwards."""
    name = f"jineng_live_{uuid.uuid4().hex[:12]}"
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running_server(data_dir: Path):
    database_url = os.environ.get("DATABASE_URL", "")
    with contextlib.ExitStack() as stack:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("JINENG_", "DJANGO_"))
        }
        env.update(JINENG_DEMO="1", JINENG_DATA_DIR=str(data_dir), JINENG_WEB_WORKERS="2")
        env.pop("DATABASE_URL", None)
        if database_url.startswith("postgres"):
            env["DATABASE_URL"] = stack.enter_context(scratch_postgres(database_url))
        jineng = [sys.executable, "-m", "jineng.cli"]
        subprocess.run([*jineng, "demo"], env=env, check=True, capture_output=True, timeout=300)
        port = free_port()
        log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed by the stack
        stack.callback(log.close)
        server = subprocess.Popen(
            [*jineng, "serve", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(stop, server)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url + "/healthz", server, data_dir / "server.log")
        yield base_url


def wait_until_up(url: str, server: subprocess.Popen, log_path: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("jineng serve exited:\n" + log_path.read_text())
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("jineng serve did not answer in time:\n" + log_path.read_text())


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
