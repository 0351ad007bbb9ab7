"""`jineng stats rollup [--from D --to D]`: recount the daily rollup of the statistics for a day
range (default: the current year up to today), and the indicators for the classes that ended in
that range or in the last rollup.indicator_recount_days() (late employment records);
idempotent. Prints one JSON line."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jineng.core import audit
from jineng.core.management.arguments import iso_date
from jineng.stats import rollup, services


class Command(BaseCommand):
    help = "Statistics: rebuild the daily rollups of the measures and the indicators."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser(
            "rollup",
            help=(
                "recount the daily rollup for a day range, and the indicators of classes that "
                "ended in it or within the longest indicator window of the packs (plus "
                f"{rollup.RECOUNT_MARGIN_DAYS} days)"
            ),
        )
        rebuild.add_argument("--from", dest="start", type=iso_date, help="first day (YYYY-MM-DD)")
        rebuild.add_argument("--to", dest="end", type=iso_date, help="last day (YYYY-MM-DD)")

    def handle(self, *args, action, **options):
        today = timezone.localdate()
        start = options.get("start") or date(today.year, 1, 1)
        end = options.get("end") or today
        if end < start:
            raise CommandError("--to is before --from")
        with audit.system_context("command:stats rollup"):
            written = services.rebuild_rollups(start, end, today=today)
        indicators = [
            [str(first), str(last) if last else None]
            for first, last in rollup.indicator_ranges(start, end, today)
        ]
        self.stdout.write(json.dumps({"from": str(start), "to": str(end),
                                      "indicators": indicators, "rows": written}))  # fmt: skip
