"""Training institutions (培训机构): their profile, designation (定点) for occupations and levels,
and the history of every change of state, each with its reason and reviewer; evaluation
organisations; and the enterprise registry (企业名录) the SME hiring subsidy is decided from.

An institution is an Organisation of kind "institution" (so users, scope and audit apply to it as
to every organisation); this app adds what the bureau designates and supervises. An enterprise is
no Organisation (it has no users): it is a row of the registry under the bureau it belongs to.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jineng.core.crypto import Sealed
from jineng.core.roles import Capability
from jineng.core.scope import ScopeSpec
from jineng.core.states import Step, Workflow, history


class InstitutionType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    TECHNICAL_SCHOOL = "technical_school", _("Technical school (技工院校)")
    VOCATIONAL_COLLEGE = "vocational_college", _("Vocational college (职业院校)")
    PRIVATE_SCHOOL = "private_school", _("Private vocational training school")
    PUBLIC_CENTRE = "public_centre", _("Public training base")
    HIGH_SKILL_BASE = "high_skill_base", _("High-skill talent training base")
    MASTER_STUDIO = "master_studio", _("Skill master studio")
    INDUSTRY_ORGANISATION = "industry_organisation", _("Industry organisation")


class InstitutionState(models.TextChoices):
    APPLIED = "applied", _("applied")
    DESIGNATED = "designated", _("designated")
    SUSPENDED = "suspended", _("suspended")
    REMOVED = "removed", _("removed")


ST = InstitutionState
_ONLY_BUREAU = _("Only the bureau designates, suspends or removes institutions.")


def _bureau(source, target):
    return Step(
        source, target, Capability.DESIGNATE_INSTITUTIONS, reason=True, refusal=_ONLY_BUREAU
    )


# The one place that says which changes of state exist: each is the bureau's, with a reason.
WORKFLOW = Workflow(
    InstitutionState,
    [
        _bureau(ST.APPLIED, ST.DESIGNATED),
        _bureau(ST.APPLIED, ST.REMOVED),
        _bureau(ST.DESIGNATED, ST.SUSPENDED),
        _bureau(ST.DESIGNATED, ST.REMOVED),
        _bureau(ST.SUSPENDED, ST.DESIGNATED),
        _bureau(ST.SUSPENDED, ST.REMOVED),
    ],
    refusal=_("An institution that is “%(from)s” cannot become “%(to)s”."),
)
TRANSITIONS: dict[str, set[str]] = WORKFLOW.transitions()

INSTITUTION_SCOPE = ScopeSpec(org_paths=("institution__organisation__path",))


class Institution(models.Model):
    organisation = models.OneToOneField(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="institution",
    )
    type = models.CharField(_("type"), max_length=30, choices=InstitutionType.choices)
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    address = models.CharField(_("premises"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (trainees)"), default=0)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=InstitutionState.choices,
        default=InstitutionState.APPLIED,
    )

    changes = history("institution")

    workflow = WORKFLOW
    scope = ScopeSpec(org_paths=("organisation__path",))

    class Meta:
        verbose_name = _("training institution")
        verbose_name_plural = _("training institutions")
        ordering = ["organisation__path"]

    def __str__(self) -> str:
        return self.organisation.name


class Designation(models.Model):
    """定点: an occupation and level the institution may train for subsidy, for a period."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="designations"
    )
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    level = models.ForeignKey(
        "catalog.SkillLevel", verbose_name=_("level"), on_delete=models.PROTECT
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))

    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["occupation__code", "-level__rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "occupation", "level", "valid_from"],
                name="uniq_designation_from",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="designation_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} {self.level.name} {self.valid_from}–{self.valid_to}"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_to


class InstitutionListing(models.Model):
    """The yearly public list of the institutions undertaking training (承担培训任务的机构,
    004 §四(二): published by the city bureau by 15 May): one row an institution and a year,
    with the day it was published. A later day is warned about, never refused."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="listings")
    year = models.PositiveSmallIntegerField(_("year"))
    published_on = models.DateField(_("published on"))

    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("institution listing")
        verbose_name_plural = _("institution listings")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year"], name="uniq_institution_listing_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}"


class Teacher(models.Model):
    """师资库: a person of the registry who teaches, with the occupations they teach."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="teacher"
    )
    occupations = models.ManyToManyField(
        "catalog.Occupation", verbose_name=_("occupations taught"), blank=True
    )
    qualifications = models.CharField(_("qualification certificates"), max_length=300, blank=True)

    # A teacher is seen by the institutions (and bureaus above them) that engage them.
    scope = ScopeSpec(org_paths=("engagements__institution__organisation__path",))

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        ordering = ["person__name"]

    def __str__(self) -> str:
        return str(self.person)


