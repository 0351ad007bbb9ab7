"""The bureau's list of workers' correction requests, by state (the open ones unless asked)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jineng.core.filters import FilterSet
from jineng.portal.models import CorrectionRequest, CorrectionState


class CorrectionFilter(FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=CorrectionState.choices)

    class Meta:
        model = CorrectionRequest
        fields = ["state"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "state" not in data:
            data = data.copy()
            data["state"] = CorrectionState.OPEN  # the list opens on what waits for an answer
        super().__init__(data, *args, **kwargs)
