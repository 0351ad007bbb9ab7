"""Institution pages for the bureau and the institutions, and the public directory."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jineng.catalog import timetable
from jineng.catalog.models import Occupation, SkillLevel
from jineng.core.forms import form_errors
from jineng.core.replica import replica_view
from jineng.core.roles import Capability, has_capability
from jineng.core.scope import get_scoped_or_404, scoped
from jineng.core.views import capability_required, filtered, page_of, run_service, valid
from jineng.institutions import selectors, services
from jineng.institutions.filters import DirectorySearch, EnterpriseFilter, InstitutionFilter
from jineng.institutions.forms import (
    AnswerForm,
    DesignationForm,
    EnterpriseForm,
    InspectionForm,
    NumberingCodesForm,
    ProfileForm,
    RequestForm,
    StateForm,
    YearForm,
    YearListForm,
)
from jineng.institutions.models import (
    TRANSITIONS,
    EnterpriseSize,
    EvaluationOrg,
    InspectionResult,
    Institution,
    InstitutionListing,
    InstitutionState,
    Listing,
)
from jineng.policy.timetable import EVALUATION_ORGS_PUBLISHED_BY, INSTITUTIONS_PUBLISHED_BY


@capability_required(Capability.VIEW_ORGANISATIONS)
def institution_list(request):
    form, queryset = filtered(request, InstitutionFilter, selectors.institution_list)
    context = {"page": page_of(request, queryset), "form": form}
    return render(request, "institutions/list.html", context)


@capability_required(Capability.VIEW_ORGANISATIONS, missing_is_404=True)
def institution_detail(request, pk: int):
    institution = get_scoped_or_404(
        request.user, Institution.objects.select_related("organisation"), pk=pk
    )
    reviewer = has_capability(request.user, Capability.DESIGNATE_INSTITUTIONS)
    context = {
        "institution": institution,
        "designations": institution.designations.select_related("occupation", "level"),
        "changes": institution.changes.select_related("by").order_by("-at", "-id"),
        "reviewer": reviewer,
        "next_states": [
            (s, InstitutionState(s).label)
            for s in sorted(TRANSITIONS[InstitutionState(institution.state)])
        ],
        "occupations": Occupation.objects.order_by("code") if reviewer else [],
        "levels": SkillLevel.objects.order_by("-rank") if reviewer else [],
        "today": timezone.localdate(),
    }
    context["listings"] = _with_warnings(institution.listings.all())
    context["keeper"] = has_capability(request.user, Capability.KEEP_INSTITUTION)
    context["pending"] = institution.requests.filter(state="pending").select_related(
        "occupation", "level"
    )
    if context["keeper"] and not context["occupations"]:
        context["occupations"] = Occupation.objects.order_by("code")
        context["levels"] = SkillLevel.objects.order_by("-rank")
    year = context["today"].year
    context.update(
        year=year,
        engagements=institution.engagements.filter(year=year).select_related("teacher__person"),
        teacher_rules=services.teacher_rules(institution, year),
        college=services.college_status(institution, year),
        inspections=institution.inspections.all(),
        inspection_results=InspectionResult.choices,
        # 000 §三(八): a violation in the credit file this year keeps the inspection from passing
        passing=services.passing_readiness(institution, year),
    )
    return render(request, "institutions/detail.html", context)


def _bureau_of(institution: Institution) -> str:
    """The bureau that designates the institution (the nearest above it)."""
    bureau = institution.organisation.nearest_bureau()
    return str(bureau) if bureau is not None else _("the bureau")


def _state_message(state: str) -> str:
    """What a change of the institution's state did and what follows (issue 14)."""
    return {
        InstitutionState.DESIGNATED: _(
            "The institution is designated: designate it for occupations and levels below; it "
            "can then open classes for them."
        ),
        InstitutionState.SUSPENDED: _(
            "The institution is suspended: no class of it is submitted or approved until the "
            "bureau designates it again."
        ),
        InstitutionState.REMOVED: _(
            "The institution is removed: it opens no class any more and leaves the public "
            "directory."
        ),
    }.get(state, _("The institution's state is changed."))


def _designated_message(values: dict) -> str:
    return _(
        "Designated for %(occupation)s (%(level)s) from %(start)s to %(end)s: the institution "
        "can open classes for it in that period; the public directory shows it."
    ) % {"occupation": values["occupation"].name, "level": values["level"].name,
         "start": values["valid_from"], "end": values["valid_to"]}  # fmt: skip


