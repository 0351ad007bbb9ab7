"""Training class pages: the list, the opening application, a class's page (timetable, teachers,
roster, attendance grid, history), the bureau's review queue and the institution's devices.

Every write goes through training.services, as the signed-in user (the request middleware sets
the audit context); a refusal becomes a message on the page, never a traceback. Inline actions
on a class's page are htmx requests answered with the page's sections swapped out of band.
"""

from collections import defaultdict
from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jineng.catalog.models import Occupation
from jineng.catalog.packs import decision_of
from jineng.core import states
from jineng.core.aggregates import per_row
from jineng.core.forms import form_errors
from jineng.core.i18n import language
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
from jineng.training import eligibility, hooks, selectors, services
from jineng.training.filters import ClassFilter
from jineng.training.forms import (
    AssessmentForm,
    ClassForm,
    CommitmentForm,
    DeviceForm,
    EnrolForm,
    HandMarkForm,
    LateMarkDecisionForm,
    ReasonForm,
    ReviewForm,
    SessionForm,
    StateForm,
)
from jineng.training.models import (
    ACTIVE_STATES,
    EDITABLE_STATES,
    WORKFLOW,
    CheckIn,
    ClassState,
    Commitment,
    Device,
    Enrollment,
    EnrollmentState,
    LateMarkRequest,
    LateMarkState,
    ManualMark,
    Session,
    TrainingClass,
)

# The buttons of the class page, in the order they are shown, and what each one says.
ACTIONS = [
    (ClassState.SUBMITTED, gettext_lazy("Submit for review"), "btn-primary"),
    (ClassState.APPROVED, gettext_lazy("Approve"), "btn-success"),
    (ClassState.IN_PROGRESS, gettext_lazy("Start the class"), "btn-primary"),
    (ClassState.DRAFT, gettext_lazy("Revise the application"), "btn-outline-primary"),
    (ClassState.REJECTED, gettext_lazy("Reject"), "btn-outline-danger"),
    (ClassState.WITHDRAWN, gettext_lazy("Withdraw the application"), "btn-outline-danger"),
    (ClassState.CANCELLED, gettext_lazy("Cancel the class"), "btn-outline-danger"),
    (ClassState.CLOSED, gettext_lazy("Close the class"), "btn-outline-secondary"),
]
STATE_BADGES = {
    ClassState.DRAFT: "text-bg-secondary",
    ClassState.SUBMITTED: "text-bg-info",
    ClassState.APPROVED: "text-bg-primary",
    ClassState.REJECTED: "text-bg-warning",
    ClassState.IN_PROGRESS: "text-bg-primary",
    ClassState.COMPLETED: "text-bg-success",
    ClassState.CLOSED: "text-bg-dark",
    ClassState.WITHDRAWN: "text-bg-light",
    ClassState.CANCELLED: "text-bg-danger",
}
# Attendance cells: attended (a device's check-in and check-out in the window), flagged (an event
# outside the window or from a clock ahead), partial (events, not both), empty; or the current
# hand mark, which overrides the device: present by hand, or absent by hand (a mark removed).
CELL_LABELS = {
    "attended": gettext_lazy("attended"),
    "partial": gettext_lazy("partial"),
    "flagged": gettext_lazy("flagged"),
    "empty": gettext_lazy("no record"),
    "hand": gettext_lazy("present, entered by hand"),
    "hand_absent": gettext_lazy("absent, entered by hand"),
}
# Trainees counted against the places: all but those who left.
ON_ROSTER = [EnrollmentState.ENROLLED, EnrollmentState.COMPLETED, EnrollmentState.NOT_COMPLETED]
RUNNING = {ClassState.APPROVED, ClassState.IN_PROGRESS}


def _own_institution(user) -> Institution | None:
    """The institution an institution user works for (None for bureau users and admins)."""
    organisation = getattr(user, "organisation", None)
    return getattr(organisation, "institution", None) if organisation is not None else None


def _classes(user):
    return selectors.classes_for(user)


def _class_or_404(request, pk: int) -> TrainingClass:
    return get_scoped_or_404(request.user, _classes(request.user), pk=pk)


# --- the list ---------------------------------------------------------------------------------


def _on_roster():
    """Each listed class's trainees on its roster (per_row: for the page's classes only)."""
    return per_row(Enrollment.objects.filter(state__in=ON_ROSTER), "training_class", Count("id"), 0)


