"""Background tasks of the core, run by `jineng worker`."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task

from jineng.core.models import LoginFailure


@task()
def purge_expired_security_records() -> dict[str, int]:
    """Delete login failures past the lockout period and sessions past their expiry.

    Neither is evidence: failed logins are in the audit log already, with their address.
    """
    now = timezone.now()
    failures, _ = LoginFailure.objects.filter(at__lt=now - settings.LOCKOUT_PERIOD).delete()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    return {"login_failures": failures, "sessions": sessions}


@task()
def run_import_job(job_id: int) -> dict:
    """Run one queued import (core.jobs); its report is kept on the job."""
    from jineng.core.jobs import run_job
    from jineng.core.models import ImportJob

    job = run_job(ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id))
    return {"status": job.status, "rows": job.rows_read}


@task()
def ensure_partitions() -> dict:
    """`jineng partitions ensure` for a worker: the coming months' partitions (PostgreSQL)."""
    from jineng.core.partitions import ensure

    return ensure()
