"""Background tasks of the cadence, run by `jineng worker`."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from jineng.core import audit
from jineng.core.models import Organisation, User
from jineng.reports import services


@task()
def run_cadence(today: str | None = None) -> dict:
    """What the schedule says is due today (reports.schedule), done once."""
    return services.run_cadence(date.fromisoformat(today) if today else timezone.localdate())


@task()
def generate_report(kind: str, region_id: int, start: str, end: str, user_id: int | None) -> int:
    """A report asked for on the reports page ("generate now"), made by the worker as its user."""
    region = Organisation.objects.get(pk=region_id)
    user = User.objects.get(pk=user_id) if user_id else None
    context = audit.audit_context(actor=user) if user else audit.system_context("task:report")
    with context:
        report = services.generate(kind, region, date.fromisoformat(start), date.fromisoformat(end))
    return report.pk
