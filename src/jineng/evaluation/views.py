"""Evaluation pages: the list of bookings (with the classes still waiting for one and the overdue
queue), the booking form for a completed class, and a booking's page with the organisation's
accept/decline, the institution's cancellation, the move of its date, the reviewer's exception
to the deadline, the results grid (htmx) with its import, and each trainee's free-evaluation
agreement (免费技能评价协议书, 004 §四(五)) with its scan and import.

Every write goes through evaluation.services as the signed-in user; a refusal becomes a message
on the page, never a traceback. Rows outside the viewer's scope do not exist (404).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from jineng.catalog.models import SkillLevel
from jineng.core.forms import cleaned, form_errors
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404
from jineng.core.views import (
    capability_required,
    filtered,
    page_of,
    pick_template,
    run_service,
    valid,
)
from jineng.evaluation.filters import BookingFilter
from jineng.institutions.models import EvaluationOrg, Examiner, ExaminerRole
from jineng.training.models import TrainingClass

from . import agreements, selectors, services
from .forms import AgreementForm, BookingForm, MoveDateForm, ReasonForm, ResultsForm, ScanForm
from .models import OPEN_STATES, BookingState, EvaluationResult

STATE_BADGES = {
    BookingState.REQUESTED: "text-bg-info",
    BookingState.ACCEPTED: "text-bg-primary",
    BookingState.DECLINED: "text-bg-warning",
    BookingState.DONE: "text-bg-success",
    BookingState.CANCELLED: "text-bg-secondary",
}
TABS = {
    "bookings": gettext_lazy("Bookings"),
    "waiting": gettext_lazy("Classes waiting for a booking"),
    "overdue": gettext_lazy("Overdue"),
}


def _booking_or_404(request, pk: int):
    return get_scoped_or_404(request.user, selectors.bookings_for(request.user), pk=pk)


def _need(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionDenied


# --- the list ---------------------------------------------------------------------------------


@capability_required(Capability.VIEW_EVALUATIONS)
def booking_list(request):
    # The tab is one of three fixed views, not a filter: anything else shows the first.
    tab = request.GET.get("tab", "bookings")
    tab = tab if tab in TABS else "bookings"
    user = request.user
    today = timezone.localdate()
    context = {
        "tab": tab,
        "tabs": TABS.items(),
        "badges": STATE_BADGES,
        "today": today,
        "can_book": has_capability(user, Capability.BOOK_EVALUATIONS),
    }
    if tab == "bookings":
        form, queryset = filtered(request, BookingFilter, selectors.booking_list)
        visible = selectors.bookings_for(user)
        context.update(
            page=page_of(request, queryset),
            form=form,
            states=BookingState.choices,
            orgs=EvaluationOrg.objects.filter(pk__in=visible.values("evaluation_org"))
            .select_related("organisation")
            .order_by("organisation__name"),
        )
        template = pick_template(request, "evaluation/list.html", "evaluation/_bookings.html")
        return render(request, template, context)
    if tab == "waiting":
        context["waiting"] = selectors.classes_waiting(user, today)
    else:
        context["overdue"] = selectors.overdue_bookings(user, today)
        context["waiting"] = selectors.classes_waiting(user, today, overdue_only=True)
    return render(request, "evaluation/list.html", context)


# --- booking ----------------------------------------------------------------------------------


@capability_required(Capability.BOOK_EVALUATIONS, missing_is_404=True)
@require_http_methods(["GET", "POST"])
def book(request, class_pk: int):
    training_class = get_scoped_or_404(
        request.user,
        TrainingClass.objects.select_related("institution__organisation", "occupation", "level"),
        pk=class_pk,
    )
    try:
        deadline = services.deadline_for(training_class)
    except ValidationError as problem:
        deadline = None
        messages.error(request, " ".join(problem.messages))
    today = timezone.localdate()
    earliest = max(training_class.end_date + timedelta(days=1), today)
    years = {today.year, earliest.year} | ({deadline.due.year} if deadline else set())
    form = BookingForm(
        request.POST or None,
        training_class=training_class,
        years=years,
        initial={"planned_date": min(earliest, deadline.due) if deadline else earliest},
    )
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            booking = services.book(
                training_class,
                values["evaluation_org"],
                values["planned_date"],
                late_reason=values["late_reason"],
            )
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(
                request,
                _("The evaluation is booked for %(date)s: waiting for %(org)s to accept it.")
                % {"date": booking.planned_date, "org": booking.evaluation_org},
            )
            return redirect("evaluation:detail", pk=booking.pk)
    context = {"form": form, "training_class": training_class, "deadline": deadline}
    if deadline is not None:
        # 002 §四(二)1: who may take the class's level, on the date the form proposes (a
        # certificate counts from its issue date, a graduation from its day).
        typed = getattr(form, "cleaned_data", {}).get("planned_date")
        on = typed or form.initial["planned_date"]
        entries = services.trainee_entries(training_class, on, deadline.pack)
        context.update(
            entries=entries,
            entry_ready=services.entries_ready(training_class, entries),
            levels=dict(SkillLevel.objects.values_list("code", "name")),
        )
    return render(request, "evaluation/book.html", context)


# --- a booking's page -------------------------------------------------------------------------


def _panel(booking):
    examiners = Examiner.objects.filter(evaluation_org=booking.evaluation_org_id).select_related(
        "person"
    )
    day = booking.planned_date
    current = [e for e in examiners if e.valid_to is None or e.valid_to >= day]
    return (
        [e for e in current if e.role == ExaminerRole.EXAMINER],
        [e for e in current if e.role == ExaminerRole.SUPERVISOR],
    )


def _results_context(request, booking, typed=None, panel_chosen=None) -> dict:
    user = request.user
    training_class = booking.training_class
    results = {
        result.enrollment_id: result
        for result in EvaluationResult.objects.filter(booking=booking)
        .select_related("supervisor__person", "certificate")
        .prefetch_related("examiners__person")
    }
    trainees = services.completed_trainees(training_class).select_related("person")
    runs = has_capability(user, Capability.RUN_EVALUATIONS)
    record_ready = services.recording_readiness(booking)  # the rule the service checks
    can_record = runs and bool(record_ready)
    typed = typed or {}
    rows = [
        {
            "enrollment": enrollment,
            "result": results.get(enrollment.pk),
            "typed": typed.get(enrollment.pk, {}),
        }
        for enrollment in trainees
    ]
    examiners, supervisors = _panel(booking) if can_record else ([], [])
    chosen = panel_chosen or {}
    return {
        "booking": booking,
        "rows": rows,
        "recorded": len(results),
        "can_record": can_record,
        "record_blocked": record_ready.reason if booking.state == BookingState.ACCEPTED else "",
        "examiners": examiners,
        "supervisors": supervisors,
        "chosen_examiners": set(chosen.get("examiners", ())),
        "chosen_supervisor": chosen.get("supervisor"),
        "import_url": reverse("core:import-new", args=["evaluation_results"])
        + f"?target={booking.pk}",
    }


def _agreements_context(request, booking) -> dict:
    """Each trainee who completed the class with their free-evaluation agreement (004 §四(五)),
    and whether the viewer may record one now (the rule the service checks)."""
    recorded = {a.enrollment_id: a for a in agreements.agreements_of(booking)}
    trainees = services.completed_trainees(booking.training_class).select_related("person")
    rows = [{"enrollment": e, "agreement": recorded.get(e.pk)} for e in trainees]
    may = has_capability(request.user, Capability.RECORD_EVALUATION_AGREEMENTS)
    ready = agreements.recording_readiness(booking)
    return {
        "agreement_rows": rows,
        "agreements_recorded": sum(row["agreement"] is not None for row in rows),
        "can_record_agreements": may and bool(ready),
        "agreements_blocked": ready.reason if may else "",
        "can_read_scans": may,
        "agreements_import_url": reverse("core:import-new", args=["evaluation_agreements"])
        + f"?target={booking.pk}",
    }


def _may_move(user, booking) -> bool:
    """Who moves the date: the institution while requested, the organisation once accepted
    (services.DATE_MOVERS); never once results are recorded."""
    mover = services.DATE_MOVERS.get(booking.state)
    return mover is not None and has_capability(user, mover[0]) and not booking.results.exists()


def _context(request, booking, typed=None, chosen=None) -> dict:
    user = request.user
    state = booking.state
    can_run = has_capability(user, Capability.RUN_EVALUATIONS)
    can_book = has_capability(user, Capability.BOOK_EVALUATIONS)
    can_accept = can_run and state == BookingState.REQUESTED and not booking.needs_exception
    codes_missing = False
    try:
        services.check_numbering_codes(booking.evaluation_org, booking.training_class.level)
    except ValidationError:
        codes_missing = True
    return {
        **_results_context(request, booking, typed, chosen),
        **_agreements_context(request, booking),
        "badge": STATE_BADGES[state],
        "can_accept": can_accept,
        # 002 §四(二)1: the rule accept() checks, the button disabled with its reason.
        "accept_ready": services.accept_entry_readiness(booking) if can_accept else None,
        "can_decline": can_run and state == BookingState.REQUESTED,
        "can_finish": can_run and state == BookingState.ACCEPTED,
        "finish_ready": services.finish_readiness(booking),  # the rule finish() checks
        "can_cancel": can_book and state in OPEN_STATES and not booking.results.exists(),
        "can_except": has_capability(user, Capability.REVIEW_EVALUATIONS)
        and state in OPEN_STATES
        and booking.needs_exception,
        "can_move": _may_move(user, booking),
        "date_moves": selectors.date_moves(booking),
        "today": timezone.localdate(),
        "codes_missing": codes_missing and state in OPEN_STATES,
        "deadline_days": (booking.due_on - booking.training_class.end_date).days,
        "overdue": state in OPEN_STATES and booking.deadline < timezone.localdate(),
    }


@capability_required(Capability.VIEW_EVALUATIONS, missing_is_404=True)
def booking_detail(request, pk: int):
    booking = _booking_or_404(request, pk)
    return render(request, "evaluation/detail.html", _context(request, booking))


def _reason(request) -> str:
    """The reason posted with an action; read inside run_service, whose messages say why a
    reason is refused."""
    return cleaned(ReasonForm(request.POST))["reason"]


def _act(request, pk: int, capability: str, action, success):
    booking = _booking_or_404(request, pk)
    _need(request, capability)
    run_service(request, lambda: action(booking), success=success)
    return redirect("evaluation:detail", pk=pk)


@capability_required(Capability.VIEW_EVALUATIONS, missing_is_404=True)
@require_POST
def accept(request, pk: int):
    return _act(
        request,
        pk,
        Capability.RUN_EVALUATIONS,
        services.accept,
        _("The booking is accepted: results are recorded here from the evaluation day."),
    )


@capability_required(Capability.VIEW_EVALUATIONS, missing_is_404=True)
@require_POST
def decline(request, pk: int):
    return _act(
        request,
        pk,
        Capability.RUN_EVALUATIONS,
        lambda booking: services.decline(booking, _reason(request)),
        _("The booking is declined: the institution can book another organisation or date."),
    )


@capability_required(Capability.VIEW_EVALUATIONS, missing_is_404=True)
@require_POST
def cancel(request, pk: int):
    return _act(
        request,
        pk,
        Capability.BOOK_EVALUATIONS,
        lambda booking: services.cancel(booking, _reason(request)),
        _("The booking is cancelled: the class can be booked again."),
    )


@capability_required(Capability.VIEW_EVALUATIONS, missing_is_404=True)
@require_POST
def grant_exception(request, pk: int):
    return _act(
        request,
        pk,
        Capability.REVIEW_EVALUATIONS,
        lambda booking: services.grant_exception(booking, _reason(request)),
        _("The exception is granted: the evaluation organisation can go on with the booking."),
    )


@capability_required(Capability.VIEW_EVALUATIONS, missing_is_404=True)
@require_POST
def move_date(request, pk: int):
    """The booking's new date, from the form on its page (no cancelling and booking again)."""
    booking = _booking_or_404(request, pk)
    if not _may_move(request.user, booking):
        raise PermissionDenied

    def move():
        values = cleaned(MoveDateForm(request.POST))
        services.move_date(booking, values["planned_date"], reason=values["reason"])

    run_service(request, move, success=_("The evaluation date is moved."))
    return redirect("evaluation:detail", pk=pk)


