"""Registry pages: search, a person's page with their ledger and practising licences, the
audited full ID number."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jineng.core.forms import form_errors, styled
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
from jineng.people import ledger, selectors, services
from jineng.people.filters import PersonFilter
from jineng.people.forms import (
    CategoryFormSet,
    EducationForm,
    LicenceForm,
    LicencePeriodForm,
    RegisterForm,
    RemoveEducationForm,
    SearchForm,
)
from jineng.people.models import EducationRecord, Person

SEARCH_LIMIT = 100
LICENCE_IDS = "licence_%s"  # the licence form's field ids: never "id_number" on a person's page


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    """The list pages with GET; a search is POSTed, so that an ID or phone number typed into it
    never lands in a URL, a browser history or an access log."""
    form = SearchForm(request.POST) if request.method == "POST" else None
    search = form.cleaned_data["q"] if form is not None and valid(request, form) else ""
    persons = selectors.persons_for(request.user, search)
    if search:
        context = {"page": persons[:SEARCH_LIMIT], "searched": True, "limit": SEARCH_LIMIT}
    else:
        form, listed = filtered(request, PersonFilter, selectors.person_list)
        context = {"page": page_of(request, listed), "form": form}
    context["can_register"] = has_capability(request.user, Capability.REGISTER_PEOPLE)
    template = pick_template(request, "people/person_list.html", "people/_person_rows.html")
    return render(request, template, context)


def _person_or_404(request, pk: int) -> Person:
    return get_scoped_or_404(request.user, Person.objects.select_related("organisation"), pk=pk)


def _detail(request, person: Person, *, education_form=None, licence_form=None, status=200):
    """The person's page, with a form that was refused shown again with its errors."""
    user = request.user
    can_record = has_capability(user, Capability.IMPORT_PEOPLE)
    if can_record and education_form is None:
        education_form = EducationForm()
    can_add_licence = has_capability(user, Capability.REGISTER_PEOPLE)
    if can_add_licence and licence_form is None:
        licence_form = styled(LicenceForm(auto_id=LICENCE_IDS))
    context = {
        "person": person,
        "categories": person.categories.select_related("category"),
        "licences": person.licences.all(),
        "employment": person.employment.all(),
        "education": person.education.all(),
        "education_form": styled(education_form) if can_record else None,
        "ledger": person.ledger.select_related("decision")[:200],
        "ledger_kinds": dict(ledger.Kind.choices),
        "can_reveal": bool(user.role_set & services.FULL_VIEW_ROLES),
        "licence_form": licence_form if can_add_licence else None,
        "can_change_licence": has_capability(user, Capability.IMPORT_PEOPLE),
        "today": timezone.localdate(),
    }
    return render(request, "people/person_detail.html", context, status=status)


@login_required
def person_detail(request, pk: int):
    return _detail(request, _person_or_404(request, pk))


@capability_required(Capability.IMPORT_PEOPLE, missing_is_404=True)
@require_POST
def add_education(request, pk: int):
    """学历 (002 §四(二)1): the bureau records a graduation it has seen the diploma of. A refusal
    shows the form again with what was typed and the reason by its field."""
    person = _person_or_404(request, pk)
    form = EducationForm(request.POST)
    if form.is_valid():
        try:
            record, _outcome = services.add_education(person, source="person page",
                                                      **form.cleaned_data)  # fmt: skip
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(
                request,
                _("The graduation from %(school)s (%(kind)s) is recorded: evaluations are booked "
                  "at the level the policy pack allows for it.")
                % {"school": record.school, "kind": record.get_school_kind_display()},
            )  # fmt: skip
            return redirect("people:detail", pk=person.pk)
    return _detail(request, person, education_form=form)


@capability_required(Capability.IMPORT_PEOPLE, missing_is_404=True)
@require_POST
def remove_education(request, pk: int):
    """A wrong education record is removed with the reason (kept on the ledger)."""
    person = _person_or_404(request, pk)
    form = RemoveEducationForm(request.POST)
    if valid(request, form):
        record = get_object_or_404(EducationRecord, pk=form.cleaned_data["record"], person=person)
        run_service(
            request,
            lambda: services.remove_education(record, form.cleaned_data["reason"]),
            success=_("The education record is removed."),
        )
    return redirect("people:detail", pk=person.pk)


