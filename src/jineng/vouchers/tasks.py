"""Background tasks of the vouchers, run by `jineng worker`."""

from datetime import date

from django_tasks import task

from jineng.core import audit
from jineng.vouchers import services


@task()
def expire_vouchers(today: str | None = None) -> dict[str, int]:
    """Every issued or claimed voucher past its validity becomes expired (daily; see
    docs/operations.md). `today` (ISO date) is for catching up a missed day."""
    with audit.system_context("task:expire_vouchers"):
        expired = services.expire_due(date.fromisoformat(today) if today else None)
    return {"expired": expired}