@capability_required(Capability.VIEW_EVALUATIONS, missing_is_404=True)
@require_POST
def finish(request, pk: int):
    return _act(
        request,
        pk,
        Capability.RUN_EVALUATIONS,
        services.finish,
        _("The evaluation is done: the certificates of those who passed are issued; a subsidy "
          "claim can now be made for this evaluation."),
    )  # fmt: skip


# --- results (htmx grid) ----------------------------------------------------------------------


@capability_required(Capability.RUN_EVALUATIONS, missing_is_404=True)
@require_POST
def record_results(request, pk: int):
    """Record one trainee's result (the row's button) or every row filled in ("all"), with the
    examiners and the quality supervisor chosen above the grid. Rows that fail keep what was
    typed, with the reason in a message."""
    booking = _booking_or_404(request, pk)
    pending = services.completed_trainees(booking.training_class).exclude(
        pk__in=booking.results.values("enrollment")
    )
    form = ResultsForm(request.POST, booking=booking, pending=pending.select_related("person"))
    ok = valid(request, form)
    targets = form.targets() if ok else []
    if ok and not targets:
        messages.error(request, _("Fill in the scores and the result of a trainee."))
    # What was typed stays in the rows not saved (this row's button saves this row only).
    typed = form.typed()
    examiners = form.cleaned_data.get("examiners") or []
    supervisor = form.cleaned_data.get("supervisor")
    saved = 0
    for enrollment in targets:
        values = typed[enrollment.pk]
        try:
            if values["passed"] not in {"1", "0"}:
                raise ValidationError(_("Choose pass or fail."))
            services.record_result(
                booking,
                enrollment,
                theory=values["theory"],
                practical=values["practical"],
                passed=values["passed"] == "1",
                examiners=list(examiners),
                supervisor=supervisor,
            )
            saved += 1
            del typed[enrollment.pk]
        except ValidationError as problem:
            messages.error(
                request,
                _("%(name)s: %(problem)s")
                % {"name": enrollment.person.name, "problem": "; ".join(problem.messages)},
            )
    if saved:
        recorded = ngettext("%(count)d result recorded.", "%(count)d results recorded.", saved)
        messages.success(request, recorded % {"count": saved})
    if not request.htmx:
        return redirect(reverse("evaluation:detail", args=[pk]) + "#results")
    booking = _booking_or_404(request, pk)
    chosen = {"examiners": [e.pk for e in examiners], "supervisor": getattr(supervisor, "pk", None)}
    context = _context(request, booking, typed, chosen)
    return render(request, "evaluation/_results_answer.html", context)


