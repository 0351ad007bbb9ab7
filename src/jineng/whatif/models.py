"""Draft policy packs and the scenarios replayed under them (issue 22).

A draft is a bureau's copy of a loaded pack version whose values it edits before it signs a new
document. Every save is a new revision (versioned, never changed); a revision keeps the loader's
verdict (the same strict loader as `jineng policy load`). Drafts live here only: the real paths
(catalog.packs.pack_for, the claims, vouchers and training services) read PolicyPackVersion and
never see a draft.

A scenario is one replay of a region's period under a revision (or under the pack in force):
its figures (before, after, the difference, by fund channel, county, department, category and
occupation) and the lines whose outcome changed. Nothing real is written by a replay.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jineng.core.scope import ScopeSpec


class DraftPack(models.Model):
    """A draft of a policy pack, kept by a bureau; never used for a real decision."""

    bureau = models.ForeignKey(
        "core.Organisation", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    base = models.ForeignKey(
        "catalog.PolicyPackVersion",
        verbose_name=_("copied from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("org_path",))

    class Meta:
        verbose_name = _("draft policy pack")
        verbose_name_plural = _("draft policy packs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def latest(self) -> "DraftRevision | None":
        return self.revisions.order_by("-number").first()


class DraftRevision(models.Model):
    """One saved version of a draft's TOML text, with the strict loader's verdict."""

    draft = models.ForeignKey(DraftPack, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    source_text = models.TextField(_("pack text (TOML)"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    valid = models.BooleanField(_("accepted by the loader"))
    error = models.TextField(_("loader's message"), blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("draft__org_path",))

    class Meta:
        verbose_name = _("draft revision")
        verbose_name_plural = _("draft revisions")
        ordering = ["draft", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="uniq_draft_revision")
        ]

    def __str__(self) -> str:
        return f"{self.draft.name} r{self.number}"


class ScenarioState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Scenario(models.Model):
    """A replay of a region's decisions of a period under a draft revision (or, without one,
    under the pack in force), stored with its figures; shared within the bureau's region."""

    bureau = models.ForeignKey(
        "core.Organisation", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    revision = models.ForeignKey(
        DraftRevision,
        verbose_name=_("draft"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scenarios",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    state = models.CharField(
        _("state"), max_length=10, choices=ScenarioState.choices, default=ScenarioState.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    lines = models.PositiveIntegerField(_("lines replayed"), default=0)
    changed = models.PositiveIntegerField(_("lines changed"), default=0)
    before_total = models.DecimalField(
        _("before (yuan)"), max_digits=16, decimal_places=2, default=0
    )
    after_total = models.DecimalField(_("after (yuan)"), max_digits=16, decimal_places=2, default=0)
    summary = models.JSONField(_("figures"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    scope = ScopeSpec(org_paths=("org_path",))

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pk} {self.start}–{self.end}"

    @property
    def difference(self):
        return self.after_total - self.before_total


class ScenarioLine(models.Model):
    """A claim line whose outcome the replay changed: the stored decision beside the new one."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    line_id = models.PositiveBigIntegerField(_("claim line"))
    claim_number = models.CharField(_("claim number"), max_length=24)
    person_id = models.PositiveBigIntegerField()
    subsidy_type = models.CharField(_("subsidy"), max_length=20)
    occupation = models.CharField(_("occupation"), max_length=20, blank=True)
    level = models.CharField(_("level"), max_length=10, blank=True)
    county = models.CharField(_("county"), max_length=6, blank=True)
    categories = models.JSONField(default=list)
    before_granted = models.BooleanField()
    after_granted = models.BooleanField()
    before_amount = models.DecimalField(max_digits=12, decimal_places=2)
    after_amount = models.DecimalField(max_digits=12, decimal_places=2)
    before = models.JSONField(_("stored decision"))
    after = models.JSONField(_("decision under the draft"))

    scope = ScopeSpec(org_paths=("scenario__org_path",))

    class Meta:
        verbose_name = _("changed line")
        verbose_name_plural = _("changed lines")
        ordering = ["scenario", "id"]

    def __str__(self) -> str:
        return f"{self.claim_number} {self.before_amount} -> {self.after_amount}"

    @property
    def difference(self):
        return self.after_amount - self.before_amount
