"""Registry pages: search, a person's page with their ledger, the audited full ID number."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from jineng.core.scope import get_scoped_or_404
from jineng.core.views import filtered, page_of, pick_template, valid
from jineng.people import ledger, selectors, services
from jineng.people.filters import PersonFilter
from jineng.people.forms import SearchForm
from jineng.people.models import Person

SEARCH_LIMIT = 100


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
    template = pick_template(request, "people/person_list.html", "people/_person_rows.html")
    return render(request, template, context)


@login_required
def person_detail(request, pk: int):
    person = get_scoped_or_404(request.user, Person.objects.select_related("organisation"), pk=pk)
    context = {
        "person": person,
        "categories": person.categories.select_related("category"),
        "employment": person.employment.all(),
        "ledger": person.ledger.select_related("decision")[:200],
        "ledger_kinds": dict(ledger.Kind.choices),
        "can_reveal": bool(request.user.role_set & services.FULL_VIEW_ROLES),
    }
    return render(request, "people/person_detail.html", context)


@login_required
@require_POST
def reveal_id_number(request, pk: int):
    """htmx: replace the masked number by the whole one; the view is written to the audit log."""
    person = get_scoped_or_404(request.user, Person.objects.all(), pk=pk)
    number = services.reveal_id_number(request.user, person)  # PermissionDenied: 403
    return HttpResponse(format_html('<span class="mono" id="id-number">{}</span>', number))
