"""Writes of the cadence: generating a report (on schedule or on demand) and the scheduled run.

Fail closed: generating needs `reports.generate` (or the system's named work), and a user
generates only for a region within their own; every report is recorded in the audit log.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.core import audit, crypto, writes
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.reports import content, files, schedule, snapshot
from jineng.reports.models import Report, ReportKind
from jineng.stats.services import rebuild_rollups

NOT_ALLOWED = gettext_lazy("Your role cannot generate reports.")
XLSX_FIELD, PDF_FIELD = "report-xlsx", "report-pdf"
ROLLUP_DAYS = 40  # as stats.tasks.rebuild_rollup: late certificates and completions


def _check_region(region: Organisation) -> None:
    if region.kind != OrgKind.BUREAU:
        raise ValidationError(_("A report is made for a bureau's region."))
    user = acting_user()
    if user is not None and not scoped(user, Organisation.objects.filter(pk=region.pk)).exists():
        raise PermissionDenied(_("This region is not yours."))


def generate(kind: str, region: Organisation, start: date, end: date, *,
             on_schedule: bool = False) -> Report:  # fmt: skip
    """Make a report of `kind` for the region and period, and keep it (files encrypted)."""
    require_capability(Capability.GENERATE_REPORTS, NOT_ALLOWED)
    if kind not in ReportKind.values:
        raise ValidationError(_("Unknown kind of report: %(kind)s") % {"kind": kind})
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    _check_region(region)
    built = content.build(kind, region, start, end)
    xlsx, pdf = files.xlsx(built), files.pdf(built)
    with transaction.atomic():
        return writes.create(
            Report(
                kind=kind, period_start=start, period_end=end, region=region,
                generated_at=timezone.now(), generated_by=acting_user(),
                generated_by_label=audit.current().label(), on_schedule=on_schedule,
                xlsx=crypto.encrypt_bytes(xlsx, XLSX_FIELD),
                pdf=crypto.encrypt_bytes(pdf, PDF_FIELD),
            ),
            validate=False,
        )  # fmt: skip


def file_of(report: Report, fmt: str) -> bytes:
    if fmt == "xlsx":
        return crypto.decrypt_bytes(report.xlsx, XLSX_FIELD)
    return crypto.decrypt_bytes(report.pdf, PDF_FIELD)


def scheduled_regions():
    """The regions the schedule reports on: every bureau (province, cities, counties)."""
    return list(Organisation.objects.filter(kind=OrgKind.BUREAU).order_by("path"))


def run_cadence(today: date, regions=None) -> dict:
    """Do what is due on `today` (schedule.due) and not kept yet: the rollup recounted for the
    last weeks and yesterday's snapshot taken, then each report due. Idempotent."""
    regions = scheduled_regions() if regions is None else list(regions)
    done = {"snapshot": None, "reports": []}
    with audit.system_context("task:reports cadence"):
        for item, region in schedule.due(today, regions):
            if item.kind == "snapshot":
                rebuild_rollups(date.fromordinal(item.end.toordinal() - ROLLUP_DAYS), item.end)
                done["snapshot"] = snapshot.take(item.end).day.isoformat()
                continue
            report = generate(item.kind, region, item.start, item.end, on_schedule=True)
            done["reports"].append(
                {"id": report.pk, "kind": item.kind, "region": region.code,
                 "from": item.start.isoformat(), "to": item.end.isoformat()}
            )  # fmt: skip
    return done
