from django.core.management import call_command
from django.core.management.base import BaseCommand

from jineng.core.management.prerequisites import require_migrated


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks, database backend)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")

    def handle(self, *args, **options):
        require_migrated()
        arguments = ["--queue-name", options["queue_name"], "--interval", str(options["interval"])]
        if options["batch"]:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
