"""Subsidy claim pages (补贴申领, 004 §四(五); 002 §四(二)1, §四(三)1): the list, new claims for a
completed class, an evaluation booking or an enterprise's hires, a claim's page (lines with the
"why" of every amount, review, notice, objections), the public notice (公示, no login) with its
objection form, payments in batches with their export, and recoveries.

Every write goes through the claims services as the signed-in user (the request middleware sets
the audit context); a refusal becomes a message on the page, never a traceback. Claims outside
the viewer's scope do not exist (404). Actions on a claim's page are htmx requests answered with
the page's sections swapped out of band.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jineng.catalog.models import FundChannel
from jineng.claims import (
    agreements,
    employment,
    notice,
    payment,
    recovery,
    review,
    selectors,
    services,
)
from jineng.claims.capitals import amount_in_capitals
from jineng.claims.filters import BatchFilter, ClaimFilter, RecoveryFilter
from jineng.claims.forms import (
    AgreementForm,
    EmploymentClaimForm,
    EvaluationClaimForm,
    FundChannelForm,
    LineReviewForm,
    NoteForm,
    ObjectionForm,
    OutcomesForm,
    PaidBeforeStopForm,
    ReasonForm,
    RecoveredForm,
    ResolveForm,
    ReviewForm,
)
from jineng.claims.holds import findings_of
from jineng.claims.models import (
    EMPLOYMENT_KINDS,
    BatchState,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    LineState,
    Notice,
    Objection,
    ObjectionState,
    PaymentBatch,
    PaymentOutcome,
    Recovery,
    RecoveryCause,
    RecoveryState,
)
from jineng.core import audit
from jineng.core.forms import cleaned, form_errors
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.replica import replica_view
from jineng.core.roles import Capability, OrgKind, has_capability
from jineng.core.scope import get_scoped_or_404, scope_of, scoped
from jineng.core.throttles import AddressThrottle
from jineng.core.views import (
    SAVED,
    capability_required,
    filtered,
    page_of,
    pick_template,
    run_service,
    valid,
)
from jineng.evaluation.models import EvaluationBooking
from jineng.training.models import TrainingClass

STATE_BADGES = {
    ClaimState.DRAFT: "text-bg-secondary",
    ClaimState.SUBMITTED: "text-bg-info",
    ClaimState.REVIEWED: "text-bg-primary",
    ClaimState.IN_NOTICE: "text-bg-warning",
    ClaimState.PAYABLE: "text-bg-primary",
    ClaimState.PAID: "text-bg-success",
    ClaimState.CLOSED: "text-bg-dark",
    ClaimState.WITHDRAWN: "text-bg-light",
    ClaimState.REJECTED: "text-bg-danger",
}
LINE_BADGES = {
    LineState.PENDING: "text-bg-secondary",
    LineState.APPROVED: "text-bg-primary",
    LineState.REJECTED: "text-bg-danger",
    LineState.PAID: "text-bg-success",
    LineState.FAILED: "text-bg-warning",
}
OUTCOME_BADGES = {
    PaymentOutcome.PENDING: "text-bg-secondary",
    PaymentOutcome.PAID: "text-bg-success",
    PaymentOutcome.FAILED: "text-bg-danger",
}
# Outcomes of a payment as the pages name them (the model's labels are shared words).
OUTCOME_LABELS = {
    PaymentOutcome.PENDING: gettext_lazy("waiting for finance"),
    PaymentOutcome.PAID: gettext_lazy("paid"),
    PaymentOutcome.FAILED: gettext_lazy("payment failed"),
}
BATCH_BADGES = {
    BatchState.OPEN: "text-bg-secondary",
    BatchState.EXPORTED: "text-bg-primary",
    BatchState.CLOSED: "text-bg-success",
}
RECOVERY_BADGES = {
    RecoveryState.OPEN: "text-bg-warning",
    RecoveryState.RECOVERED: "text-bg-success",
    RecoveryState.WAIVED: "text-bg-secondary",
}
OBJECTION_BADGES = {
    ObjectionState.OPEN: "text-bg-warning",
    ObjectionState.UPHELD: "text-bg-danger",
    ObjectionState.DISMISSED: "text-bg-secondary",
}
TOPPABLE = {ClaimState.REVIEWED, ClaimState.IN_NOTICE, ClaimState.PAYABLE, ClaimState.PAID,
            ClaimState.CLOSED}  # fmt: skip
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _claim_or_404(request, pk: int) -> Claim:
    return get_scoped_or_404(request.user, selectors.claims_for(request.user), pk=pk)


def _bureaus(user):
    return scoped(user, Organisation.objects.filter(kind=OrgKind.BUREAU)).order_by("path")


def _need(request, capability: str) -> None:
    if not has_capability(request.user, capability):
        raise PermissionDenied


# --- the list ---------------------------------------------------------------------------------


@capability_required(Capability.VIEW_CLAIMS)
def claim_list(request):
    user = request.user
    form, queryset = filtered(request, ClaimFilter, selectors.claim_list)
    context = {
        "page": page_of(request, queryset),
        "form": form,
        "kinds": ClaimKind.choices,
        "states": ClaimState.choices,
        "regions": _bureaus(user),
        "badges": STATE_BADGES,
        "can_make": has_capability(user, Capability.MAKE_CLAIMS),
        "can_take": has_capability(user, Capability.TAKE_CLAIMS),
        "can_pay": has_capability(user, Capability.PAY_CLAIMS),
    }
    template = pick_template(request, "claims/list.html", "claims/_rows.html")
    return render(request, template, context)


# --- the review queue -------------------------------------------------------------------------


def _waiting_for_review(user):
    return selectors.claims_for(user).filter(state=ClaimState.SUBMITTED)


@capability_required(Capability.REVIEW_CLAIMS)
def review_queue(request):
    """Submitted claims of the reviewer's region, to decide one by one (the claim page) or
    several at once: approving takes each line as the rules decided it (004 §四(五) 审核)."""
    form, queryset = filtered(request, ClaimFilter, selectors.review_queue)
    context = {
        "page": page_of(request, queryset),
        "form": form,
        "kinds": ClaimKind.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "claims/review.html", context)


@capability_required(Capability.REVIEW_CLAIMS)
@require_POST
def review_bulk(request):
    form = ReviewForm(request.POST, claims=_waiting_for_review(request.user))
    if valid(request, form):
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        claims = sorted(form.cleaned_data["claims"], key=lambda claim: claim.number)
        _report_bulk(request, review.review_many(claims, approve=decision == "approve",
                                                 reason=reason), decision)  # fmt: skip
    query = form.cleaned_data.get("query", "")
    return redirect(reverse("claims:review") + (f"?{query}" if query else ""))


def _report_bulk(request, result: dict, decision: str) -> None:
    if result["done"]:
        numbers = "、".join(claim.number for claim in result["done"])
        done = (
            _("Reviewed: %(numbers)s. Next: publish their public notice (公示).")
            if decision == "approve"
            else _("Rejected: %(numbers)s. The claimants see the reason on each claim.")
        )
        messages.success(request, done % {"numbers": numbers})
    for claim, problem in result["refused"]:
        messages.error(
            request,
            _("%(number)s was not changed: %(reason)s")
            % {"number": claim.number, "reason": problem},
        )


# --- new claims -------------------------------------------------------------------------------


def _org_kind(user) -> str | None:
    organisation = getattr(user, "organisation", None)
    return organisation.kind if organisation is not None else None


def _booking_choices(user) -> list[dict]:
    return [
        {"booking": booking, "form": EvaluationClaimForm(booking=booking)}
        for booking in selectors.claimable_bookings(user)
    ]


@capability_required(Capability.MAKE_CLAIMS)
def claim_new(request):
    """What the institution (completed classes) or the evaluation organisation (finished
    evaluations) may claim for, each not claimed yet."""
    user = request.user
    kind = _org_kind(user)
    everything = scope_of(user).everything
    show_classes = everything or kind == OrgKind.INSTITUTION
    show_bookings = everything or kind == OrgKind.EVALUATION_ORG
    context = {
        "show_classes": show_classes,
        "show_bookings": show_bookings,
        "classes": selectors.claimable_classes(user) if show_classes else [],
        "bookings": _booking_choices(user) if show_bookings else [],
    }
    return render(request, "claims/new.html", context)


def _created(request, make):
    """Run a create service: to the new claim's page, or back with the refusal."""
    try:
        claim = make()
    except ValidationError as problem:
        for message in problem.messages:
            messages.error(request, message)
        return None
    messages.success(
        request,
        _("Claim %(number)s is drafted: check its lines, then submit it.")
        % {"number": claim.number},
    )
    return claim