@capability_required(Capability.REGISTER_PEOPLE, missing_is_404=True)
@require_POST
def add_licence(request, pk: int):
    """Record a practising licence (从业资格, 004 §五(一)) shown at the counter: the person's
    page again with the form's errors, or the page with the licence listed."""
    person = _person_or_404(request, pk)
    form = styled(LicenceForm(request.POST, auto_id=LICENCE_IDS))
    if form.is_valid():
        values = form.cleaned_data
        try:
            record = services.add_licence(person, source="person page", **values)
        except ValidationError as problem:
            form_errors(form, problem)
        else:
            messages.success(
                request,
                _("%(licence)s %(masked)s is recorded for %(name)s.")
                % {"licence": record.get_licence_type_display(), "masked": record.number_masked,
                   "name": person.name},
            )  # fmt: skip
            return redirect(reverse("people:detail", args=[pk]) + "#licences")
    return _detail(request, person, licence_form=form)


@capability_required(Capability.IMPORT_PEOPLE, missing_is_404=True)
@require_POST
def change_licence(request, pk: int, licence_pk: int):
    """End or correct a licence's validity (the bureau's); errors as messages on the page."""
    person = get_scoped_or_404(request.user, Person.objects.all(), pk=pk)
    record = get_object_or_404(person.licences.select_related("person"), pk=licence_pk)
    form = LicencePeriodForm(request.POST)
    if valid(request, form):
        values = form.cleaned_data
        run_service(request, lambda: services.change_licence(record, **values))
    return redirect(reverse("people:detail", args=[pk]) + "#licences")


@login_required
@require_POST
def reveal_id_number(request, pk: int):
    """htmx: replace the masked number by the whole one; the view is written to the audit log."""
    person = get_scoped_or_404(request.user, Person.objects.all(), pk=pk)
    number = services.reveal_id_number(request.user, person)  # PermissionDenied: 403
    return HttpResponse(format_html('<span class="mono" id="id-number">{}</span>', number))


@capability_required(Capability.REGISTER_PEOPLE)
@require_http_methods(["GET", "POST"])
def register(request):
    """One person at the counter: the roster import's checks, its duplicate check, and the
    person's categories with their evidence, all saved or none."""
    form = styled(RegisterForm(request.POST or None, user=request.user))
    categories = CategoryFormSet(request.POST or None, prefix="categories")
    for category_form in categories:
        styled(category_form)
    existing = None
    if request.method == "POST" and all([form.is_valid(), categories.is_valid()]):
        values = form.cleaned_data
        try:
            person = services.register_with_categories(
                name=values["name"], id_number=values["id_number"], phone=values["phone"],
                document_kind=values["document_kind"], organisation=values["bureau"],
                source="registration page", categories=_categories(categories),
            )  # fmt: skip
        except ValidationError as problem:
            existing = _visible_duplicate(request.user, values["id_number"])
            form_errors(form, problem)
        else:
            return _registered(request, person)
    context = {"form": form, "categories": categories, "existing": existing}
    return render(request, "people/register.html", context)


def _categories(formset) -> list[dict]:
    """The filled rows of the category formset as add_category's arguments."""
    today = timezone.localdate()
    return [
        {
            "code": row["category"].code,
            "valid_from": row["valid_from"] or today,
            "valid_to": row["valid_to"],
            "evidence": row["evidence"],
            "graduation_year": row["graduation_year"],
            "source": "registration page",
        }
        for row in formset.cleaned_data
        if row.get("category") is not None
    ]


def _visible_duplicate(user, id_number: str) -> Person | None:
    """The person already registered with this number, when the user may open their page."""
    found = services.find_by_id_number(id_number)
    if found is None:
        return None
    return scoped(user, Person.objects.filter(pk=found.pk)).first()


def _registered(request, person: Person):
    """Say what happened and what comes next; open the person's ledger where the user sees it
    (an institution's staff see the registry's people only once they are on a class roster)."""
    messages.success(
        request,
        _("%(name)s (%(masked)s) is registered with %(bureau)s. Next: enrol them on a class's "
          "page by their ID number, or register the next person.")
        % {"name": person.name, "masked": person.id_number_masked,
           "bureau": person.organisation.name},
    )  # fmt: skip
    if scoped(request.user, Person.objects.filter(pk=person.pk)).exists():
        return redirect("people:detail", pk=person.pk)
    return redirect("people:register")
