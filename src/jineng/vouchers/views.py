"""Voucher pages (电子培训券, 002 §四(五)3, 003 §三10): the bureau's list, issue form, rules with
their preview and run, a voucher's page (void, settle); the worker's own vouchers (claim); the
institution's redemption at enrolment; the dashboard.

Every write goes through vouchers.services as the signed-in user; a refusal becomes a message on
the page. Vouchers outside the viewer's scope do not exist (404).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jineng.catalog.models import Occupation, PersonCategory, SkillLevel
from jineng.certificates.models import Certificate, CertificateStatus
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, has_capability
from jineng.core.scope import get_scoped_or_404, scoped
from jineng.core.views import capability_required, filtered, page_of, pick_template, run_service
from jineng.people.models import Person
from jineng.people.services import find_by_id_number
from jineng.training.models import Enrollment, EnrollmentState
from jineng.vouchers import selectors, services
from jineng.vouchers.filters import VoucherFilter
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


def _style(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = css
    return form


def _form_errors(form, problem: ValidationError) -> None:
    if hasattr(problem, "error_dict"):
        for name, errors in problem.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, problem.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _occupation_field():
    return forms.ModelMultipleChoiceField(
        label=gettext_lazy("Occupations"),
        queryset=Occupation.objects.order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("One, or several (hold Ctrl to choose more)."),
    )


def _level_field():
    return forms.ModelChoiceField(
        label=gettext_lazy("Level"),
        queryset=SkillLevel.objects.order_by("rank"),
        required=False,
        empty_label=gettext_lazy("Any level"),
    )


def _value_field(help_text):
    return forms.DecimalField(
        label=gettext_lazy("Value (yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=help_text,
    )


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
    certificates = []
    if can_settle:
        training_class = voucher.enrollment.training_class
        certificates = Certificate.objects.filter(
            person=voucher.person,
            occupation=training_class.occupation,
            status=CertificateStatus.VALID,
            voucher__isnull=True,
        ).select_related("occupation", "level")
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
    run_service(
        request,
        lambda: services.claim(voucher, user),
        _("Voucher %(number)s is claimed: show its number to the training institution when you "
          "enrol.") % {"number": voucher.number},
    )  # fmt: skip
    if request.POST.get("next") == "mine":
        return redirect("vouchers:mine")
    return redirect("vouchers:detail", pk=pk)


@capability_required(Capability.ISSUE_VOUCHERS, missing_is_404=True)
@require_POST
def void(request, pk: int):
    voucher = _voucher_or_404(request, pk)
    reason = request.POST.get("reason", "")
    run_service(request, lambda: services.void(voucher, reason), _("The voucher is void."))
    return redirect("vouchers:detail", pk=pk)


@capability_required(Capability.SETTLE_VOUCHERS, missing_is_404=True)
@require_POST
def settle(request, pk: int):
    voucher = _voucher_or_404(request, pk)
    chosen = request.POST.get("certificate", "")
    certificate = None
    if chosen.isdecimal():
        certificate = Certificate.objects.filter(pk=int(chosen), person=voucher.person).first()
        if certificate is None:
            raise Http404
    run_service(
        request,
        lambda: services.settle(voucher, certificate),
        _("The voucher is settled."),
    )
    return redirect("vouchers:detail", pk=pk)


# --- issuing -----------------------------------------------------------------------------------


class IssueForm(forms.Form):
    id_number = forms.CharField(
        label=gettext_lazy("ID number of the holder"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("A person registered in the real-name registry of your region."),
    )
    occupations = _occupation_field()
    level = _level_field()
    value = _value_field(gettext_lazy("Empty: the subsidy standard of the occupation and level."))
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Empty: the policy pack's validity; never later than it."),
    )


@capability_required(Capability.ISSUE_VOUCHERS)
@require_http_methods(["GET", "POST"])
def issue(request):
    form = _style(IssueForm(request.POST or None))
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
                _form_errors(form, problem)
            else:
                messages.success(
                    request,
                    _("Voucher %(number)s is issued to %(name)s.")
                    % {"number": voucher.number, "name": person.name},
                )
                return redirect("vouchers:detail", pk=voucher.pk)
    return render(request, "vouchers/issue.html", {"form": form})


# --- the worker's own vouchers -----------------------------------------------------------------


@capability_required(Capability.CLAIM_VOUCHERS)
def mine(request):
    person = Person.objects.filter(user=request.user).first()
    vouchers = []
    if person is not None:
        vouchers = (
            selectors.vouchers_for(request.user).filter(person=person).order_by("-issued_on", "-id")
        )
    context = {"person": person, "vouchers": vouchers, "badges": STATE_BADGES}
    return render(request, "vouchers/mine.html", context)


# --- redeeming at enrolment --------------------------------------------------------------------


def _redeemable_enrollments(user):
    return (
        scoped(user, Enrollment.objects.all())
        .filter(
            state=EnrollmentState.ENROLLED,
            training_class__state__in=services.REDEEMABLE_CLASS_STATES,
            voucher__isnull=True,
        )
        .select_related("person", "training_class__occupation", "training_class__level")
        .order_by("-training_class__start_date", "training_class__code", "person__name")
    )


class EnrollmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        training_class = obj.training_class
        return (
            f"{training_class.code} {training_class.occupation.name} · "
            f"{obj.person.name} ({obj.person.id_number_masked})"
        )


class RedeemForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Voucher number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "mono"}),
    )
    enrollment = EnrollmentChoice(
        label=gettext_lazy("Enrolment"), queryset=Enrollment.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = _redeemable_enrollments(user)


@capability_required(Capability.REDEEM_VOUCHERS)
@require_http_methods(["GET", "POST"])
def redeem(request):
    """培训机构登记验证: the institution types the number the holder shows and chooses the
    holder's enrolment; the service checks the holder, the claim, the validity, the occupation."""
    form = _style(RedeemForm(request.POST or None, user=request.user))
    if request.method == "POST" and form.is_valid():
        voucher = services.find(form.cleaned_data["number"])
        enrollment = form.cleaned_data["enrollment"]
        if voucher is None:
            form.add_error("number", _("No voucher has this number."))
        else:
            try:
                services.redeem(voucher, enrollment)
            except ValidationError as problem:
                _form_errors(form, problem)
            else:
                messages.success(
                    request,
                    _("Voucher %(number)s is redeemed for %(name)s in class %(code)s.")
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


class RuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Region (bureau)"), queryset=Organisation.objects.none()
    )
    categories = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Person categories"),
        queryset=PersonCategory.objects.order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("A person with any of them, valid today."),
    )
    occupations = _occupation_field()
    level = _level_field()
    value = _value_field(gettext_lazy("Empty: the subsidy standard of the occupation and level."))
    validity_days = forms.IntegerField(
        label=gettext_lazy("Validity (days)"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Empty: the policy pack's validity; never longer than it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scoped(
            user, Organisation.objects.filter(kind=OrgKind.BUREAU)
        ).order_by("path")


@capability_required(Capability.ISSUE_VOUCHERS)
@require_http_methods(["GET", "POST"])
def rules(request):
    form = _style(RuleForm(request.POST or None, user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.create_rule(**form.cleaned_data)
        except ValidationError as problem:
            _form_errors(form, problem)
        else:
            messages.success(request, _("Saved."))
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
              "%(holding)d already hold one.")
            % {"issued": run.counts["issue"], "refused": run.counts["refused"],
               "holding": run.counts["holding"]},
        )  # fmt: skip
    return redirect("vouchers:rule", pk=pk)
