"""Demo reports: yesterday's snapshot and the city's last weekly dispatch table and monthly
summary, as the daily cron run would have kept them, so /reports/ has files to open at once.
Idempotent: a report already kept for its period is not made again."""

from datetime import timedelta

from django.utils import timezone

from jineng.core.models import Organisation
from jineng.reports import schedule, services, snapshot
from jineng.reports.models import Report, ReportKind

CITY = "411400"


def load() -> dict[str, int]:
    today = timezone.localdate()
    snapshot.take(today - timedelta(days=1))
    city = Organisation.objects.get(code=CITY)
    made = 0
    for kind, period in ((ReportKind.WEEKLY, schedule.last_week),
                         (ReportKind.MONTHLY, schedule.last_month)):  # fmt: skip
        start, end = period(today)
        kept = Report.objects.filter(kind=kind, region=city, period_start=start, period_end=end)
        if not kept.exists():
            services.generate(kind, city, start, end, on_schedule=True)
            made += 1
    return {"reports": made}
