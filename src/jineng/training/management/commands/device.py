"""`jineng device`: the reference attendance-device client (jineng.training.device_client)."""

from django.core.management.base import BaseCommand, CommandError

from jineng.training import device_client


class Command(BaseCommand):
    help = "The reference client of an attendance device that works offline (docs/devices.md)."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        device_client.configure_parser(parser)

    def handle(self, *args, **options):
        try:
            status = device_client.run(_Args(options), say=self.stdout.write)
        except device_client.ClientError as problem:
            raise CommandError(str(problem)) from None
        if status:
            raise CommandError("events are still queued: run `jineng device sync` again")


class _Args:
    def __init__(self, options: dict):
        self.__dict__.update(options)