@capability_required(Capability.VIEW_CLASSES)
def class_list(request):
    form, queryset = filtered(request, ClassFilter, selectors.class_list)
    queryset = queryset.annotate(enrolled=_on_roster())
    visible = _classes(request.user)
    context = {
        "page": page_of(request, queryset),
        "form": form,
        "states": ClassState.choices,
        "occupations": Occupation.objects.filter(pk__in=visible.values("occupation")),
        "badges": STATE_BADGES,
        "can_run": has_capability(request.user, Capability.RUN_CLASSES),
    }
    template = pick_template(request, "training/list.html", "training/_rows.html")
    return render(request, template, context)


# --- the opening application ------------------------------------------------------------------


@capability_required(Capability.RUN_CLASSES)
@require_http_methods(["GET", "POST"])
def class_create(request):
    institution = _own_institution(request.user)
    if institution is None:
        messages.error(request, _("Your account belongs to no training institution."))
        return redirect("training:list")
    form = ClassForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            training_class = services.create_class(institution, **form.cleaned_data)
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(request, _saved_message(training_class))
            _warn_timetable(request, training_class)
            return redirect("training:detail", pk=training_class.pk)
    context = {"form": form, "institution": institution, "training_class": None}
    return render(request, "training/form.html", context)


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_http_methods(["GET", "POST"])
def class_edit(request, pk: int):
    training_class = _class_or_404(request, pk)
    if training_class.state not in EDITABLE_STATES:
        messages.error(
            request,
            _("A class that is “%(state)s” can no longer be changed.")
            % {"state": training_class.get_state_display()},
        )
        return redirect("training:detail", pk=pk)
    initial = {name: getattr(training_class, name) for name in services.CLASS_FIELDS}
    initial["teachers"] = list(training_class.teachers.all())
    form = ClassForm(
        request.POST or None,
        initial=initial,
        institution=training_class.institution,
        current=training_class,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_class(training_class, **form.cleaned_data)
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(request, _saved_message(training_class))
            training_class.refresh_from_db()
            _warn_timetable(request, training_class)
            return redirect("training:detail", pk=pk)
    context = {
        "form": form,
        "institution": training_class.institution,
        "training_class": training_class,
    }
    return render(request, "training/form.html", context)


# --- what happened, and what comes next (issue 14) ------------------------------------------


def _bureau_of(training_class: TrainingClass) -> str:
    """The bureau that reviews the institution's classes (the nearest above it)."""
    bureau = training_class.institution.organisation.nearest_bureau()
    return str(bureau) if bureau is not None else _("the bureau")


def _saved_message(training_class: TrainingClass) -> str:
    return _(
        "The opening application %(code)s is saved as a draft. Add the timetable and the "
        "roster on its page, then submit it to %(bureau)s for review."
    ) % {"code": training_class.code, "bureau": _bureau_of(training_class)}


def _state_message(training_class: TrainingClass, target: str) -> str:
    """The message after a change of state: what happened and who acts next."""
    values = {"bureau": _bureau_of(training_class), "end": training_class.end_date,
              "start": training_class.start_date}  # fmt: skip
    said = {
        ClassState.SUBMITTED: _("Submitted: waiting for %(bureau)s to review it."),
        ClassState.APPROVED: _(
            "Approved: the institution can run the training by the timetable from %(start)s."
        ),
        ClassState.REJECTED: _(
            "Rejected: the institution sees the reason and can revise the application."
        ),
        ClassState.IN_PROGRESS: _(
            "The class has started: record the attendance of each session; it completes "
            "after %(end)s."
        ),
        ClassState.DRAFT: _("The application is back in draft: change it, then submit it again."),
        ClassState.WITHDRAWN: _("The application is withdrawn: %(bureau)s will not review it."),
        ClassState.CANCELLED: _("The class is cancelled: its trainees are free for other classes."),
        ClassState.CLOSED: _("The class is closed."),
    }.get(target, _("Saved."))
    return said % values


def _warn_timetable(request, training_class: TrainingClass, prefix: bool = False) -> None:
    """004 §四(三): say, beside the success, that the class is planned to end after the year's
    training deadline. A warning: the class is saved, submitted or approved all the same."""
    late = services.timetable_warning(training_class)
    if late:
        message = (
            _("%(code)s: %(warning)s") % {"code": training_class.code, "warning": late}
            if prefix
            else late
        )
        messages.warning(request, message)


# --- a class's page ---------------------------------------------------------------------------


def _actions(user, training_class: TrainingClass) -> list[dict]:
    """The changes of state this viewer may ask for now (the service checks them again)."""
    if training_class.is_history:  # recorded as history: no step of the workflow applies
        return []
    found = []
    for to_state, label, style in ACTIONS:
        step = WORKFLOW.steps.get((training_class.state, to_state))
        if step is None or not states.may_take(user, training_class, to_state):
            continue
        found.append(
            {
                "to": to_state,
                "label": label,
                "style": style,
                "reason": step.needs_reason,
                # too late to submit or approve, too early to start (004 §四(三)): shown
                # disabled, with the dates
                "blocked": services.timing_readiness(training_class, to_state).reason,
            }
        )
    return found


def _cell_status(events, mark=None) -> str:
    if mark is not None:
        return "hand" if mark.present else "hand_absent"
    events = [event for event in events if event["device_id"] is not None]
    if not events:
        return "empty"
    in_window = {event["direction"] for event in events if event["in_window"]}
    if {"in", "out"} <= in_window:
        return "attended"
    if any(event["flag"] or not event["in_window"] for event in events):
        return "flagged"
    return "partial"


def _cell(session, person, events, mark=None) -> dict:
    status = _cell_status(events, mark)
    return {"session": session, "person": person, "status": status, "mark": mark,
            "label": CELL_LABELS[status]}  # fmt: skip


def _grid(training_class: TrainingClass, sessions, enrollments) -> list[dict]:
    """Rows of the attendance grid: the trainees, then the teachers; a cell per session."""
    events = defaultdict(list)
    for event in CheckIn.objects.filter(session__training_class=training_class).values(
        "person_id", "session_id", "direction", "in_window", "flag", "device_id"
    ):
        events[event["person_id"], event["session_id"]].append(event)
    marks = services.current_marks(training_class)
    people = [(e.person, False) for e in enrollments if e.state != EnrollmentState.WITHDRAWN]
    teachers = training_class.teachers.select_related("person").order_by("person__name")
    people += [(teacher.person, True) for teacher in teachers]
    return [
        {
            "person": person,
            "is_teacher": is_teacher,
            "cells": [
                _cell(
                    session,
                    person,
                    events[person.pk, session.pk],
                    marks.get((person.pk, session.pk)),
                )
                for session in sessions
            ],  # fmt: skip
        }
        for person, is_teacher in people
    ]


def _hand_entries(training_class: TrainingClass) -> dict:
    """The class's hand marks, every one (superseded ones too, with what replaced them), and its
    late requests: the history a reviewer reads (过程留痕, 003 §三10)."""
    marks = (
        ManualMark.objects.filter(session__training_class=training_class)
        .select_related("session", "person", "recorded_by", "approval", "superseded_by")
        .order_by("-recorded_at", "-id")
    )
    requests = (
        LateMarkRequest.objects.filter(session__training_class=training_class)
        .select_related("session", "person", "requested_by")
        .order_by("-requested_at", "-id")
    )
    return {"hand_marks": list(marks), "late_requests": list(requests)}


def _context(request, training_class: TrainingClass) -> dict:
    user = request.user
    can_run = has_capability(user, Capability.RUN_CLASSES)
    state = training_class.state
    editable = can_run and state in EDITABLE_STATES
    can_mark = can_run and state in RUNNING
    sessions = list(training_class.sessions.select_related("teacher__person"))
    enrollments = list(
        training_class.enrollments.select_related("person", "eligibility", "completion")
    )
    attended = services.attended_sessions(training_class)
    lang = language()
    # 004 §五(一): for an occupation that needs a practising licence, the licence each trainee
    # holds on the pack's day (enrolment refuses anyone without it).
    licences = eligibility.roster_licences(training_class, enrollments)
    roster = []
    for enrollment in enrollments:
        record = enrollment.eligibility
        reasons = decision_of(record).reasons(lang) if record and not enrollment.eligible else []
        roster.append(
            {
                "enrollment": enrollment,
                "reasons": reasons,
                "attended": len(attended.get(enrollment.person_id, ())),
                "enrolled": enrollment.state == EnrollmentState.ENROLLED,
                "licence": licences.held.get(enrollment.person_id) if licences else None,
            }
        )
    teachers = list(training_class.teachers.select_related("person").order_by("person__name"))
    commitment = None
    if training_class.commitment_reason:
        commitment = Commitment.objects.filter(training_class=training_class).first()
    return {
        "training_class": training_class,
        # 004 §四(三): planned to end after the year's training deadline (a warning)
        "timetable_warning": services.timetable_warning(training_class),
        "badge": STATE_BADGES.get(state, "text-bg-secondary"),
        "actions": _actions(user, training_class),
        "can_run": can_run,
        "can_complete": can_run and state == ClassState.IN_PROGRESS,
        # the rule complete() checks: until then the button is disabled with the reason
        "complete_ready": services.completion_readiness(training_class),
        "editable": editable,
        "can_enrol": can_run and state in EDITABLE_STATES | {ClassState.APPROVED},
        # "register first" must lead somewhere: the registry's page for one person
        "can_register": has_capability(user, Capability.REGISTER_PEOPLE),
        "can_withdraw": can_run and state in ACTIVE_STATES,
        "can_assess": can_run and state == ClassState.IN_PROGRESS,
        "can_mark": can_mark,
        "sessions": sessions,
        "roster": roster,
        "licences": licences,
        "enrolled_count": sum(1 for e in enrollments if e.state in ON_ROSTER),
        "teachers": teachers,
        "commitment": commitment,
        "changes": training_class.changes.select_related("by").order_by("-at", "-id"),
        "grid": _grid(training_class, sessions, enrollments),
        "figures": services.attendance_figures(training_class),
        "hand_form": HandMarkForm(training_class=training_class) if can_mark else None,
        **_hand_entries(training_class),
        "max_upload_mb": services.MAX_COMMITMENT_BYTES // (1024 * 1024),
        **_parts_from_above(user, training_class),
    }


def _parts_from_above(user, training_class: TrainingClass) -> dict:
    """What the apps above training add to the class page (training.hooks): the evaluation
    bookings of the class and whether one may be booked."""
    context = {}
    for part in hooks.class_page_parts:
        context.update(part(user, training_class))
    return context


@capability_required(Capability.VIEW_CLASSES, missing_is_404=True)
def class_detail(request, pk: int):
    training_class = _class_or_404(request, pk)
    return render(request, "training/detail.html", _context(request, training_class))


def _done(request, training_class: TrainingClass, anchor: str = "", **extra):
    """The answer to an action on the class page: its sections swapped in place for htmx,
    else back to the page."""
    if request.htmx:
        training_class.refresh_from_db()
        context = {**_context(request, training_class), **extra}
        return render(request, "training/_sections.html", context)
    url = reverse("training:detail", args=[training_class.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@capability_required(Capability.VIEW_CLASSES, missing_is_404=True)
@require_POST
def change_state(request, pk: int):
    training_class = _class_or_404(request, pk)
    form = StateForm(request.POST)
    if not valid(request, form):
        return redirect("training:detail", pk=pk)
    target, reason = form.cleaned_data["state"], form.cleaned_data["reason"]
    if not states.may_reach(request.user, WORKFLOW, target):
        raise PermissionDenied  # the bureau's changes are not the institution's, and back
    done = run_service(
        request,
        lambda: services.change_state(training_class, target, reason=reason),
        success=_state_message(training_class, target),
    )
    if done and target in {ClassState.SUBMITTED, ClassState.APPROVED}:
        _warn_timetable(request, training_class)
    return redirect("training:detail", pk=pk)


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def complete(request, pk: int):
    training_class = _class_or_404(request, pk)
    try:
        counts = services.complete(training_class)
    except ValidationError as problem:
        for message in problem.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The class is completed: %(completed)d trainees completed it, %(not_completed)d did "
              "not. Next: book the evaluation of those who completed it.") % counts,
        )  # fmt: skip
    return redirect("training:detail", pk=pk)


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def add_session(request, pk: int):
    training_class = _class_or_404(request, pk)
    form = SessionForm(request.POST, training_class=training_class)
    if valid(request, form):
        values = form.cleaned_data

        def at(moment: time) -> datetime:
            return timezone.make_aware(datetime.combine(values["day"], moment))

        run_service(
            request,
            lambda: services.add_session(
                training_class, starts_at=at(values["starts"]), ends_at=at(values["ends"]),
                topic=values["topic"], teacher=values["teacher"],
                site_address=values["site_address"], site_latitude=values["site_latitude"],
                site_longitude=values["site_longitude"], site_radius=values["site_radius"],
            ),
        )  # fmt: skip
    return _done(request, training_class, "timetable")


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def remove_session(request, pk: int, session_pk: int):
    training_class = _class_or_404(request, pk)
    session = get_object_or_404(training_class.sessions, pk=session_pk)
    run_service(request, lambda: services.remove_session(session))
    return _done(request, training_class, "timetable")


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def enrol(request, pk: int):
    training_class = _class_or_404(request, pk)
    form = EnrolForm(request.POST)
    enrolled = False
    if valid(request, form):
        # An electronic training voucher the trainee shows is redeemed with the enrolment.
        person, voucher = form.cleaned_data["id_number"], form.cleaned_data["voucher"]
        enrolled = run_service(
            request,
            lambda: services.enrol(training_class, person, voucher=voucher),
            success=_("%(name)s is on the roster.") % {"name": person.name},
        )
    # A refused number stays in the field, to be corrected rather than typed again.
    number = "" if enrolled else (form["id_number"].value() or "").strip()
    return _done(request, training_class, "roster", enrol_number=number)


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def withdraw_enrollment(request, pk: int, enrollment_pk: int):
    training_class = _class_or_404(request, pk)
    enrollment = get_object_or_404(
        training_class.enrollments.select_related("person", "training_class"), pk=enrollment_pk
    )
    form = ReasonForm(request.POST)
    if valid(request, form):
        reason = form.cleaned_data["reason"]
        run_service(request, lambda: services.withdraw_enrollment(enrollment, reason))
    return _done(request, training_class, "roster")


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def set_assessment(request, pk: int, enrollment_pk: int):
    training_class = _class_or_404(request, pk)
    enrollment = get_object_or_404(
        training_class.enrollments.select_related("training_class"), pk=enrollment_pk
    )
    form = AssessmentForm(request.POST)
    if valid(request, form):
        passed = form.cleaned_data["passed"]
        run_service(request, lambda: services.set_assessment(enrollment, passed), success=None)
    return _done(request, training_class, "roster")


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def hand_mark(request, pk: int):
    """Attendance entered or corrected by hand, with its reason: stored within the pack's
    window, else filed as a request for the bureau's approval."""
    training_class = _class_or_404(request, pk)
    form = HandMarkForm(request.POST, training_class=training_class)
    if valid(request, form):
        values = form.cleaned_data
        outcome = []

        def enter():
            outcome.append(services.enter_by_hand(
                values["session"], values["person"], present=values["present"],
                reason=values["reason"],
            ))  # fmt: skip

        if run_service(request, enter, success=None):
            if isinstance(outcome[0], LateMarkRequest):
                messages.info(request, _("The period for entering it by hand has passed: the "
                                         "request waits for the bureau's approval."))  # fmt: skip
            else:
                messages.success(request, _("Attendance entered by hand, with its reason."))
    return redirect(reverse("training:detail", args=[pk]) + "#attendance")


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def upload_commitment(request, pk: int):
    training_class = _class_or_404(request, pk)
    form = CommitmentForm(request.POST, request.FILES)
    if valid(request, form):
        upload = form.cleaned_data["file"]
        run_service(
            request,
            lambda: services.attach_commitment(
                training_class, filename=upload.name, content=upload.read(),
                content_type=upload.content_type or "",
            ),
        )  # fmt: skip
    return redirect(reverse("training:detail", args=[pk]) + "#commitment")


@capability_required(Capability.VIEW_CLASSES, missing_is_404=True)
def download_commitment(request, pk: int):
    training_class = _class_or_404(request, pk)
    commitment = get_object_or_404(Commitment, training_class=training_class)
    response = HttpResponse(
        services.read_commitment(commitment),
        content_type=commitment.content_type or "application/pdf",
    )
    response["Content-Disposition"] = content_disposition_header(True, commitment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the bureau's review queue ----------------------------------------------------------------


@capability_required(Capability.REVIEW_CLASSES)
def review_queue(request):
    form, queryset = filtered(request, ClassFilter, selectors.review_queue)
    queryset = queryset.annotate(
        enrolled=_on_roster(),
        sessions_count=per_row(Session.objects, "training_class", Count("id"), 0),
    )
    waiting = _classes(request.user).filter(state=ClassState.SUBMITTED)
    page = page_of(request, queryset)
    packs = {}  # each region's pack looked up once for the page
    # 004 §四(三): the classes of the page planned to end after the year's training deadline
    late = {c.pk: services.timetable_warning(c, packs) for c in page}
    context = {
        "page": page,
        "late": late,
        "form": form,
        "institutions": Institution.objects.filter(
            pk__in=waiting.values("institution")
        ).select_related("organisation"),
        "occupations": Occupation.objects.filter(pk__in=waiting.values("occupation")),
        "query": request.GET.urlencode(),
    }
    template = pick_template(request, "training/review.html", "training/_queue.html")
    return render(request, template, context)


@capability_required(Capability.REVIEW_CLASSES)
@require_POST
def review_bulk(request):
    form = ReviewForm(request.POST, classes=_classes(request.user))
    ok = valid(request, form)
    query = form.cleaned_data.get("query", "")
    back = reverse("training:review") + (f"?{query}" if query else "")
    if not ok:
        return redirect(back)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    classes = sorted(form.cleaned_data["classes"], key=lambda c: c.code)
    result = services.review_many(classes, approve_them=decision == "approve", reason=reason)
    if result["done"]:
        done = "、".join(training_class.code for training_class in result["done"])
        if decision == "approve":
            messages.success(
                request,
                _("Approved: %(codes)s. The institutions can run the training by the timetable.")
                % {"codes": done},
            )
        else:
            messages.success(
                request,
                _("Rejected: %(codes)s. The institutions see the reason and can revise the "
                  "applications.") % {"codes": done},
            )  # fmt: skip
    if decision == "approve":  # 004 §四(三): approved all the same, with the warning
        for training_class in result["done"]:
            _warn_timetable(request, training_class, prefix=True)
    for training_class, problem in result["refused"]:
        messages.error(
            request,
            _("%(code)s was not changed: %(reason)s")
            % {"code": training_class.code, "reason": problem},
        )
    return redirect(back)


# --- late hand marks: the bureau's approvals --------------------------------------------------


@capability_required(Capability.REVIEW_CLASSES)
def late_marks(request):
    """Hand marks asked for after the pack's window, in the reviewer's region: the waiting ones
    to approve or refuse, then the last ones decided."""
    requests = scoped(
        request.user,
        LateMarkRequest.objects.select_related("session__training_class", "person", "requested_by"),
    )
    context = {
        "waiting": requests.filter(state=LateMarkState.REQUESTED).order_by("requested_at", "id"),
        "decided": requests.exclude(state=LateMarkState.REQUESTED).order_by("-id")[:50],
    }
    return render(request, "training/late_marks.html", context)


@capability_required(Capability.REVIEW_CLASSES, missing_is_404=True)
@require_POST
def decide_late_mark(request, pk: int):
    late = get_scoped_or_404(request.user, LateMarkRequest.objects.all(), pk=pk)
    form = LateMarkDecisionForm(request.POST)
    if valid(request, form):
        approve = form.cleaned_data["decision"] == "approve"
        run_service(
            request,
            lambda: services.decide_late_mark(late, approve=approve,
                                              reason=form.cleaned_data["reason"]),
            success=_("Approved: the attendance is entered.") if approve else _("Refused."),
        )  # fmt: skip
    return redirect("training:late-marks")


# --- attendance devices -----------------------------------------------------------------------


@capability_required(Capability.RUN_CLASSES)
@require_http_methods(["GET", "POST"])
def devices(request):
    """The institution's attendance terminals; a new one's token is shown once, on this answer."""
    institution = _own_institution(request.user)
    token = new_device = None
    if request.method == "POST":
        if institution is None:
            raise Http404
        form = DeviceForm(request.POST)
        if valid(request, form):
            name, key = form.cleaned_data["name"], form.cleaned_data["public_key"]

            def register():
                nonlocal new_device, token
                new_device, token = services.register_device(institution, name, key)

            run_service(request, register)
    context = {
        "devices": scoped(request.user, Device.objects.select_related("institution__organisation")),
        "institution": institution,
        "token": token,
        "new_device": new_device,
    }
    return render(request, "training/devices.html", context)


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def deactivate_device(request, pk: int):
    device = get_scoped_or_404(request.user, Device.objects.all(), pk=pk)
    run_service(request, lambda: services.deactivate_device(device))
    return redirect("training:devices")
