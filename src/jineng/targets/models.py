"""Target plans (002 §二(二), §三, 附件1, 附件2): what a bureau plans to reach, per year or over
several years, and how it splits the whole among its counties, departments and programmes.

Values are whole persons (or person-times): 0.448万 is stored as 4480. The printed tables
never go below 0.001万 (10 persons), so every printed figure is an exact integer of persons;
integers add up exactly, compare with the counts the platform makes from its facts (which are
whole people) and need no rounding rule. Pages show them in 万 as printed.

Models hold data and constraints only; every write goes through services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jineng.core.models import Organisation
from jineng.core.scope import ScopeSpec

WAN = 10_000  # 1万


class MeasureUnit(models.TextChoices):
    PERSON_TIMES = "person_times", _("person-times (人次)")
    PERSONS = "persons", _("persons (人)")


class Measure(models.Model):
    """What a target counts: the three of 002 附件1/附件2 and the certificates of §二(二), §三,
    shared with the counting side (jineng.stats) by code; a bureau may add its own."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20, choices=MeasureUnit.choices)
    definition = models.TextField(_("how it is counted"), blank=True)
    # The bureau that added it; empty for the measures of the seeds, which every plan may use.
    bureau = models.ForeignKey(
        Organisation,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    scope = ScopeSpec(public=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class TrainingCountedAt(models.TextChoices):
    """When the plan's 职业技能培训 counts a trainee (the codes of jineng.stats.measures)."""

    COMPLETION = "completion", _("at completion (结业)")
    ENROLMENT = "enrolment", _("at enrolment")


class Plan(models.Model):
    """A bureau's targets for one year (start_year == end_year) or several (002 §二(二): the
    goals to reach by 2025). Its figures live in its versions; the latest is in force."""

    bureau = models.ForeignKey(
        Organisation, verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    start_year = models.PositiveSmallIntegerField(_("from (year)"))
    end_year = models.PositiveSmallIntegerField(_("to (year)"))
    title = models.CharField(_("title"), max_length=200)
    # How the plan counts its training (人次) when progress is measured: at completion unless
    # the plan says otherwise.
    training_counted_at = models.CharField(
        _("training counted"),
        max_length=20,
        choices=TrainingCountedAt.choices,
        default=TrainingCountedAt.COMPLETION,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    scope = ScopeSpec(org_paths=("bureau__path",))

    class Meta:
        verbose_name = _("target plan")
        verbose_name_plural = _("target plans")
        ordering = ["bureau__path", "-end_year", "start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "start_year", "end_year"], name="targets_plan_uniq_period"
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="targets_plan_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_multi_year(self) -> bool:
        return self.end_year > self.start_year

    @property
    def period(self) -> str:
        if self.is_multi_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year)


class PlanVersion(models.Model):
    """One issue of a plan's figures. A reallocation during the year is a new version with its
    reason and document number (文件号); earlier versions stay as they were."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.CharField(_("reason"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by_label = models.CharField(_("made by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("made at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("plan__bureau__path",))

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="targets_version_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class PlanTotal(models.Model):
    """The whole of one measure in a version: what the allocation tables split."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="totals"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveBigIntegerField(_("target"))

    scope = ScopeSpec(org_paths=("version__plan__bureau__path",))

    class Meta:
        verbose_name = _("plan total")
        verbose_name_plural = _("plan totals")
        ordering = ["version", "measure__position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "measure"], name="targets_total_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.measure}"


class Axis(models.TextChoices):
    COUNTY = "county", _("by county")
    DEPARTMENT = "department", _("by department")
    PROGRAMME = "programme", _("by programme")


class Programme(models.Model):
    """A 专项行动 of 002 §三, (一)…(十二): its name, its responsible departments as printed
    (责任单位) and linked to the department organisations that exist."""

    bureau = models.ForeignKey(
        Organisation, verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    responsible = models.CharField(_("responsible (as printed)"), max_length=300)
    departments = models.ManyToManyField(
        Organisation, verbose_name=_("responsible departments"), blank=True, related_name="+"
    )
    targets_text = models.CharField(_("yearly targets (as printed)"), max_length=300, blank=True)

    scope = ScopeSpec(public=True)  # the document is public (此件公开发布)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["bureau", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "number"], name="targets_programme_uniq")
        ]

    def __str__(self) -> str:
        return f"({self.numeral}) {self.name}"

    @property
    def numeral(self) -> str:
        return CHINESE_NUMERALS[self.number - 1] if 0 < self.number <= 12 else str(self.number)


CHINESE_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


class ProgrammeTarget(models.Model):
    """A programme's yearly target for one measure: a count (年培训6.5万人次以上 = 65000) or a
    rate of the programme's own training (002 §三(十): 培训后取证率百分之百 = 100 %)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveBigIntegerField(_("yearly target"), null=True, blank=True)
    rate_percent = models.PositiveSmallIntegerField(_("rate (%)"), null=True, blank=True)

    scope = ScopeSpec(public=True)

    class Meta:
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        ordering = ["programme", "measure__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "measure"], name="targets_programme_target_uniq"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False, rate_percent__isnull=True)
                | Q(value__isnull=True, rate_percent__isnull=False),
                name="targets_programme_target_count_or_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.measure}"


class Allocation(models.Model):
    """One row of an allocation table: a version's target of one measure for one county (its
    bureau), one department, or one programme."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="allocations"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+"
    )
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    # The county's bureau (its region code is organisation.code) or the department; empty for a
    # programme, whose departments are on the programme.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(_("unit (as printed)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("row"))
    value = models.PositiveBigIntegerField(_("target"))

    # The plan's region sees every row; a county or a department sees its own.
    scope = ScopeSpec(org_paths=("version__plan__bureau__path", "organisation__path"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["version", "axis", "position", "measure__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "axis", "position", "measure"], name="targets_allocation_uniq"
            ),
            models.CheckConstraint(
                condition=(Q(axis="programme") & Q(programme__isnull=False))
                | (~Q(axis="programme") & Q(organisation__isnull=False)),
                name="targets_allocation_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.label} {self.measure}"

    @property
    def unit_key(self) -> tuple:
        return (self.axis, self.organisation_id, self.programme_id, self.label)
