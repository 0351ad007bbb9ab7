"""Pages of the data comparison (004 §五(六)): the findings list (filtered, within the data
scope) with the run form, a finding with its evidence (masked; the whole ID numbers only on
request, audited) and its review forms, and an institution's findings with its risk score."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jineng.core.models import User
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404, scoped
from jineng.core.views import (
    capability_required,
    filtered,
    page_of,
    pick_template,
    run_service,
    valid,
)
from jineng.institutions.models import Institution
from jineng.people.models import Person
from jineng.supervision import checks, selectors, services
from jineng.supervision.filters import FindingFilter
from jineng.supervision.forms import (
    AssignForm,
    ClearForm,
    ConfirmForm,
    OnSiteCheckForm,
    RunForm,
)
from jineng.supervision.models import FindingState, OnSitePhoto, Severity

STATE_BADGES = {
    FindingState.OPEN: "text-bg-danger",
    FindingState.UNDER_REVIEW: "text-bg-warning",
    FindingState.CLEARED: "text-bg-success",
    FindingState.CONFIRMED: "text-bg-dark",
}
SEVERITY_BADGES = {
    Severity.HIGH: "text-bg-danger",
    Severity.MEDIUM: "text-bg-warning",
    Severity.LOW: "text-bg-secondary",
}


def _common() -> dict:
    return {
        "state_badges": STATE_BADGES,
        "severity_badges": SEVERITY_BADGES,
        "check_names": {check.code: check.name for check in checks.CHECKS},
        "state_labels": dict(FindingState.choices),
    }


@capability_required(Capability.VIEW_SUPERVISION)
def finding_list(request):
    form, queryset = filtered(request, FindingFilter, selectors.finding_list)
    context = {
        **_common(),
        "page": page_of(request, queryset),
        "form": form,
        "checks": checks.CHECKS,
        "states": FindingState.choices,
        "run_form": RunForm(request.user),
        "can_manage": has_capability(request.user, Capability.MANAGE_SUPERVISION),
        "runs": selectors.runs_for(request.user)[:5],
    }
    template = pick_template(request, "supervision/list.html", "supervision/_rows.html")
    return render(request, template, context)


@capability_required(Capability.MANAGE_SUPERVISION)
@require_POST
def run_checks(request):
    form = RunForm(request.user, request.POST)
    if valid(request, form):
        values = form.cleaned_data
        done = {}

        def run():
            done["run"] = services.run_checks(values["region"], values["start"], values["end"])

        if run_service(request, run, None):
            counts = done["run"].counts
            new = sum(value.get("new", 0) for value in counts.values())
            messages.success(request, _("The checks ran: %(new)d new findings.") % {"new": new})
    return redirect("supervision:list")


def _finding_or_404(request, pk: int):
    return get_scoped_or_404(request.user, selectors.findings_for(request.user), pk=pk)


def _detail_context(request, finding, full_ids=None) -> dict:
    evidence = finding.evidence or {}
    rows = evidence.get("rows", [])
    if full_ids:
        masked = dict(
            finding_persons(finding).values_list("id_number_masked", "pk")
        )  # masked number -> person, to put the whole number in its place
        rows = [[full_ids.get(masked.get(cell), cell) for cell in row] for row in rows]
    reviewers = services.reviewers_for(finding)
    return {
        **_common(),
        "finding": finding,
        "check": checks.CHECK_BY_CODE.get(finding.check_code),
        "columns": evidence.get("columns", []),
        "rows": rows,
        "full": bool(full_ids),
        "changes": finding.changes.select_related("by"),
        "onsite": finding.onsite_checks.prefetch_related("photos"),
        "can_manage": has_capability(request.user, Capability.MANAGE_SUPERVISION),
        "assign_form": AssignForm(_users(reviewers)),
        "clear_form": ClearForm(),
        "confirm_form": ConfirmForm(),
        "onsite_form": OnSiteCheckForm(),
        "may_assign": finding.state == FindingState.OPEN,
        "may_decide": finding.state == FindingState.UNDER_REVIEW,
        "may_check": finding.state in (FindingState.OPEN, FindingState.UNDER_REVIEW),
        "lines": services.touched_lines(finding),
    }


def finding_persons(finding):
    return Person.objects.filter(pk__in=(finding.evidence or {}).get("persons", []))


def _users(users):
    return User.objects.filter(pk__in=[user.pk for user in users]).order_by("username")


@capability_required(Capability.VIEW_SUPERVISION, missing_is_404=True)
def finding_detail(request, pk: int):
    finding = _finding_or_404(request, pk)
    return render(request, "supervision/detail.html", _detail_context(request, finding))


@capability_required(Capability.VIEW_SUPERVISION, missing_is_404=True)
@require_POST
def full_evidence(request, pk: int):
    """The evidence with whole ID numbers: posted (never in an address), each view audited."""
    finding = _finding_or_404(request, pk)
    shown = {}

    def reveal():
        shown.update(services.full_evidence(finding))

    if not run_service(request, reveal, None):
        return redirect("supervision:finding", pk=finding.pk)
    context = _detail_context(request, finding, full_ids=shown)
    return render(request, "supervision/detail.html", context)


def _finding_action(form_class, act):
    @capability_required(Capability.MANAGE_SUPERVISION, missing_is_404=True)
    @require_POST
    def view(request, pk: int):
        finding = _finding_or_404(request, pk)
        form = form_class(request, finding)
        if valid(request, form):
            run_service(request, lambda: act(finding, form.cleaned_data))
        return redirect(reverse("supervision:finding", args=[finding.pk]))

    return view


assign = _finding_action(
    lambda request, finding: AssignForm(_users(services.reviewers_for(finding)), request.POST),
    lambda finding, values: services.assign(finding, values["reviewer"]),
)
clear = _finding_action(
    lambda request, finding: ClearForm(request.POST),
    lambda finding, values: services.clear(
        finding, reason=values["reason"], evidence=values["evidence"]
    ),
)
confirm = _finding_action(
    lambda request, finding: ConfirmForm(request.POST),
    lambda finding, values: services.confirm(finding, reason=values["reason"]),
)
onsite_check = _finding_action(
    lambda request, finding: OnSiteCheckForm(request.POST, request.FILES),
    lambda finding, values: services.record_onsite_check(
        finding,
        checked_on=values["checked_on"],
        people_present=values["people_present"],
        result=values["result"],
        notes=values["notes"],
        photos=[services.Photo(f.name, f.read()) for f in values["photos"]],
    ),
)


@capability_required(Capability.VIEW_SUPERVISION, missing_is_404=True)
def photo(request, pk: int):
    found = get_scoped_or_404(request.user, OnSitePhoto.objects.all(), pk=pk)
    return HttpResponse(services.read_photo(found), content_type=found.content_type)


@capability_required(Capability.VIEW_SUPERVISION, missing_is_404=True)
def institution_findings(request, pk: int):
    institution = get_scoped_or_404(
        request.user, Institution.objects.select_related("organisation"), pk=pk
    )
    findings = scoped(request.user, selectors.findings_for(request.user)).filter(
        institution=institution
    )
    rule = selectors.risk_rule(institution)
    context = {
        **_common(),
        "institution": institution,
        "page": page_of(request, findings.order_by("-created_at", "-id")),
        "score": selectors.risk_score(findings, rule) if rule else None,
        "weights": rule.weights.items() if rule else (),
        "factors": rule.factors.items() if rule else (),
        "severity_labels": dict(Severity.choices),
    }
    return render(request, "supervision/institution.html", context)
