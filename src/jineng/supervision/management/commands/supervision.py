"""`jineng supervision run --region CODE --from D --to D`: run the checks of the data comparison
(004 §五(六)) over a bureau's region and a period; `jineng supervision nightly [--today D]`: the
nightly runs (docs/operations.md). Each prints one JSON line of the counts per check."""

import json

from django.core.management.base import BaseCommand, CommandError

from jineng.core import audit
from jineng.core.management.arguments import iso_date
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.supervision import runs, services


class Command(BaseCommand):
    help = "Supervision (数据比对): run the checks over a region and period, or the nightly runs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="run every check over a bureau's region and a period")
        run.add_argument("--region", required=True, help="the bureau's region code, e.g. 411400")
        run.add_argument("--from", dest="start", required=True, type=iso_date,
                         help="first day (YYYY-MM-DD)")  # fmt: skip
        run.add_argument("--to", dest="end", required=True, type=iso_date,
                         help="last day (YYYY-MM-DD)")  # fmt: skip
        nightly = sub.add_parser("nightly", help="every region over the recent days")
        nightly.add_argument("--today", type=iso_date, help="the night's day (YYYY-MM-DD)")

    def handle(self, *args, action, **options):
        if action == "nightly":
            with audit.system_context("command:supervision nightly"):
                counts = runs.nightly(options.get("today"))
            self.stdout.write(json.dumps(counts, ensure_ascii=False))
            return
        start, end = options["start"], options["end"]
        if end < start:
            raise CommandError("--to is before --from")
        region = Organisation.objects.filter(kind=OrgKind.BUREAU, code=options["region"]).first()
        if region is None:
            raise CommandError(f"no bureau of region {options['region']!r}")
        with audit.system_context("command:supervision run"):
            run = services.run_checks(region, start, end)
        pack = run.pack and f"{run.pack.pack_id} v{run.pack.version}"
        answer = {"run": run.pk, "region": region.code, "pack": pack, "counts": run.counts}
        self.stdout.write(json.dumps(answer, ensure_ascii=False))