@capability_required(Capability.DESIGNATE_INSTITUTIONS, missing_is_404=True)
@require_POST
def change_state(request, pk: int):
    institution = get_scoped_or_404(request.user, Institution.objects.all(), pk=pk)
    form = StateForm(request.POST)
    if valid(request, form):
        values = form.cleaned_data
        run_service(
            request,
            lambda: services.change_state(
                institution, values["state"], reason=values["reason"], document=values["document"]
            ),
            _state_message(values["state"]),
        )
    return redirect("institutions:detail", pk=pk)


@capability_required(Capability.DESIGNATE_INSTITUTIONS, missing_is_404=True)
@require_POST
def designate(request, pk: int):
    institution = get_scoped_or_404(request.user, Institution.objects.all(), pk=pk)
    form = DesignationForm(request.POST)
    if valid(request, form):
        values = form.cleaned_data
        run_service(
            request,
            lambda: services.designate(
                institution, values["occupation"], values["level"],
                valid_from=values["valid_from"], valid_to=values["valid_to"],
            ),
            _designated_message(values),
        )  # fmt: skip
    return redirect("institutions:detail", pk=pk)


@replica_view
def directory(request):
    """Public, no login: designated institutions and what they may train for today."""
    form = DirectorySearch(request.GET)
    today = timezone.localdate()
    if form.is_valid():
        terms = {"search": form.cleaned_data["q"], "region": form.cleaned_data["region"]}
        found = selectors.public_directory(today, **terms)
        listed = selectors.listed_evaluation_orgs(today.year, **terms)
    else:  # a malformed region code: the form's error and no rows
        found, listed = Institution.objects.none(), EvaluationOrg.objects.none()
    return render(
        request,
        "institutions/directory.html",
        {"page": page_of(request, found), "listed": listed, "form": form, "today": today},
    )


@capability_required(Capability.VIEW_ORGANISATIONS, missing_is_404=True)
def evaluation_org_detail(request, pk: int):
    evaluation_org = get_scoped_or_404(
        request.user, EvaluationOrg.objects.select_related("organisation"), pk=pk
    )
    context = {
        "org": evaluation_org,
        "filings": evaluation_org.filings.select_related("occupation", "level"),
        "listings": _with_warnings(evaluation_org.listings.order_by("-year")),
        "examiners": evaluation_org.examiners.select_related("person").prefetch_related(
            "credit_file"
        ),
        "can_set_codes": has_capability(request.user, Capability.MANAGE_CERTIFICATES),
    }
    return render(request, "institutions/evaluation_org.html", context)


@capability_required(Capability.MANAGE_CERTIFICATES, missing_is_404=True)
@require_POST
def set_numbering_codes(request, pk: int):
    """The bureau records the register and station codes that number the organisation's
    职业技能等级证书 (the national format: Y/S, register code, province, station, ...)."""
    evaluation_org = get_scoped_or_404(request.user, EvaluationOrg.objects.all(), pk=pk)
    form = NumberingCodesForm(request.POST)
    if valid(request, form):
        run_service(
            request,
            lambda: services.set_numbering_codes(evaluation_org, **form.cleaned_data),
            _("The numbering codes are saved: %(org)s can now record results and issue its "
              "vocational skill level certificates with numbers in the national format.")
            % {"org": evaluation_org.organisation.name},
        )  # fmt: skip
    return redirect("institutions:evaluation-org", pk=pk)


@capability_required(Capability.KEEP_INSTITUTION, missing_is_404=True)
@require_POST
def update_profile(request, pk: int):
    institution = get_scoped_or_404(request.user, Institution.objects.all(), pk=pk)
    form = ProfileForm(request.POST)
    if valid(request, form):
        run_service(
            request,
            lambda: services.update_profile(institution, **form.cleaned_data),
            _("The licence, premises and capacity are updated: the bureau and the public "
              "directory see them now; no review is needed."),
        )  # fmt: skip
    return redirect("institutions:detail", pk=pk)


