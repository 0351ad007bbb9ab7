"""Imports as background jobs: the upload is stored encrypted, the task worker runs it through
the one pipeline, the page and the API follow its progress and fetch its report.

A job whose worker died half-way can simply be run again: rows are keyed, so what was stored
is found unchanged and every valid row ends up stored exactly once. The worker saves a heartbeat
when it starts and after every chunk it commits, so a dead worker is noticed: a running job
without a heartbeat for a minute shows as interrupted (`ImportJob.interrupted`).
"""

import os
import resource
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.core import audit, crypto, writes
from jineng.core.imports import (
    SPECS,
    ImportFileError,
    ImportOptions,
    run_import,
    write_error_report,
)
from jineng.core.models import HEARTBEAT_STALE_AFTER, AuditAction, ImportJob, ImportStatus
from jineng.core.roles import has_capability

OPTION_NAMES = ("dry_run", "all_or_nothing", "update")


def check_may_import(user, kind: str) -> None:
    spec = SPECS.get(kind)
    if spec is None or not has_capability(user, spec.capability):
        raise PermissionDenied(_("Your role cannot import this kind of file."))


def check_upload_size(size: int) -> None:
    """One limit for every file uploaded to import, from the page or the API (and again here in
    start_import): settings.IMPORT_MAX_MB."""
    limit = settings.IMPORT_MAX_MB
    if size > limit * 2**20:
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": limit}, code="too_large"
        )


@transaction.atomic
def start_import(
    user, kind: str, data: bytes, filename: str, *, target: int | None = None, **options: bool
) -> ImportJob:
    """Store the upload (encrypted) and queue it for the worker once the transaction commits.
    `target` is the record the rows go into, for kinds that import into one (a class's
    timetable or roster); the spec checks it against the user's scope when the job runs."""
    check_may_import(user, kind)
    check_upload_size(len(data))
    stored = {name: bool(options.get(name)) for name in OPTION_NAMES}
    if target is not None:
        stored["target"] = int(target)
    job = writes.create(
        ImportJob(
            kind=kind, filename=filename[:200], content=crypto.encrypt_bytes(data, "import"),
            options=stored,
            organisation=user.organisation, created_by=user, request_id=audit.current().request_id,
        ),
        validate=False,
    )  # fmt: skip
    transaction.on_commit(lambda: enqueue(job))
    return job


@transaction.atomic
def rerun(job: ImportJob) -> None:
    """Run a job again: one that failed, was interrupted or is done; not one still running."""
    job.refresh_from_db()
    if job.status == ImportStatus.RUNNING and not job.interrupted:
        raise ValidationError(
            _("This import is still running: run it again only if it shows as interrupted.")
        )
    writes.update(job, status=ImportStatus.QUEUED, message=_("run again"), validate=False)
    transaction.on_commit(lambda: enqueue(job))


IMPORT_TASK = "jineng.core.tasks.run_import_job"


def requeue_cut_short(task_path: str, args: list) -> bool:
    """The worker running an import lost the database half-way (core.worker): queue the job
    again at once, without waiting for its heartbeat to go stale. False for other tasks."""
    if task_path != IMPORT_TASK:
        return False
    with audit.system_context("task:resume"), transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=args[0])
        if job.status in (ImportStatus.RUNNING, ImportStatus.QUEUED):
            _queue_again(job)
    return True


def requeue_interrupted() -> list[ImportJob]:
    """Queue again every import job whose worker died (running, no heartbeat for
    HEARTBEAT_STALE_AFTER): called by the workers (core.worker) when they start and then now
    and then, so such a job completes without anyone pressing "run again". Not a job run in
    one transaction (`one_transaction`)."""
    stale = timezone.now() - HEARTBEAT_STALE_AFTER
    requeued = []
    for pk in ImportJob.objects.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True):
        with audit.system_context("task:resume"), transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=pk)
            if (
                job.status == ImportStatus.RUNNING
                and (job.heartbeat_at or job.created_at) < stale
                and not one_transaction(job)
            ):
                _queue_again(job)
                requeued.append(job)
    return requeued


