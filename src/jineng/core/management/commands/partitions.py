"""`jineng partitions`: the monthly partitions of the append-only tables (core.partitions).

jineng partitions ensure [--months-ahead N] [--today YYYY-MM-DD]
    create this month's partitions and the next N months' (3), and give every month whose rows
    wait in a default partition its own; idempotent, prints one JSON line of what it did
jineng partitions status [--check]
    each partitioned table's partitions and their rows (--check: exit 1 while a default
    partition holds rows, i.e. `ensure` is due)

On SQLite there is nothing to partition: both say so and change nothing.
"""

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from jineng.core import partitions
from jineng.core.management.prerequisites import require_migrated


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today: {text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Create the coming months' partitions (PostgreSQL), or show them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ensure = sub.add_parser("ensure", help="create this and the coming months' partitions")
        ensure.add_argument("--months-ahead", type=int, default=partitions.MONTHS_AHEAD)
        ensure.add_argument("--today", type=_day, default=None, help="YYYY-MM-DD (default today)")
        status = sub.add_parser("status", help="partitions and their rows")
        status.add_argument("--check", action="store_true",
                            help="exit 1 while a default partition holds rows")  # fmt: skip

    def handle(self, *args, action, **options):
        require_migrated()
        if not partitions.is_postgresql():
            self.stdout.write(json.dumps({"partitioned": False,
                                          "reason": "the database is not PostgreSQL"}))  # fmt: skip
            return
        getattr(self, action)(**options)

    def ensure(self, months_ahead, today, **options):
        if not 0 <= months_ahead <= 120:
            raise CommandError("--months-ahead: between 0 and 120")
        done = partitions.ensure(today=today, months_ahead=months_ahead)
        self.stdout.write(json.dumps(done, ensure_ascii=False))

    def status(self, check=False, **options):
        waiting = 0
        for table in partitions.status():
            self.stdout.write(f"{table['table']} (by {table['column']})")
            for part in table["partitions"]:
                self.stdout.write(f"  {part['name']:40} {part['bounds']:70} {part['rows']}")
                if part["bounds"] == "DEFAULT":
                    waiting += part["rows"]
        if check and waiting:
            self.stderr.write(
                f"{waiting} rows wait in default partitions: run `jineng partitions ensure`"
            )
            sys.exit(1)
