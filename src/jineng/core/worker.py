"""`jineng worker`: django-tasks' database worker, made to outlive the database.

The worker of django-tasks-db dies on the first database error it meets. This one waits the
database out: on an error that says the database cannot be reached (core.availability) it drops
its connections, waits (0.5 s, doubling up to BACKOFF_MAX) and tries again, never spinning on a
broken connection. A task the outage cut short is recorded as failed and queued again once the
database answers (an import job runs again at once: its rows are keyed, so what was stored is
found unchanged). An import job whose worker died (no heartbeat for
`core.models.HEARTBEAT_STALE_AFTER`) is queued again by any worker, which looks for such jobs
when it starts and then every STALE_SWEEP_EVERY."""

import contextlib
import logging
import time

from django.db import OperationalError, close_old_connections, connections
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from jineng.core import jobs
from jineng.core.availability import is_database_unavailable
from jineng.core.models import HEARTBEAT_STALE_AFTER

logger = logging.getLogger("jineng.worker")
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 10.0
STALE_SWEEP_EVERY = HEARTBEAT_STALE_AFTER / 2


class DatabaseOutage(Exception):
    """Stored on a task result that a database outage cut short (it was queued again)."""


class ResilientWorker(Worker):
    def __init__(self, **options):
        super().__init__(**options)
        self.cut_short: list = []  # ids of the task results an outage interrupted
        self.next_sweep = 0.0

    def run(self) -> None:
        logger.info("worker %s started", self.worker_id)
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

    @staticmethod
    def drop_connections() -> None:
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(Exception):  # a broken connection may fail to close
                connection.close()
