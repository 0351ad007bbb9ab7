"""Pages of the cadence: the kept reports (within the reader's region) with their downloads,
"generate now", and the weekly dispatch table of the reader's region as of a day."""

from datetime import date

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404
from jineng.core.views import capability_required, filtered, page_of
from jineng.reports import dispatch, selectors, services
from jineng.reports.filters import ReportFilter
from jineng.reports.forms import GenerateForm
from jineng.reports.models import Report
from jineng.reports.tasks import generate_report
from jineng.stats.measures import MEASURES

TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@capability_required(Capability.VIEW_REPORTS)
def report_list(request):
    form, queryset = filtered(request, ReportFilter, selectors.report_list)
    context = {"page": page_of(request, queryset), "form": form}
    if has_capability(request.user, Capability.GENERATE_REPORTS):
        context["generate"] = GenerateForm(selectors.regions_for(request.user))
    return render(request, "reports/list.html", context)


@capability_required(Capability.VIEW_REPORTS, missing_is_404=True)
def download(request, pk: int, fmt: str):
    if fmt not in TYPES:
        raise Http404
    report: Report = get_scoped_or_404(request.user, selectors.reports_for(request.user), pk=pk)
    return file_response(report, fmt)


def file_response(report: Report, fmt: str) -> HttpResponse:
    """A kept report's file as an attachment: the page's download and the API's alike."""
    report = Report.objects.select_related("region").get(pk=report.pk)  # with its files
    response = HttpResponse(services.file_of(report, fmt), content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report.filename(fmt)}"'
    return response


@require_POST
@capability_required(Capability.GENERATE_REPORTS)
def generate(request):
    form = GenerateForm(selectors.regions_for(request.user), request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("reports:list")
    data = form.cleaned_data
    result = generate_report.enqueue(
        data["kind"], data["region"].pk, data["start"].isoformat(), data["end"].isoformat(),
        request.user.pk,
    )  # fmt: skip
    messages.success(request, _("The report is being generated; it appears in the list when done."))
    if getattr(result, "errors", None):
        messages.error(request, _("The report could not be generated."))
    return redirect("reports:list")


class DispatchForm(forms.Form):
    day = forms.DateField(required=False)


@capability_required(Capability.VIEW_REPORTS)
def dispatch_table(request):
    form = DispatchForm(request.GET)
    day = (form.is_valid() and form.cleaned_data["day"]) or timezone.localdate()
    bureau = request.user.organisation.nearest_bureau() if request.user.organisation else None
    regions = selectors.regions_for(request.user)
    region = bureau if bureau is not None else regions.first()
    context = {"form": form, "day": day, "measures": MEASURES}
    if region is not None and isinstance(day, date):
        context["dispatch"] = dispatch.table(region, day, user=request.user)
    return render(request, "reports/dispatch.html", context)
