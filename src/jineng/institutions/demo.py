"""Demo institutions: a profile for each demo training institution, three designated for
occupations of the demo and on the year's public list, one still waiting for review."""

from datetime import date

from django.utils import timezone

from jineng.catalog import services as catalog
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.institutions import services
from jineng.institutions.models import (
    EvaluationOrg,
    EvaluationOrgType,
    Institution,
    InstitutionState,
    InstitutionType,
)
from jineng.people.models import Person

# Organisation name → (type, capacity, designations as (occupation code, level code)).
PROFILES = {
    "商丘市鸿鹄职业技能培训学校": (
        InstitutionType.PRIVATE_SCHOOL,
        300,
        [("6-18-02-04", "5"), ("6-18-02-04", "4"), ("6-31-01-03", "5")],
    ),
    "梁园区启航职业培训学校": (
        InstitutionType.PRIVATE_SCHOOL,
        120,
        [("4-10-01-05", "5"), ("4-10-01-06", "5")],
    ),
    "永城市技工学校": (
        InstitutionType.TECHNICAL_SCHOOL,
        800,
        [("6-18-02-04", "4"), ("6-18-02-04", "3"), ("4-12-01-01", "4")],
    ),
    "民权县巧手家政职业培训学校": (InstitutionType.PRIVATE_SCHOOL, 80, []),  # still applied
}


def load() -> dict[str, int]:
    year = timezone.localdate().year  # designated for the current year, whenever the demo runs
    period = (date(year, 1, 1), date(year, 12, 31))
    created = 0
    for organisation in Organisation.objects.filter(kind=OrgKind.INSTITUTION):
        if (
            organisation.name not in PROFILES
            or Institution.objects.filter(organisation=organisation).exists()
        ):
            continue
        kind, capacity, designations = PROFILES[organisation.name]
        institution = services.register_institution(organisation, type=kind, capacity=capacity)
        created += 1
        if designations:
            services.change_state(
                institution,
                InstitutionState.DESIGNATED,
                reason="2026年度定点培训机构",
                document="商人社〔2026〕8号",
            )
            for occupation, level in designations:
                services.designate(
                    institution,
                    catalog.occupation_by_code(occupation),
                    catalog.level_by_code(level),
                    valid_from=period[0],
                    valid_to=period[1],
                )
    _teachers(year)
    _evaluation_orgs(year)
    _institution_list(year)
    return {"institutions": created}


# The year's list of institutions undertaking training (004 §四(二): by 15 May). 永城市技工学校
# was put on it late, so that the demo shows the warning; never a day after the demo runs.
LISTED_ON = {
    "商丘市鸿鹄职业技能培训学校": (5, 10),
    "梁园区启航职业培训学校": (5, 10),
    "永城市技工学校": (5, 28),
}


def _published(year: int, month: int, day: int) -> date:
    return min(date(year, month, day), timezone.localdate())


def _institution_list(year: int) -> None:
    for name, (month, day) in LISTED_ON.items():
        institution = Institution.objects.filter(organisation__name=name).first()
        if institution is not None and institution.state == InstitutionState.DESIGNATED:
            services.list_institution_for_year(
                institution, year=year, published_on=_published(year, month, day)
            )


# Evaluation organisations: type and filed (occupation, level); both on this year's list.
EVALUATION_ORGS = {
    "商丘市职业技能等级认定评价中心": (
        EvaluationOrgType.SOCIAL,
        [("6-18-02-04", "5"), ("6-18-02-04", "4"), ("4-10-01-05", "5")],
    ),
    "永城市煤化工企业技能评价站": (EvaluationOrgType.EMPLOYER, [("6-18-02-04", "3")]),
}


def _evaluation_orgs(year: int) -> None:
    people = list(Person.objects.filter(source="demo").order_by("-id")[:4])
    for number, (name, (kind, filings)) in enumerate(EVALUATION_ORGS.items()):
        organisation = Organisation.objects.get(name=name)
        org = EvaluationOrg.objects.filter(organisation=organisation).first()
        if org is None:
            org = services.register_evaluation_org(organisation, type=kind)
        for occupation, level in filings:
            services.file_occupation(
                org, catalog.occupation_by_code(occupation), catalog.level_by_code(level)
            )
        services.list_for_year(org, year=year, published_on=_published(year, 5, 20))
        examiner = services.add_examiner(
            org, people[2 * number], role="examiner", certificate=f"KPY{year}{number:04d}"
        )
        services.add_examiner(
            org, people[2 * number + 1], role="supervisor", certificate=f"ZLDD{year}{number:04d}"
        )
        if number == 1 and not examiner.credit_file.exists():
            services.add_credit_event(
                examiner,
                kind="warning",
                at=date(year, 6, 3),
                description="考评记录填写不完整，已责令整改",
            )


# Teachers of the current year, by institution: (how many full-time, how many part-time).
# 启航 breaks 000 §三(七): 1 full-time of 4 in a private school. One part-time teacher is
# shared by the first three institutions, as many as the rule allows.
STAFF = {
    "商丘市鸿鹄职业技能培训学校": (2, 1),
    "梁园区启航职业培训学校": (1, 3),
    "永城市技工学校": (0, 3),
    "民权县巧手家政职业培训学校": (1, 1),
}


def _teachers(year: int) -> None:
    people = list(Person.objects.filter(source="demo").order_by("id")[:40])
    shared = services.add_teacher(people[0], qualifications="职业技能等级证书（焊工 三级）")
    cursor = 1
    for number, (name, (full_time, part_time)) in enumerate(STAFF.items()):
        institution = Institution.objects.filter(organisation__name=name).first()
        if institution is None:
            continue
        own_part_time = part_time
        if number < 3:
            services.engage(shared, institution, year=year, full_time=False)
            own_part_time -= 1
        for index in range(full_time + own_part_time):
            teacher = services.add_teacher(people[cursor], qualifications="教师资格证")
            cursor += 1
            services.engage(teacher, institution, year=year, full_time=index < full_time)
        if institution.type == InstitutionType.TECHNICAL_SCHOOL:
            services.record_year(
                institution, year=year, enrolled_students=1000, training_person_times=620
            )
