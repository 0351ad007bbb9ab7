"""`jineng worker`: django-tasks' database worker, made to outlive the database.

The worker of django-tasks-db dies on the first database error it meets. This one waits the
database out: on an error that says the database cannot be reached (core.availability) it drops
its connections, waits (0.5 s, doubling up to BACKOFF_MAX) and tries again, never spinning on a
broken connection. A task the outage cut short is recorded as failed and queued again once the
database answers (an import job runs again at once: its rows are keyed, so what was stored is
found unchanged). An import job whose worker died (no heartbeat for
`core.models.HEARTBEAT_STALE_AFTER`) is queued again by any worker, which looks for such jobs
when it starts and then every STALE_SWEEP_EVERY.

A task row of any kind (django-tasks-db's DBTaskResult) whose worker was killed would stay
"running" for ever: each worker keeps a heartbeat (core.WorkerHeartbeat, saved by a thread of
its own every HEARTBEAT_EVERY, whatever the task does) and the same sweep marks failed, with the
reason on the row (WorkerStopped: which worker, since when), every running task whose worker's
heartbeat stopped for WORKER_STALE_AFTER. An import's task is only marked: its job is queued
again by the job sweep above; other tasks are not run again by themselves (a report asked for
would be made twice), the failed row says why, and the schedule or the user runs them again."""

import contextlib
import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.db import OperationalError, close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from jineng.core import jobs
from jineng.core.availability import is_database_unavailable
from jineng.core.models import HEARTBEAT_STALE_AFTER, WORKER_STALE_AFTER, WorkerHeartbeat

logger = logging.getLogger("jineng.worker")
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 10.0
STALE_SWEEP_EVERY = HEARTBEAT_STALE_AFTER / 2
HEARTBEAT_EVERY = HEARTBEAT_STALE_AFTER / 4


class DatabaseOutage(Exception):
    """Stored on a task result that a database outage cut short (it was queued again)."""


class WorkerStopped(Exception):
    """Stored on a task result whose worker stopped (killed, the machine down) while running it."""


def beat(worker_id: str) -> None:
    """Save that the worker is alive now."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, host=socket.gethostname()[:255], pid=os.getpid(),
            started_at=now, seen_at=now,
        )  # fmt: skip


class Heartbeat(threading.Thread):
    """The worker's heartbeat, from a thread with its own database connection, so that a task
    running for hours still shows its worker alive. A failed save (the database away, SQLite
    busy) is tried again at the next beat."""

    def __init__(self, worker_id: str, every: float):
        super().__init__(name=f"heartbeat-{worker_id[:8]}", daemon=True)
        self.worker_id, self.every = worker_id, every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    beat(self.worker_id)
                except Exception as error:  # noqa: BLE001 - any fault: try at the next beat
                    logger.debug("heartbeat not saved: %s", type(error).__name__)
                    ResilientWorker.drop_connections()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 5)


def fail_tasks_of_stopped_workers() -> list[DBTaskResult]:
    """Mark failed every running task whose worker has had no heartbeat for WORKER_STALE_AFTER
    (or never had one, and started the task that long ago), with the reason; the rows marked."""
    stale = timezone.now() - WORKER_STALE_AFTER
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=stale).values_list("worker_id", flat=True)
    )
    marked = []
    running = DBTaskResult.objects.running().filter(started_at__lt=stale)
    for pk in running.values_list("pk", flat=True):
        with transaction.atomic():
            result = DBTaskResult.objects.select_for_update().filter(pk=pk).first()
            if result is None or result.status != TaskResultStatus.RUNNING:
                continue
            worker = result.worker_ids[-1] if result.worker_ids else ""
            if worker in alive:
                continue
            seen = WorkerHeartbeat.objects.filter(worker_id=worker).first()
            since = seen.seen_at if seen else result.started_at
            where = f" ({seen.host}, process {seen.pid})" if seen else ""
            result.set_failed(
                WorkerStopped(
                    f"the worker {worker or '?'}{where} running this task stopped: no heartbeat "
                    f"since {since.isoformat(timespec='seconds')}"
                )
            )
        marked.append(result)
    # Heartbeats of workers gone for a day: nothing refers to them any more.
    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    return marked


class ResilientWorker(Worker):
    def __init__(self, **options):
        super().__init__(**options)
        self.cut_short: list = []  # ids of the task results an outage interrupted
        self.next_sweep = 0.0

    def run(self) -> None:
        logger.info("worker %s started", self.worker_id)
        heartbeat = Heartbeat(self.worker_id, HEARTBEAT_EVERY.total_seconds())
        try:
            with contextlib.suppress(Exception):  # the database may be away: the thread retries
                beat(self.worker_id)
            heartbeat.start()
            self.work()
        finally:
            heartbeat.stop()
            with contextlib.suppress(Exception):
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def work(self) -> None:
        delay = BACKOFF_FIRST
        while self.running:
            try:
                self.recover()
                ran = self.run_one()
                delay = BACKOFF_FIRST
            except Exception as error:
                if not is_database_unavailable(error):
                    raise
                first_line = (str(error).strip().splitlines() or [""])[0]
                logger.warning("database unavailable (%s): trying again in %.1f s",
                               first_line, delay)  # fmt: skip
                self.drop_connections()
                time.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            if ran is None and self.batch:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and ran is None:
                time.sleep(self.interval)

    def run_one(self):
        """Claim and run the next ready task; None when there is none."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except OperationalError as error:
            if error.args and is_locked_database_exception(error):
                return None  # SQLite busy: try again at the next poll
            raise
        if task_result is None:
            return None
        try:
            self.run_task(task_result)
        except Exception as error:
            # The task failed, and recording it failed too: the database went away meanwhile.
            if is_database_unavailable(error):
                self.cut_short.append(task_result.id)
            raise
        close_old_connections()
        return task_result

    def recover(self) -> None:
        """Once the database answers: requeue what an outage cut short, and (now and then) the
        import jobs of workers that died."""
        while self.cut_short:
            result = DBTaskResult.objects.get(id=self.cut_short[0])
            if result.status == TaskResultStatus.RUNNING:
                result.set_failed(DatabaseOutage("the database became unavailable"))
                if not jobs.requeue_cut_short(result.task_path, result.args_kwargs["args"]):
                    result.task.using(queue_name=result.queue_name).enqueue(
                        *result.args_kwargs["args"], **result.args_kwargs["kwargs"]
                    )
                logger.info("task %s was cut short by the outage: queued again", result.id)
            self.cut_short.pop(0)
        now = time.monotonic()
        if now >= self.next_sweep:
            self.next_sweep = now + STALE_SWEEP_EVERY.total_seconds()
            for job in jobs.requeue_interrupted():
                logger.info("import job %s had no heartbeat: queued again", job.pk)
            for result in fail_tasks_of_stopped_workers():
                logger.warning("task %s (%s): its worker stopped: marked failed",
                               result.id, result.task_path)  # fmt: skip

    @staticmethod
    def drop_connections() -> None:
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(Exception):  # a broken connection may fail to close
                connection.close()