@capability_required(Capability.MAKE_CLAIMS, missing_is_404=True)
@require_POST
def claim_class(request, pk: int):
    training_class = get_scoped_or_404(request.user, TrainingClass.objects.all(), pk=pk)
    claim = _created(request, lambda: services.create_training_claim(training_class))
    return redirect("claims:detail", pk=claim.pk) if claim else redirect("claims:new")


@capability_required(Capability.MAKE_CLAIMS, missing_is_404=True)
@require_POST
def claim_booking(request, pk: int):
    booking = get_scoped_or_404(request.user, EvaluationBooking.objects.all(), pk=pk)
    form = EvaluationClaimForm(request.POST, booking=booking)
    if not form.is_valid():
        messages.error(request, _("Choose a free-evaluation agreement in force on the evaluation "
                                  "date."))  # fmt: skip
        return redirect("claims:new")
    agreement = form.cleaned_data["agreement"]
    claim = _created(request, lambda: services.create_evaluation_claim(booking, agreement))
    return redirect("claims:detail", pk=claim.pk) if claim else redirect("claims:new")


@capability_required(Capability.TAKE_CLAIMS)
@require_http_methods(["GET", "POST"])
def claim_employment(request):
    """The bureau takes in an SME's or an HR agency's claim (002 §四(三)1)."""
    form = EmploymentClaimForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            claim = employment.create_employment_claim(
                values["kind"], bureau=values["bureau"], payee_name=values["payee_name"],
                payee_uscc=values["payee_uscc"], hires=values["hires"],
                fund_channel=values["fund_channel"], claim_year=values["claim_year"],
            )  # fmt: skip
        except ValidationError as problem:
            form_errors(form, problem)
        except PermissionDenied as refusal:  # e.g. the enterprise's bureau is outside the region
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("Claim %(number)s is drafted: check its lines, then submit it.")
                % {"number": claim.number},
            )
            return redirect("claims:detail", pk=claim.pk)
    context = {
        "form": form,
        "can_see_enterprises": has_capability(request.user, Capability.VIEW_ENTERPRISES),
    }
    return render(request, "claims/employment.html", context)


