"""FilterSets and the one way to run them.

Every list that has a page and an API has one selector (`<app>.selectors.<thing>_list(user,
filters)`) that runs the app's FilterSet over the user's scoped rows (HackSoft's styleguide:
a selector that runs a FilterSet). The page hands it `request.GET` and shows the FilterSet's form,
the API hands it the query string: same parameter names, same rows, same order.
"""

import django_filters
import django_filters.constants
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.models import (
    ApiToken,
    AuditAction,
    AuditEntry,
    ImportJob,
    ImportStatus,
    Organisation,
    User,
)
from jineng.core.roles import OrgKind, Role

# The largest id a database column holds (SQLite and PostgreSQL bigint): a larger number in a
# query string is a form error, not an overflow in the database driver.
MAX_ID = 2**63 - 1


# The longest text a filter takes (a search term, a code): a term of 50,000 characters made
# SQLite's LIKE pattern fail ("LIKE or GLOB pattern too complex"), a server error.
MAX_TERM = 200


class FilterSet(django_filters.FilterSet):
    """The project's FilterSet (every list's filters derive from it): a text parameter longer than
    MAX_TERM and a number beyond the database's range are form errors, answered 400 by the API
    and shown on a page's filter form, never passed to the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for each in self.filters.values():  # this instance's copies of the declared filters
            if isinstance(each, django_filters.CharFilter):
                each.extra.setdefault("max_length", MAX_TERM)
            elif isinstance(each, django_filters.NumberFilter):
                each.extra.setdefault("max_value", MAX_ID)
                each.extra.setdefault("min_value", -MAX_ID)


def run(filterset_class, queryset: QuerySet, filters) -> QuerySet:
    """The rows of `queryset` that `filters` (a query string or a dict) select.

    Parameters that do not validate raise ValidationError by parameter name: the API answers 400
    with the messages, a page shows them on its filter form (core.views.filtered)."""
    filterset = filterset_class(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs


class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number within the database's range ("abc", "1.5", "²" are refused)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class RegionFilter(IdFilter):
    """An organisation's id (a bureau's: its region): the rows whose `field_name` path lies under
    it in the tree; an unknown id leaves no row. The rows are already scoped, so an id outside
    the user's scope can only narrow what they see."""

    def filter(self, queryset, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return queryset
        region = Organisation.objects.filter(pk=value).first()
        if region is None:
            return queryset.none()
        return queryset.filter(**{f"{self.field_name}__startswith": region.path})


class OrganisationFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrgKind.choices)
    code = django_filters.CharFilter(label=_("Code"))
    parent = IdFilter(label=_("Parent"), field_name="parent_id")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "code", "parent"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class UserFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Username or name"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("Role"), field_name="roles__role", choices=Role.choices, distinct=True
    )
    organisation = IdFilter(label=_("Organisation"), field_name="organisation_id")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = User
        fields = ["q", "role", "organisation", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))


class ImportJobFilter(FilterSet):
    kind = django_filters.CharFilter(label=_("Kind"), help_text="e.g. people, enrollments")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ImportStatus.choices)

    class Meta:
        model = ImportJob
        fields = ["kind", "status"]


class AuditEntryFilter(FilterSet):
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditAction.choices)
    actor = django_filters.CharFilter(
        label=_("actor"), field_name="actor_label", lookup_expr="icontains"
    )
    object_type = django_filters.CharFilter(label=_("object type"), lookup_expr="iexact")
    object_id = django_filters.CharFilter(label=_("object id"))
    request_id = django_filters.CharFilter(label=_("request id"))
    ip = django_filters.CharFilter(label=_("address"))
    # Calendar days in the bureau's time zone (Asia/Shanghai), both ends included.
    since = django_filters.DateFilter(
        label=pgettext_lazy("date range", "from"), field_name="at", lookup_expr="date__gte"
    )
    until = django_filters.DateFilter(label=_("until"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "object_type", "object_id", "request_id", "ip"]


class ApiTokenFilter(FilterSet):
    user = IdFilter(label=_("User"), field_name="user_id")

    class Meta:
        model = ApiToken
        fields = ["user"]
