"""A real jineng server for browser and HTTP tests: `jineng demo` then `jineng serve` (gunicorn),
in a temporary data directory, on SQLite or on a fresh PostgreSQL database when DATABASE_URL
names a PostgreSQL server. Built once per test session.

Tests that run `jineng` as a process start from a copy of a prepared stage (`prepared_environment`):
`jineng migrate` costs seconds of CPU and `jineng demo` tens of seconds, so each stage is built
once per test run, by the first worker that needs it, and copied (a SQLite file and the keys, or
a PostgreSQL database cloned from a template) for each test."""

import contextlib
import fcntl
import os
import shutil
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


def _server_url(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


def create_database(url: str, name: str, template: str = "") -> None:
    """CREATE DATABASE on the server of `url`, empty or as a copy of `template`."""
    copy = f' TEMPLATE "{template}"' if template else ""
    for attempt in range(20):
        try:
            with psycopg.connect(_server_url(url, "postgres"), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"{copy}')
            return
        except psycopg.errors.ObjectInUse:  # another worker is cloning the same template
            time.sleep(0.2 * (attempt + 1))
    raise RuntimeError(f"template database {template} stayed busy")


def drop_database(url: str, name: str) -> None:
    with psycopg.connect(_server_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_postgres(url: str, template: str = ""):
    """A new database on the server of `url`, empty or a copy of `template`; dropped after."""
    name = f"jineng_live_{uuid.uuid4().hex[:12]}"
    create_database(url, name, template)
    try:
        yield _server_url(url, name)
    finally:
        drop_database(url, name)


JINENG = [sys.executable, "-m", "jineng.cli"]
# The environment of each running server by its URL, for a test that runs a `jineng` command on
# the server's own database (tests/browser/test_claims.py moves a notice's dates into the past).
ENVIRONMENTS: dict[str, dict] = {}


def _process_environment(data_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JINENG_", "DJANGO_")) and key != "DATABASE_URL"
    }
    return {**env, "JINENG_DEMO": "1", "JINENG_DATA_DIR": str(data_dir)}


def postgres_url() -> str:
    """The PostgreSQL server of the PostgreSQL run, or "" in the SQLite run."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else ""


@contextlib.contextmanager
def scratch_environment(data_dir: Path, *, template_database: str = ""):
    """Environment for a `jineng` process of its own: the demo's keys in `data_dir`, and its
    own database (SQLite there, or a scratch PostgreSQL database in the PostgreSQL run, empty
    or cloned from `template_database`)."""
    env = _process_environment(data_dir)
    if postgres_url():
        with scratch_postgres(postgres_url(), template_database) as url:
            yield {**env, "DATABASE_URL": url}
    else:
        yield env


# What each prepared stage runs, in a data directory and database of its own.
STAGES = {
    "migrated": [("migrate", "-v0")],
    "setup": [("migrate", "-v0"), ("setup", "--region", "411400")],
    "demo": [("demo",)],
}
# Set by the test run's first process (tests/conftest.py) and inherited by the xdist workers.
TEMPLATES_VARIABLE = "JINENG_TEST_TEMPLATES"


def _stage(stage: str) -> Path:
    """The directory of a built stage: `data/` and, in the PostgreSQL run, `database` (the
    template's name). The first process to ask builds it; the others wait on the lock."""
    root = Path(os.environ[TEMPLATES_VARIABLE])
    built = root / stage
    with open(root / f"{stage}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (built / "ready").exists():
            _build_stage(stage, built)
    return built


def _build_stage(stage: str, built: Path) -> None:
    shutil.rmtree(built, ignore_errors=True)
    (built / "data").mkdir(parents=True)
    env = _process_environment(built / "data")
    if postgres_url():
        name = f"jineng_template_{built.parent.name}_{stage}".lower()[:63]
        drop_database(postgres_url(), name)
        create_database(postgres_url(), name)
        (built / "database").write_text(name)
        env["DATABASE_URL"] = _server_url(postgres_url(), name)
    for command in STAGES[stage]:
        jineng(env, *command, timeout=900)
    (built / "ready").touch()


@contextlib.contextmanager
def prepared_environment(data_dir: Path, stage: str):
    """Like scratch_environment, with the commands of STAGES[stage] already run: a copy of the
    stage's data directory (SQLite file, keys, media) and of its database."""
    built = _stage(stage)
    shutil.copytree(built / "data", data_dir, dirs_exist_ok=True)
    database = built / "database"
    template = database.read_text() if database.exists() else ""
    with scratch_environment(data_dir, template_database=template) as env:
        yield env


def drop_stages(root: Path) -> None:
    """At the end of the run: the stages' directories and template databases."""
    for database in root.glob("*/database"):
        drop_database(postgres_url(), database.read_text())
    shutil.rmtree(root, ignore_errors=True)


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
def running_server(data_dir: Path, settings: dict[str, str] | None = None):
    """The demo served; `settings` adds environment variables (a server of its own for a test
    of a setting, such as JINENG_2FA_REQUIRED_ROLES)."""
    with contextlib.ExitStack() as stack:
        env = stack.enter_context(prepared_environment(data_dir, "demo"))
        env["JINENG_WEB_WORKERS"] = "2"
        env.update(settings or {})
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
