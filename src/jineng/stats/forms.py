"""The parameters of the statistics (page, drill-down and API alike): one form, so a bad
parameter gets the same message everywhere (a page shows it, the API answers 400 with it)."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.stats.measures import AT_COMPLETION, BY, COUNTED_AT, INDICATORS, MEASURES

MAX_ID = 2**63 - 1


class StatsForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("date range", "from"), required=False)
    end = forms.DateField(label=_("until"), required=False)
    by = forms.ChoiceField(
        label=_("by"), required=False, choices=[("", "—")] + [(b, b) for b in BY]
    )
    counted_at = forms.ChoiceField(
        label=_("training counted at"),
        required=False,
        choices=[(c, c) for c in COUNTED_AT],
    )
    as_of = forms.DateField(
        label=_("as of (a past day)"),
        required=False,
        help_text=_("Year to date as of that day: as the day's kept snapshot reported it."),
    )
    region = forms.IntegerField(label=_("region (bureau id)"), required=False, min_value=1,
                                max_value=MAX_ID)  # fmt: skip
    department = forms.IntegerField(label=_("department (id)"), required=False, min_value=1,
                                    max_value=MAX_ID)  # fmt: skip

    def clean_region(self):
        return self._organisation("region", OrgKind.BUREAU, _("No such region."))

    def clean_department(self):
        return self._organisation("department", OrgKind.DEPARTMENT, _("No such department."))

    def _organisation(self, name, kind, message):
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        org = Organisation.objects.filter(pk=value, kind=kind).first()
        if org is None:
            raise ValidationError(message)
        return org

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        as_of = data.get("as_of")
        if as_of is not None and as_of > today:
            raise ValidationError({"as_of": _("As of a day that has come: today or before.")})
        if as_of is not None:  # the snapshot's period: year to date, whatever start/end say
            data["start"], data["end"] = date(as_of.year, 1, 1), as_of
        data["start"] = data.get("start") or date(today.year, 1, 1)
        data["end"] = data.get("end") or today
        data["counted_at"] = data.get("counted_at") or AT_COMPLETION
        data["by"] = data.get("by") or None
        if data["end"] < data["start"]:
            raise ValidationError({"end": _("The end of the period is before its start.")})
        return data


class MeasureForm(StatsForm):
    measure = forms.ChoiceField(label=_("measure"), choices=[(m, m) for m in MEASURES])
    key = forms.CharField(label=_("key"), required=False, max_length=40)


class IndicatorForm(StatsForm):
    indicator = forms.ChoiceField(
        label=_("indicator"), choices=[(i, i) for i in INDICATORS if i != "income_rate"]
    )
    part = forms.ChoiceField(
        label=_("part"),
        choices=[("numerator", "numerator"), ("denominator", "denominator")],
        required=False,
    )
    # The dashboards' ranking links each institution to the rows behind its figure.
    institution = forms.IntegerField(label=_("institution (id)"), required=False, min_value=1,
                                     max_value=MAX_ID)  # fmt: skip

    def clean_institution(self):
        return self._organisation("institution", OrgKind.INSTITUTION, _("No such institution."))