def one_transaction(job: ImportJob) -> bool:
    """A trial or all-or-nothing run holds one transaction: its heartbeats are seen only at its
    end, so a long one looks stale while it works. Such a job is never queued again by itself
    (it would run twice side by side); its page offers "run again" once it shows interrupted."""
    return bool(job.options.get("dry_run") or job.options.get("all_or_nothing"))


def _queue_again(job: ImportJob) -> None:
    writes.update(job, status=ImportStatus.QUEUED, message=_("run again"), validate=False)
    transaction.on_commit(lambda: enqueue(job))


def enqueue(job: ImportJob) -> None:
    from jineng.core.tasks import run_import_job

    run_import_job.enqueue(job.pk)


def run_job(job: ImportJob) -> ImportJob:
    """Run (or run again) a job: progress is saved after every chunk the pipeline commits."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, rows_read=0, heartbeat_at=timezone.now()
    )
    flags = {name: job.options[name] for name in OPTION_NAMES if name in job.options}
    options = ImportOptions(
        **flags,
        context={
            # The bureau whose registry rows go into: the importer's own, or the nearest above
            # their institution or evaluation organisation. The job itself stays filed under the
            # importer's organisation, so they can follow it.
            "organisation": job.organisation.nearest_bureau() or job.organisation,
            "user": job.created_by,
            "source": f"import:{job.filename}",
            "target": job.options.get("target"),
        },
    )

    def progress(rows: int) -> None:
        # After each committed chunk: the rows read so far and a sign that the worker lives.
        # (A trial or all-or-nothing run holds one transaction, so both show only at its end.)
        ImportJob.objects.filter(pk=job.pk).update(rows_read=rows, heartbeat_at=timezone.now())

    data = crypto.decrypt_bytes(job.content, "import")
    with audit.audit_context(actor=job.created_by, request_id=job.request_id or None):
        try:
            with memory_limit(settings.IMPORT_MEMORY_MB):
                report = run_import(
                    SPECS[job.kind], data, job.filename, options=options, progress=progress
                )
                errors = crypto.encrypt_bytes(write_error_report(report), "import-errors")
        except ImportFileError as problem:
            return _finish(job, ImportStatus.FAILED, message=str(problem))
        except MemoryError:
            message = _("The file needs more memory than an import may use: split it into "
                        "smaller files.")  # fmt: skip
            return _finish(job, ImportStatus.FAILED, message=message)
        except Exception:
            # A fault of ours: the job says so rather than stay "running"; the worker logs the
            # traceback and keeps it on the task result, both masked (core.logging, signals).
            _finish(job, ImportStatus.FAILED, message=_("An internal error occurred. It has "
                                                        "been logged."))  # fmt: skip
            raise
        summary = {
            **report.as_dict(),
            "summary": report.summary(),
            "rejected_rows": [[r.row, r.column, r.message] for r in report.rejected],
        }
        return _finish(
            job, ImportStatus.DONE, report=summary, error_report=errors, rows_read=report.rows
        )


@contextmanager
def memory_limit(megabytes: int):
    """Let the work inside use at most `megabytes` more address space than the process holds
    (RLIMIT_AS, Linux), then put the worker's own limit back. Past it an allocation fails with
    MemoryError, which ends the job rather than the machine's memory. 0: no limit."""
    if not megabytes:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    pages = int(open("/proc/self/statm").read().split()[0])  # noqa: SIM115  the size, in pages
    budget = pages * os.sysconf("SC_PAGE_SIZE") + megabytes * 2**20
    if soft != resource.RLIM_INFINITY:
        budget = min(budget, soft)
    resource.setrlimit(resource.RLIMIT_AS, (budget, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _finish(job: ImportJob, status: str, **values) -> ImportJob:
    """Progress updates are bookkeeping; the end of a job is a fact, and goes to the audit log."""
    ImportJob.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **values)
    job.refresh_from_db()
    counts = job.report and {k: job.report[k] for k in ("rows", "created", "updated", "rejected")}
    audit.record(
        AuditAction.UPDATE, job, after={"status": status, **(counts or {})}, message=job.message
    )
    return job


def error_report_of(job: ImportJob) -> bytes:
    return crypto.decrypt_bytes(job.error_report, "import-errors") if job.error_report else b""
