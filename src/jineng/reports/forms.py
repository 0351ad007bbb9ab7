"""The "generate now" form of the reports page."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jineng.core.forms import styled
from jineng.reports import schedule
from jineng.reports.models import ReportKind


def _last_performance(today):
    year = today.year if (today.month, today.day) >= schedule.PERFORMANCE_FROM else today.year - 1
    return schedule.performance_period(date(year, *schedule.PERFORMANCE_FROM))


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, empty_label=None)
    start = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("Empty: the last period of this kind that has ended."),
    )
    end = forms.DateField(label=_("Until"), required=False)  # fmt: skip

    def __init__(self, regions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        styled(self)

    def clean(self):
        data = super().clean()
        kind, start, end = data.get("kind"), data.get("start"), data.get("end")
        if kind and (start is None or end is None):
            if start is not None or end is not None:
                raise forms.ValidationError(_("Give both days of the period, or neither."))
            today = timezone.localdate()
            data["start"], data["end"] = {
                ReportKind.WEEKLY: schedule.last_week,
                ReportKind.MONTHLY: schedule.last_month,
                ReportKind.QUARTERLY: schedule.last_quarter,
                ReportKind.PERFORMANCE: _last_performance,
            }[kind](today)
        elif start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