@capability_required(Capability.KEEP_INSTITUTION, missing_is_404=True)
@require_POST
def request_designation(request, pk: int):
    institution = get_scoped_or_404(request.user, Institution.objects.all(), pk=pk)
    form = RequestForm(request.POST)
    if valid(request, form):
        values = form.cleaned_data
        run_service(
            request,
            lambda: services.request_designation(institution, **values),
            _("The request to be designated for %(occupation)s (%(level)s) is sent: waiting for "
              "%(bureau)s to answer it on this page.")
            % {"occupation": values["occupation"].name, "level": values["level"].name,
               "bureau": _bureau_of(institution)},
        )  # fmt: skip
    return redirect("institutions:detail", pk=pk)


@capability_required(Capability.DESIGNATE_INSTITUTIONS, missing_is_404=True)
@require_POST
def answer_request(request, pk: int, request_pk: int):
    institution = get_scoped_or_404(request.user, Institution.objects.all(), pk=pk)
    asked = get_object_or_404(institution.requests, pk=request_pk)
    form = AnswerForm(request.POST)
    if valid(request, form):
        values = form.cleaned_data
        approve = values["decision"] == "approve"
        run_service(
            request,
            lambda: services.answer_request(
                asked, approve=approve, answer=values["answer"],
                valid_from=values["valid_from"], valid_to=values["valid_to"],
            ),
            _designated_message({**values, "occupation": asked.occupation, "level": asked.level})
            if approve
            else _("The request is declined: the institution sees your reason on its page and "
                   "can ask again."),
        )  # fmt: skip
    return redirect("institutions:detail", pk=pk)


@capability_required(Capability.DESIGNATE_INSTITUTIONS, missing_is_404=True)
@require_POST
def record_inspection(request, pk: int):
    institution = get_scoped_or_404(request.user, Institution.objects.all(), pk=pk)
    form = InspectionForm(request.POST)
    if valid(request, form):
        values = form.cleaned_data
        run_service(
            request,
            lambda: services.record_inspection(
                institution, year=values["inspected_on"].year, **values
            ),
            _("The inspection of %(year)s is recorded: it stands on the institution's page for "
              "the designation's yearly review.")
            % {"year": values["inspected_on"].year},
        )  # fmt: skip
    return redirect("institutions:detail", pk=pk)


# --- the enterprise registry (企业名录, 002 §四(三)1) -------------------------------------------


@capability_required(Capability.VIEW_ENTERPRISES)
def enterprise_list(request):
    form, queryset = filtered(request, EnterpriseFilter, selectors.enterprise_list)
    context = {
        "page": page_of(request, queryset),
        "form": form,
        "sizes": EnterpriseSize.choices,
        "can_record": has_capability(request.user, Capability.RECORD_ENTERPRISES),
    }
    return render(request, "institutions/enterprise_list.html", context)


@capability_required(Capability.VIEW_ENTERPRISES, missing_is_404=True)
def enterprise_detail(request, pk: int):
    enterprise = get_scoped_or_404(request.user, selectors.enterprises_for(request.user), pk=pk)
    context = {
        "enterprise": enterprise,
        "can_record": has_capability(request.user, Capability.RECORD_ENTERPRISES),
    }
    return render(request, "institutions/enterprise_detail.html", context)


def _enterprise_values(form) -> dict:
    values = dict(form.cleaned_data)
    values.pop("uscc")
    return values


def _saved_message(enterprise) -> str:
    return _(
        "%(name)s is recorded as a %(size)s under %(bureau)s: only that bureau takes in its SME "
        "hiring claims, which are decided by this size class and its evidence."
    ) % {"name": enterprise.name, "size": enterprise.get_size_display(),
         "bureau": enterprise.bureau.name}  # fmt: skip


@capability_required(Capability.RECORD_ENTERPRISES)
@require_http_methods(["GET", "POST"])
def enterprise_new(request):
    form = EnterpriseForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.record_enterprise(
                uscc=form.cleaned_data["uscc"], **_enterprise_values(form)
            )
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(request, _saved_message(enterprise))
            return redirect("institutions:enterprise", pk=enterprise.pk)
    return render(request, "institutions/enterprise_form.html", {"form": form, "enterprise": None})


@capability_required(Capability.RECORD_ENTERPRISES, missing_is_404=True)
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    enterprise = get_scoped_or_404(request.user, selectors.enterprises_for(request.user), pk=pk)
    form = EnterpriseForm(
        request.POST or None, request.FILES or None, user=request.user, enterprise=enterprise
    )
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.update_enterprise(enterprise, **_enterprise_values(form))
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(request, _saved_message(enterprise))
            return redirect("institutions:enterprise", pk=enterprise.pk)
    context = {"form": form, "enterprise": enterprise}
    return render(request, "institutions/enterprise_form.html", context)


