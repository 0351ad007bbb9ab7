"""Reference catalogs: regions, occupations, levels, certificate and training types, person
categories, fund channels, subsidy standards, urgently needed occupations; and the policy packs
loaded from policies/*.toml with every decision taken under them.

Catalog rows are public reference data: everyone signed in may read them (scope: everything).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.scope import ScopeSpec

PUBLIC = ScopeSpec(public=True)


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    COUNTY = "county", _("county")


class Region(models.Model):
    """A GB/T 2260 division, current or abolished (ID numbers issued earlier still carry it)."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Years of validity from the code list's history; empty means open-ended.
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("valid until (year)"), null=True, blank=True)
    # A functional zone with no GB/T 2260 code (城乡一体化示范区) carries a local code.
    is_local = models.BooleanField(_("local code"), default=False)

    scope = PUBLIC

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def ancestor_codes(self) -> list[str]:
        """This code and those above it, nearest first (for choosing a policy pack)."""
        codes, node = [], self
        while node is not None:
            codes.append(node.code)
            node = node.parent
        return codes


class SkillLevel(models.Model):
    """技能等级: 专项职业能力 (no level), 五级/初级工 … 一级/高级技师, the eight-level ladder."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    is_high_skill = models.BooleanField(_("high-skill"), default=False)

    scope = PUBLIC

    class Meta:
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class Occupation(models.Model):
    """An occupation (工种) of 《中华人民共和国职业分类大典》(2022), code like 6-18-02-04."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    levels = models.ManyToManyField(SkillLevel, verbose_name=_("levels"), blank=True)
    is_new = models.BooleanField(_("new occupation (新职业)"), default=False)
    new_since = models.PositiveSmallIntegerField(_("new since (year)"), null=True, blank=True)
    is_access = models.BooleanField(_("employment-access (就业准入)"), default=False)
    former_code = models.CharField(_("code before 2022"), max_length=20, blank=True)
    # The source did not confirm some values: they are defaults to be corrected, not facts.
    unconfirmed = models.BooleanField(_("unconfirmed values"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = PUBLIC

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CodedName(models.Model):
    """A small catalog of codes with names (the codes are those of jineng.policy.codes)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)

    scope = PUBLIC

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CertificateType(CodedName):
    class Meta(CodedName.Meta):
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")


class TrainingType(CodedName):
    class Meta(CodedName.Meta):
        verbose_name = _("training type")
        verbose_name_plural = _("training types")


class PersonCategory(CodedName):
    class Meta(CodedName.Meta):
        verbose_name = _("person category")
        verbose_name_plural = _("person categories")


class FundChannel(CodedName):
    class Meta(CodedName.Meta):
        verbose_name = _("fund channel")
        verbose_name_plural = _("fund channels")


class SubsidyStandard(models.Model):
    """The training subsidy standard of one occupation at one level, in a region, for a year
    (in the style of Hebei's 《职业(工种)目录及补贴标准》)."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, verbose_name=_("occupation")
    )
    level = models.ForeignKey(SkillLevel, on_delete=models.PROTECT, verbose_name=_("level"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)

    scope = PUBLIC

    class Meta:
        verbose_name = _("subsidy standard")
        verbose_name_plural = _("subsidy standards")
        ordering = ["region__code", "year", "occupation__code", "level__rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "level", "region", "year"], name="uniq_subsidy_standard"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="standard_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} {self.occupation.name} {self.level}: {self.amount}"


class UrgentOccupation(models.Model):
    """An occupation on a region's list of urgently needed occupations (急需紧缺) for a year."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, verbose_name=_("occupation")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))

    scope = PUBLIC

    class Meta:
        verbose_name = _("urgently needed occupation")
        verbose_name_plural = _("urgently needed occupations")
        ordering = ["region__code", "year", "occupation__code"]
        constraints = [
            models.UniqueConstraint(fields=["occupation", "region", "year"], name="uniq_urgent")
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} {self.occupation.name}"


class PolicyPackVersion(models.Model):
    """One version of a policy pack file, as loaded. Versions are never changed or deleted:
    decisions point at the exact rules they were taken under."""

    pack_id = models.CharField(_("pack"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=6)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    source_text = models.TextField(pgettext_lazy("policy pack", "source"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    scope = PUBLIC

    class Meta:
        verbose_name = _("policy pack version")
        verbose_name_plural = _("policy pack versions")
        ordering = ["pack_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["pack_id", "version"], name="uniq_pack_version")
        ]

    def __str__(self) -> str:
        return f"{self.pack_id} v{self.version}"


class DecisionRecord(models.Model):
    """A decision of the policy engine as stored: its outcome, amount and every rule checked
    with its evidence, under one pack version. Later apps store theirs through services."""

    kind = models.CharField(_("kind"), max_length=30)
    subject_type = models.CharField(_("subject type"), max_length=100, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, default=0)
    pack = models.ForeignKey(PolicyPackVersion, on_delete=models.PROTECT, verbose_name=_("pack"))
    detail = models.JSONField(_("decision"))  # jineng.policy Decision.to_dict()
    # The compact facts the rules read, taken from `detail` when the decision is stored
    # (jineng.policy.facts: a training decision's, else ""); a replay reads them by position
    # instead of walking the trace. Never changed apart from the trace.
    facts = models.TextField(_("facts decided on"), blank=True, default="", editable=False)
    # The organisation the decision concerns, for the data scope.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("org_path",))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome} {self.amount}"
