"""Demo statistics: the daily rollup counted from the other demos' classes and certificates
(last year to today), as the worker's task would, so /stats/ shows figures at once."""

from datetime import date

from django.utils import timezone

from jineng.stats import services


def load() -> dict[str, int]:
    today = timezone.localdate()
    written = services.rebuild_rollups(date(today.year - 1, 1, 1), today)
    return {"daily_counts": sum(written.values())}
