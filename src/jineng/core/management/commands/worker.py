import logging

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS

from jineng.core.management.prerequisites import require_migrated


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks, database backend; core.worker)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")

    def handle(self, *args, **options):
        require_migrated()
        from jineng.core.worker import ResilientWorker

        logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        worker = ResilientWorker(
            queue_names=options["queue_name"].split(","), interval=options["interval"],
            batch=options["batch"], backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False, max_tasks=None, worker_id=get_random_string(32),
            excluded_queue_names=[],
        )  # fmt: skip
        worker.configure_signals()
        worker.run()
