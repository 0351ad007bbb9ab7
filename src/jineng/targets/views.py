"""Pages of target plans: the list, a plan (its tables per axis with sums and what is
unallocated, its versions and what changed between two), the reallocation form, and the forms
that make a plan, a measure and a programme."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jineng.core.forms import form_errors
from jineng.core.replica import replica_view
from jineng.core.roles import Capability, has_capability
from jineng.core.views import capability_required, filtered, page_of, pick_template
from jineng.targets import dashboard, selectors, services
from jineng.targets.annex import persons_to_wan
from jineng.targets.filters import PlanFilter
from jineng.targets.forms import (
    CopyForm,
    DashboardForm,
    MeasureForm,
    PlanForm,
    ProgrammeForm,
    ReallocateForm,
    VersionsForm,
)
from jineng.targets.models import Axis, Plan, ProgrammeTarget


@capability_required(Capability.VIEW_TARGETS)
def plan_list(request):
    form, queryset = filtered(request, PlanFilter, selectors.plan_list)
    context = {
        "page": page_of(request, queryset),
        "form": form,
        "can_manage": has_capability(request.user, Capability.MANAGE_TARGETS),
    }
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


# Making plans, measures and programmes (docs/targets.md "How a bureau makes a plan") ----------


def _saved(form, call) -> bool:
    """Run a service with a valid form's data; its refusal goes on the form (nothing is saved)."""
    try:
        call()
    except (ValidationError, PermissionDenied) as problem:
        if isinstance(problem, PermissionDenied):
            problem = ValidationError(str(problem))
        form_errors(form, problem)
        return False
    return True


@capability_required(Capability.MANAGE_TARGETS)
def plan_create(request):
    """新建计划: a bureau's plan for a year or a period, optionally from another plan's rows.
    `?copy=<plan>` (the plan page's "next plan from this one") fills the form from that plan: its
    bureau, the next period of the same length, its latest totals and its rows to copy."""
    initial = {}
    start = CopyForm(request.GET)
    if request.method == "GET" and start.is_valid() and start.cleaned_data["copy"]:
        source = selectors.whole_plans_for(request.user).filter(pk=start.cleaned_data["copy"])
        source = source.first()
        if source is not None:
            span = source.end_year - source.start_year
            initial = {
                "bureau": source.bureau,
                "start_year": source.end_year + 1,
                "end_year": source.end_year + 1 + span,
                "copy_from": source,
                "training_counted_at": source.training_counted_at,
            }
            latest = selectors.latest_version(source)
            if latest is not None:
                for code, value in selectors.totals_of(latest).items():
                    initial[f"t_{code}"] = persons_to_wan(value)
    form = PlanForm(request.POST or None, user=request.user, initial=initial)
    made = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create():
            made.append(
                services.create_plan(
                    bureau=data["bureau"],
                    start_year=data["start_year"],
                    end_year=data["end_year"],
                    title=data["title"],
                    reason=data["reason"],
                    document_number=data["document_number"],
                    totals=form.totals(),
                    training_counted_at=data["training_counted_at"],
                    copy_from=data["copy_from"],
                    rows=form.rows(),
                )
            )

        if _saved(form, create):
            messages.success(request, _("The plan is made (version 1)."))
            return redirect("targets:detail", pk=made[0].pk)
    totals = [form[n] for n in form.total_fields]
    context = {"form": form, "total_fields": totals, "cells": form.table(),
               "measures": form.measures}  # fmt: skip
    return render(request, "targets/plan_form.html", context)


@capability_required(Capability.VIEW_TARGETS)
def measure_list(request):
    context = {
        "measures": selectors.measures_for(request.user).select_related("bureau"),
        "can_manage": has_capability(request.user, Capability.MANAGE_TARGETS),
    }
    return render(request, "targets/measures.html", context)


@capability_required(Capability.MANAGE_TARGETS)
def measure_create(request):
    form = MeasureForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(form, lambda: services.add_measure(**data)):
            messages.success(request, _("The measure %(name)s is added.") % {"name": data["name"]})
            return redirect("targets:measures")
    return render(request, "targets/measure_form.html", {"form": form})


@capability_required(Capability.VIEW_TARGETS)
def programme_list(request):
    programmes = selectors.programmes_for(request.user)
    managed = set(selectors.managed_programmes(request.user).values_list("pk", flat=True))
    can_manage = has_capability(request.user, Capability.MANAGE_TARGETS)
    rows = [
        (
            p,
            [
                (t.measure.name, persons_to_wan(t.value) if t.rate_percent is None else None,
                 t.rate_percent)
                for t in sorted(p.targets.all(), key=lambda t: (t.measure.position, t.measure.code))
            ],
            can_manage and p.pk in managed,
        )
        for p in programmes
    ]  # fmt: skip
    context = {"rows": rows, "can_manage": can_manage}
    return render(request, "targets/programmes.html", context)


def _programme_form(request, programme=None):
    form = ProgrammeForm(request.POST or None, user=request.user, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bureau = programme.bureau if programme is not None else data["bureau"]
        number = programme.number if programme is not None else data["number"]

        def save():
            services.save_programme(
                bureau=bureau,
                number=number,
                name=data["name"],
                responsible=data["responsible"],
                targets_text=data["targets_text"],
                departments=list(data["departments"]),
                targets=form.targets(),
                rates=form.rates(),
                new=programme is None,
            )

        if _saved(form, save):
            messages.success(request, _("The programme is saved."))
            return redirect("targets:programmes")
    measures = [(m, form[c], form[r]) for m, c, r in form.measure_fields]
    context = {"form": form, "programme": programme, "measures": measures}
    return render(request, "targets/programme_form.html", context)


@capability_required(Capability.MANAGE_TARGETS)
def programme_create(request):
    return _programme_form(request)


@capability_required(Capability.MANAGE_TARGETS, missing_is_404=True)
def programme_edit(request, pk: int):
    programme = get_object_or_404(selectors.managed_programmes(request.user), pk=pk)
    return _programme_form(request, programme)


@capability_required(Capability.VIEW_STATS)
@replica_view
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
