"""Face pages: a person's consent and photo, the check-in page at the door (camera), the
mismatches and the faces under two names."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404, scoped
from jineng.core.views import capability_required, page_of, run_service, valid
from jineng.faces import api, selectors, services
from jineng.faces.forms import CheckInForm, EnrolForm, ReviewForm
from jineng.faces.models import FaceTemplate
from jineng.training.models import ClassState, EnrollmentState, Session


@capability_required(Capability.REGISTER_PEOPLE, missing_is_404=True)
@require_http_methods(["GET", "POST"])
def person(request, pk: int):
    """The person's consent to face verification and their photo (PIPL art. 29)."""
    found = selectors.person_for(request.user, pk)
    if found is None:
        raise Http404
    form = EnrolForm()
    if request.method == "POST":
        form = EnrolForm(request.POST, request.FILES)
        if valid(request, form):
            photo = form.cleaned_data["photo"].read()

            def take():
                services.consent_and_enrol(found, photo)

            if run_service(request, take, success=_("The face template is taken.")):
                return redirect("faces:person", pk=pk)
    context = {
        "person": found,
        "form": form,
        "consent": services.active_consent(found),
        "template": FaceTemplate.objects.filter(person=found).defer("template", "photo").first(),
        "version": services.CONSENT_VERSION,
    }
    return render(request, "faces/person.html", context)


@capability_required(Capability.REGISTER_PEOPLE, missing_is_404=True)
@require_POST
def withdraw(request, pk: int):
    found = selectors.person_for(request.user, pk)
    if found is None:
        raise Http404
    run_service(request, lambda: services.withdraw_consent(found))
    return redirect("faces:person", pk=pk)


def _session(request, pk: int) -> Session:
    return get_scoped_or_404(request.user, Session.objects.select_related("training_class"), pk=pk)


@capability_required(Capability.RUN_CLASSES)
def door_sessions(request):
    """The sessions a door page may be opened for: those of the approved and running classes in
    scope, the latest first, today's marked."""
    sessions = scoped(
        request.user,
        Session.objects.filter(
            training_class__state__in=[ClassState.APPROVED, ClassState.IN_PROGRESS]
        ).select_related("training_class"),
    ).order_by("-starts_at", "-id")[:200]
    today = timezone.localdate()
    return render(request, "faces/door_sessions.html", {"sessions": sessions, "today": today})


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
def door(request, pk: int):
    """The check-in page at the door: camera, one trainee after another."""
    session = _session(request, pk)
    enrollments = session.training_class.enrollments.filter(
        state=EnrollmentState.ENROLLED
    ).select_related("person")
    return render(request, "faces/door.html", {"session": session, "enrollments": enrollments})


@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
@require_POST
def door_check_in(request, pk: int):
    """One capture from the door page: the JSON answer the page shows."""
    session = _session(request, pk)
    enrollments = session.training_class.enrollments.filter(state=EnrollmentState.ENROLLED)
    form = CheckInForm(request.POST, request.FILES, enrollments=enrollments)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    person = form.cleaned_data["enrollment"].person
    try:
        verification = services.check_in(session, person, form.cleaned_data["photo"].read())
    except ValidationError as problem:
        return JsonResponse({"error": " ".join(problem.messages)}, status=400)
    body = api.answer(verification)
    body["message"] = (
        _("%(name)s checked in.") if verification.checkin_id
        else _("The face does not match %(name)s: not checked in.")
    ) % {"name": person.name}  # fmt: skip
    return JsonResponse(body, status=201 if verification.checkin_id else 200)


@capability_required(Capability.VIEW_CLASSES)
def mismatches(request):
    context = {
        "page": page_of(request, selectors.mismatches(request.user)),
        "duplicates": selectors.duplicates(request.user)[:100],
        "reviewer": has_capability(request.user, Capability.REVIEW_CLASSES),
        "form": ReviewForm(),
    }
    return render(request, "faces/mismatches.html", context)


@capability_required(Capability.REVIEW_CLASSES, missing_is_404=True)
def mismatch_photo(request, pk: int, which: str = "taken"):
    """The face of the photo taken at the door, or of the enrolment photo when it is kept
    (JINENG_FACE_KEEP_PHOTOS), to a reviewer only; each look audited."""
    verification = get_scoped_or_404(
        request.user, selectors.mismatches(request.user).defer(None), pk=pk
    )
    try:
        taken, enrolled = services.thumbnails(verification)
    except ValidationError:
        raise Http404 from None
    shown = enrolled if which == "enrolled" else taken
    if shown is None:
        raise Http404
    response = HttpResponse(shown, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response


@capability_required(Capability.REVIEW_CLASSES, missing_is_404=True)
@require_POST
def review(request, pk: int):
    verification = get_scoped_or_404(request.user, selectors.mismatches(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if valid(request, form):
        run_service(request, lambda: services.review_mismatch(
            verification, form.cleaned_data["decision"], form.cleaned_data["note"]))  # fmt: skip
    return redirect("faces:mismatches")
