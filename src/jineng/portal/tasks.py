"""Background tasks of the portal, run by `jineng worker`."""

from datetime import date

from django_tasks import task

from jineng.core import audit
from jineng.portal import services


@task()
def remind_class_starts(today: str | None = None) -> dict[str, int]:
    """Tell each worker whose class starts tomorrow (daily; see docs/portal.md). `today` (ISO
    date) is for catching up a missed day; a worker already told is not told again."""
    with audit.system_context("task:remind_class_starts"):
        told = services.remind_class_starts(date.fromisoformat(today) if today else None)
    return {"told": told}
