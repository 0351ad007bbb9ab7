"""The daily rollups of the measures and of the indicators (measures.py): one row per day,
measure (or indicator) and combination of dimensions, rebuilt for a day range from the facts by
rollup.rebuild (set-based: grouped aggregates, INSERT … SELECT), so pages and the API read
totals without touching people."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jineng.core.scope import ScopeSpec

# The rollups' references (department, institution, occupation) are copied from facts whose own
# keys the database checks, and only grouped by when read: no constraint (checked for every
# row at commit: more than the rebuild's own counting at province size) and no index (kept up
# for every row written, used by no read). Deleting the organisation still deletes its rows
# (on_delete, done by Django).
DERIVED = {"db_constraint": False, "db_index": False}


class DailyCount(models.Model):
    day = models.DateField(_("day"))
    measure = models.CharField(_("measure"), max_length=24)
    # The organisation the fact hangs on (the class's institution, or the holder's bureau for a
    # certificate that follows no class here), its county and city (GB/T 2260 codes).
    org_path = models.CharField(max_length=255)
    county_code = models.CharField(_("county"), max_length=12, blank=True)
    city_code = models.CharField(_("city"), max_length=12, blank=True)
    department = models.ForeignKey(
        "core.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        **DERIVED,
    )
    department_path = models.CharField(max_length=255, blank=True)
    institution = models.ForeignKey(
        "core.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        **DERIVED,
    )
    occupation = models.ForeignKey(
        "catalog.Occupation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        **DERIVED,
    )
    # Empty on the main rows; the rows for the category breakdown carry a category code ("-": a
    # person with none that day). A person in two categories counts in both, so these rows are
    # never added to the main ones.
    category = models.CharField(_("person category"), max_length=40, blank=True)
    value = models.PositiveIntegerField(_("value"))

    # Read through stats.selectors.scope_q (a department also sees what it funds); the spec
    # gives the regional and institutional scope.
    scope = ScopeSpec(org_paths=("org_path",))

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        indexes = [
            models.Index(fields=["measure", "day"]),
            models.Index(fields=["measure", "county_code", "day"]),
            models.Index(fields=["day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure} {self.value}"


class IndicatorCount(models.Model):
    """The indicator rollup: per class end day, indicator and combination of dimensions, the
    numerator and the denominator (enrolments, stats.facts.indicator_facts), rebuilt by
    rollup.rebuild. The day is the class's end day, so the `today` of retention (classes ended
    at least STAY_DAYS before it) is applied when it is read."""

    day = models.DateField(_("day"))
    indicator = models.CharField(_("indicator"), max_length=24)
    org_path = models.CharField(max_length=255)
    county_code = models.CharField(_("county"), max_length=12, blank=True)
    city_code = models.CharField(_("city"), max_length=12, blank=True)
    department = models.ForeignKey(
        "core.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        **DERIVED,
    )
    department_path = models.CharField(max_length=255, blank=True)
    institution = models.ForeignKey(
        "core.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        **DERIVED,
    )
    numerator = models.PositiveIntegerField(_("numerator"))
    denominator = models.PositiveIntegerField(_("denominator"))

    scope = ScopeSpec(org_paths=("org_path",))

    class Meta:
        verbose_name = _("indicator count")
        verbose_name_plural = _("indicator counts")
        indexes = [
            models.Index(fields=["day", "indicator"]),
            models.Index(fields=["county_code", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.indicator} {self.numerator}/{self.denominator}"
