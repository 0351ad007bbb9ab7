"""The real-name registry (实名制): persons, their categories, employment and insurance records,
and each person's ledger (动态跟踪台帐, 000 §三(六)).

ID and phone numbers are stored encrypted (core.crypto) with a keyed hash beside them for exact
look-up and de-duplication, and a masked copy for lists; the clear number exists only in
memory, for a viewer whose role needs it, and each such view is audited.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jineng.core.crypto import Sealed
from jineng.core.scope import ScopeSpec
from jineng.people.identity import upgrade_15_to_18


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _("Resident identity card")
    HK_MACAO_RESIDENCE = (
        "hk_macao_residence",
        _("Residence permit for Hong Kong and Macao residents"),
    )
    TAIWAN_RESIDENCE = "taiwan_residence", _("Residence permit for Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent residence ID card")
    PASSPORT = "passport", _("Passport")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


def id_hash_value(kind: str, number: str) -> str:
    """What the look-up hash of a document number is made of; a 15-digit ID number hashes as
    its 18-digit form, so one person entered both ways is one person."""
    if kind == DocumentKind.ID_CARD and len(number) == 15 and number.isdecimal():
        number = upgrade_15_to_18(number)
    return f"{kind}:{number.upper()}"


def licence_hash_value(licence_type: str, number: str) -> str:
    """What the look-up hash of a (normalised) licence number of a type is made of."""
    return f"{licence_type}:{number}"


PERSON_SCOPE = ScopeSpec(org_paths=("person__organisation__path",), owner="person__user")


class Person(models.Model):
    name = models.CharField(_("name"), max_length=60)
    document_kind = models.CharField(
        _("document"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.ID_CARD
    )
    id_number_cipher = models.BinaryField(editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=40)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    # The region of the number's first six digits, current or abolished (GB/T 2260).
    region = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("region of the ID number"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    phone_cipher = models.BinaryField(null=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    # The bureau that serves the person (residence or registration county): the data scope.
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="persons",
    )
    user = models.OneToOneField(
        "core.User",
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=100, blank=True)

    scope = ScopeSpec(org_paths=("organisation__path",), owner="user")
    audit_exclude = frozenset({"id_number_cipher", "id_number_hash", "phone_cipher", "phone_hash"})
    sealed_fields = (
        Sealed(
            "id_number_cipher", "id_number", hash="id_number_hash",
            hash_value=lambda row, number: id_hash_value(row.document_kind, number),
            reads=("document_kind",),
        ),
        Sealed("phone_cipher", "phone", hash="phone_hash", hash_value=lambda row, phone: phone),
    )  # fmt: skip

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["-registered_at", "-id"]
        indexes = [
            # the list's order, newest first: a page reads its rows from the index
            models.Index(fields=["registered_at", "id"], name="person_list_order"),
            models.Index(fields=["name"]),
            models.Index(fields=["organisation", "name"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_masked})"


class CategoryRecord(models.Model):
    """A person's category (人员类别) with its evidence, source and validity."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(
        "catalog.PersonCategory", verbose_name=_("category"), on_delete=models.PROTECT
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    scope = PERSON_SCOPE

    class Meta:
        verbose_name = _("person category")
        verbose_name_plural = _("person categories")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "category", "valid_from"], name="uniq_person_category_from"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="category_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.valid_from}–{self.valid_to or ''}"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class EmploymentRecord(models.Model):
    """就业参保: employment with social insurance, from the insurance system's export."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employment")
    employer_uscc = models.CharField(_("employer's unified social credit code"), max_length=18)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    insured_months = models.PositiveSmallIntegerField(_("insured months"), default=0)
    source = models.CharField(_("source"), max_length=100, blank=True)

    scope = PERSON_SCOPE

    class Meta:
        verbose_name = _("employment record")
        verbose_name_plural = _("employment records")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "employer_uscc", "start"], name="uniq_employment_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="employment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name or self.employer_uscc} {self.start}–{self.end or ''}"


class SchoolKind(models.TextChoices):
    """The kinds of school of an education record; the codes are jineng.policy.codes.SchoolKind,
    which the packs' entry levels name (002 §四(二)1)."""

    SECONDARY_VOCATIONAL = (
        "secondary_vocational",
        _("Secondary vocational school (中等职业学校: 中专, 职业高中)"),
    )
    TECHNICAL_SCHOOL = "technical_school", _("Technical school (技工学校, intermediate class)")
    SENIOR_TECHNICAL_SCHOOL = (
        "senior_technical_school",
        _("Senior technical school or technician college (高级技工学校, 技师学院)"),
    )
    HIGHER_VOCATIONAL = "higher_vocational", _("Higher vocational college (高等职业学校, 专科)")
    UNDERGRADUATE_APPLIED = (
        "undergraduate_applied",
        _("Undergraduate college, applied programme (本科院校应用型专业)"),
    )
    UNDERGRADUATE = "undergraduate", _("Undergraduate college, other programme (本科院校其他专业)")


