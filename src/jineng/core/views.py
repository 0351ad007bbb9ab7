"""Pages of the core: home per role, organisations, users, the audit log, the account."""

import sys
from functools import cached_property, wraps

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from rest_framework import exceptions as drf_exceptions

from jineng.core import audit, availability, selectors, todo, twofactor, twofactor_views
from jineng.core import home as home_cards
from jineng.core.availability import is_database_unavailable
from jineng.core.exports import audit_export_csv
from jineng.core.filters import AuditEntryFilter, OrganisationFilter, UserFilter
from jineng.core.forms import LoginForm, PasswordChangeForm, error_messages
from jineng.core.middleware import expired_password_message
from jineng.core.models import Organisation, User
from jineng.core.replica import replica_view
from jineng.core.roles import Capability, OrgKind, Role, has_capability
from jineng.core.scope import get_scoped_or_404, scope_of
from jineng.core.security import local_url, needs_second_step, password_expired

PAGE_SIZE = 50
# Who supervises the organisations of a region: the home page counts them for these only.
SUPERVISING = (Capability.DESIGNATE_INSTITUTIONS, Capability.MANAGE_ORGANISATIONS)


def capability_required(capability: str, *, missing_is_404: bool = False):
    """Lists answer 403 without the capability; detail pages answer 404 like out-of-scope rows."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_capability(request.user, capability):
                raise Http404 if missing_is_404 else PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# A list counts its rows up to this many: beyond, it says "more than" and pages no further (the
# filters narrow it). An exact count of a province's registry reads millions of rows on every
# page, and a deep OFFSET as many; counted up to the cap, neither reads more than the cap.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Pages of a list whose count stops at COUNT_CAP + 1 (`capped` says it did): at most
    COUNT_CAP // PAGE_SIZE pages, however long the list."""

    @cached_property
    def counted(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        if rows.query.is_sliced:  # already a bounded list (a "latest N")
            return rows.count()
        return rows.order_by().values("pk")[: COUNT_CAP + 1].count()  # the keys, no annotation

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_CAP)

    @cached_property
    def capped(self) -> bool:
        return self.counted > COUNT_CAP


def page_of(request, queryset):
    # The page number is read by hand: Paginator.get_page takes any text and falls back to the
    # first or the last page, so a form would add nothing.
    return CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def filtered(request, filterset_class, selector):
    """A list page's filter form (the FilterSet's form, bound to the query string) and its rows
    from the app's selector, the same rows as its API list. Parameters that do not validate give
    the form's errors and no rows, never a server error."""
    form = filterset_class(request.GET).form
    if not form.is_valid():
        return form, filterset_class._meta.model.objects.none()
    return form, selector(request.user, request.GET)


SAVED = gettext_lazy("Saved.")


def run_service(request, action, success=SAVED) -> bool:
    """Run a service call; its refusal becomes messages on the page, never a traceback.
    `success` is said when it went through (None: say nothing)."""
    try:
        action()
    except ValidationError as problem:
        for message in problem.messages:
            messages.error(request, message)
        return False
    if success:
        messages.success(request, success)
    return True


def valid(request, form) -> bool:
    """Whether a posted form is valid; if not, its errors become messages on the page (the pages
    whose small forms post and go back)."""
    if form.is_valid():
        return True
    for message in error_messages(form):
        messages.error(request, message)
    return False


def pick_template(request, full: str, partial: str) -> str:
    """htmx requests that target the results get the results only."""
    return partial if request.htmx and request.htmx.target == "results" else full


