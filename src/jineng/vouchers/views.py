"""Voucher pages (电子培训券, 002 §四(五)3, 003 §三10): the bureau's list, issue form, rules with
their preview and run, a voucher's page (void, settle); the worker's own vouchers (claim); the
institution's redemption at enrolment; the dashboard.

Every write goes through vouchers.services as the signed-in user; a refusal becomes a message on
the page. Vouchers outside the viewer's scope do not exist (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jineng.catalog.models import Occupation
from jineng.core.forms import form_errors, styled
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, has_capability
from jineng.core.scope import get_scoped_or_404, scoped
from jineng.core.views import (
    capability_required,
    filtered,
    page_of,
    pick_template,
    run_service,
    valid,
)
from jineng.people.models import Person
from jineng.people.services import find_by_id_number
from jineng.vouchers import selectors, services
from jineng.vouchers.filters import VoucherFilter
from jineng.vouchers.forms import (
    ClaimForm,
    IssueForm,
    ReasonForm,
    RedeemForm,
    RuleForm,
    SettleForm,
)
from jineng.vouchers.models import TRANSITIONS, Voucher, VoucherState

STATE_BADGES = {
    VoucherState.ISSUED: "text-bg-info",
    VoucherState.CLAIMED: "text-bg-primary",
    VoucherState.REDEEMED: "text-bg-warning",
    VoucherState.SETTLED: "text-bg-success",
    VoucherState.EXPIRED: "text-bg-secondary",
    VoucherState.VOIDED: "text-bg-danger",
}
PREVIEW_ROWS = 200


# --- the list and a voucher's page ------------------------------------------------------------


@capability_required(Capability.VIEW_VOUCHERS)
def voucher_list(request):
    user = request.user
    visible = selectors.vouchers_for(user)
    form, queryset = filtered(request, VoucherFilter, selectors.voucher_list)
    context = {
        "page": page_of(request, queryset),
        "form": form,
        "states": VoucherState.choices,
        "occupations": Occupation.objects.filter(
            pk__in=Voucher.occupations.through.objects.filter(
                voucher__in=visible.values("pk")
            ).values("occupation")
        ).order_by("code"),
        "regions": scoped(user, Organisation.objects.filter(kind=OrgKind.BUREAU)).order_by("path"),
        "badges": STATE_BADGES,
        "can_issue": has_capability(user, Capability.ISSUE_VOUCHERS),
        "can_redeem": has_capability(user, Capability.REDEEM_VOUCHERS),
    }
    template = pick_template(request, "vouchers/list.html", "vouchers/_rows.html")
    return render(request, template, context)


def _voucher_or_404(request, pk: int) -> Voucher:
    return get_scoped_or_404(request.user, selectors.vouchers_for(request.user), pk=pk)


def _can_see(user) -> bool:
    return has_capability(user, Capability.VIEW_VOUCHERS) or has_capability(
        user, Capability.CLAIM_VOUCHERS
    )


@login_required
def voucher_detail(request, pk: int):
    if not _can_see(request.user):
        raise Http404
    voucher = _voucher_or_404(request, pk)
    user = request.user
    allowed = TRANSITIONS[VoucherState(voucher.state)]
    can_settle = has_capability(user, Capability.SETTLE_VOUCHERS) and (
        voucher.state == VoucherState.REDEEMED
    )
    # The rules the services check: a button that cannot act yet says why (issue 14).
    settle_ready = services.settle_readiness(voucher) if can_settle else None
    certificates = services.settling_certificates(voucher) if can_settle else []
    own = voucher.person.user_id == user.pk
    context = {
        "voucher": voucher,
        "badge": STATE_BADGES[voucher.state],
        "changes": voucher.changes.select_related("by"),
        "can_claim": VoucherState.CLAIMED in allowed
        and (own or has_capability(user, Capability.ISSUE_VOUCHERS)),
        "own": own,
        "can_void": VoucherState.VOIDED in allowed
        and has_capability(user, Capability.ISSUE_VOUCHERS),
        "can_settle": can_settle,
        "settle_ready": settle_ready,
        "claim_ready": services.claim_readiness(voucher),
        "certificates": certificates,
        "back": "vouchers:list"
        if has_capability(user, Capability.VIEW_VOUCHERS)
        else "vouchers:mine",
    }
    return render(request, "vouchers/detail.html", context)


@login_required
@require_POST
def claim(request, pk: int):
    user = request.user
    if not (
        has_capability(user, Capability.CLAIM_VOUCHERS)
        or has_capability(user, Capability.ISSUE_VOUCHERS)
    ):
        raise Http404
    voucher = _voucher_or_404(request, pk)
    form = ClaimForm(request.POST)
    if valid(request, form):
        run_service(
            request,
            lambda: services.claim(voucher, user),
            _("Voucher %(number)s is claimed: show its number to the training institution when "
              "you enrol.") % {"number": voucher.number},
        )  # fmt: skip
    if form.cleaned_data.get("next") == "mine":
        return redirect("vouchers:mine")
    return redirect("vouchers:detail", pk=pk)


@capability_required(Capability.ISSUE_VOUCHERS, missing_is_404=True)
@require_POST
def void(request, pk: int):
    voucher = _voucher_or_404(request, pk)
    form = ReasonForm(request.POST)
    if valid(request, form):
        reason = form.cleaned_data["reason"]
        run_service(
            request,
            lambda: services.void(voucher, reason),
            _("Voucher %(number)s is void: its holder can no longer use it; a new voucher can be "
              "issued to them when they qualify.") % {"number": voucher.number},
        )  # fmt: skip
    return redirect("vouchers:detail", pk=pk)


@capability_required(Capability.SETTLE_VOUCHERS, missing_is_404=True)
@require_POST
def settle(request, pk: int):
    voucher = _voucher_or_404(request, pk)
    form = SettleForm(request.POST, voucher=voucher)
    if valid(request, form):
        certificate = form.cleaned_data["certificate"]
        if run_service(request, lambda: services.settle(voucher, certificate), None):
            voucher.refresh_from_db()
            messages.success(
                request,
                _("Voucher %(number)s is settled against certificate %(certificate)s: "
                  "%(amount)s yuan; its training is paid for and the voucher is used up.")
                % {"number": voucher.number, "certificate": voucher.certificate.number,
                   "amount": voucher.settled_amount},
            )  # fmt: skip
    return redirect("vouchers:detail", pk=pk)


# --- issuing -----------------------------------------------------------------------------------


@capability_required(Capability.ISSUE_VOUCHERS)
@require_http_methods(["GET", "POST"])
def issue(request):
    form = styled(IssueForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        person = find_by_id_number(values["id_number"])
        visible = (
            person is not None
            and scoped(request.user, Person.objects.filter(pk=person.pk)).exists()
        )
        if not visible:
            form.add_error(
                "id_number",
                _("No one is registered with this ID number: register the person in the "
                  "real-name registry first."),
            )  # fmt: skip
        else:
            try:
                voucher = services.issue(
                    person, values["occupations"], level=values["level"],
                    value=values["value"], valid_until=values["valid_until"],
                )  # fmt: skip
            except ValidationError as problem:
                form_errors(form, problem)
            else:
                messages.success(
                    request,
                    _(
                        "Voucher %(number)s is issued to %(name)s. Next: the holder claims it "
                        "with their own login, or at the counter, by %(date)s, then shows it to "
                        "the training institution when enrolling."
                    )
                    % {
                        "number": voucher.number,
                        "name": person.name,
                        "date": voucher.valid_until,
                    },  # fmt: skip
                )
                return redirect("vouchers:detail", pk=voucher.pk)
    can_register = has_capability(request.user, Capability.REGISTER_PEOPLE)
    return render(request, "vouchers/issue.html", {"form": form, "can_register": can_register})


# --- the worker's own vouchers -----------------------------------------------------------------


@capability_required(Capability.CLAIM_VOUCHERS)
def mine(request):
    person = Person.objects.filter(user=request.user).first()
    vouchers = []
    if person is not None:
        vouchers = list(
            selectors.vouchers_for(request.user).filter(person=person).order_by("-issued_on", "-id")
        )
        for voucher in vouchers:  # the rule claim() checks: a button that cannot act says why
            voucher.claim_ready = services.claim_readiness(voucher)
    context = {"person": person, "vouchers": vouchers, "badges": STATE_BADGES}
    return render(request, "vouchers/mine.html", context)


# --- redeeming at enrolment --------------------------------------------------------------------


@capability_required(Capability.REDEEM_VOUCHERS)
@require_http_methods(["GET", "POST"])
def redeem(request):
    """培训机构登记验证: the institution types the number the holder shows and chooses the
    holder's enrolment; the service checks the holder, the claim, the validity, the occupation."""
    form = styled(RedeemForm(request.POST or None, user=request.user))
    if request.method == "POST" and form.is_valid():
        voucher = services.find(form.cleaned_data["number"])
        enrollment = form.cleaned_data["enrollment"]
        if voucher is None:
            form.add_error("number", _("No voucher has this number."))
        else:
            try:
                services.redeem(voucher, enrollment)
            except ValidationError as problem:
                form_errors(form, problem)
            else:
                messages.success(
                    request,
                    _("Voucher %(number)s is redeemed for %(name)s in class %(code)s. Next: "
                      "once the trainee holds a certificate for the occupation, the bureau "
                      "settles the voucher (以证换券).")
                    % {"number": voucher.number, "name": enrollment.person.name,
                       "code": enrollment.training_class.code},
                )  # fmt: skip
                return redirect("vouchers:redeem")
    redeemed = (
        selectors.vouchers_for(request.user)
        .filter(enrollment__isnull=False)
        .order_by("-redeemed_at", "-id")[:20]
    )
    context = {"form": form, "redeemed": redeemed, "badges": STATE_BADGES}
    return render(request, "vouchers/redeem.html", context)