class EducationRecord(models.Model):
    """学历: a person's graduation from a school, with its evidence, as the bureau saw it. The
    packs let some graduates go straight to a higher evaluation (002 §四(二)1: 中等职业学校毕业生
    可直接参加中级工评价，高等职业学校、本科院校应用型专业毕业生可参加高级工评价)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="education")
    school_kind = models.CharField(_("kind of school"), max_length=30, choices=SchoolKind.choices)
    school = models.CharField(_("school"), max_length=200)
    major = models.CharField(_("major"), max_length=100)
    graduated_on = models.DateField(_("graduated on"))
    evidence = models.CharField(_("evidence"), max_length=200)
    source = models.CharField(_("source"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope = PERSON_SCOPE

    class Meta:
        verbose_name = _("education record")
        verbose_name_plural = _("education records")
        ordering = ["-graduated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "school_kind", "graduated_on"], name="uniq_person_graduation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.major} {self.graduated_on}"


class LedgerEvent(models.Model):
    """One line of a person's ledger. Every app adds its events through people.ledger.add()."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ledger")
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("event"), max_length=200)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    decision = models.ForeignKey(
        "catalog.DecisionRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    scope = PERSON_SCOPE

    class Meta:
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.title}"


class LicenceType(models.TextChoices):
    """从业资格: the practising licences a person may hold; the codes are those of
    jineng.policy.codes.LicenceType, which the policy packs name (training.licence_required)."""

    SECURITY_GUARD = "security_guard", _("Security guard certificate (保安员证)")
    ELECTRICAL_WORK = (
        "electrical_work",
        _("Special operation certificate, electrical work (特种作业操作证·电工作业)"),
    )
    WELDING_WORK = (
        "welding_work",
        _(
            "Special operation certificate, welding and thermal cutting "
            "(特种作业操作证·焊接与热切割作业)"
        ),
    )
    SPECIAL_EQUIPMENT = (
        "special_equipment",
        _("Special equipment operator certificate (特种设备安全管理和作业人员证)"),
    )
    CONSTRUCTION_SPECIAL_WORK = (
        "construction_special_work",
        _("Construction special operation certificate (建筑施工特种作业操作资格证)"),
    )


class LicenceRecord(models.Model):
    """A practising licence (从业资格) the person holds, with its evidence and validity.
    004 §五(一): for 保安员、电工、焊工等有从业资格要求的职业 the bureau trains with a subsidy
    only those who already hold it. The number is personal data: stored encrypted
    (core.crypto) with a keyed hash for de-duplication and a masked copy for screens; never
    logged."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="licences")
    licence_type = models.CharField(_("licence"), max_length=30, choices=LicenceType.choices)
    number_cipher = models.BinaryField(editable=False)
    number_hash = models.CharField(max_length=64, editable=False)
    number_masked = models.CharField(_("licence number"), max_length=40)
    issued_by = models.CharField(_("issued by"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope = PERSON_SCOPE
    audit_exclude = frozenset({"number_cipher", "number_hash"})
    sealed_fields = (
        Sealed(
            "number_cipher", "licence_number", hash="number_hash",
            hash_value=lambda row, number: licence_hash_value(row.licence_type, number),
            reads=("licence_type",),
        ),
    )  # fmt: skip

    class Meta:
        verbose_name = _("practising licence")
        verbose_name_plural = _("practising licences")
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["licence_type", "number_hash"])]
        constraints = [
            # A renewal (复审, 换证) is a new record of the same number from a later day.
            models.UniqueConstraint(
                fields=["person", "licence_type", "number_hash", "valid_from"],
                name="uniq_person_licence_from",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="licence_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_licence_type_display()} {self.number_masked}"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