class LoginView(auth_views.LoginView):
    """Step one, the password. A user who must or chose to use a second factor is not logged in
    yet: the code (or the enrolment) comes next (core.twofactor_views)."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not needs_second_step(user):
            return super().form_valid(form)
        return redirect(twofactor_views.begin(self.request, user, self.get_success_url()))


def home(request):
    """The login page for visitors; a home page fitted to the roles of a signed-in user: only
    what the role acts on or looks after (issue 14)."""
    if not request.user.is_authenticated:
        return LoginView.as_view()(request)
    user = request.user
    own_home = home_cards.role_home(user)
    if own_home is not None:  # the worker's portal (jineng.portal)
        return own_home(request)
    roles = user.role_set
    context = {"roles": user.role_labels(), "organisation": user.organisation}
    # The organisations of the region are the business of those who supervise them (the
    # bureau's reviewers, the administrator), not of an institution, an evaluation
    # organisation, a department or finance, whose scope holds their own organisation only.
    if any(has_capability(user, c) for c in SUPERVISING):
        counts = selectors.organisations_for(user).values("kind").annotate(n=Count("id")).order_by()
        by_kind = {row["kind"]: row["n"] for row in counts}
        context["org_counts"] = [(label, by_kind.get(kind, 0)) for kind, label in OrgKind.choices]
    if has_capability(user, Capability.VIEW_USERS):
        context["user_count"] = selectors.users_for(user).count()
    if has_capability(user, Capability.VIEW_AUDIT):
        context["recent_audit"] = list(selectors.audit_entries_for(user)[:8])
        audit.record_read(_("home page: the latest entries"))
    context["scope_everything"] = scope_of(user).everything
    context["is_worker"] = Role.WORKER in roles
    # A worker's own registry record (people.Person.user), when their bureau has linked it.
    context["own_person"] = getattr(user, "person", None) if context["is_worker"] else None
    context["is_read_only"] = roles == {Role.FINANCE_AUDIT}
    work = todo.all_items_for(user)
    context["has_work"] = bool(work)  # the role has kinds of work, even if none waits now
    context["todo"] = [item for item in work if item.count and item.due is None]
    # The year's timetable (004 §四): dates coming up, the soonest first.
    context["deadlines"] = sorted(
        (item for item in work if item.count and item.due is not None), key=lambda i: i.due
    )
    context["cards"] = home_cards.cards_for(user)
    return render(request, "core/home.html", context)


@capability_required(Capability.VIEW_ORGANISATIONS)
def organisation_list(request):
    form, queryset = filtered(request, OrganisationFilter, selectors.organisation_list)
    context = {"page": page_of(request, queryset), "form": form, "kinds": OrgKind.choices}
    template = pick_template(request, "core/organisation_list.html", "core/_organisation_rows.html")
    return render(request, template, context)


@capability_required(Capability.VIEW_ORGANISATIONS, missing_is_404=True)
def organisation_detail(request, pk: int):
    org = get_scoped_or_404(request.user, Organisation.objects.select_related("parent"), pk=pk)
    visible = selectors.organisations_for(request.user)
    context = {
        "org": org,
        "ancestors": visible.filter(path__in=org.ancestor_paths()).exclude(pk=org.pk),
        "children": visible.filter(parent=org),
        "users": selectors.users_for(request.user).filter(organisation=org)
        if has_capability(request.user, Capability.VIEW_USERS)
        else None,
    }
    return render(request, "core/organisation_detail.html", context)


@capability_required(Capability.VIEW_USERS)
def user_list(request):
    form, queryset = filtered(request, UserFilter, selectors.user_list)
    context = {"page": page_of(request, queryset), "form": form, "roles": Role.choices}
    template = pick_template(request, "core/user_list.html", "core/_user_rows.html")
    return render(request, template, context)


@capability_required(Capability.VIEW_USERS, missing_is_404=True)
def user_detail(request, pk: int):
    shown = get_scoped_or_404(request.user, User.objects.select_related("organisation"), pk=pk)
    context = {"shown": shown}
    if has_capability(request.user, Capability.MANAGE_USERS):
        # A user manager sees the second factor (and may reset it) and the API tokens.
        context["two_factor"] = twofactor.status(shown)
        context["tokens"] = selectors.api_token_list(request.user, {"user": shown.pk})
    return render(request, "core/user_detail.html", context)


# Every read of the audit log is itself audited (GB/T 22239-2019 8.1.5.2): the list, an entry,
# an export, whoever reads (the audit administrator, finance/audit of a region).


@capability_required(Capability.VIEW_AUDIT)
def audit_list(request):
    form, queryset = filtered(request, AuditEntryFilter, selectors.audit_entry_list)
    page = page_of(request, queryset)
    context = {
        "form": form,
        "page": page,
        "may_export": has_capability(request.user, Capability.EXPORT_AUDIT),
        "query": request.GET.urlencode(),
    }
    template = pick_template(request, "core/audit_list.html", "core/_audit_rows.html")
    response = render(request, template, context)
    audit.record_read(_("list: %(query)s") % {"query": request.GET.urlencode() or "-"})
    return response


@capability_required(Capability.VIEW_AUDIT, missing_is_404=True)
def audit_detail(request, pk: int):
    entry = get_scoped_or_404(request.user, selectors.audit_entries_for(request.user), pk=pk)
    response = render(request, "core/audit_detail.html", {"entry": entry})
    audit.record_read(_("one entry"), entry)
    return response


@capability_required(Capability.EXPORT_AUDIT)
@replica_view
def audit_export(request):
    """The filtered entries as CSV (UTF-8 with a BOM, cells made safe for spreadsheets), at
    most AUDIT_EXPORT_MAX_ROWS; the export is audited with its filters and row count."""
    form, queryset = filtered(request, AuditEntryFilter, selectors.audit_entry_list)
    if form.errors:
        valid(request, form)
        return redirect("core:audit-list")
    data, rows = audit_export_csv(queryset)
    audit.record_read(
        _("export of %(rows)s entries: %(query)s")
        % {"rows": rows, "query": request.GET.urlencode() or "-"}
    )
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change one's password; where the old one has expired (core.security.password_expired)
    the page says so, and every other page leads here until it is done."""
    form = PasswordChangeForm(request.user, request.POST or None)
    # An address to return to, not a field of the form: local_url is its one check.
    next_url = local_url(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect(next_url or "home")
    context = {"form": form, "next": next_url}
    if password_expired(request.user):
        context["expired"] = expired_password_message()
    return render(request, "core/password_change.html", context)


# What an API client gets when Django itself refuses before any API view runs (a path the
# router does not match, a malformed request): the API's JSON, in DRF's own words.
API_ERRORS = {
    400: drf_exceptions.ValidationError.default_detail,
    403: drf_exceptions.PermissionDenied.default_detail,
    404: drf_exceptions.NotFound.default_detail,
}


def error_page(status: int, template: str):
    def view(request, exception=None):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": str(API_ERRORS[status])}, status=status,
                json_dumps_params={"ensure_ascii": False},
            )  # fmt: skip
        return render(request, template, status=status)

    return view


def server_error(request):
    """Django's handler500. A database that cannot be reached (stopped, restarting, the network
    down) is not a bug: the page says so in the user's language, 503, and nothing was half
    written (each write is one transaction, rolled back by the database itself). Rendered
    without the page shell, which would read the database again."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    # As Django's own: no request context (its processors may be what failed).
    return HttpResponse(render_to_string("500.html"), status=500)


def database_unavailable(request):
    message = str(availability.MESSAGE)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "request_id": getattr(request, "request_id", "")},
            status=503, json_dumps_params={"ensure_ascii": False},
        )  # fmt: skip
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = "30"
    return response


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
