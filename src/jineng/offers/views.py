"""Pages of published training and sign-up: the public list and a training's page (no login),
the worker's registration with a texted code, signing up, "my sign-ups"; the publisher's list,
publish form and each training's sign-ups (accept, decline). Writes go through offers.services;
a refusal becomes a message, never a traceback. Rows outside the viewer's scope are 404."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jineng.catalog.packs import decision_of
from jineng.core.forms import form_errors, styled
from jineng.core.i18n import language
from jineng.core.middleware import client_ip
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404
from jineng.core.security import local_url
from jineng.core.views import capability_required, filtered, page_of, run_service, valid
from jineng.offers import selectors, services
from jineng.offers.filters import OfferFilter
from jineng.offers.forms import (
    ApplyForm,
    AttachForm,
    ConfirmForm,
    PublishForm,
    ReasonForm,
    RegisterForm,
)
from jineng.offers.models import ApplicationState, Offer, OfferState

STATE_BADGES = {
    ApplicationState.APPLIED: "text-bg-info",
    ApplicationState.WAITING: "text-bg-warning",
    ApplicationState.ACCEPTED: "text-bg-success",
    ApplicationState.DECLINED: "text-bg-danger",
    ApplicationState.WITHDRAWN: "text-bg-secondary",
}


def offer_list(request):
    """The public list (no login): by occupation, county, date and "free for me"."""
    form, rows = filtered(request, OfferFilter, selectors.offer_list)
    styled(form)
    return render(
        request,
        "offers/list.html",
        {
            "form": form,
            "page": page_of(request, rows),
            "person": selectors.person_of(request.user),
        },
    )


def offer_detail(request, pk: int):
    offer = get_object_or_404(selectors.published(), pk=pk)
    person = selectors.person_of(request.user)
    worker = has_capability(request.user, Capability.APPLY_FOR_TRAINING)
    mine = (
        offer.applications.filter(person=person).order_by("-applied_at").first() if person else None
    )
    return render(
        request,
        "offers/detail.html",
        {
            "offer": offer,
            "expected": services.expected_subsidy(offer, person),
            "person": person,
            "worker": worker,
            "mine": mine,
            "voucher": services.offered_voucher(offer, person) if person else None,
            "full": services.places_taken(offer) >= services.capacity(offer),
            "free_places": max(services.capacity(offer) - services.places_taken(offer), 0),
            "capacity": services.capacity(offer),
            "form": ApplyForm(),
        },
    )


@require_POST
@capability_required(Capability.APPLY_FOR_TRAINING)
def apply(request, pk: int):
    offer = get_object_or_404(selectors.published(), pk=pk)
    form = ApplyForm(request.POST)
    if valid(request, form):
        holder = {}

        def sign_up():
            holder["application"] = services.apply(
                offer, use_voucher=form.cleaned_data["use_voucher"]
            )

        if run_service(request, sign_up, success=None):
            if holder["application"].state == ApplicationState.WAITING:
                messages.info(request, _("The class is full: you are on its waiting list."))
            else:
                messages.success(request, _("Signed up: the institution will answer you."))
            return redirect("offers:mine")
    return redirect("offers:detail", pk=offer.pk)


@require_http_methods(["GET", "POST"])
def register(request):
    """A worker registers: name, ID document and phone, then the code texted to the phone,
    a username and a password. Nothing personal is kept between the two steps but in the form."""
    if request.user.is_authenticated:
        return redirect("offers:mine")
    next_url = local_url(request, request.GET.get("next"))  # only a page of this site
    confirming = request.method == "POST" and "confirm" in request.POST
    if request.method == "POST" and not confirming:
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                data = form.cleaned_data
                services.request_code(data["phone"], client_ip(request))
            except ValidationError as problem:
                form_errors(form, problem)
            else:
                messages.info(request, _("A code was texted to your phone."))
                form = ConfirmForm(initial=data)
                confirming = True
        return render(
            request,
            "offers/register.html",
            {"form": styled(form), "confirming": confirming, "next": next_url},
        )
    if confirming:
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                user = services.register_worker(**form.cleaned_data)
            except ValidationError as problem:
                form_errors(form, problem)
            else:
                login(request, user, backend="jineng.core.security.LockoutModelBackend")
                messages.success(request, _("Welcome: your account is open."))
                return redirect(next_url or "offers:mine")
        return render(
            request,
            "offers/register.html",
            {"form": styled(form), "confirming": True, "next": next_url},
        )
    return render(
        request,
        "offers/register.html",
        {"form": styled(RegisterForm()), "confirming": False, "next": next_url},
    )


@capability_required(Capability.APPLY_FOR_TRAINING)
def mine(request):
    rows = list(selectors.my_applications(request.user))
    lang = "zh" if language() == "zh" else "en"
    for row in rows:
        row.position = services.waiting_position(row)
        enrolled = row.enrollment
        # Why the roster's eligibility decision refused the subsidy, in the engine's words.
        row.reasons = (
            decision_of(enrolled.eligibility).reasons(lang)
            if enrolled is not None and enrolled.eligibility_id and not enrolled.eligible
            else []
        )
    return render(request, "offers/mine.html", {"applications": rows, "badges": STATE_BADGES})


@require_POST
@login_required
def withdraw(request, pk: int):
    application = get_scoped_or_404(request.user, selectors.my_applications(request.user), pk=pk)
    run_service(request, lambda: services.withdraw(application), success=_("Withdrawn."))
    return redirect("offers:mine")


# --- the publisher's pages --------------------------------------------------------------------


@capability_required(Capability.PUBLISH_TRAINING)
@require_http_methods(["GET", "POST"])
def manage(request):
    form = PublishForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.publish(**form.values())
        except (ValidationError, PermissionDenied) as problem:
            if isinstance(problem, PermissionDenied):
                problem = ValidationError(str(problem))
            form_errors(form, problem)
        else:
            messages.success(request, _("Published."))
            return redirect("offers:applications", pk=offer.pk)
    return render(
        request,
        "offers/manage.html",
        {
            "form": styled(form),
            "offers": selectors.offers_for(request.user),
        },
    )


def _own_offer(request, pk: int) -> Offer:
    return get_scoped_or_404(request.user, selectors.offers_for(request.user), pk=pk)


@capability_required(Capability.PUBLISH_TRAINING, missing_is_404=True)
def applications(request, pk: int):
    offer = _own_offer(request, pk)
    rows = list(
        selectors.applications_for(request.user).filter(offer=offer).order_by("applied_at", "id")
    )
    for row in rows:
        row.position = services.waiting_position(row)
    return render(
        request,
        "offers/applications.html",
        {
            "offer": offer,
            "applications": rows,
            "badges": STATE_BADGES,
            "attach": styled(AttachForm(user=request.user)),
            "can_decide": has_capability(request.user, Capability.RUN_CLASSES),
            "taken": services.places_taken(offer),
            "capacity": services.capacity(offer),
            "reason_form": ReasonForm(),
        },
    )


def _application(request, pk: int):
    if not has_capability(request.user, Capability.RUN_CLASSES):
        raise Http404
    return get_scoped_or_404(request.user, selectors.applications_for(request.user), pk=pk)


@require_POST
@login_required
def accept(request, pk: int):
    application = _application(request, pk)
    run_service(
        request, lambda: services.accept(application), success=_("Accepted into the roster.")
    )
    return redirect("offers:applications", pk=application.offer_id)


@require_POST
@login_required
def decline(request, pk: int):
    application = _application(request, pk)
    form = ReasonForm(request.POST)
    if valid(request, form):
        run_service(
            request,
            lambda: services.decline(application, form.cleaned_data["reason"]),
            success=_("Declined."),
        )
    return redirect("offers:applications", pk=application.offer_id)


@require_POST
@capability_required(Capability.RUN_CLASSES, missing_is_404=True)
def attach(request, pk: int):
    offer = _own_offer(request, pk)
    form = AttachForm(request.POST, user=request.user)
    if valid(request, form):
        run_service(
            request, lambda: services.attach_class(offer, form.cleaned_data["training_class"])
        )
    return redirect("offers:applications", pk=offer.pk)


@require_POST
@capability_required(Capability.PUBLISH_TRAINING, missing_is_404=True)
def close(request, pk: int):
    offer = _own_offer(request, pk)
    if offer.state == OfferState.PUBLISHED:
        run_service(request, lambda: services.close(offer), success=_("Closed for sign-up."))
    return redirect("offers:applications", pk=offer.pk)
