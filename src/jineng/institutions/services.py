"""Designation and supervision of institutions, and the enterprise registry: every change
through here, checked, audited."""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jineng.catalog import timetable
from jineng.catalog.models import Occupation, SkillLevel
from jineng.catalog.packs import pack_for
from jineng.catalog.services import check_evaluated_at
from jineng.core import states, writes
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.readiness import Ready
from jineng.core.roles import Capability, OrgKind, acting_user, require_capability
from jineng.core.scope import scoped
from jineng.institutions.models import (
    SIZE_STANDARD,
    CreditEvent,
    CreditEventKind,
    Designation,
    DesignationRequest,
    Engagement,
    Enterprise,
    EnterpriseSize,
    EvaluationOrg,
    Examiner,
    Filing,
    Inspection,
    InspectionResult,
    Institution,
    InstitutionListing,
    InstitutionState,
    Listing,
    RequestState,
    Teacher,
    YearRecord,
)
from jineng.people import identity
from jineng.policy import (
    TeacherAssignment,
    check_college_training,
    check_list_published,
    check_teacher_rules,
)


def _require_reviewer(message=None) -> None:
    require_capability(
        Capability.DESIGNATE_INSTITUTIONS,
        message or _("Only the bureau designates, suspends or removes institutions."),
    )


# The refusal names what was asked: the list and the credit files, not the designation.
ONLY_BUREAU_REGISTERS = _(
    "Only the bureau registers evaluation organisations and the occupations they file."
)
ONLY_BUREAU_LISTS = _(
    "Only the bureau lists evaluation organisations and keeps their examiners' credit files."
)
ONLY_BUREAU_PUBLISHES = _("Only the bureau publishes the institutions undertaking training.")


@transaction.atomic
def register_institution(
    organisation: Organisation,
    *,
    type: str,
    licence: str = "",
    address: str = "",
    capacity: int = 0,
) -> Institution:
    """An institution's application (state "applied"), for an organisation of that kind."""
    if organisation.kind != OrgKind.INSTITUTION:
        raise ValidationError(_("Only a training institution can apply for designation."))
    institution = writes.create(
        Institution(
            organisation=organisation,
            type=type,
            licence=licence,
            address=address,
            capacity=capacity,
        )
    )
    states.record_start(institution, reason=_("application"))
    return institution


@transaction.atomic
def change_state(institution: Institution, to_state: str, *, reason: str, document: str = ""):
    """Designate, suspend, reinstate or remove, as the WORKFLOW allows, with a reason."""
    _require_reviewer()
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    return states.move(institution, to_state, reason=reason, document=document)


