"""Certificates (证书): those issued here after an evaluation, signed so that anyone can verify
them offline, and those obtained elsewhere, recorded as such (not issued here, not signed)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jineng.core.scope import PathCopies, ScopeSpec


class CertificateKind(models.TextChoices):
    """The codes are jineng.policy.codes.CertificateKind."""

    QUALIFICATION = "qualification", _("Vocational qualification certificate (职业资格证书)")
    SKILL_LEVEL = "skill_level", _("Skill level certificate (职业技能等级证书)")
    SPECIAL_ABILITY = (
        "special_ability",
        _("Special vocational ability certificate (专项职业能力证书)"),
    )
    TRAINING_COMPLETION = "training_completion", _("Training certificate (培训合格证书)")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("valid")
    REVOKED = "revoked", _("revoked")


class Certificate(PathCopies, models.Model):
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    level = models.ForeignKey(
        "catalog.SkillLevel",
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    issued_on = models.DateField(_("issued on"))
    # Who issued it: an evaluation organisation here, or the issuer named on a recorded one.
    evaluation_org = models.ForeignKey(
        "institutions.EvaluationOrg",
        verbose_name=_("evaluation organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    issuer_name = models.CharField(_("issuer"), max_length=200, blank=True)
    issued_here = models.BooleanField(_("issued on this platform"), default=True)
    # The class it follows, when issued after training here (for subsidies and indicators).
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    # The compact JWS the QR code carries (empty for certificates not issued here).
    signed_payload = models.TextField(_("signed payload"), blank=True)
    key_id = models.CharField(_("signing key"), max_length=32, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The organisation paths the scope reads, copied onto the row (core.scope.PathCopies): an
    # OR over three joins made PostgreSQL read every certificate to find a county's.
    holder_org_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    issuer_org_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    class_org_path = models.CharField(max_length=255, blank=True, default="", editable=False)

    # The holder's bureau, the issuing organisation and the institution of the class it follows
    # all see it; the holder sees their own.
    scope = ScopeSpec(
        org_paths=("holder_org_path", "issuer_org_path", "class_org_path"),
        owner="person__user",
        path_copies=(
            ("holder_org_path", "person__organisation__path"),
            ("issuer_org_path", "evaluation_org__organisation__path"),
            ("class_org_path", "training_class__institution__organisation__path"),
        ),
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["issued_on", "id"], name="certificate_list_order"),
            models.Index(fields=["person", "occupation"]),
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class (the collation is
            # not C); a county's rows are a BitmapOr of the three.
            *(
                models.Index(
                    fields=[column], name=f"certificate_{column}", opclasses=["varchar_pattern_ops"]
                )
                for column in ("holder_org_path", "issuer_org_path", "class_org_path")
            ),
        ]

    def __str__(self) -> str:
        return self.number


class NumberSequence(models.Model):
    """The last serial given under one number prefix (for 职业技能等级证书: the organisation,
    station, year and level; for the others: the kind and year). Allocated by an UPDATE that
    holds the row's lock until the issuing transaction ends, so two issues never get the same
    serial."""

    prefix = models.CharField(max_length=24, unique=True)
    last = models.PositiveIntegerField(default=0)

    scope = ScopeSpec()  # internal: no page or API lists it

    class Meta:
        verbose_name = _("certificate number sequence")
        verbose_name_plural = _("certificate number sequences")

    def __str__(self) -> str:
        return f"{self.prefix} {self.last}"
