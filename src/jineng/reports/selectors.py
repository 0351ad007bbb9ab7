"""Reads of the kept reports, always within the reader's scope: a reader sees the reports of
their bureau's region and of the regions under it (a county reviewer its county's only)."""

from django.db.models import QuerySet

from jineng.core.filters import run
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.core.scope import scoped
from jineng.reports.filters import ReportFilter
from jineng.reports.models import Report


def reports_for(user) -> QuerySet[Report]:
    return scoped(user, Report.objects.select_related("region")).defer("xlsx", "pdf")


def report_list(user, filters=None) -> QuerySet[Report]:
    return run(ReportFilter, reports_for(user), filters).order_by(
        "-period_end", "kind", "region__path", "-generated_at"
    )


def regions_for(user) -> QuerySet[Organisation]:
    """The bureaus a user may generate reports for: their own region's and those under it."""
    return scoped(user, Organisation.objects.filter(kind=OrgKind.BUREAU)).order_by("path")
