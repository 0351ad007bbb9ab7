"""`jineng reports cadence [--today D] [--enqueue]`: do what the cadence says is due (the daily
snapshot, the weekly, monthly, quarterly and performance reports not kept yet), once; run it
daily from cron. `jineng reports generate KIND --region CODE [--from D --to D]`: one report
now. Each prints one JSON line."""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jineng.core import audit
from jineng.core.management.arguments import iso_date
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.reports import schedule, services
from jineng.reports.models import ReportKind
from jineng.reports.tasks import run_cadence


class Command(BaseCommand):
    help = "Reports of the cadence: run what is due, or generate one now."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        cadence = sub.add_parser("cadence", help="do what is due today and not kept yet")
        cadence.add_argument(
            "--today", type=iso_date, help="the day to run for (YYYY-MM-DD; catch-up)"
        )
        cadence.add_argument("--enqueue", action="store_true", help="let the worker do it")
        one = sub.add_parser("generate", help="generate one report now")
        one.add_argument("kind", choices=ReportKind.values)
        one.add_argument("--region", required=True, help="the bureau's region code")
        one.add_argument("--from", dest="start", type=iso_date, help="first day (YYYY-MM-DD)")
        one.add_argument("--to", dest="end", type=iso_date, help="last day (YYYY-MM-DD)")

    def handle(self, *args, action, **options):
        today = options.get("today") or timezone.localdate()
        if action == "cadence":
            if options["enqueue"]:
                run_cadence.enqueue(today.isoformat())
                self.stdout.write(json.dumps({"enqueued": today.isoformat()}))
                return
            self.stdout.write(json.dumps(services.run_cadence(today)))
            return
        region = Organisation.objects.filter(code=options["region"], kind=OrgKind.BUREAU).first()
        if region is None:
            raise CommandError(f"no bureau has the region code {options['region']}")
        start, end = options.get("start"), options.get("end")
        if start is None or end is None:
            start, end = {
                ReportKind.WEEKLY: schedule.last_week,
                ReportKind.MONTHLY: schedule.last_month,
                ReportKind.QUARTERLY: schedule.last_quarter,
                ReportKind.PERFORMANCE: lambda d: (date(d.year, 1, 1), date(d.year, 9, 30)),
            }[options["kind"]](today)
        try:
            with audit.system_context("command:reports generate"):
                report = services.generate(options["kind"], region, start, end)
        except ValidationError as problem:
            raise CommandError(" ".join(problem.messages)) from None
        self.stdout.write(json.dumps({"id": report.pk, "kind": report.kind, "region": region.code,
                                      "from": str(start), "to": str(end)}))  # fmt: skip
