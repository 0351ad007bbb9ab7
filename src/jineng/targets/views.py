"""Pages of target plans: the list, a plan (its tables per axis with sums and what is
unallocated, its versions and what changed between two), and the reallocation form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jineng.core.forms import form_errors
from jineng.core.roles import Capability, has_capability
from jineng.core.views import capability_required, filtered, page_of, pick_template
from jineng.targets import dashboard, selectors, services
from jineng.targets.annex import persons_to_wan
from jineng.targets.filters import PlanFilter
from jineng.targets.forms import DashboardForm, ReallocateForm, VersionsForm
from jineng.targets.models import Axis, Plan, ProgrammeTarget


@capability_required(Capability.VIEW_TARGETS)
def plan_list(request):
    form, queryset = filtered(request, PlanFilter, selectors.plan_list)
    context = {"page": page_of(request, queryset), "form": form}
    template = pick_template(request, "targets/list.html", "targets/_rows.html")
    return render(request, template, context)


def _plan(request, pk: int) -> Plan:
    # plans_for is the scope (the region's plans and those with a row of the reader's own); a
    # second Plan scope on top of it would hide the city's plan from its county reviewer.
    plan = selectors.plans_for(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


@capability_required(Capability.VIEW_TARGETS, missing_is_404=True)
def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    versions = list(plan.versions.order_by("-number"))
    if not versions:
        raise Http404
    choice = VersionsForm(request.GET)
    numbers = {v.number: v for v in versions}
    shown, compared = versions[0], None
    if choice.is_valid():
        shown = numbers.get(choice.cleaned_data["version"] or shown.number, shown)
        compared = numbers.get(choice.cleaned_data["compare"] or 0)
    if compared is None and shown.number > 1:
        compared = numbers.get(shown.number - 1)
    whole = selectors.sees_whole(request.user, plan)
    totals = [(t.measure, persons_to_wan(t.value)) for t in shown.totals.select_related("measure")]
    tables = selectors.tables(request.user, shown)
    selectors.add_progress(request.user, plan, tables)
    progress = selectors.plan_progress(request.user, plan, shown) if whole else {}
    rates = ProgrammeTarget.objects.filter(rate_percent__isnull=False).select_related("measure")
    rate_of = {t.programme_id: t for t in rates}
    for table in tables:
        for row in table.rows:
            if row.programme_id in rate_of:
                target = rate_of[row.programme_id]
                row.note = _("%(measure)s: %(rate)s %% of the training") % {
                    "measure": target.measure.name,
                    "rate": target.rate_percent,
                }
    context = {
        "plan": plan,
        "shown": shown,
        "latest": versions[0],
        "versions": versions,
        "compared": compared,
        "changes": selectors.diff(request.user, compared, shown) if compared else None,
        "totals": [(m, value, progress.get(m.code)) for m, value in totals],
        "whole_progress": bool(progress),
        "progress_period": selectors.period_of(plan),
        "tables": tables,
        "whole": whole,
        "goal": [
            (
                line,
                persons_to_wan(line.goal),
                persons_to_wan(line.planned),
                persons_to_wan(line.remaining) if line.remaining and line.remaining > 0 else "",
            )
            for line in selectors.towards_goal(plan)
        ],
        "can_manage": whole and has_capability(request.user, Capability.MANAGE_TARGETS),
        "county_axis": Axis.COUNTY,
        "department_axis": Axis.DEPARTMENT,
    }
    return render(request, "targets/detail.html", context)


@capability_required(Capability.MANAGE_TARGETS, missing_is_404=True)
def plan_reallocate(request, pk: int):
    plan = _plan(request, pk)
    if not selectors.sees_whole(request.user, plan):
        raise Http404
    latest = selectors.latest_version(plan)
    form = ReallocateForm(latest, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.reallocate(
                latest,
                reason=form.cleaned_data["reason"],
                document_number=form.cleaned_data["document_number"],
                totals=form.totals(),
                values=form.values(),
            )
        except (ValidationError, PermissionDenied) as problem:
            if isinstance(problem, PermissionDenied):
                problem = ValidationError(str(problem))
            form_errors(form, problem)
        else:
            messages.success(
                request, _("Version %(n)s is in force; the earlier ones stay readable.")
                % {"n": version.number},
            )  # fmt: skip
            return redirect("targets:detail", pk=plan.pk)
    sections = []
    for axis, label in Axis.choices:
        names = [n for n, key in form.cell_fields.items() if key[0] == axis]
        if names:
            sections.append((label, [form[n] for n in names]))
    context = {
        "plan": plan,
        "latest": latest,
        "form": form,
        "total_fields": [form[n] for n in form.total_fields],
        "sections": sections,
    }
    return render(request, "targets/reallocate.html", context)


@capability_required(Capability.VIEW_STATS)
def dashboard_page(request):
    """The dashboards: the tables here and the charts (static/targets/dashboard.js) from the
    same `dashboard.data`, the charts through the API with the same query."""
    form = DashboardForm(request.user, request.GET)
    context = {"form": form, "data": None}
    if form.is_valid():
        context["data"] = dashboard.data(request.user, form.cleaned_data)
        context["data_url"] = f"{reverse('api:targets-dashboard')}?{request.GET.urlencode()}"
        context["plans"] = selectors.plans_for(request.user).filter(start_year=F("end_year"))
    return render(request, "targets/dashboard.html", context)
