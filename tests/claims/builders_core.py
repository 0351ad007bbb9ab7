"""Data for the core claim tests (generation, limits, concurrency).

A minimal Hebei (004, the pack with the seed's own rates): the province and 石家庄市 in the
region catalog, their bureaus, a designated institution with a staff login, and subsidy
standards for 2024. Shangqiu (002) uses the demo's bureau and institution (鸿鹄, user
"institution"). Completed classes, their trainees, certificates and employment are built with
the ORM and the people services: the claims themselves always go through claims.services.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from stdnum.cn import ric, uscc

from jineng.catalog import services as catalog
from jineng.catalog.models import FundChannel, Occupation, SkillLevel, SubsidyStandard, TrainingType
from jineng.certificates.models import Certificate
from jineng.claims.agreements import record_agreement
from jineng.core import demo
from jineng.core import services as core
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind, Role
from jineng.evaluation.models import (
    ApplicantAgreement,
    BookingState,
    EvaluationBooking,
    EvaluationResult,
)
from jineng.institutions.models import (
    EvaluationOrg,
    ExaminerRole,
    Institution,
    InstitutionState,
)
from jineng.people import services as people
from jineng.people.models import Person
from jineng.training.models import ClassState, Enrollment, EnrollmentState, TrainingClass
from tests.actors import act

WELDER = "6-18-02-04"  # 焊工
ELECTRICIAN = "6-31-01-03"  # 电工
CARER = "4-10-01-05"  # 养老护理员
HEALTH_CARER = "4-14-01-03"  # 健康照护师, a new occupation (新职业)
# 004 §五(一): Hebei trains 焊工 and 电工 with a subsidy only people who already hold their
# special operation certificate (training.licence_required); the trainees built here hold it.
LICENCES = {WELDER: "welding_work", ELECTRICIAN: "electrical_work"}
EMPLOYER = demo.demo_uscc(demo.INSTITUTIONS[0])  # any valid 统一社会信用代码 will do
HEBEI_STANDARDS = [  # (occupation, level, yuan) in 石家庄市, 2024: illustrative amounts
    (WELDER, "5", "1000"),
    (WELDER, "4", "1500"),
    (WELDER, "3", "1800"),
    (ELECTRICIAN, "5", "1200"),
    (CARER, "5", "900"),
    (HEALTH_CARER, "5", "800"),
]
_serial = count(1)


@dataclass
class Place:
    """Where claims are made: the institution, its login, the bureau."""

    institution: Institution
    username: str
    bureau: Organisation


def _institution_code(region: str, serial: int) -> str:
    body = f"52{region}MJ{serial:07d}"
    return body + uscc.calc_check_digit(body)


def build_hebei() -> Place:
    """Hebei 2024: regions, bureaus, a designated institution with its staff, standards."""
    with act(None):
        catalog.save_region(code="130000", name="河北省")
        catalog.save_region(code="130100", name="石家庄市")
        province = _bureau("130000", "河北省人力资源和社会保障厅", None)
        city = _bureau("130100", "石家庄市人力资源和社会保障局", province)
        code = _institution_code("130100", 901)
        org = Organisation.objects.filter(code=code).first() or core.create_organisation(
            kind=OrgKind.INSTITUTION, name="石家庄市燕赵职业培训学校", code=code, parent=city,
            region_code="130100",
        )  # fmt: skip
        institution, _ = Institution.objects.get_or_create(
            organisation=org,
            defaults={"type": "private_school", "state": InstitutionState.DESIGNATED},
        )
        if not get_user_model().objects.filter(username="hebei_staff").exists():
            core.create_user(
                username="hebei_staff", password=demo.DEMO_PASSWORD, organisation=org,
                roles=[Role.INSTITUTION_STAFF], full_name="燕赵培训学校管理员",
            )  # fmt: skip
        for occupation, level, amount in HEBEI_STANDARDS:
            standard(occupation, level, "130100", 2024, amount)
    return Place(institution, "hebei_staff", city)


def _bureau(code: str, name: str, parent) -> Organisation:
    return Organisation.objects.filter(code=code).first() or core.create_organisation(
        kind=OrgKind.BUREAU, name=name, code=code, parent=parent, region_code=code
    )


def shangqiu() -> Place:
    """The demo's 鸿鹄 institution in 商丘市 and its staff login "institution"."""
    org = Organisation.objects.get(name=demo.INSTITUTIONS[0].name)
    return Place(Institution.objects.get(organisation=org), "institution", org.parent)


def standard(occupation: str, level: str, region: str, year: int, amount: str) -> None:
    SubsidyStandard.objects.update_or_create(
        occupation=Occupation.objects.get(code=occupation),
        level=SkillLevel.objects.get(code=level),
        region=catalog.region_by_code(region),
        year=year,
        defaults={"amount": Decimal(amount)},
    )


@pytest.fixture
def hebei(db) -> Place:
    return build_hebei()


def person(*categories: str, bureau: Organisation | None = None) -> Person:
    """A newly registered person with these categories, valid since 2020."""
    bureau = bureau or Organisation.objects.get(code="411421")
    with act(None):
        found = _register(bureau)
        for code in categories:
            # year-bound categories (004 §二) count in the year of the classes built here
            extra = {"graduation_year": 2024} if code in people.YEAR_BOUND else {}
            people.add_category(found, code, valid_from=date(2020, 1, 1), **extra)
    return found


