"""Filters shared by the audit-log page and its API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.models import AuditAction, AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
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