class Engagement(models.Model):
    """A teacher at an institution in a year, full-time or part-time (000 §三(七))."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="engagements")
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="engagements"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    full_time = models.BooleanField(_("full-time"))

    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-year", "teacher__person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "institution", "year"], name="uniq_engagement_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher} @ {self.institution} {self.year}"


class InspectionResult(models.TextChoices):
    PASSED = "passed", pgettext_lazy("inspection", "passed")
    RECTIFY = "rectify", _("to be rectified")
    FAILED = "failed", pgettext_lazy("inspection", "failed")


class Inspection(models.Model):
    """年检: the annual inspection of an institution and its result."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="inspections"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    inspected_on = models.DateField(_("inspected on"))
    result = models.CharField(_("result"), max_length=10, choices=InspectionResult.choices)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("annual inspection")
        verbose_name_plural = _("annual inspections")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="uniq_inspection_year")
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}: {self.get_result_display()}"


class YearRecord(models.Model):
    """One year of an institution: enrolled students (colleges, 000 §二(二)), training
    person-times, and the performance figures a later statistics issue fills in."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    enrolled_students = models.PositiveIntegerField(_("enrolled students"), default=0)
    training_person_times = models.PositiveIntegerField(_("training person-times"), default=0)
    performance = models.JSONField(_("performance"), default=dict, blank=True)

    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("year record")
        verbose_name_plural = _("year records")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="uniq_institution_year")
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}"


class EvaluationOrgType(models.TextChoices):
    EMPLOYER = "employer", _("Employer (用人单位)")
    SOCIAL = "social", _("Social training-evaluation organisation")
    COLLEGE = "college", _("College")


class EvaluationOrg(models.Model):
    """评价机构: the occupations and levels it has filed, its yearly listing, its examiners."""

    organisation = models.OneToOneField(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="evaluation_org",
    )
    type = models.CharField(_("type"), max_length=20, choices=EvaluationOrgType.choices)
    # The codes the national skill-level register assigned (needed to number 职业技能等级证书).
    register_code = models.CharField(
        _("register code (4 digits)"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Four digits."))],
    )
    station_code = models.CharField(
        _("station code (6 digits)"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("Six digits."))],
    )

    scope = ScopeSpec(org_paths=("organisation__path",))

    class Meta:
        verbose_name = _("evaluation organisation")
        verbose_name_plural = _("evaluation organisations")
        ordering = ["organisation__path"]

    def __str__(self) -> str:
        return self.organisation.name


EVALUATION_ORG_SCOPE = ScopeSpec(org_paths=("evaluation_org__organisation__path",))


class Filing(models.Model):
    """An occupation and level the organisation has filed (备案) to evaluate."""

    evaluation_org = models.ForeignKey(
        EvaluationOrg, on_delete=models.CASCADE, related_name="filings"
    )
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    level = models.ForeignKey(
        "catalog.SkillLevel", verbose_name=_("level"), on_delete=models.PROTECT
    )

    scope = EVALUATION_ORG_SCOPE

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation_org", "occupation", "level"], name="uniq_filing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation.name} {self.level.name}"


class Listing(models.Model):
    """The yearly public list of evaluation organisations (004 §四(四): published by 25 May)."""

    evaluation_org = models.ForeignKey(
        EvaluationOrg, on_delete=models.CASCADE, related_name="listings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published_on = models.DateField(_("published on"))

    scope = EVALUATION_ORG_SCOPE

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation_org", "year"], name="uniq_listing_year")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_org} {self.year}"


class ExaminerRole(models.TextChoices):
    EXAMINER = "examiner", _("Examiner (考评员)")
    SUPERVISOR = "supervisor", _("Quality supervisor (质量督导员)")


class Examiner(models.Model):
    """考评员 or 质量督导员 of an evaluation organisation, with their certification."""

    evaluation_org = models.ForeignKey(
        EvaluationOrg, on_delete=models.CASCADE, related_name="examiners"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="examiner_roles",
    )
    role = models.CharField(_("role"), max_length=12, choices=ExaminerRole.choices)
    certificate = models.CharField(_("certificate"), max_length=60)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    scope = EVALUATION_ORG_SCOPE

    class Meta:
        verbose_name = _("examiner")
        verbose_name_plural = _("examiners")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation_org", "person", "role"], name="uniq_examiner_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} ({self.get_role_display()})"


class CreditEventKind(models.TextChoices):
    COMMENDATION = "commendation", _("commendation")
    WARNING = "warning", _("warning")
    VIOLATION = "violation", _("violation")


class CreditEvent(models.Model):
    """One line of the credit file (诚信档案, 003 §五16) of an examiner or of a training
    institution (a finding of the data comparison confirmed, 004 §五(六)). Appended, never
    edited."""

    examiner = models.ForeignKey(
        Examiner, on_delete=models.CASCADE, null=True, blank=True, related_name="credit_file"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="credit_file"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=CreditEventKind.choices)
    description = models.CharField(_("description"), max_length=300)
    at = models.DateField(_("date"))

    scope = ScopeSpec(
        org_paths=(
            "examiner__evaluation_org__organisation__path",
            "institution__organisation__path",
        )
    )

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(examiner__isnull=False, institution__isnull=True)
                | models.Q(examiner__isnull=True, institution__isnull=False),
                name="credit_event_one_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at} {self.get_kind_display()}"


class RequestState(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class DesignationRequest(models.Model):
    """An institution asks to be designated for an occupation and level: the change touches its
    designation, so it waits for a reviewer."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="requests")
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    level = models.ForeignKey(
        "catalog.SkillLevel", verbose_name=_("level"), on_delete=models.PROTECT
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    answer = models.CharField(_("answer"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("designation request")
        verbose_name_plural = _("designation requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.institution}: {self.occupation.name} {self.level.name}"


# --- the enterprise registry (企业名录, 002 §四(三)1) -------------------------------------------

# The national standard by which enterprises are classed (中小企业划型); the record keeps the one
# its class was assessed by, so a successor standard can be recorded when it replaces this one.
SIZE_STANDARD = "工信部联企业〔2011〕300号《中小企业划型标准规定》"


class EnterpriseSize(models.TextChoices):
    # The codes are jineng.policy's EnterpriseSize: the packs list the classes that qualify.
    LARGE = "large", _("large enterprise")
    MEDIUM = "medium", _("medium-sized enterprise")
    SMALL = "small", _("small enterprise")
    MICRO = "micro", _("micro enterprise")


class Enterprise(models.Model):
    """An enterprise the bureau has recorded: its credit code and name, its size class (企业规模
    类型) with the evidence it was assessed from and the day, and the bureau it belongs to (隶属
    关系), which alone takes its SME hiring subsidy claims in (002 §四(三)1: 中小微企业…按企业隶属
    关系). Claims find it by the payee's credit code."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    bureau = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("bureau it belongs to"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    size = models.CharField(_("size class"), max_length=10, choices=EnterpriseSize.choices)
    size_standard = models.CharField(
        _("classification standard"), max_length=100, default=SIZE_STANDARD
    )
    # The evidence of the size class (e.g. the year's staff, revenue and assets from its
    # financial statements) and the day it was assessed: both or neither.
    size_evidence = models.CharField(_("evidence of the size class"), max_length=300, blank=True)
    size_assessed_on = models.DateField(_("size class assessed on"), null=True, blank=True)
    evidence_filename = models.CharField(_("evidence file"), max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_content = models.BinaryField(null=True, editable=False)  # sealed: EVIDENCE
    evidence_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope = ScopeSpec(org_paths=("bureau__path",))
    audit_exclude = frozenset({"evidence_content"})
    # The evidence file (financial statements, staff lists) is sealed with the data key.
    EVIDENCE = Sealed("evidence_content", "institutions.enterprise.evidence_content")
    sealed_fields = (EVIDENCE,)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["bureau__path", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__in=["large", "medium", "small", "micro"]),
                name="enterprise_size_known",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(size_evidence="", size_assessed_on__isnull=True)
                    | (~models.Q(size_evidence="") & models.Q(size_assessed_on__isnull=False))
                ),
                name="enterprise_evidence_with_its_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_evidence_file(self) -> bool:
        return bool(self.evidence_filename)
