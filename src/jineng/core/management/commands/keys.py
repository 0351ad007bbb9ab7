"""`jineng keys`: the data key of personal data and its rotation (docs/operations.md).

jineng keys status [--check]   how many records each key and suite sealed, and how many are
                               still to rotate (--check: exit 1 while any is)
jineng keys rotate [--chunk N] re-seal and re-hash every record not under JINENG_DATA_KEY and
                               JINENG_CRYPTO; commits every chunk and prints its progress, so a
                               stopped run started again goes on where it stopped
jineng keys new                print a new data key (32 random bytes, URL-safe base64)
"""

import base64
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from jineng.core import crypto, keys
from jineng.core.management.prerequisites import require_migrated


class Command(BaseCommand):
    help = "Show or rotate the data key of personal data, or make a new one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="records per key, and how many are to rotate")
        status.add_argument(
            "--check", action="store_true", help="exit 1 while any record is to rotate"
        )
        rotate = sub.add_parser("rotate", help="re-seal every record with the current key")
        rotate.add_argument(
            "--chunk", type=int, default=keys.CHUNK, help="rows per committed chunk"
        )
        sub.add_parser("new", help="print a new JINENG_DATA_KEY")

    def handle(self, *args, action, **options):
        if action == "new":
            self.stdout.write(base64.urlsafe_b64encode(os.urandom(32)).decode())
            return
        require_migrated()
        try:
            crypto.ring().by_id()
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        getattr(self, action)(**options)

    def _keys_line(self) -> str:
        ring = crypto.ring()
        old = ", ".join(
            f"{crypto.key_id(material).hex()} ({'/'.join(suites)})" for suites, material in ring.old
        )
        return (
            f"current key {crypto.key_id(ring.current).hex()} ({ring.suite}); "
            f"old keys: {old or 'none'}"
        )

    def status(self, check=False, **options):
        self.stdout.write(self._keys_line())
        remaining = 0
        for model in keys.status():
            remaining += model.stale
            self.stdout.write(f"{model.label}: {model.rows} records, {model.stale} to rotate")
            for column in model.columns:
                for header, count in sorted(column.headers.items()):
                    self.stdout.write(f"  {column.column}: {count} {keys.describe(header)}")
        if remaining:
            self.stdout.write(
                f"{remaining} records still use an old key or suite: run `jineng keys rotate`"
            )
        else:
            self.stdout.write(
                "every record uses the current key: JINENG_DATA_KEYS_OLD can be emptied"
            )
        if check and remaining:
            sys.exit(1)

    def rotate(self, chunk, **options):
        if chunk < 1:
            raise CommandError("--chunk must be at least 1")
        self.stdout.write(self._keys_line())

        def progress(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        try:
            rewritten = keys.rotate(chunk=chunk, progress=progress)
        except keys.RotationError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(f"done: {rewritten} records re-sealed with the current key")
