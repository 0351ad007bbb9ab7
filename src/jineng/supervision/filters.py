"""The findings list's filters, one FilterSet for the page and the API (core.filters.run)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import IdFilter
from jineng.supervision.checks import CHECKS
from jineng.supervision.models import Finding, FindingState, Severity


class FindingFilter(django_filters.FilterSet):
    check = django_filters.ChoiceFilter(
        label=_("Check"),
        field_name="check_code",
        choices=[(check.code, check.name) for check in CHECKS],
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=FindingState.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    institution = IdFilter(label=_("Institution"), field_name="institution")

    class Meta:
        model = Finding
        fields = ["check", "state", "severity", "institution"]
