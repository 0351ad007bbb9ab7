"""`jineng backup PATH [--keys-to FILE]`: a consistent copy of the database while it runs
(SQLite's online backup API, or pg_dump's custom format), never holding the data key.

The personal data in it stays sealed; the keys are written only with --keys-to, to a file of
their own (mode 0600) outside the backup's directory. docs/operations.md says how to keep both.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jineng.core import audit, backup
from jineng.core.management.prerequisites import require_migrated
from jineng.core.models import AuditAction

REMINDER = (
    "the backup holds personal data sealed, not the data key: keep JINENG_DATA_KEY (and "
    "JINENG_DATA_KEYS_OLD, JINENG_CRYPTO) safe and apart, or the restored personal data "
    "cannot be read (`--keys-to FILE` writes them to a file of their own)"
)


class Command(BaseCommand):
    help = "Back up the database to a file (without the keys, which stay apart)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to write (must not exist)")
        parser.add_argument(
            "--keys-to",
            metavar="FILE",
            help="also write the data keys to FILE (mode 0600), outside the backup's directory",
        )

    def handle(self, *args, path, keys_to=None, **options):
        require_migrated()
        target = Path(path)
        try:
            if keys_to:  # refused before anything is written when it is misplaced
                backup.check_keys_path(Path(keys_to), target)
            written = backup.backup(target)
            if keys_to:
                backup.write_keys(Path(keys_to), written)
        except backup.BackupError as problem:
            raise CommandError(str(problem)) from None
        with audit.system_context("command:backup"):
            audit.record(AuditAction.UPDATE, message=f"database backed up to {written.name}")
        self.stdout.write(f"backup written: {written} ({written.stat().st_size} bytes)")
        if keys_to:
            self.stdout.write(f"keys written apart: {Path(keys_to).resolve()}")
        else:
            self.stderr.write(REMINDER)
