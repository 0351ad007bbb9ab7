"""A task row (django-tasks-db) whose worker was killed does not stay "running" for ever: each
worker keeps a heartbeat from a thread of its own, and any worker marks failed, with the reason,
a running task whose worker's heartbeat stopped (issue 20: faults survived; import jobs are also
queued again by their own heartbeat, tests/core/test_stale_jobs.py)."""

import json
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jineng.core import worker
from jineng.core.models import WORKER_STALE_AFTER, WorkerHeartbeat
from tests.live import JINENG, jineng, prepared_environment

ROOT = Path(__file__).resolve().parents[2]

ENQUEUE = """
from tests.core.lingering_task import linger
print(linger.enqueue({marker!r}, 120).id)
"""

READ = """
import json
from django_tasks_db.models import DBTaskResult
from jineng.core.models import WorkerHeartbeat
row = DBTaskResult.objects.get(id={task_id!r})
print(json.dumps({{"status": row.status, "workers": row.worker_ids,
                  "exception": row.exception_class_path, "traceback": row.traceback,
                  "heartbeats": [h.worker_id for h in WorkerHeartbeat.objects.all()]}}))
"""


def read(env, task_id: str) -> dict:
    return json.loads(jineng(env, "shell", "-v0", "-c", READ.format(task_id=task_id)).stdout)


def start_worker(env, log: Path) -> subprocess.Popen:
    handle = open(log, "w")  # noqa: SIM115 - the process holds it
    return subprocess.Popen([*JINENG, "worker", "--interval", "0.2"], env=env,
                            stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)  # fmt: skip


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout} s for {what}")


def test_a_task_of_a_killed_worker_is_marked_failed_with_the_reason(tmp_path):
    marker = tmp_path / "started"
    with prepared_environment(tmp_path / "data", "migrated") as env:
        env = {**env, "JINENG_JOB_STALE_SECONDS": "2", "PYTHONPATH": str(ROOT)}
        task_id = jineng(env, "shell", "-v0", "-c", ENQUEUE.format(marker=str(marker))).stdout
        task_id = task_id.strip()
        first = start_worker(env, tmp_path / "first.log")
        try:
            wait_for(marker.exists, 120, "the first worker to start the task")
            assert int(marker.read_text()) == first.pid
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        killed = read(env, task_id)
        assert killed["status"] == "RUNNING" and len(killed["workers"]) == 1
        assert killed["heartbeats"] == killed["workers"]  # its heartbeat row outlives it

        second = start_worker(env, tmp_path / "second.log")
        try:
            wait_for(lambda: "marked failed" in (tmp_path / "second.log").read_text(), 120,
                     "the second worker to notice")  # fmt: skip
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)
        after = read(env, task_id)
    assert after["status"] == "FAILED"
    assert after["exception"] == "jineng.core.worker.WorkerStopped"
    assert f"the worker {killed['workers'][0]}" in after["traceback"]
    assert f"process {first.pid}" in after["traceback"]
    assert "no heartbeat since" in after["traceback"]
    assert after["heartbeats"] == killed["workers"]  # the second one removed its own on leaving
    assert second.returncode == 0


def running(worker_id: str, started) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path="tests.core.lingering_task.linger", args_kwargs={"args": [], "kwargs": {}},
        backend_name="default", queue_name="default", run_after=started, status="RUNNING",
        started_at=started, worker_ids=[worker_id], exception_class_path="", traceback="",
    )  # fmt: skip


@pytest.mark.django_db
def test_only_the_tasks_of_workers_without_a_heartbeat_are_marked():
    """A live worker's task is left alone however long it runs; a task whose worker's heartbeat
    stopped, or whose worker never had one, is marked failed; a finished task is not touched."""
    now = timezone.now()
    long_ago = now - timedelta(hours=3)
    WorkerHeartbeat.objects.create(worker_id="alive", seen_at=now)
    stopped = now - WORKER_STALE_AFTER - timedelta(seconds=1)
    WorkerHeartbeat.objects.create(worker_id="gone", pid=4242, host="node1", seen_at=stopped)
    live, dead, unknown = running("alive", long_ago), running("gone", long_ago), running("?", now)
    done = running("gone", long_ago)
    DBTaskResult.objects.filter(pk=done.pk).update(status="SUCCESSFUL")
    marked = worker.fail_tasks_of_stopped_workers()
    assert [r.pk for r in marked] == [dead.pk]
    dead.refresh_from_db()
    assert dead.status == "FAILED" and "node1, process 4242" in dead.traceback
    assert DBTaskResult.objects.get(pk=live.pk).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=unknown.pk).status == "RUNNING"  # started just now
    assert DBTaskResult.objects.get(pk=done.pk).status == "SUCCESSFUL"
    with time_machine.travel(now + WORKER_STALE_AFTER + timedelta(seconds=1), tick=False):
        assert {r.pk for r in worker.fail_tasks_of_stopped_workers()} == {live.pk, unknown.pk}
    assert "no heartbeat since" in DBTaskResult.objects.get(pk=unknown.pk).traceback


@pytest.mark.django_db
def test_the_heartbeat_thread_beats_while_the_worker_works(monkeypatch):
    """The thread beats on its own (a long task does not stop it); a failed beat is tried again."""
    worker.beat("thread-test")
    assert WorkerHeartbeat.objects.get(worker_id="thread-test").pid == os.getpid()
    beats = []

    def beat(worker_id):
        beats.append(worker_id)
        if len(beats) == 1:
            raise RuntimeError("the database is away")

    monkeypatch.setattr(worker, "beat", beat)
    beating = worker.Heartbeat("thread-test", every=0.05)
    beating.start()
    try:
        wait_for(lambda: len(beats) >= 3, 10, "beats from the thread")
    finally:
        beating.stop()
    assert not beating.is_alive() and set(beats) == {"thread-test"}
