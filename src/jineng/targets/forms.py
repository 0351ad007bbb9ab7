"""Forms of the plan pages: which versions to show, and a reallocation (the latest version's
totals and cells as a table form, in 万 as printed, with its reason and document number)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jineng.core.forms import styled
from jineng.stats.measures import INDICATORS, MEASURES, NO_DATA
from jineng.targets import selectors
from jineng.targets.annex import persons_to_wan
from jineng.targets.models import WAN, PlanVersion


class VersionsForm(forms.Form):
    """?version=N&compare=M: the version shown, and the one it is compared with."""

    version = forms.IntegerField(label=_("Version"), min_value=1, max_value=32767, required=False)
    compare = forms.IntegerField(
        label=_("Compare with"), min_value=1, max_value=32767, required=False
    )


def wan_field(label, initial: int | None) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(10**8),
        max_digits=12,
        decimal_places=4,  # 0.0001万 is one person
        initial=persons_to_wan(initial),
        required=True,
    )


def to_persons(value: Decimal) -> int:
    return int(value * WAN)


class ReallocateForm(forms.Form):
    """The latest version's figures, every one editable; a reason and a 文件号 are required."""

    reason = forms.CharField(label=_("Reason"), max_length=300)
    document_number = forms.CharField(label=_("Document number (文件号)"), max_length=100)

    def __init__(self, version: PlanVersion, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.total_fields = {}  # field name -> measure code
        self.cell_fields = {}  # field name -> (axis, position, measure code)
        for total in version.totals.select_related("measure"):
            name = f"t_{total.measure.code}"
            self.fields[name] = wan_field(total.measure.name, total.value)
            self.total_fields[name] = total.measure.code
        for a in version.allocations.select_related("measure"):
            name = f"c_{a.axis}_{a.position}_{a.measure.code}"
            self.fields[name] = wan_field(f"{a.label} · {a.measure.name}", a.value)
            self.cell_fields[name] = (a.axis, a.position, a.measure.code)
        styled(self)

    def totals(self) -> dict[str, int]:
        return {code: to_persons(self.cleaned_data[n]) for n, code in self.total_fields.items()}

    def values(self) -> dict[tuple[str, int, str], int]:
        return {key: to_persons(self.cleaned_data[n]) for n, key in self.cell_fields.items()}

    def field_of(self, name: str):
        return self[name]


class DashboardForm(forms.Form):
    """The dashboards' parameters (page and API alike): the plan (by default the reader's plan
    of this year), the measure of the charts and the indicator of the ranking. A plan the reader
    may not read is "no such plan", as if it did not exist."""

    plan = forms.IntegerField(label=_("Plan"), required=False, min_value=1, max_value=2**63 - 1)
    measure = forms.ChoiceField(
        label=_("Measure"), required=False, choices=[(m, MEASURES[m].name) for m in MEASURES]
    )
    indicator = forms.ChoiceField(
        label=_("Indicator"),
        required=False,
        choices=[(i, INDICATORS[i].name) for i in INDICATORS if i not in NO_DATA],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_plan(self):
        pk = self.cleaned_data.get("plan")
        if pk is None:
            return None
        plan = selectors.plans_for(self.user).filter(pk=pk).first()
        if plan is None:
            raise forms.ValidationError(_("No such plan."))
        return plan