# --- free-evaluation agreements ---------------------------------------------------------------


@capability_required(Capability.VIEW_CLAIMS)
@require_http_methods(["GET", "POST"])
def agreement_list(request):
    """Free-evaluation agreements (免费技能评价协议) in scope; the organisation or its bureau
    records a new one."""
    user = request.user
    can_record = has_capability(user, Capability.MAKE_CLAIMS) or has_capability(
        user, Capability.REVIEW_CLAIMS
    )
    form = AgreementForm(request.POST or None, user=user) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                values = dict(form.cleaned_data)
                agreements.record_agreement(values.pop("evaluation_org"), **values)
            except ValidationError as problem:
                form_errors(form, problem)
            else:
                messages.success(request, SAVED)
                return redirect("claims:agreements")
    context = {"agreements": selectors.agreements_for(user), "form": form}
    return render(request, "claims/agreements.html", context)


# --- a claim's page ---------------------------------------------------------------------------


def _owner_capability(claim: Claim) -> str:
    """Who acts for the claimant: the bureau for the employment claims it takes in."""
    return Capability.TAKE_CLAIMS if claim.kind in EMPLOYMENT_KINDS else Capability.MAKE_CLAIMS


def _flags(user, claim: Claim) -> dict:
    """What this viewer may ask for now (the services check it all again)."""
    state = claim.state
    owner = has_capability(user, _owner_capability(claim))
    reviewer = has_capability(user, Capability.REVIEW_CLAIMS)
    can_end = reviewer and state == ClaimState.IN_NOTICE
    return {
        "can_submit": owner and state == ClaimState.DRAFT,
        # The service refuses it too; the page says why before anyone tries.
        "submit_refusal": services.all_zero_refusal()
        if owner and state == ClaimState.DRAFT and services.all_zero(claim)
        else "",
        "can_refresh": owner and state == ClaimState.DRAFT,
        "can_withdraw": owner and state in {ClaimState.DRAFT, ClaimState.SUBMITTED},
        "can_top_up": owner and claim.kind == ClaimKind.TRAINING
        and claim.top_up_of_id is None and state in TOPPABLE,
        "can_review": reviewer and state == ClaimState.SUBMITTED,
        "can_publish": reviewer and state == ClaimState.REVIEWED,
        "can_end": can_end,
        # the same rule the service checks: the button is disabled with the reason until then
        "end_ready": notice.end_readiness(claim.notice) if can_end else None,
        "can_resolve": reviewer and state == ClaimState.IN_NOTICE,
        "can_recover": has_capability(user, Capability.PAY_CLAIMS),
    }  # fmt: skip


