"""Supervision (数据比对, 004 §五(六): 大数据分析、数据比对、现场核查): runs of the checks over a
region and period, the findings (疑点) they raise with their evidence, each finding's review
(open → under review → cleared or confirmed, through core.states.move) and the on-site checks
(现场核查) recorded on it.

A finding names what it is about (an institution, a class, a trainee, a teacher, a certificate,
a claim line, a voucher, as the check applies). While it is open or under review, the claim
lines it touches wait (claims asks through claims.hooks): see `services.held_lines`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jineng.core.crypto import Sealed
from jineng.core.roles import Capability
from jineng.core.scope import ScopeSpec
from jineng.core.states import Step, Workflow, history


class Severity(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class FindingState(models.TextChoices):
    OPEN = "open", _("open")
    UNDER_REVIEW = "under_review", _("under review")
    CLEARED = "cleared", _("cleared")
    CONFIRMED = "confirmed", _("confirmed")


# A finding in one of these holds the money it touches (claims.hooks.held_lines): until it is
# cleared; a confirmed one for good (what was paid is recovered, the rest is never paid).
HOLDING_STATES = (FindingState.OPEN, FindingState.UNDER_REVIEW, FindingState.CONFIRMED)

F = FindingState
_MANAGE = Capability.MANAGE_SUPERVISION
WORKFLOW = Workflow(
    FindingState,
    [
        Step(F.OPEN, F.UNDER_REVIEW, _MANAGE),
        # Cleared or confirmed only after review, each with its reason (and its evidence).
        Step(F.UNDER_REVIEW, F.CLEARED, _MANAGE, reason=True),
        Step(F.UNDER_REVIEW, F.CONFIRMED, _MANAGE, reason=True),
    ],
    refusal=_("A finding that is “%(from)s” cannot become “%(to)s”."),
)
TRANSITIONS: dict[str, set[str]] = WORKFLOW.transitions()


class Run(models.Model):
    """One run of the checks over a region (a bureau's subtree) and a period."""

    region = models.ForeignKey(
        "core.Organisation", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # {check code: {"found": n, "new": n}}, or {"skipped": reason} for a check that could not run.
    counts = models.JSONField(_("counts per check"), default=dict, blank=True)
    pack = models.ForeignKey(
        "catalog.PolicyPackVersion",
        verbose_name=_("policy pack"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = ScopeSpec(org_paths=("region__path",))

    class Meta:
        verbose_name = _("supervision run")
        verbose_name_plural = _("supervision runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region} {self.period_from}–{self.period_to}"


class Finding(models.Model):
    """疑点: what one check found, with its evidence (personal data masked) and its review."""

    number = models.CharField(_("finding number"), max_length=24, unique=True)
    check_code = models.CharField(_("check"), max_length=40)
    # What makes the same finding the same across runs (the check's subjects, as ids), so a run
    # again adds nothing already found.
    key = models.CharField(max_length=200)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    state = models.CharField(
        _("state"), max_length=14, choices=FindingState.choices, default=FindingState.OPEN
    )
    summary = models.CharField(_("summary"), max_length=300)
    region = models.ForeignKey(
        "core.Organisation", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # The subject's organisation (the institution, else the person's bureau): the data scope.
    org_path = models.CharField(max_length=255, db_index=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The second class of a pair (the same person in two overlapping classes).
    other_class = models.ForeignKey(
        "training.TrainingClass", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    teacher = models.ForeignKey(
        "institutions.Teacher",
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    claim_line = models.ForeignKey(
        "claims.ClaimLine",
        verbose_name=_("claim line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voucher = models.ForeignKey(
        "vouchers.Voucher",
        verbose_name=_("voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # {"columns": [...], "rows": [[...], ...], "persons": [ids]}: masked ID numbers and phones.
    evidence = models.JSONField(_("evidence"), default=dict)
    run = models.ForeignKey(
        Run, verbose_name=_("run"), on_delete=models.PROTECT, related_name="findings"
    )
    pack_version = models.CharField(_("policy pack"), max_length=80, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decision_evidence = models.CharField(_("evidence of the decision"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("found at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    changes = history("finding")
    workflow = WORKFLOW
    scope = ScopeSpec(org_paths=("org_path",))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["check_code", "key"], name="uniq_finding_check_key")
        ]
        indexes = [models.Index(fields=["state", "check_code"])]

    def __str__(self) -> str:
        return self.number


class OnSiteResult(models.TextChoices):
    CONSISTENT = "consistent", _("consistent with the records")
    INCONSISTENT = "inconsistent", _("inconsistent with the records")
    INCONCLUSIVE = "inconclusive", _("inconclusive")


class OnSiteCheck(models.Model):
    """现场核查: a visit made on a finding (004 §五(六)), with who was there, what was found and
    the photos taken."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="onsite_checks")
    checked_on = models.DateField(_("date of the check"))
    people_present = models.CharField(_("people present"), max_length=300)
    result = models.CharField(_("result"), max_length=14, choices=OnSiteResult.choices)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("finding__org_path",))

    class Meta:
        verbose_name = _("on-site check")
        verbose_name_plural = _("on-site checks")
        ordering = ["checked_on", "id"]

    def __str__(self) -> str:
        return f"{self.finding} {self.checked_on}"


class OnSitePhoto(models.Model):
    """A photo taken on an on-site check (people's faces, their papers), kept in the database
    like the other uploads, sealed with the data key."""

    check_record = models.ForeignKey(OnSiteCheck, on_delete=models.CASCADE, related_name="photos")
    filename = models.CharField(_("file"), max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField(editable=False)  # sealed: CONTENT
    sha256 = models.CharField(max_length=64, editable=False)  # of the photo as taken

    scope = ScopeSpec(org_paths=("check_record__finding__org_path",))
    audit_exclude = frozenset({"content"})
    CONTENT = Sealed("content", "supervision.onsitephoto.content")
    sealed_fields = (CONTENT,)

    class Meta:
        verbose_name = _("on-site photo")
        verbose_name_plural = _("on-site photos")

    def __str__(self) -> str:
        return self.filename
