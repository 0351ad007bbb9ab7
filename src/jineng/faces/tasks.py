"""Background tasks of face verification, run by `jineng worker` (or `jineng faces purge` from
cron, docs/faces.md)."""

from datetime import date

from django_tasks import task

from jineng.core import audit
from jineng.faces import services


@task()
def purge_expired(today: str | None = None) -> dict[str, int]:
    """Delete the templates whose retention has passed after the person's last class (daily).
    `today` (ISO date) is for catching up a missed day."""
    with audit.system_context("task:faces purge"):
        deleted = services.purge_expired(date.fromisoformat(today) if today else None)
    return {"deleted": deleted}