# --- free-evaluation agreements (004 §四(五)) ------------------------------------------------


def _pending_agreements(booking):
    """The booking's trainees who completed the class and have no agreement with its
    organisation yet: the form's choices."""
    return (
        services.completed_trainees(booking.training_class)
        .exclude(evaluation_agreements__evaluation_org=booking.evaluation_org_id)
        .select_related("person")
    )


@capability_required(Capability.RECORD_EVALUATION_AGREEMENTS, missing_is_404=True)
@require_POST
def record_agreement(request, pk: int):
    """One trainee's free-evaluation agreement: the date, who signed for the organisation, the
    scanned copy if at hand."""
    booking = _booking_or_404(request, pk)
    form = AgreementForm(request.POST, request.FILES, pending=_pending_agreements(booking))
    if valid(request, form):
        values = form.cleaned_data
        run_service(
            request,
            lambda: agreements.record_agreement(
                booking, values["enrollment"], signed_on=values["signed_on"],
                signatory=values["signatory"], scan=values["scan"],
            ),
            success=_("The free-evaluation agreement with %(name)s is recorded.")
            % {"name": values["enrollment"].person.name},
        )  # fmt: skip
    return redirect(reverse("evaluation:detail", args=[pk]) + "#agreements")


def _agreement_or_404(request, booking, agreement_pk: int):
    return get_object_or_404(agreements.agreements_of(booking), pk=agreement_pk)


@capability_required(Capability.RECORD_EVALUATION_AGREEMENTS, missing_is_404=True)
@require_POST
def attach_agreement_scan(request, pk: int, agreement_pk: int):
    booking = _booking_or_404(request, pk)
    agreement = _agreement_or_404(request, booking, agreement_pk)
    form = ScanForm(request.POST, request.FILES)
    if valid(request, form):
        run_service(
            request,
            lambda: agreements.attach_scan(agreement, form.cleaned_data["scan"]),
            success=_("The scanned copy of the agreement is kept."),
        )
    return redirect(reverse("evaluation:detail", args=[pk]) + "#agreements")


@capability_required(Capability.RECORD_EVALUATION_AGREEMENTS, missing_is_404=True)
def agreement_scan(request, pk: int, agreement_pk: int):
    """The scanned copy, to those who record agreements; each view is audited (it shows the
    whole ID number)."""
    booking = _booking_or_404(request, pk)
    agreement = get_object_or_404(
        agreements.agreements_of(booking).defer(None), pk=agreement_pk, scan_sha256__gt=""
    )
    content = agreements.read_scan(agreement)
    response = HttpResponse(content, content_type=agreement.scan_type or "application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, agreement.scan_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