def _register(bureau: Organisation) -> Person:
    for _attempt in range(50):
        number = next(_serial)
        born = date(1980, 1, 1) + timedelta(days=number * 37 % 9000)
        body = f"411421{born:%Y%m%d}{700 + number % 299:03d}"
        id_number = body + ric.calc_check_digit(body + "0")
        if not Person.objects.filter(id_number_hash=people.id_hash("id_card", id_number)):
            return people.register_person(
                name=f"测试学员{number}", id_number=id_number, organisation=bureau,
                source="tests.claims",
            )  # fmt: skip
    raise AssertionError("no free ID number")


def completed_class(
    place: Place,
    trainees,
    *,
    occupation: str = WELDER,
    level: str = "5",
    start: date = date(2024, 5, 6),
    end: date = date(2024, 5, 31),
    training_type: str = "employment_skills",
    licensed: bool = True,
) -> TrainingClass:
    """A completed class of the place's institution; `trainees` are persons (completed) or
    (person, reason) pairs for trainees who did not complete. Unless `licensed` is False, each
    trainee holds the practising licence the occupation needs (004 §五(一)), since 2020."""
    with act(None):
        training_class = TrainingClass.objects.create(
            institution=place.institution,
            code=f"T{next(_serial):05d}-{end:%y%m}",
            name=f"{Occupation.objects.get(code=occupation).name}培训班",
            occupation=Occupation.objects.get(code=occupation),
            level=SkillLevel.objects.get(code=level),
            training_type=TrainingType.objects.get(code=training_type),
            fund_channel=FundChannel.objects.get(code="employment_fund"),
            start_date=start,
            end_date=end,
            venue="实训楼",
            capacity=50,
            state=ClassState.COMPLETED,
        )
        for trainee in trainees:
            who, reason = trainee if isinstance(trainee, tuple) else (trainee, "")
            if licensed and occupation in LICENCES:
                licence(who, LICENCES[occupation])
            Enrollment.objects.create(
                training_class=training_class,
                person=who,
                eligible=True,
                state=EnrollmentState.NOT_COMPLETED if reason else EnrollmentState.COMPLETED,
                assessment_passed=not reason,
                reason=reason,
            )
    return training_class


def licence(holder: Person, licence_type: str) -> None:
    """The practising licence (004 §五(一)) of the type, valid since 2020 with no end."""
    if not holder.licences.filter(licence_type=licence_type).exists():
        with act(None):
            people.add_licence(
                holder, licence_type=licence_type, number=f"T{holder.pk:010d}{licence_type[:2]}",
                valid_from=date(2020, 1, 1), evidence="证书原件",
            )  # fmt: skip


def certificate(
    holder: Person, kind: str, *, occupation=WELDER, level="5", issued_on=date(2024, 6, 5)
) -> Certificate:
    return Certificate.objects.create(
        person=holder,
        kind=kind,
        number=f"TEST{next(_serial):010d}",
        occupation=Occupation.objects.get(code=occupation),
        level=SkillLevel.objects.get(code=level) if level else None,
        issued_on=issued_on,
        issuer_name="职业技能鉴定中心",
        issued_here=False,
    )


def employ(holder: Person, start: date) -> None:
    with act(None):
        people.add_employment(holder, employer_uscc=EMPLOYER, start=start, insured_months=6)


def centre() -> EvaluationOrg:
    """The demo's 商丘市职业技能等级认定评价中心 (its staff login: "evaluator")."""
    return EvaluationOrg.objects.get(organisation__name=demo.EVALUATION_ORGS[0].name)


def evaluated_booking(
    place: Place, results, *, occupation=WELDER, level="4", on=date(2025, 3, 10), agreements=True
) -> EvaluationBooking:
    """A done evaluation by the centre of a completed class of the place's institution, with a
    result for each (person, passed); a pass holds its certificate (职业技能等级证书, or
    专项职业能力证书 for 专项职业能力). Each person signed the free-evaluation agreement with the
    centre the day before the evaluation (004 §四(五)), unless `agreements` is False."""
    people_ = [who for who, _passed in results]
    training_class = completed_class(
        place, people_, occupation=occupation, level=level,
        start=on - timedelta(days=20), end=on - timedelta(days=3),
    )  # fmt: skip
    org = centre()
    booking = EvaluationBooking.objects.create(
        training_class=training_class, evaluation_org=org, planned_date=on, due_on=on,
        state=BookingState.DONE,
    )  # fmt: skip
    supervisor = org.examiners.filter(role=ExaminerRole.SUPERVISOR).first()
    kind = "special_ability" if level == "special" else "skill_level"
    for enrollment in training_class.enrollments.order_by("person_id"):
        passed = dict((who.pk, ok) for who, ok in results)[enrollment.person_id]
        held = (
            certificate(enrollment.person, kind, occupation=occupation, level=level, issued_on=on)
            if passed
            else None
        )
        score = Decimal("85") if passed else Decimal("50")
        EvaluationResult.objects.create(
            booking=booking, enrollment=enrollment, theory_score=score, practical_score=score,
            passed=passed, supervisor=supervisor, certificate=held,
        )  # fmt: skip
        if agreements:
            ApplicantAgreement.objects.create(
                evaluation_org=org, enrollment=enrollment, signed_on=on - timedelta(days=1),
                signatory="评价中心经办人",
            )  # fmt: skip
    return booking


def agreement(number="XY-2025-001", *, org=None, start=date(2025, 1, 1), end=date(2025, 12, 31)):
    """A free-evaluation agreement of the centre with 商丘市's bureau, recorded by its staff."""
    with act("evaluator"):
        return record_agreement(
            org or centre(), bureau=Organisation.objects.get(code="411400"), number=number,
            signed_on=start, valid_from=start, valid_to=end,
        )  # fmt: skip
