"""Forms of the plan pages: which versions to show, a reallocation (the latest version's
totals and cells as a table form, in 万 as printed, with its reason and document number), and
the forms that make a plan, a measure and a programme."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jineng.catalog.models import Region
from jineng.core.forms import RowsChoiceField, styled
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.stats.measures import INDICATORS, MEASURES, NO_DATA
from jineng.targets import selectors
from jineng.targets.annex import persons_to_wan
from jineng.targets.models import (
    WAN,
    Axis,
    MeasureUnit,
    Plan,
    PlanVersion,
    Programme,
    TrainingCountedAt,
)
from jineng.targets.services import Row


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


# Making plans, measures and programmes from the pages --------------------------------------


def optional_wan_field(label, initial: int | None = None) -> forms.DecimalField:
    field = wan_field(label, initial)
    field.required = False
    return field


def bureau_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("Bureau (region)"), queryset=Organisation.objects.none())


def _bureau_choices(form, user) -> None:
    """The bureaus in the user's region (its own and those below it), its own first."""
    form.fields["bureau"].queryset = selectors.manageable_bureaus(user)
    organisation = getattr(user, "organisation", None)
    if organisation is not None and not form.is_bound:
        form.fields["bureau"].initial = organisation.nearest_bureau()


class CopyForm(forms.Form):
    """?copy=<plan>: the plan a new plan starts from."""

    copy = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class PlanForm(forms.Form):
    """A new plan (新建计划): its bureau and years, title, the reason and 文件号 of version 1, the
    totals per measure in 万, and optionally a plan of the same bureau whose rows it copies."""

    bureau = bureau_field()
    start_year = forms.IntegerField(label=_("From (year)"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("To (year)"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    document_number = forms.CharField(label=_("Document number (文件号)"), max_length=100)
    training_counted_at = forms.ChoiceField(
        label=_("Training counts"),
        choices=TrainingCountedAt.choices,
        initial=TrainingCountedAt.COMPLETION,
    )
    copy_from = forms.ModelChoiceField(
        label=_("Copy the allocation rows of"),
        queryset=Plan.objects.none(),
        required=False,
        help_text=_(
            "A plan of the same bureau, e.g. last year's: its latest version's rows are the new "
            "plan's starting point (reallocate them afterwards)."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _bureau_choices(self, user)
        self.fields["copy_from"].queryset = selectors.whole_plans_for(user)
        self.total_fields = {}
        self.measures = list(selectors.measures_for(user))
        for measure in self.measures:
            name = f"t_{measure.code}"
            self.fields[name] = optional_wan_field(measure.name)
            self.total_fields[name] = measure.code
        self._allocation_fields(user)
        styled(self)

    def _allocation_fields(self, user) -> None:
        """A cell (万, optional) per unit and measure: the counties (bureaus) and departments
        directly under the user's own bureau, the units of 附件1 and 附件2. An empty cell is no
        row; a filled one becomes an allocation row of version 1."""
        self.cell_fields = {}  # field name -> (axis, unit, measure code)
        self.units = []  # (axis, unit, [(measure, field name)])
        organisation = getattr(user, "organisation", None)
        own = organisation.nearest_bureau() if organisation is not None else None
        if own is None:
            return
        regions = dict(Region.objects.values_list("code", "name"))
        for axis, kind in ((Axis.COUNTY, OrgKind.BUREAU), (Axis.DEPARTMENT, OrgKind.DEPARTMENT)):
            for unit in own.children.filter(kind=kind).order_by("path", "name"):
                # A county is named as 附件1 prints it: its region (永城市), not its bureau.
                unit.label = regions.get(unit.region_code, unit.name) if axis == Axis.COUNTY \
                    else unit.name  # fmt: skip
                cells = []
                for measure in self.measures:
                    name = f"a_{axis}_{unit.pk}_{measure.code}"
                    self.fields[name] = optional_wan_field(f"{unit.label} · {measure.name}")
                    self.cell_fields[name] = (axis, unit, measure.code)
                    cells.append((measure, name))
                self.units.append((axis, unit, cells))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The last year is before the first."))
        if self.total_fields and all(data.get(n) is None for n in self.total_fields):
            raise forms.ValidationError(_("Give the plan's total of at least one measure."))
        source, bureau = data.get("copy_from"), data.get("bureau")
        if source is not None and bureau is not None and source.bureau_id != bureau.pk:
            self.add_error("copy_from", _("Copy the rows of a plan of the same bureau."))
        filled = [n for n in self.cell_fields if data.get(n) is not None]
        if filled and source is not None:
            raise forms.ValidationError(_("Give the rows or a plan to copy them from, not both."))
        for name in filled:
            unit = self.cell_fields[name][1]
            if bureau is not None and unit.parent_id != bureau.pk:
                self.add_error(name, _("%(unit)s is not a unit of the chosen bureau.")
                               % {"unit": unit.label})  # fmt: skip
        return data

    def rows(self) -> list[Row]:
        """The filled cells as allocation rows, numbered per axis in the units' order."""
        rows, positions = [], {}
        for name, (axis, unit, code) in self.cell_fields.items():
            if self.cleaned_data.get(name) is None:
                continue
            position = positions.setdefault((axis, unit.pk), len(
                [k for k in positions if k[0] == axis]) + 1)  # fmt: skip
            rows.append(Row(axis, position, unit.label, code, to_persons(self.cleaned_data[name]),
                            organisation=unit))  # fmt: skip
        return rows

    def table(self):
        """The cells as the page lays them out: per axis, a row per unit, a column per measure."""
        return [
            (axis, label, [(unit, [self[name] for _m, name in cells])
                           for axis_of, unit, cells in self.units if axis_of == axis])
            for axis, label in Axis.choices
            if any(axis_of == axis for axis_of, _u, _c in self.units)
        ]  # fmt: skip

    def totals(self) -> dict[str, int]:
        return {
            code: to_persons(self.cleaned_data[n])
            for n, code in self.total_fields.items()
            if self.cleaned_data.get(n) is not None
        }


class MeasureForm(forms.Form):
    """A bureau's own measure: code, name, unit and how it is counted."""

    bureau = bureau_field()
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits, - and _, e.g. apprenticeship; unique."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = forms.ChoiceField(label=_("Unit"), choices=MeasureUnit.choices)
    definition = forms.CharField(
        label=_("How it is counted"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _bureau_choices(self, user)
        styled(self)


class ProgrammeForm(forms.Form):
    """A programme (专项行动) of a bureau: number, name, responsible departments (as printed and
    linked), its yearly targets as printed, and per measure a count in 万 or a rate in %."""

    bureau = bureau_field()
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    name = forms.CharField(label=_("Name"), max_length=200)
    responsible = forms.CharField(label=_("Responsible (as printed)"), max_length=300)
    departments = RowsChoiceField(
        label=_("Responsible departments"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    targets_text = forms.CharField(
        label=_("Yearly targets (as printed)"), max_length=300, required=False
    )

    def __init__(self, *args, user, programme: Programme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        _bureau_choices(self, user)
        self.fields["departments"].queryset = selectors.departments_for(user)
        current = {}
        if programme is not None:
            for name in ("bureau", "number", "name", "responsible", "targets_text"):
                self.fields[name].initial = getattr(programme, name)
            self.fields["departments"].initial = list(programme.departments.all())
            # The programme's bureau and number say which programme it is: not changed here.
            self.fields["bureau"].disabled = True
            self.fields["number"].disabled = True
            current = {t.measure_id: t for t in programme.targets.all()}
        self.measure_fields = []  # (measure, count field name, rate field name)
        for measure in selectors.measures_for(user):
            target = current.get(measure.pk)
            count, rate = f"n_{measure.code}", f"r_{measure.code}"
            self.fields[count] = optional_wan_field(
                measure.name, target.value if target is not None else None
            )
            self.fields[rate] = forms.IntegerField(
                label=_("%(measure)s (rate, %%)") % {"measure": measure.name},
                min_value=0,
                max_value=100,
                required=False,
                initial=target.rate_percent if target is not None else None,
            )
            self.measure_fields.append((measure, count, rate))
        styled(self)

    def clean(self):
        data = super().clean()
        for _measure, count, rate in self.measure_fields:
            if data.get(count) is not None and data.get(rate) is not None:
                self.add_error(rate, _("A target is a count or a rate, not both."))
        return data

    def targets(self) -> dict[str, int | None]:
        return {
            m.code: None if self.cleaned_data.get(c) is None else to_persons(self.cleaned_data[c])
            for m, c, _r in self.measure_fields
        }

    def rates(self) -> dict[str, int]:
        return {
            m.code: self.cleaned_data[r]
            for m, _c, r in self.measure_fields
            if self.cleaned_data.get(r) is not None
        }


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