def _rows(claim: Claim, lang: str) -> list[dict]:
    lines = list(selectors.lines_of(claim))
    findings = findings_of(line.pk for line in lines)
    return [
        {
            "line": line,
            "checks": selectors.checks_of(line, lang),
            "rate": selectors.percent(selectors.rate_of(line)),
            "badge": LINE_BADGES[line.state],
            "payments": list(line.payments.all()),
            "recovery": getattr(line, "recovery", None),
            "findings": findings.get(line.pk, []),
        }
        for line in lines
    ]


def _context(request, claim: Claim) -> dict:
    rows = _rows(claim, language())
    counts = selectors.line_counts(claim)
    packs = {row["line"].decision.pack_id: row["line"].decision.pack for row in rows}
    return {
        "claim": claim,
        "badge": STATE_BADGES[claim.state],
        "rows": rows,
        "count_items": [(state.label, counts[state]) for state in LineState if counts[state]],
        "packs": list(packs.values()),
        "changes": claim.changes.select_related("by"),
        "notice": Notice.objects.filter(claim=claim).select_related("published_by").first(),
        "objections": selectors.objections_of(claim),
        "objection_badges": OBJECTION_BADGES,
        "outcome_labels": {str(key): value for key, value in OUTCOME_LABELS.items()},
        "approved_lines": [row["line"] for row in rows if row["line"].state == LineState.APPROVED],
        "top_ups": claim.top_ups.order_by("id"),
        "can_view_findings": has_capability(request.user, Capability.VIEW_SUPERVISION),
        **_flags(request.user, claim),
    }


@capability_required(Capability.VIEW_CLAIMS, missing_is_404=True)
def claim_detail(request, pk: int):
    claim = _claim_or_404(request, pk)
    return render(request, "claims/detail.html", _context(request, claim))


