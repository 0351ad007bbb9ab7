"""Demo institutions: a profile for each demo training institution, three designated for
occupations of the demo and on the year's public list, one still waiting for review; and the
enterprise registry: the demo's employers with their size class, evidence and the bureau they
belong to.

The demo runs on any day of the year, and its classes, evaluations and claims fall on days around
today: in January a class began last year, in late December one opened ahead starts next year.
So the designations, the teachers' engagements and the evaluation organisations' listings cover
the years around today (`demo_years`), as a bureau's three-year designation and its yearly lists
published ahead would."""

from datetime import date, timedelta

from django.utils import timezone
from stdnum.cn import uscc

from jineng.catalog import services as catalog
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.institutions import services
from jineng.institutions.models import (
    Enterprise,
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


def demo_years(today: date) -> range:
    """Last year, this year and next year: the years the demo's dates can fall in."""
    return range(today.year - 1, today.year + 2)


def load() -> dict[str, int]:
    today = timezone.localdate()
    years = demo_years(today)
    period = (date(years[0], 1, 1), date(years[-1], 12, 31))
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
                reason=f"{years[0]}—{years[-1]}年度定点培训机构",
                document=f"商人社〔{years[0]}〕8号",
            )
            for occupation, level in designations:
                services.designate(
                    institution,
                    catalog.occupation_by_code(occupation),
                    catalog.level_by_code(level),
                    valid_from=period[0],
                    valid_to=period[1],
                )
    for year in years:
        _teachers(year)
        _institution_list(year)
    _evaluation_orgs(today, years)
    return {"institutions": created, "enterprises": _enterprises()}


# The enterprise registry (002 §四(三)1: 中小微企业, 按企业隶属关系), check-digit-valid codes of
# 睢阳区 and 商丘 companies (演示): the SME of the claims demo's hiring claim (a small enterprise
# under the city's bureau, which takes its claim in), the employer that hires the demo trainees
# after training (micro, under 睢阳区's bureau), and a large enterprise (no SME subsidy).
SME = ("商丘市豫东机械制造有限公司", "91411403MA0CLM002")
HIRING = ("商丘市睢阳区鑫源焊接结构件有限公司", "91411403MA0CLM001")
LARGE = ("商丘市华商能源装备集团有限公司", "91411400MA0CLM003")
# (name, code without its check character), size class, evidence (of the year before the
# assessment), the bureau it belongs to.
ENTERPRISES = [
    (SME, "small", "{year}年度财务报表：从业人员86人，营业收入1800万元（工业）", "411400"),
    (HIRING, "micro", "{year}年度财务报表：从业人员15人，营业收入260万元（工业）", "411403"),
    (LARGE, "large", "{year}年度财务报表：从业人员1260人，营业收入5.2亿元（工业）", "411400"),
]


def credit_code(body: str) -> str:
    """A 统一社会信用代码 with its check character (GB 32100)."""
    return body + uscc.calc_check_digit(body)


def _enterprises() -> int:
    """Each demo enterprise, classed a month ago from the year before's financial statements
    (so an SME hiring claim taken in today rests on evidence dated before it)."""
    assessed = timezone.localdate() - timedelta(days=30)
    created = 0
    for (name, body), size, evidence, bureau in ENTERPRISES:
        code = credit_code(body)
        if Enterprise.objects.filter(uscc=code).exists():
            continue
        services.record_enterprise(
            uscc=code, name=name, bureau=Organisation.objects.get(code=bureau), size=size,
            size_evidence=evidence.format(year=assessed.year - 1), size_assessed_on=assessed,
        )  # fmt: skip
        created += 1
    return created


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


def _evaluation_orgs(today: date, years: range) -> None:
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
        for year in years:  # next year's list is published ahead, today
            published_on = min(date(year, 5, 20), today)
            services.list_for_year(org, year=year, published_on=published_on)
        year = today.year
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


# Teachers of each demo year, by institution: (how many full-time, how many part-time).
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
