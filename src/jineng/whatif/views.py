"""Pages of the what-if app: drafts (copy, change a value, edit the text, upload a file),
replaying a period, a scenario's report with its exports, and two scenarios side by side."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jineng.core.filters import MAX_ID
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404
from jineng.core.security import local_url
from jineng.core.views import capability_required
from jineng.reports import files
from jineng.whatif import drafts, report, selectors, services
from jineng.whatif.forms import CopyForm, ReplayForm, TextForm, UploadForm, ValueForm
from jineng.whatif.tasks import run_scenario

TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _errors(request, error) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


@capability_required(Capability.VIEW_WHATIF)
def index(request):
    can_run = has_capability(request.user, Capability.RUN_WHATIF)
    context = {
        "drafts": selectors.drafts_for(request.user)[:100],
        "scenarios": selectors.scenarios_for(request.user)[:100],
        "can_run": can_run,
    }
    if can_run:
        context["copy_form"] = CopyForm(request.user)
        context["replay_form"] = ReplayForm(request.user, selectors.revisions_for(request.user))
    return render(request, "whatif/index.html", context)


@require_POST
@capability_required(Capability.RUN_WHATIF)
def copy(request):
    form = CopyForm(request.user, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("whatif:list")
    data = form.cleaned_data
    try:
        draft = drafts.copy_pack(data["pack"], data["bureau"], data["name"])
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
        return redirect("whatif:list")
    return redirect("whatif:draft", draft.pk)


def _draft(request, pk):
    return get_scoped_or_404(request.user, selectors.drafts_for(request.user), pk=pk)


@capability_required(Capability.VIEW_WHATIF, missing_is_404=True)
def draft_detail(request, pk):
    draft = _draft(request, pk)
    latest = draft.latest()
    rows = []
    if latest.valid:
        pack = drafts.accepted(latest)
        rows = pack.describe()
        value_form = ValueForm(drafts.editable_rules(pack))
    else:
        value_form = None
    context = {
        "draft": draft,
        "latest": latest,
        "revisions": draft.revisions.all(),
        "rows": rows,
        "can_run": has_capability(request.user, Capability.RUN_WHATIF),
        "value_form": value_form,
        "text_form": TextForm(initial={"text": latest.source_text}),
        "upload_form": UploadForm(),
        "replay_form": ReplayForm(
            request.user,
            selectors.revisions_for(request.user).filter(pk=latest.pk),
            initial={"bureau": draft.bureau, "revision": latest},
        ),
    }
    return render(request, "whatif/draft.html", context)


def _saved(request, revision):
    if revision.valid:
        messages.success(request, _("Saved as revision %(n)s.") % {"n": revision.number})
    else:
        messages.error(request, revision.error)


@require_POST
@capability_required(Capability.RUN_WHATIF, missing_is_404=True)
def set_value(request, pk):
    draft = _draft(request, pk)
    latest = draft.latest()
    if not latest.valid:
        messages.error(request, _("Fix the draft's text first."))
        return redirect("whatif:draft", pk)
    form = ValueForm(drafts.editable_rules(drafts.accepted(latest)), request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("whatif:draft", pk)
    try:
        _saved(
            request, drafts.set_value(draft, form.cleaned_data["key"], form.cleaned_data["value"])
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    return redirect("whatif:draft", pk)


@require_POST
@capability_required(Capability.RUN_WHATIF, missing_is_404=True)
def edit_text(request, pk):
    draft = _draft(request, pk)
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            _saved(
                request,
                drafts.save_text(draft, form.cleaned_data["text"], form.cleaned_data["note"]),
            )
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
    else:
        messages.error(request, _("The text is required."))
    return redirect("whatif:draft", pk)


@require_POST
@capability_required(Capability.RUN_WHATIF, missing_is_404=True)
def upload(request, pk):
    draft = _draft(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _saved(request, drafts.upload(draft, form.cleaned_data["file"].read()))
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("whatif:draft", pk)


@capability_required(Capability.VIEW_WHATIF, missing_is_404=True)
def download_toml(request, pk):
    draft = _draft(request, pk)
    response = HttpResponse(
        draft.latest().source_text, content_type="application/toml; charset=utf-8"
    )
    name = f"{draft.base.pack_id}-draft-{draft.pk}-r{draft.latest().number}.toml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@capability_required(Capability.RUN_WHATIF)
def replay(request):
    form = ReplayForm(request.user, selectors.revisions_for(request.user), request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        # the page to go back to, not a field of the form: local_url is its one check
        return redirect(local_url(request, request.POST.get("back")) or "whatif:list")
    data = form.cleaned_data
    try:
        scenario = services.create_scenario(
            data["bureau"], data["start"], data["end"], data["revision"]
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
        return redirect("whatif:list")
    run_scenario.enqueue(scenario.pk, request.user.pk)
    messages.success(request, _("The replay is running; this page shows it when done."))
    return redirect("whatif:scenario", scenario.pk)


def _scenario(request, pk):
    return get_scoped_or_404(request.user, selectors.scenarios_for(request.user), pk=pk)


def _bars(rows):
    """Rows with a bar width (per cent of the largest absolute difference) for the chart."""
    largest = max((abs(row[4]) for row in rows), default=Decimal(0)) or Decimal(1)
    return [(*row, int(abs(row[4]) * 100 / largest)) for row in rows]


@capability_required(Capability.VIEW_WHATIF, missing_is_404=True)
def scenario(request, pk):
    scenario = _scenario(request, pk)
    groups = [
        (name, report.GROUP_TITLES[name](), _bars(report.group_rows(scenario, name)))
        for name in services.GROUPS
    ]
    context = {
        "scenario": scenario,
        "title": report.title(scenario) if scenario.summary else "",
        "groups": groups,
        "people": report.people_rows(scenario),
        "kinds": report.kind_rows(scenario),
        "voucher_note": report.voucher_note(),
        "eligibility": report.eligibility_rows(scenario),
        "eligibility_note": report.eligibility_note(),
        "not_replayed": report.not_replayed_rows(scenario),
        "not_replayed_note": report.not_replayed_note(),
        "risks": report.risk_rows(scenario),
        "targets": report.target_rows(scenario) if scenario.summary else [],
        "changes": [
            (line, report.kind_name(line.subsidy_type)) for line in scenario.changes.all()[:200]
        ],  # fmt: skip
        "others": selectors.scenarios_for(request.user).exclude(pk=pk).filter(state="done")[:50],
    }
    return render(request, "whatif/scenario.html", context)


@capability_required(Capability.VIEW_WHATIF, missing_is_404=True)
def export(request, pk, fmt):
    if fmt not in TYPES:
        raise Http404
    scenario = _scenario(request, pk)
    if scenario.state != "done":
        raise Http404
    built = report.content(scenario)
    data = files.xlsx(built) if fmt == "xlsx" else files.pdf(built)
    response = HttpResponse(data, content_type=TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="whatif-{scenario.pk}.{fmt}"'
    return response


@capability_required(Capability.VIEW_WHATIF)
def compare(request):
    """Two scenarios side by side (two drafts, or a draft and the pack in force)."""
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        raise Http404 from None
    if not (0 < a <= MAX_ID and 0 < b <= MAX_ID):  # no database integer is larger
        raise Http404
    left, right = _scenario(request, a), _scenario(request, b)
    groups = []
    for name in services.GROUPS:
        a = {row[0]: row for row in report.group_rows(left, name)}
        b = {row[0]: row for row in report.group_rows(right, name)}
        rows = []
        for key in sorted(set(a) | set(b)):
            ra, rb = a.get(key), b.get(key)
            label = (ra or rb)[1]
            after_a = ra[3] if ra else Decimal(0)
            after_b = rb[3] if rb else Decimal(0)
            rows.append((key, label, after_a, after_b, after_b - after_a))
        groups.append((report.GROUP_TITLES[name](), rows))
    context = {"left": left, "right": right, "groups": groups}
    return render(request, "whatif/compare.html", context)
