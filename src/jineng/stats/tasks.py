"""Background tasks of the statistics, run by `jineng worker`."""

from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task

from jineng.core import audit
from jineng.stats import services


@task()
def rebuild_rollup(start: str | None = None, end: str | None = None) -> dict[str, int]:
    """Recount the daily rollup for start..end (ISO days); by default the last 40 days, which
    takes in late certificates and completions of the weeks before. The indicators are
    recounted for start..end and, whatever the range, for the classes that ended in the last
    rollup.indicator_recount_days() (the packs' longest window + 30 days: late employment
    records)."""
    today = timezone.localdate()
    first = date.fromisoformat(start) if start else today - timedelta(days=40)
    last = date.fromisoformat(end) if end else today
    with audit.system_context("task:stats rollup"):
        return services.rebuild_rollups(first, last)
