"""`jineng restore PATH`: a backup of `jineng backup` into the configured database, which must
be empty (a database with tables is refused, never overwritten)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jineng.core import audit, backup
from jineng.core.models import AuditAction


class Command(BaseCommand):
    help = "Restore a backup into an empty database."
    requires_system_checks = []  # the database is empty until the restore is done

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file (SQLite or pg_dump custom format)")

    def handle(self, *args, path, **options):
        try:
            tables = backup.restore(Path(path))
        except backup.BackupError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(f"restored {tables} tables from {Path(path).resolve()}")
        missing = backup.unreadable_after_restore()
        if missing is None:
            self.stdout.write("the backup is of an older version: run `jineng migrate` now")
            return
        with audit.system_context("command:restore"):
            audit.record(AuditAction.UPDATE, message=f"database restored from {Path(path).name}")
        if missing:
            listed = ", ".join(f"{kid} ({count} values)" for kid, count in sorted(missing.items()))
            self.stderr.write(
                f"warning: personal data sealed with keys not configured here: {listed}; set "
                "JINENG_DATA_KEY / JINENG_DATA_KEYS_OLD to the keys kept with the backup"
            )