def _done(request, claim: Claim, anchor: str = ""):
    """The answer to an action on the claim's page: its sections swapped in place for htmx,
    else back to the page."""
    if request.htmx:
        claim = _claim_or_404(request, claim.pk)
        return render(request, "claims/_sections.html", _context(request, claim))
    url = reverse("claims:detail", args=[claim.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _claim_action(capability: str, run, success, anchor: str = ""):
    """A POST on a claim's page that runs one service: `run(request, claim)`."""

    @capability_required(capability, missing_is_404=True)
    @require_POST
    def view(request, pk: int):
        claim = _claim_or_404(request, pk)
        if run_service(request, lambda: run(request, claim), None):
            claim.refresh_from_db()
            messages.success(request, success(claim) if callable(success) else success)
        return _done(request, claim, anchor)

    return view


def _reason(request) -> str:
    """The reason posted with an action; run inside run_service, whose messages say why a
    reason is refused."""
    return cleaned(ReasonForm(request.POST))["reason"]


def _submit(request, claim: Claim):
    _need(request, _owner_capability(claim))
    services.submit(claim)


def _withdraw(request, claim: Claim):
    _need(request, _owner_capability(claim))
    services.withdraw(claim, _reason(request))


def _refresh(request, claim: Claim):
    _need(request, _owner_capability(claim))
    services.refresh(claim)


submit = _claim_action(
    Capability.VIEW_CLAIMS,
    _submit,
    lambda claim: (
        _("The claim is submitted: waiting for %(bureau)s to review it.") % {"bureau": claim.bureau}
    ),
)
withdraw = _claim_action(Capability.VIEW_CLAIMS, _withdraw, gettext_lazy("The claim is withdrawn."))
refresh = _claim_action(
    Capability.VIEW_CLAIMS, _refresh, gettext_lazy("Every line was decided again.")
)
finish_review = _claim_action(
    Capability.REVIEW_CLAIMS,
    lambda request, claim: review.finish_review(claim),
    gettext_lazy("The review is finished: publish the public notice (公示) next."),
)
approve_claim = _claim_action(
    Capability.REVIEW_CLAIMS,
    lambda request, claim: review.approve_claim(claim, _reason(request)),
    gettext_lazy(
        "Every line the rules granted is approved; the review is finished: publish the public "
        "notice (公示) next."
    ),
)
reject_claim = _claim_action(
    Capability.REVIEW_CLAIMS,
    lambda request, claim: review.reject_claim(claim, _reason(request)),
    gettext_lazy("The claim is rejected: the claimant sees the reason on the claim."),
)
publish_notice = _claim_action(
    Capability.REVIEW_CLAIMS,
    lambda request, claim: notice.publish_notice(claim),
    lambda claim: (
        _(
            "The public notice is published until %(end)s: end it from %(next)s to make the claim "
            "payable, once every objection is resolved."
        )
        % {"end": claim.notice.ends_on, "next": claim.notice.ends_on + timedelta(days=1)}
    ),
    "notice",
)
end_notice = _claim_action(
    Capability.REVIEW_CLAIMS,
    lambda request, claim: notice.end_notice(claim),
    gettext_lazy("The notice has ended: the claim is payable; put it in a payment batch next."),
    "notice",
)


@capability_required(Capability.VIEW_CLAIMS, missing_is_404=True)
@require_POST
def top_up(request, pk: int):
    claim = _claim_or_404(request, pk)
    _need(request, _owner_capability(claim))
    made = []
    if run_service(request, lambda: made.append(services.create_top_up(claim)), success=None):
        if made[0] is None:
            messages.info(request, _("No line can be raised: there is nothing to top up."))
        else:
            messages.success(
                request,
                _("Top-up claim %(number)s is drafted.") % {"number": made[0].number},
            )
            return redirect("claims:detail", pk=made[0].pk)
    return redirect("claims:detail", pk=pk)


@capability_required(Capability.REVIEW_CLAIMS, missing_is_404=True)
@require_POST
def review_lines(request, pk: int):
    """Approve or reject lines, one by one or the chosen ones (htmx)."""
    claim = _claim_or_404(request, pk)
    form = LineReviewForm(request.POST, claim=claim)
    if valid(request, form):
        lines, reason = form.cleaned_data["lines"], form.cleaned_data["reason"]
        if form.cleaned_data["decision"] == "approve":
            run_service(request, lambda: review.approve_lines(claim, lines, reason),
                        _("Lines approved: %(n)d.") % {"n": len(lines)})  # fmt: skip
        else:
            run_service(request, lambda: review.reject_lines(claim, lines, reason),
                        _("Lines rejected: %(n)d.") % {"n": len(lines)})  # fmt: skip
    return _done(request, claim, "lines")


@capability_required(Capability.REVIEW_CLAIMS, missing_is_404=True)
@require_POST
def resolve_objection(request, pk: int):
    objection = get_scoped_or_404(request.user, Objection.objects.select_related("notice"), pk=pk)
    claim = _claim_or_404(request, objection.notice.claim_id)
    form = ResolveForm(request.POST, claim=claim)
    if valid(request, form):
        upheld, resolution = form.cleaned_data["upheld"], form.cleaned_data["resolution"]
        lines = form.cleaned_data["lines"] if upheld and objection.line_id is None else None
        run_service(
            request,
            lambda: notice.resolve_objection(
                objection, upheld=upheld, resolution=resolution, lines=lines
            ),
            _("The objection is upheld.") if upheld else _("The objection is dismissed."),
        )
    return _done(request, claim, "notice")


@capability_required(Capability.PAY_CLAIMS, missing_is_404=True)
@require_POST
def open_recovery(request, pk: int):
    """Fraud confirmed on a paid line: its amount becomes an amount to recover (追回)."""
    line = get_scoped_or_404(request.user, ClaimLine.objects.select_related("claim"), pk=pk)
    run_service(
        request,
        lambda: recovery.open_recovery(line, cause=RecoveryCause.FRAUD, reason=_reason(request)),
        _("The amount is to be recovered."),
    )
    return redirect(reverse("claims:detail", args=[line.claim_id]) + f"#line-{line.pk}")


# --- the public notice ------------------------------------------------------------------------


class ObjectionThrottle(AddressThrottle):
    """Objections per address (JINENG_CLAIMS_OBJECTION_RATE; empty: no limit)."""

    scope = "claims_objection"
    setting = "CLAIMS_OBJECTION_RATE"


def _public() -> list:
    return notice.public_notices()


@replica_view
def notice_list(request):
    """公示, open to everyone: the approved lines of each notice, every person masked."""
    items = [
        {"notice": shown, "form": ObjectionForm(notice=shown) if shown.running else None}
        for shown in _public()
    ]
    return render(request, "claims/notices.html", {"items": items})


@require_POST
def lodge_objection(request, pk: int):
    """An objection to a running notice, by anyone (htmx: the form answers in place)."""
    shown = next((item for item in _public() if item.id == pk and item.running), None)
    if shown is None:
        raise Http404
    form = ObjectionForm(request.POST, notice=shown)
    context = {"notice": shown, "form": form}
    throttle = ObjectionThrottle()
    if not throttle.allow_request(request, None):
        context["refused"] = _("Too many objections from your address: try again later.")
        return _objection_answer(request, context, status=429)
    if form.is_valid():
        context["lodged"] = _lodge(form, get_object_or_404(Notice, pk=pk))
    return _objection_answer(request, context)


def _lodge(form: ObjectionForm, target: Notice) -> bool:
    values = form.cleaned_data
    try:
        # Anyone may object without signing in (004 §四(五)): the public page says so.
        with audit.system_context("public:objection"):
            notice.lodge_objection(
                target, text=values["text"], contact_name=values["contact_name"],
                phone=values["phone"], line=values["line"],
            )  # fmt: skip
    except ValidationError as problem:
        form_errors(form, problem)
        return False
    return True


def _objection_answer(request, context: dict, status: int = 200):
    """htmx: the form in place; otherwise the whole page, the message on top."""
    if request.htmx:
        return render(request, "claims/_objection_form.html", context, status=status)
    if context.get("lodged"):
        messages.success(
            request, _("Your objection is recorded. The bureau will look into it before paying.")
        )
        return redirect("claims:notices")
    if context.get("refused"):
        messages.error(request, context["refused"])
    items = [{"notice": shown, "form": _form_for(shown, context)} for shown in _public()]
    return render(request, "claims/notices.html", {"items": items}, status=status)


def _form_for(shown, context: dict) -> ObjectionForm | None:
    """The objection form of a notice on the page: the one just posted keeps what was typed."""
    if shown.id == context["notice"].id:
        return context["form"]
    return ObjectionForm(notice=shown) if shown.running else None


# --- payments ---------------------------------------------------------------------------------


def _paying_bureau(user) -> Organisation | None:
    """The bureau a payer pays for: theirs, whose region holds every claim they see."""
    organisation = getattr(user, "organisation", None)
    return organisation.nearest_bureau() if organisation is not None else None


def _payable(user, bureau: Organisation | None) -> list[dict]:
    """Per fund channel, what a batch of the bureau would pay now (payment.payable_lines)."""
    if bureau is None:
        return []
    # Channels with claims in notice too: their button shows when they become payable.
    waiting = (ClaimState.PAYABLE, ClaimState.IN_NOTICE)
    channels = FundChannel.objects.filter(
        pk__in=selectors.claims_for(user).filter(state__in=waiting).values("fund_channel")
    ).order_by("code")
    rows = []
    for channel in channels:
        found = payment.payable_lines(bureau, channel).aggregate(n=Count("id"), total=Sum("amount"))
        ready = payment.batch_readiness(bureau, channel)  # the rule create_batch checks
        if found["n"] or payment.last_notice(bureau, channel) is not None:
            rows.append({"channel": channel, "count": found["n"], "ready": ready,
                         "total": selectors.money(found["total"] or 0)})  # fmt: skip
    return rows


@capability_required(Capability.RECORD_PAYMENTS)
def payments(request):
    """The region's batches; the bureau's payers also see what is payable and make batches,
    the finance bureau records the outcomes of the batches sent to it."""
    user = request.user
    form, batches = filtered(request, BatchFilter, selectors.batch_list)
    bureau = _paying_bureau(user)
    can_pay = has_capability(user, Capability.PAY_CLAIMS)
    context = {
        "bureau": bureau,
        "can_pay": can_pay,
        "payable": _payable(user, bureau) if can_pay else [],
        "page": page_of(request, batches),
        "form": form,
        "badges": BATCH_BADGES,
    }
    template = pick_template(request, "claims/payments.html", "claims/_batch_rows.html")
    return render(request, template, context)


@capability_required(Capability.PAY_CLAIMS)
@require_POST
def new_batch(request):
    bureau = _paying_bureau(request.user)
    if bureau is None:
        raise PermissionDenied
    form = FundChannelForm(request.POST)
    if not valid(request, form):
        return redirect("claims:payments")
    channel = form.cleaned_data["fund_channel"]
    made = []
    if run_service(request, lambda: made.append(payment.create_batch(bureau, channel)), None):
        messages.success(request, _(
            "Payment batch %(number)s is made. Next: send it to finance with its export; "
            "finance then records each line paid or failed.") % {"number": made[0].number}
        )  # fmt: skip
        late = payment.payment_window_warning(bureau)  # 004 §四(五): made all the same
        if late:
            messages.warning(request, _("Made outside the payment window: %(warning)s")
                             % {"warning": late})  # fmt: skip
        return redirect("claims:batch", pk=made[0].pk)
    return redirect("claims:payments")


def _batch_or_404(request, pk: int) -> PaymentBatch:
    return get_scoped_or_404(request.user, selectors.batches_for(request.user), pk=pk)


@capability_required(Capability.RECORD_PAYMENTS, missing_is_404=True)
def batch_detail(request, pk: int):
    batch = _batch_or_404(request, pk)
    can_pay = has_capability(request.user, Capability.PAY_CLAIMS)
    send_ready = payment.send_readiness(batch, request.user)
    payments = list(selectors.payments_of(batch))
    stopped = findings_of(payment.line_id for payment in payments)
    context = {
        "batch": batch,
        "badge": BATCH_BADGES[batch.state],
        "capitals": amount_in_capitals(batch.total),
        "payments": payments,
        # the findings holding a line: its payment is stopped (止付) until they are cleared
        "stopped": stopped,
        # a line recorded paid before the stop: its finding's page, while the finding holds it
        "finding_urls": {number: url for held in stopped.values() for number, _s, url in held},
        "outcome_badges": OUTCOME_BADGES,
        "outcome_labels": {str(key): value for key, value in OUTCOME_LABELS.items()},
        "totals": payment.batch_totals(batch),
        # The rules the services check: the buttons that cannot act yet say why (issue 14).
        # Only the bureau's payers send a batch (its first export), close or withdraw it.
        "send_ready": send_ready,
        "can_record": batch.state == BatchState.EXPORTED,
        # an open batch: finance waits for the bureau to send it, the bureau exports it first
        "record_blocked": (send_ready.reason or payment.outcome_readiness(batch).reason)
        if batch.state == BatchState.OPEN
        else "",
        "can_close": can_pay and batch.state == BatchState.EXPORTED,
        "close_ready": payment.close_readiness(batch),
        "can_cancel": can_pay and batch.state == BatchState.OPEN,
        # 004 §四(五) 做好资金支付(4月至10月): made or paid outside the window (warnings)
        "timetable_warnings": payment.batch_warnings(batch),
    }
    return render(request, "claims/batch.html", context)


@capability_required(Capability.RECORD_PAYMENTS, missing_is_404=True)
@require_POST
def export(request, pk: int, fmt: str):
    """The batch for the finance system; an open batch is then marked sent to finance."""
    batch = _batch_or_404(request, pk)
    if fmt not in EXPORT_TYPES:
        raise Http404
    try:
        data = payment.export_batch(batch, fmt)
    except ValidationError as problem:
        for message in problem.messages:
            messages.error(request, message)
        return redirect("claims:batch", pk=pk)
    response = HttpResponse(data, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{batch.number}.{fmt}")
    return response


@capability_required(Capability.RECORD_PAYMENTS, missing_is_404=True)
@require_POST
def record_outcomes(request, pk: int):
    batch = _batch_or_404(request, pk)
    form = OutcomesForm(request.POST, batch=batch)
    if valid(request, form):
        outcomes = form.outcomes()
        done = run_service(request, lambda: payment.record_outcomes(batch, outcomes),
                           _("Outcomes recorded: %(n)d. Once every line has one, the bureau "
                             "closes the batch.") % {"n": len(outcomes)})  # fmt: skip
        late = payment.payment_window_warning(batch.bureau)  # 004 §四(五): recorded all the same
        if done and late and any(paid for paid, _reason in outcomes.values()):
            messages.warning(request, _("Paid outside the payment window: %(warning)s")
                             % {"warning": late})  # fmt: skip
    return redirect("claims:batch", pk=pk)


@capability_required(Capability.RECORD_PAYMENTS, missing_is_404=True)
@require_POST
def paid_before_stop(request, pk: int, line: int):
    """A stopped line that the bank had paid before the stop reached it (004 §五(六) 账实相符)."""
    batch = _batch_or_404(request, pk)
    holding = [number for number, _summary, _url in findings_of([line]).get(line, [])]
    form = PaidBeforeStopForm(request.POST, findings=holding)
    if valid(request, form):
        values = form.cleaned_data
        run_service(
            request,
            lambda: payment.record_paid_before_stop(
                batch, line, paid_on=values["paid_on"], bank_reference=values["bank_reference"],
                finding=values["finding"],
            ),
            _("Recorded paid before the stop of finding %(finding)s: the line counts as paid. "
              "If the finding is confirmed, the money is recovered; cleared, nothing more "
              "happens.") % {"finding": values["finding"]},
        )  # fmt: skip
    return redirect("claims:batch", pk=pk)


@capability_required(Capability.PAY_CLAIMS, missing_is_404=True)
@require_POST
def close_batch(request, pk: int):
    batch = _batch_or_404(request, pk)
    closed = _("The batch is closed. A failed line is payable again in a later batch.")
    run_service(request, lambda: payment.close_batch(batch), closed)
    return redirect("claims:batch", pk=pk)


@capability_required(Capability.PAY_CLAIMS, missing_is_404=True)
@require_POST
def cancel_batch(request, pk: int):
    batch = _batch_or_404(request, pk)
    form = ReasonForm(request.POST)
    if valid(request, form):
        reason = form.cleaned_data["reason"]
        run_service(
            request, lambda: payment.cancel_batch(batch, reason), _("The batch is withdrawn.")
        )
    return redirect("claims:batch", pk=pk)


# --- recoveries -------------------------------------------------------------------------------


@capability_required(Capability.VIEW_CLAIMS)
def recovery_list(request):
    form, queryset = filtered(request, RecoveryFilter, selectors.recovery_list)
    context = {
        "page": page_of(request, queryset),
        "form": form,
        "states": RecoveryState.choices,
        "badges": RECOVERY_BADGES,
        "can_pay": has_capability(request.user, Capability.PAY_CLAIMS),
    }
    template = pick_template(request, "claims/recoveries.html", "claims/_recovery_rows.html")
    return render(request, template, context)


def _recovery_or_404(request, pk: int) -> Recovery:
    return get_scoped_or_404(request.user, selectors.recoveries_for(request.user), pk=pk)


@capability_required(Capability.PAY_CLAIMS, missing_is_404=True)
@require_POST
def recovered(request, pk: int):
    found = _recovery_or_404(request, pk)
    form = RecoveredForm(request.POST)
    if valid(request, form):
        values = form.cleaned_data
        run_service(
            request, lambda: recovery.record_recovered(found, values["amount"], values["note"])
        )
    return redirect(reverse("claims:recoveries") + f"#recovery-{pk}")


@capability_required(Capability.PAY_CLAIMS, missing_is_404=True)
@require_POST
def waive(request, pk: int):
    found = _recovery_or_404(request, pk)
    form = NoteForm(request.POST)
    if valid(request, form):
        note = form.cleaned_data["note"]
        run_service(request, lambda: recovery.waive(found, note), _("The rest is written off."))
    return redirect(reverse("claims:recoveries") + f"#recovery-{pk}")