@transaction.atomic
def designate(
    institution: Institution,
    occupation: Occupation,
    level: SkillLevel,
    *,
    valid_from: date,
    valid_to: date,
) -> Designation:
    """Designate (定点) an institution for an occupation at a level, for a period."""
    _require_reviewer()
    institution = Institution.objects.select_for_update().get(pk=institution.pk)  # current state
    if institution.state in {InstitutionState.SUSPENDED, InstitutionState.REMOVED}:
        raise ValidationError(
            _("A %(state)s institution cannot be designated for anything.")
            % {"state": institution.get_state_display()}
        )
    check_evaluated_at(occupation, level)
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end is before the start.")})
    renewal = institution.designations.filter(occupation=occupation, level=level).exists()
    if renewal:  # renewing needs the teacher rules to hold now (000 §三(七))
        decision = teacher_rules(institution, timezone.localdate().year)
        if decision is not None and decision.outcome != "granted":
            failed = "; ".join(
                getattr(c, f"message_{language()}") for c in decision.checks if not c.passed
            )
            raise ValidationError(
                _("The designation cannot be renewed while the teacher rules are broken: %(why)s")
                % {"why": failed}
            )
    overlapping = institution.designations.filter(
        occupation=occupation, level=level, valid_from__lte=valid_to, valid_to__gte=valid_from
    )
    if overlapping.exists():
        raise ValidationError(_("This designation overlaps one the institution already has."))
    return writes.create(
        Designation(
            institution=institution,
            occupation=occupation,
            level=level,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    )


# Teachers, inspections and yearly figures -------------------------------------------------


@transaction.atomic
def add_teacher(person, *, occupations=(), qualifications: str = "") -> Teacher:
    teacher = Teacher.objects.filter(person=person).first()
    if teacher is None:
        teacher = writes.create(Teacher(person=person, qualifications=qualifications))
    elif qualifications and teacher.qualifications != qualifications:
        writes.update(teacher, qualifications=qualifications)
    if occupations:
        teacher.occupations.add(*occupations)
    return teacher


@transaction.atomic
def engage(teacher: Teacher, institution: Institution, *, year: int, full_time: bool) -> Engagement:
    """Record that a teacher teaches at an institution in a year (full-time or part-time).
    Teachers do not touch the designation, so the institution keeps them itself."""
    existing = Engagement.objects.filter(
        teacher=teacher, institution=institution, year=year
    ).first()
    if existing is not None:
        return writes.update(existing, full_time=full_time)
    if full_time and Engagement.objects.filter(teacher=teacher, year=year, full_time=True).exists():
        raise ValidationError(_("A teacher is full-time at one institution at most in a year."))
    return writes.create(
        Engagement(teacher=teacher, institution=institution, year=year, full_time=full_time)
    )


@transaction.atomic
def record_inspection(
    institution: Institution, *, year: int, inspected_on: date, result: str, notes: str = ""
) -> Inspection:
    _require_reviewer()
    if Inspection.objects.filter(institution=institution, year=year).exists():
        raise ValidationError(_("The inspection of this year is already recorded."))
    if result == InspectionResult.PASSED:
        passing_readiness(institution, year).check()
    return writes.create(
        Inspection(
            institution=institution,
            year=year,
            inspected_on=inspected_on,
            result=result,
            notes=notes,
        )
    )


def passing_readiness(institution: Institution, year: int) -> Ready:
    """Whether the year's annual inspection (年检, 000 §三(三)) may pass, and if not why: a
    violation in the institution's credit file dated that year (a finding of the data
    comparison confirmed, 004 §五(六)) lowers it to "to be rectified" at best (000 §三(八):
    奖优罚劣的定点培训机构考核评估制度). record_inspection and the institution's page ask this."""
    violations = CreditEvent.objects.filter(
        institution=institution, kind=CreditEventKind.VIOLATION, at__year=year
    ).order_by("at", "id")
    first = violations.first()
    if first is None:
        return Ready()
    count = violations.count()
    return Ready.no(
        ngettext(
            "%(institution)s has %(count)d violation in its credit file in %(year)s "
            "(%(first)s): its annual inspection cannot pass that year (000 §三(八) 奖优罚劣); "
            "record it as to be rectified or failed.",
            "%(institution)s has %(count)d violations in its credit file in %(year)s (the "
            "first: %(first)s): its annual inspection cannot pass that year (000 §三(八) "
            "奖优罚劣); record it as to be rectified or failed.",
            count,
        )
        % {"institution": institution.organisation.name, "count": count, "year": year,
           "first": first.description}
    )  # fmt: skip


@transaction.atomic
def record_year(
    institution: Institution, *, year: int, enrolled_students: int, training_person_times: int
) -> YearRecord:
    record = YearRecord.objects.filter(institution=institution, year=year).first()
    values = {
        "enrolled_students": enrolled_students,
        "training_person_times": training_person_times,
    }
    if record is None:
        return writes.create(YearRecord(institution=institution, year=year, **values))
    return writes.update(record, **values)


def pack_for_institution(institution: Institution, year: int):
    """The policy pack that governs the institution in that year (mid-year), or None."""
    region = institution.organisation.region_code
    return pack_for(region, date(year, 7, 1)) if region else None


def teacher_rules(institution: Institution, year: int):
    """The decision on 000 §三(七) for an institution's teachers in a year, or None when no
    pack governs it. Part-time counts look across all institutions: the rule is about the
    teacher, wherever they teach."""
    found = pack_for_institution(institution, year)
    if found is None:
        return None
    _version, pack = found
    engagements = list(institution.engagements.filter(year=year))
    part_timers = [e.teacher_id for e in engagements if not e.full_time]
    counts = dict(
        Engagement.objects.filter(year=year, full_time=False, teacher_id__in=part_timers)
        .values("teacher_id")
        .annotate(n=Count("institution", distinct=True))
        .values_list("teacher_id", "n")
    )
    return check_teacher_rules(
        pack,
        institution_type=institution.type,
        year=year,
        assignments=[TeacherAssignment(f"T{e.teacher_id}", e.full_time) for e in engagements],
        part_time_counts={f"T{key}": value for key, value in counts.items()},
    )


def college_status(institution: Institution, year: int):
    """The decision on 000 §二(二) (training person-times ≥ 50% of enrolled students)."""
    found = pack_for_institution(institution, year)
    record = institution.years.filter(year=year).first()
    if found is None or record is None:
        return None
    return check_college_training(
        found[1],
        institution_type=institution.type,
        enrolled=record.enrolled_students,
        training_person_times=record.training_person_times,
    )


# Evaluation organisations --------------------------------------------------------------------


@transaction.atomic
def register_evaluation_org(organisation: Organisation, *, type: str) -> EvaluationOrg:
    _require_reviewer(ONLY_BUREAU_REGISTERS)
    if organisation.kind != OrgKind.EVALUATION_ORG:
        raise ValidationError(_("Only an evaluation organisation can be registered as one."))
    return writes.create(EvaluationOrg(organisation=organisation, type=type))


@transaction.atomic
def file_occupation(evaluation_org: EvaluationOrg, occupation: Occupation, level: SkillLevel):
    """备案: the organisation may evaluate this occupation at this level."""
    _require_reviewer(ONLY_BUREAU_REGISTERS)
    check_evaluated_at(occupation, level)
    existing = Filing.objects.filter(
        evaluation_org=evaluation_org, occupation=occupation, level=level
    ).first()
    return existing or writes.create(
        Filing(evaluation_org=evaluation_org, occupation=occupation, level=level)
    )


@transaction.atomic
def list_for_year(evaluation_org: EvaluationOrg, *, year: int, published_on: date) -> Listing:
    """Put the organisation on the year's public list (004 §四(四): published by 25 May; a
    later day is warned about, `evaluation_listing_warning`). Listed already: the listing kept."""
    _require_reviewer(ONLY_BUREAU_LISTS)
    _check_published_on(published_on)
    if not evaluation_org.filings.exists():
        raise ValidationError(
            _("%(name)s has no filed occupation: it cannot be listed.")
            % {"name": evaluation_org.organisation.name}
        )
    existing = Listing.objects.filter(evaluation_org=evaluation_org, year=year).first()
    return existing or writes.create(
        Listing(evaluation_org=evaluation_org, year=year, published_on=published_on)
    )


def _check_published_on(published_on: date) -> None:
    if published_on > timezone.localdate():
        raise ValidationError(
            {"published_on": _("A list is recorded once it is published: %(date)s is after today.")
             % {"date": published_on}}
        )  # fmt: skip


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


@transaction.atomic
def list_institution_for_year(
    institution: Institution, *, year: int, published_on: date
) -> InstitutionListing:
    """Put the institution on the year's public list of institutions undertaking training
    (004 §四(二): 5月15日前由市级人力资源社会保障部门向社会公布; a later day is warned about,
    `institution_listing_warning`). It must be designated, for something in that year. Listed
    already: the listing kept."""
    _require_reviewer(ONLY_BUREAU_PUBLISHES)
    _check_published_on(published_on)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    name = institution.organisation.name
    if institution.state != InstitutionState.DESIGNATED:
        raise ValidationError(
            _("%(name)s is “%(state)s”: only a designated institution undertakes training.")
            % {"name": name, "state": institution.get_state_display()}
        )
    first, last = _year_bounds(year)
    if not institution.designations.filter(valid_from__lte=last, valid_to__gte=first).exists():
        raise ValidationError(
            _("%(name)s is designated for no occupation in %(year)s.")
            % {"name": name, "year": year}
        )
    existing = InstitutionListing.objects.filter(institution=institution, year=year).first()
    return existing or writes.create(
        InstitutionListing(institution=institution, year=year, published_on=published_on)
    )


# The two public lists of a year (004 §四(二), §四(四)): which rows, how each is listed.
LISTS = {
    "institutions": (Institution, list_institution_for_year),
    "evaluation_orgs": (EvaluationOrg, list_for_year),
}


@transaction.atomic
def publish_year_list(which: str, rows, *, year: int, published_on: date) -> list:
    """Publish the chosen institutions ("institutions") or evaluation organisations
    ("evaluation_orgs") on the year's list, on a day: all of them or, when one is refused,
    none (the refusal names it). Those listed already keep their listing."""
    if which not in LISTS:
        raise ValidationError(_("Choose the list to publish."))
    rows = list(rows)
    if not rows:
        raise ValidationError(_("Choose at least one organisation to publish."))
    _model, add = LISTS[which]
    return [add(row, year=year, published_on=published_on) for row in rows]


def institution_listing_warning(listing: InstitutionListing) -> str:
    """004 §四(二): the warning when the year's list of institutions was published after the
    pack's date ("" when on time, or when no pack states the date)."""
    return timetable.warning(
        listing.institution.organisation.region_code,
        listing.year,
        lambda pack: check_list_published(pack, "institutions", listing.year, listing.published_on),
    )


def evaluation_listing_warning(listing: Listing) -> str:
    """004 §四(四): the warning when the year's list of evaluation organisations was published
    after the pack's date ("" when on time, or when no pack states the date)."""
    return timetable.warning(
        listing.evaluation_org.organisation.region_code,
        listing.year,
        lambda pack: check_list_published(
            pack, "evaluation_orgs", listing.year, listing.published_on
        ),
    )


def listing_warning(listing) -> str:
    """The warning of either kind of listing."""
    if isinstance(listing, InstitutionListing):
        return institution_listing_warning(listing)
    return evaluation_listing_warning(listing)


@transaction.atomic
def set_numbering_codes(evaluation_org: EvaluationOrg, *, register_code: str, station_code: str):
    """Record the register and station codes of an evaluation organisation (needed to number its
    skill level certificates): the bureau does it, as the keeper of certificates."""
    require_capability(
        Capability.MANAGE_CERTIFICATES,
        _("Only the bureau records the register and station codes of an evaluation organisation."),
    )
    return writes.update(
        evaluation_org,
        message="numbering codes",
        register_code=(register_code or "").strip(),
        station_code=(station_code or "").strip(),
    )


@transaction.atomic
def add_examiner(
    evaluation_org: EvaluationOrg,
    person,
    *,
    role: str,
    certificate: str,
    valid_to: date | None = None,
) -> Examiner:
    existing = Examiner.objects.filter(evaluation_org=evaluation_org, person=person, role=role)
    if existing.exists():
        return existing.get()
    return writes.create(
        Examiner(
            evaluation_org=evaluation_org,
            person=person,
            role=role,
            certificate=certificate,
            valid_to=valid_to,
        )
    )


@transaction.atomic
def add_credit_event(examiner: Examiner, *, kind: str, description: str, at: date) -> CreditEvent:
    """Append to an examiner's credit file (诚信档案, 003 §五16); lines are never edited."""
    _require_reviewer(ONLY_BUREAU_LISTS)
    if not description.strip():
        raise ValidationError({"description": _("Describe the event.")})
    return writes.create(
        CreditEvent(examiner=examiner, kind=kind, description=description.strip(), at=at)
    )


@transaction.atomic
def add_institution_credit_event(
    institution: Institution, *, kind: str, description: str, at: date
) -> CreditEvent:
    """Append to an institution's credit file: the bureau's to write (a confirmed finding of the
    data comparison, 004 §五(六), writes one as the reviewer who confirmed it)."""
    _require_reviewer(ONLY_BUREAU_LISTS)
    if not description.strip():
        raise ValidationError({"description": _("Describe the event.")})
    return writes.create(
        CreditEvent(
            institution=institution, kind=kind, description=description.strip()[:300], at=at
        )
    )


# What the institution keeps itself, and what waits for the bureau -----------------------------


@transaction.atomic
def update_profile(institution: Institution, *, licence: str, address: str, capacity: int):
    """Licence, premises and capacity: the institution's own data, saved at once (audited)."""
    if capacity < 0:
        raise ValidationError({"capacity": _("The capacity cannot be negative.")})
    return writes.update(
        institution, licence=licence.strip(), address=address.strip(), capacity=capacity
    )


@transaction.atomic
def request_designation(institution: Institution, occupation: Occupation, level: SkillLevel):
    check_evaluated_at(occupation, level)
    pending = institution.requests.filter(occupation=occupation, level=level, state="pending")
    if pending.exists():
        raise ValidationError(_("The same request is already waiting for the bureau."))
    return writes.create(
        DesignationRequest(institution=institution, occupation=occupation, level=level)
    )


@transaction.atomic
def answer_request(
    request: DesignationRequest,
    *,
    approve: bool,
    answer: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
):
    """The reviewer approves (which designates, with every rule of designate()) or rejects."""
    _require_reviewer()
    if request.state != RequestState.PENDING:
        raise ValidationError(_("This request has already been answered."))
    if approve:
        if valid_from is None or valid_to is None:
            raise ValidationError(_("Choose an occupation, a level and both dates."))
        designate(
            request.institution,
            request.occupation,
            request.level,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    elif not answer.strip():
        raise ValidationError({"answer": _("Give the reason for the change.")})
    state = RequestState.APPROVED if approve else RequestState.REJECTED
    return writes.update(request, state=state, answer=answer.strip())


# The enterprise registry (企业名录, 002 §四(三)1) -----------------------------------------------

ONLY_BUREAU_RECORDS = _("Only the bureau records enterprises and their size class.")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class EvidenceFile:
    """A scan of the size class's evidence (financial statements, a statistics report...)."""

    filename: str
    content: bytes
    content_type: str = ""


@transaction.atomic
def record_enterprise(
    *,
    uscc: str,
    name: str,
    bureau: Organisation,
    size: str,
    size_evidence: str = "",
    size_assessed_on: date | None = None,
    size_standard: str = SIZE_STANDARD,
    evidence_file: EvidenceFile | None = None,
) -> Enterprise:
    """Record an enterprise under the bureau it belongs to (隶属关系), with its size class (企业
    规模类型, 《中小企业划型标准规定》) and the evidence and day of that class. One record per
    credit code: a code already recorded is refused, naming the bureau that holds it."""
    require_capability(Capability.RECORD_ENTERPRISES, ONLY_BUREAU_RECORDS)
    code = checked_uscc(uscc)
    values = _enterprise_values(
        name=name, bureau=bureau, size=size, size_evidence=size_evidence,
        size_assessed_on=size_assessed_on, size_standard=size_standard,
        evidence_file=evidence_file,
    )  # fmt: skip
    existing = Enterprise.objects.filter(uscc=code).select_related("bureau").first()
    if existing is not None:
        raise ValidationError(
            {"uscc": _("An enterprise with this credit code is already recorded, by %(bureau)s.")
             % {"bureau": existing.bureau.name}}
        )  # fmt: skip
    enterprise = writes.create(Enterprise(uscc=code, created_by=acting_user(), **values))
    if evidence_file is not None:
        _store_evidence_file(enterprise, evidence_file)
    return enterprise


@transaction.atomic
def update_enterprise(
    enterprise: Enterprise,
    *,
    name: str,
    bureau: Organisation,
    size: str,
    size_evidence: str = "",
    size_assessed_on: date | None = None,
    size_standard: str = SIZE_STANDARD,
    evidence_file: EvidenceFile | None = None,
) -> Enterprise:
    """Change an enterprise's name, size class and its evidence, or the bureau it belongs to
    (within the user's region). The credit code stays: claims find the enterprise by it. A new
    evidence file replaces the former one; without one, the former stays."""
    require_capability(Capability.RECORD_ENTERPRISES, ONLY_BUREAU_RECORDS)
    enterprise = (
        Enterprise.objects.select_for_update().select_related("bureau").get(pk=enterprise.pk)
    )
    _check_bureau_in_scope(enterprise.bureau)
    values = _enterprise_values(
        name=name, bureau=bureau, size=size, size_evidence=size_evidence,
        size_assessed_on=size_assessed_on, size_standard=size_standard,
        evidence_file=evidence_file,
    )  # fmt: skip
    enterprise = writes.update(enterprise, **values)
    if evidence_file is not None:
        _store_evidence_file(enterprise, evidence_file)
    return enterprise


def checked_uscc(text: str) -> str:
    """The credit code cleaned and checked (GB 32100), or a refusal in the user's language."""
    try:
        return identity.check_uscc(text or "")
    except identity.IdentityError as problem:
        raise ValidationError({"uscc": problem.message(language())}) from None


def _enterprise_values(
    *, name, bureau, size, size_evidence, size_assessed_on, size_standard, evidence_file
) -> dict:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the enterprise's name.")})
    if len(name) > Enterprise._meta.get_field("name").max_length:
        raise ValidationError({"name": _("The enterprise's name is too long.")})
    if not isinstance(bureau, Organisation) or bureau.kind != OrgKind.BUREAU:
        raise ValidationError({"bureau": _("An enterprise belongs to a bureau.")})
    _check_bureau_in_scope(bureau)
    if size not in EnterpriseSize.values:
        raise ValidationError({"size": _("Choose the enterprise's size class.")})
    evidence = (size_evidence or "").strip()
    if len(evidence) > Enterprise._meta.get_field("size_evidence").max_length:
        raise ValidationError({"size_evidence": _("The evidence is too long (300 characters).")})
    if evidence and size_assessed_on is None:
        raise ValidationError(
            {"size_assessed_on": _("Give the day the size class was assessed from its evidence.")}
        )
    if size_assessed_on is not None and not evidence:
        raise ValidationError(
            {"size_evidence": _("Describe the evidence the size class was assessed from.")}
        )
    if size_assessed_on is not None and size_assessed_on > timezone.localdate():
        raise ValidationError(
            {"size_assessed_on": _("The day the size class was assessed cannot be in the future.")}
        )
    if evidence_file is not None and not evidence:
        raise ValidationError(
            {
                "size_evidence": _(
                    "Describe the evidence the file shows and the day it was assessed."
                )
            }
        )
    standard = (size_standard or "").strip() or SIZE_STANDARD
    if len(standard) > Enterprise._meta.get_field("size_standard").max_length:
        raise ValidationError({"size_standard": _("The standard's name is too long.")})
    return {
        "name": name, "bureau": bureau, "size": size, "size_evidence": evidence,
        "size_assessed_on": size_assessed_on, "size_standard": standard,
    }  # fmt: skip


def _check_bureau_in_scope(bureau: Organisation) -> None:
    user = acting_user()
    if user is not None and not scoped(user, Organisation.objects.filter(pk=bureau.pk)).exists():
        raise PermissionDenied(_("This bureau is outside your region."))


def read_evidence_file(enterprise: Enterprise) -> bytes:
    """The size-class evidence file as uploaded, for those who see the enterprise (sealed at
    rest)."""
    require_capability(Capability.VIEW_ENTERPRISES, _("You cannot see enterprises."))
    user = acting_user()
    if user is not None and not scoped(user, Enterprise.objects.filter(pk=enterprise.pk)).exists():
        raise PermissionDenied(_("This enterprise is outside your region."))
    if not enterprise.has_evidence_file:
        raise ValidationError(_("No evidence file is kept for this enterprise."))
    return Enterprise.EVIDENCE.open(enterprise.evidence_content)


def _store_evidence_file(enterprise: Enterprise, upload: EvidenceFile) -> None:
    content = upload.content or b""
    if not content or len(content) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence_file": _("The evidence must be a file of at most 10 MB.")})
    writes.update(
        enterprise, message="size evidence file",
        evidence_filename=(upload.filename or "evidence")[:200],
        evidence_content_type=(upload.content_type or "application/octet-stream")[:100],
        evidence_content=Enterprise.EVIDENCE.seal(content),
        evidence_sha256=hashlib.sha256(content).hexdigest(),
    )  # fmt: skip
