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


JINENG = [sys.executable, "-m", "jineng.cli"]
# The environment of each running server by its URL, for a test that runs a `jineng` command on
# the server's own database (tests/browser/test_claims.py moves a notice's dates into the past).
ENVIRONMENTS: dict[str, dict] = {}


@contextlib.contextmanager
def scratch_environment(data_dir: Path):
    """Environment for a `jineng` process of its own: the demo's keys in `data_dir`, and its
    own database (SQLite there, or a scratch PostgreSQL database in the PostgreSQL run)."""
    database_url = os.environ.get("DATABASE_URL", "")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JINENG_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(JINENG_DEMO="1", JINENG_DATA_DIR=str(data_dir))
    if database_url.startswith("postgres"):
        with scratch_postgres(database_url) as url:
            yield {**env, "DATABASE_URL": url}
    else:
        yield env


def jineng(env: dict, *args: str, check: bool = True, timeout: float = 300):
    """Run `jineng ARGS` in `env`; raise with its output when it fails and `check` is set."""
    result = subprocess.run(
        [*JINENG, *args], env=env, capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,  # as from a script: nothing to type a password into
    )  # fmt: skip
    if check and result.returncode != 0:
        raise AssertionError(f"jineng {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


@contextlib.contextmanager
def running_server(data_dir: Path):
    with contextlib.ExitStack() as stack:
        env = stack.enter_context(scratch_environment(data_dir))
        env["JINENG_WEB_WORKERS"] = "2"
        jineng(env, "demo")
        port = free_port()
        log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed by the stack
        stack.callback(log.close)
        server = subprocess.Popen(
            [*JINENG, "serve", "--bind", f"127.0.0.1:{port}", "--with-worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(stop, server)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url + "/healthz", server, data_dir / "server.log")
        ENVIRONMENTS[base_url] = env
        stack.callback(ENVIRONMENTS.pop, base_url, None)
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


# A class is submitted and approved before it starts (004 §四(三)); a test that runs one on the
# live server (whose clock it cannot move) opens it ahead and then moves its dates and sessions
# back by `days` in the server's own database, so that the server sees exactly a class approved
# before it began that has since run. Only an approved class is moved.
MOVE_CLASS = """
from datetime import timedelta
from jineng.training.models import Session, TrainingClass
shift = timedelta(days={days})
moved = TrainingClass.objects.get(code="{code}", state="approved")
TrainingClass.objects.filter(pk=moved.pk).update(
    start_date=moved.start_date + shift, end_date=moved.end_date + shift
)
for session in Session.objects.filter(training_class=moved):
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + shift, ends_at=session.ends_at + shift
    )
"""


def move_class(live_url: str, code: str, days: int) -> None:
    """Move an approved class of the live server `days` days (negative: into the past)."""
    jineng(ENVIRONMENTS[live_url], "shell", "-c", MOVE_CLASS.format(code=code, days=days))
