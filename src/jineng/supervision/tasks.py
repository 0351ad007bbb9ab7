"""Background tasks of the data comparison, run by `jineng worker`."""

from datetime import date

from django_tasks import task

from jineng.core import audit
from jineng.supervision import runs


@task()
def run_nightly(today: str | None = None) -> dict[str, dict]:
    """The nightly run over the recent data of every region (see docs/operations.md); `today`
    (ISO date) is for catching up a missed night."""
    with audit.system_context("task:supervision nightly"):
        return runs.nightly(date.fromisoformat(today) if today else None)