@capability_required(Capability.VIEW_ENTERPRISES, missing_is_404=True)
def enterprise_evidence(request, pk: int):
    enterprise = get_scoped_or_404(request.user, selectors.enterprises_for(request.user), pk=pk)
    if not enterprise.has_evidence_file:
        raise Http404
    response = HttpResponse(
        services.read_evidence_file(enterprise),
        content_type=enterprise.evidence_content_type or "application/octet-stream",
    )
    response["Content-Disposition"] = content_disposition_header(True, enterprise.evidence_filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the year's public lists (004 §四(二), §四(四)) ------------------------------------------


def _with_warnings(listings) -> list[dict]:
    """Listings with the warning of each one published after the timetable's date."""
    return [{"listing": listing, "late": services.listing_warning(listing)} for listing in listings]


def _rows_with_warnings(rows, which: str, year: int) -> list[dict]:
    """The page's rows, each with its warning when listed late: one look-up of the date per
    region and day (the rows of a region share them)."""
    model = InstitutionListing if which == "institutions" else Listing
    said: dict[tuple, str] = {}
    found = []
    for row in rows:
        late = ""
        if row.listed_on is not None:
            key = (row.organisation.region_code, row.listed_on)
            if key not in said:
                listing = model(year=year, published_on=row.listed_on)
                if which == "institutions":
                    listing.institution = row
                else:
                    listing.evaluation_org = row
                said[key] = services.listing_warning(listing)
            late = said[key]
        found.append({"row": row, "late": late})
    return found


def _due(user, key: str, year: int) -> dict | None:
    """The date of a list in the year, and where it comes from, for the page's heading."""
    bureau = timetable.bureau_of(user)
    found = timetable.governing(bureau.region_code, year) if bureau is not None else None
    rule = found[1].rule(key) if found else None
    if rule is None:
        return None
    return {"date": rule.value.in_year(year), "cite": rule.cite, "assumed": rule.assumed}


@capability_required(Capability.DESIGNATE_INSTITUTIONS)
def year_lists(request):
    """The year's public lists of the region (004 §四(二) institutions undertaking training, by
    15 May; §四(四) evaluation organisations, by 25 May): who is on them since when, who is
    still to publish, and the form that publishes the chosen ones."""
    form = YearForm(request.GET)
    today = timezone.localdate()
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or today.year
    user = request.user
    lists = []
    for which, title, rows_of, key in (
        ("institutions", _("Institutions undertaking training"),
         selectors.year_list_institutions, INSTITUTIONS_PUBLISHED_BY),
        ("evaluation_orgs", _("Evaluation organisations"),
         selectors.year_list_evaluation_orgs, EVALUATION_ORGS_PUBLISHED_BY),
    ):  # fmt: skip
        rows = _rows_with_warnings(rows_of(user, year), which, year)
        lists.append({
            "which": which, "title": title, "rows": rows, "due": _due(user, key, year),
            "open": any(item["row"].listed_on is None for item in rows),
        })  # fmt: skip
    context = {"form": form, "year": year, "today": today, "lists": lists}
    return render(request, "institutions/year_lists.html", context)


@capability_required(Capability.DESIGNATE_INSTITUTIONS)
@require_POST
def publish_year_list(request):
    user = request.user
    form = YearListForm(
        request.POST,
        institutions=selectors.institutions_for(user),
        evaluation_orgs=scoped(user, EvaluationOrg.objects.select_related("organisation")),
    )
    year = timezone.localdate().year
    if valid(request, form):
        values = form.cleaned_data
        year, which = values["year"], values["which"]
        rows = sorted(values[which], key=lambda row: row.organisation.path)
        try:
            listings = services.publish_year_list(
                which, rows, year=year, published_on=values["published_on"]
            )
        except ValidationError as problem:
            for message in problem.messages:
                messages.error(request, message)
        else:
            names = "、".join(row.organisation.name for row in rows)
            messages.success(
                request,
                _("On the %(year)s public list: %(names)s. The public directory shows the list.")
                % {"year": year, "names": names},
            )
            # Published late (004 §四(二), §四(四)): said, not refused.
            for late in dict.fromkeys(filter(None, map(services.listing_warning, listings))):
                messages.warning(request, late)
    return redirect(reverse("institutions:year-lists") + f"?year={year}")