# --- the dashboard -----------------------------------------------------------------------------


@capability_required(Capability.VIEW_VOUCHERS)
def dashboard(request):
    data = selectors.dashboard(request.user)
    context = {
        "data": data,
        "states": [(str(state), state.label) for state in VoucherState],
        "badges": STATE_BADGES,
    }
    return render(request, "vouchers/dashboard.html", context)


# --- rules (批量发券) ---------------------------------------------------------------------------


@capability_required(Capability.ISSUE_VOUCHERS)
@require_http_methods(["GET", "POST"])
def rules(request):
    form = styled(RuleForm(request.POST or None, user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.create_rule(**form.cleaned_data)
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(
                request,
                _("Rule %(name)s is saved: check who it would issue vouchers to below, then "
                  "issue them.") % {"name": rule.name},
            )  # fmt: skip
            return redirect("vouchers:rule", pk=rule.pk)
    context = {"form": form, "rules": selectors.rules_for(request.user)}
    return render(request, "vouchers/rules.html", context)


@capability_required(Capability.ISSUE_VOUCHERS, missing_is_404=True)
def rule_detail(request, pk: int):
    rule = get_scoped_or_404(request.user, selectors.rules_for(request.user), pk=pk)
    run = None
    problem = ""
    try:
        run = services.issue_by_rule(rule, preview=True, keep=PREVIEW_ROWS)
    except ValidationError as refused:
        problem = "; ".join(refused.messages)
    context = {
        "rule": rule,
        "run": run,
        "problem": problem,
        "preview_rows": PREVIEW_ROWS,
        "issued": selectors.vouchers_for(request.user).filter(rule=rule).count(),
    }
    return render(request, "vouchers/rule_detail.html", context)


@capability_required(Capability.ISSUE_VOUCHERS, missing_is_404=True)
@require_POST
def rule_run(request, pk: int):
    rule = get_scoped_or_404(request.user, selectors.rules_for(request.user), pk=pk)
    try:
        run = services.issue_by_rule(rule, preview=False, keep=0)
    except ValidationError as problem:
        for message in problem.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(issued)d vouchers issued; %(refused)d persons refused by the policy; "
              "%(holding)d already hold one. Next: the holders claim their vouchers with their "
              "own login or at the counter.")
            % {"issued": run.counts["issue"], "refused": run.counts["refused"],
               "holding": run.counts["holding"]},
        )  # fmt: skip
    return redirect("vouchers:rule", pk=pk)
