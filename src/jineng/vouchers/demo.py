"""Demo vouchers (电子培训券, 002 §四(五)3): one in every state of 发券—培训—评价—持证—兑现.

- issued: to a person of 宁陵县 for 焊工 (五级), not yet claimed;
- claimed: by the demo `worker` (the login linked to a 梁园区 person) for 养老护理员 or 家政服务员;
- redeemed: at enrolment in the demo's approved class 电工（五级）岗前培训班（承诺制） at 鸿鹄;
- settled: redeemed at enrolment in a welding class of its own that ran, completed and was
  followed by a skill level certificate (issued by the evaluation centre through
  certificates.services.issue), then settled by the city's reviewer against it;
- expired: issued 200 days ago and past the pack's 180-day validity, expired by expire_due;
- voided: by the city's reviewer, with the reason;
- a rule (民权县 退役军人 → 电工) run once, and a rule (梁园区 农村转移就业劳动者 → 养老护理员)
  left to preview.

Everything goes through the services as the demo users. The holders other than the worker have
no login: their claim is recorded at the bureau's counter by the city's reviewer. Holders are
eligible demo people of 宁陵县 and 柘城县, whom no other demo and no test uses. Idempotent: a
holder who has a voucher, a class or rule that exists, is left as it is.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jineng.catalog.models import FundChannel, Occupation, PersonCategory, SkillLevel, TrainingType
from jineng.certificates import services as certificates
from jineng.core.audit import audit_context, system_context
from jineng.core.models import Organisation, User
from jineng.institutions.models import EvaluationOrg, Institution
from jineng.people import services as people
from jineng.people.models import Person
from jineng.training import services as training
from jineng.training.demo import application_days, at, mark_on_the_day, on_day
from jineng.training.models import ClassState, TrainingClass
from jineng.vouchers import services
from jineng.vouchers.models import Voucher, VoucherRule

HONGHU = "商丘市鸿鹄职业技能培训学校"
CENTRE = "商丘市职业技能等级认定评价中心"
REDEEM_CLASS = "电工（五级）岗前培训班（承诺制）"  # the training demo's approved class
SETTLE_CLASS = "焊工（五级）培训班（培训券试点）"
SETTLE_OFFSET = 50  # the settled voucher's class began this many days ago
WELDER, ELECTRICIAN, CARER, HOUSEKEEPER = "6-18-02-04", "6-31-01-03", "4-10-01-05", "4-10-01-06"
HOLDER_COUNTIES = ["411423", "411424"]  # 宁陵县, 柘城县
VOID_REASON = "持券人已在户籍地参加同工种补贴性培训，经本人申请并核实，予以作废。"
RULES = [
    # (name, bureau code, categories, occupations, run it)
    ("民权县退役军人电工培训券", "411421", ["veteran"], [ELECTRICIAN], True),
    ("梁园区农村转移就业劳动者养老护理员培训券", "411402", ["rural_migrant"], [CARER], False),
]


def load() -> dict:
    users = {user.username: user for user in User.objects.all()}
    today = timezone.localdate()
    report: dict = {"vouchers": 0, "rules": 0, "rule vouchers": 0, "skipped": []}
    holders = _holders(today)
    if len(holders) < 5:
        report["skipped"].append("not enough eligible demo people")
        return report
    with audit_context(actor=users["city_reviewer"]):
        report["vouchers"] += _issued(holders[0])
        report["vouchers"] += _expired(holders[3], today)
        report["vouchers"] += _voided(holders[4])
    report["vouchers"] += _claimed_by_worker(users, today)
    report["vouchers"] += _redeemed(holders[1], users, report)
    report["vouchers"] += _settled(holders[2], users, today, report)
    _rules(users, report)
    if not report["skipped"]:
        del report["skipped"]
    return report


def _holders(today: date) -> list[Person]:
    """Eligible demo people of 宁陵县 and 柘城县, in a fixed order (whatever vouchers they hold)."""
    found = []
    candidates = (
        Person.objects.filter(source="demo", organisation__code__in=HOLDER_COUNTIES)
        .select_related("organisation")
        .prefetch_related("categories__category")
        .order_by("id")
    )
    welder = Occupation.objects.get(code=WELDER)
    for person in candidates:
        _version, decision = services.decide(person, [welder], today)
        if decision.granted:
            found.append(person)
        if len(found) == 5:
            break
    return found


def _occupations(*codes: str) -> list[Occupation]:
    return list(Occupation.objects.filter(code__in=codes).order_by("code"))


def _has_voucher(person: Person) -> bool:
    return Voucher.objects.filter(person=person).exists()


def _issued(person: Person) -> int:
    if _has_voucher(person):
        return 0
    services.issue(person, _occupations(WELDER), level=SkillLevel.objects.get(code="5"))
    return 1


def _categorised_since(person: Person, day: date, today: date) -> None:
    """The roster import registered the person's categories today; a voucher dated earlier
    needs one valid then: the same category, registered in an earlier year (演示)."""
    if day >= today or services.decide(person, _occupations(WELDER), day)[1].granted:
        return
    current = (
        person.categories.exclude(category__code__in=list(people.YEAR_BOUND))
        .select_related("category").order_by("id").first()
    )  # fmt: skip
    if current is None:  # only a year-bound category (004 §二): it has no earlier years
        return
    people.add_category(
        person, current.category.code, valid_from=day, valid_to=today - timedelta(days=1),
        evidence="往年人员类别登记（演示）", source="demo",
    )  # fmt: skip
    person.refresh_from_db()


def _expired(person: Person, today: date) -> int:
    """Issued 200 days ago: the pack's 180 days have passed, and the daily expiry expires it."""
    if _has_voucher(person):
        return 0
    _categorised_since(person, today - timedelta(days=200), today)
    voucher = services.issue(
        person, _occupations(CARER), level=SkillLevel.objects.get(code="5"),
        on=today - timedelta(days=200),
    )  # fmt: skip
    if voucher.valid_until < today:
        with system_context("demo"):
            services.expire_due(today)
    return 1


def _voided(person: Person) -> int:
    if _has_voucher(person):
        return 0
    voucher = services.issue(person, _occupations(HOUSEKEEPER))
    services.void(voucher, VOID_REASON)
    return 1


def _claimed_by_worker(users, today: date) -> int:
    """The demo worker's person, a 农村转移就业劳动者, claims a voucher with their own login."""
    worker = Person.objects.filter(user=users["worker"]).first()
    occupations = _occupations(CARER, HOUSEKEEPER)
    if worker is None or services.active_holding(worker, occupations):
        return 0
    with audit_context(actor=users["city_reviewer"]):
        if not worker.categories.filter(category__code="rural_migrant").exists():
            people.add_category(
                worker, "rural_migrant", valid_from=date(today.year, 1, 1),
                evidence="农村劳动力转移就业登记（演示）", source="demo",
            )  # fmt: skip
        voucher = services.issue(worker, occupations)
    with audit_context(actor=users["worker"]):
        services.claim(voucher, users["worker"])
    return 1


def _redeemed(person: Person, users, report: dict) -> int:
    if _has_voucher(person):
        return 0
    training_class = TrainingClass.objects.filter(
        institution__organisation__name=HONGHU, name=REDEEM_CLASS, state=ClassState.APPROVED
    ).first()
    if training_class is None:
        report["skipped"].append("redeemed: the demo's approved class is missing")
        return 0
    with transaction.atomic():
        with audit_context(actor=users["city_reviewer"]):
            voucher = services.issue(
                person, _occupations(ELECTRICIAN), level=SkillLevel.objects.get(code="5")
            )
            services.claim(voucher, users["city_reviewer"])  # at the counter: no login
        with audit_context(actor=users["institution"]):
            training.enrol(training_class, person, voucher=voucher)
    return 1


def _settled(person: Person, users, today: date, report: dict) -> int:
    """A welding class of 鸿鹄 that began 50 days ago: enrolled with the voucher, completed,
    certified by the evaluation centre, settled by the city's reviewer."""
    institution = Institution.objects.filter(organisation__name=HONGHU).first()
    if institution is None or _has_voucher(person):
        return 0
    if TrainingClass.objects.filter(institution=institution, name=SETTLE_CLASS).exists():
        return 0
    start = max(today - timedelta(days=SETTLE_OFFSET), date(today.year, 1, 1))
    end = start + timedelta(days=2)
    if end + timedelta(days=3) >= today:
        report["skipped"].append("settled: no room for a finished class this year yet")
        return 0
    try:
        with transaction.atomic():
            _run_settled(person, institution, start, end, users)
    except ValidationError as problem:  # e.g. no certificate signing key configured
        report["skipped"].append("settled: " + "; ".join(problem.messages))
        return 0
    return 1


def _run_settled(person, institution, start: date, end: date, users) -> None:
    level = SkillLevel.objects.get(code="5")
    welder = Occupation.objects.get(code=WELDER)
    with audit_context(actor=users["city_reviewer"]):
        _categorised_since(person, start - timedelta(days=7), timezone.localdate())
        voucher = services.issue(person, [welder], level=level, on=start - timedelta(days=7))
        services.claim(voucher, users["city_reviewer"])
    staff = users["institution"]
    # Opened, submitted and approved before it began (004 §四(三)): on those days.
    filed, reviewed = application_days(institution, start)
    with audit_context(actor=staff), on_day(filed):
        training_class = training.create_class(
            institution, name=SETTLE_CLASS, occupation=welder, level=level,
            training_type=TrainingType.objects.get(code="employment_skills"),
            fund_channel=FundChannel.objects.get(code="employment_fund"),
            start_date=start, end_date=end, venue=f"{HONGHU}实训楼", capacity=20,
            assessment_plan="理论考试（闭卷，60分合格）＋实操考核（现场评分）",
        )  # fmt: skip
        teachers = [e.teacher for e in institution.engagements.filter(year=start.year)][:2]
        training.set_teachers(training_class, teachers)
        for number in range(3):
            day = start + timedelta(days=number)
            training.add_session(
                training_class, starts_at=at(day, 9), ends_at=at(day, 12),
                topic=f"焊接实操第{number + 1}课", teacher=teachers[0],
            )  # fmt: skip
        enrollment = training.enrol(training_class, person, voucher=voucher)
        training.submit(training_class)
    with audit_context(actor=users["city_reviewer"]), on_day(reviewed):
        training.approve(training_class, "材料齐全，同意开班。")
    with audit_context(actor=staff):
        training.change_state(training_class, ClassState.IN_PROGRESS)
        training_class.refresh_from_db()
        for session in training_class.sessions.all():
            mark_on_the_day(session, [person])
        enrollment.refresh_from_db()
        training.set_assessment(enrollment, True)
        training.complete(training_class)
    centre = EvaluationOrg.objects.get(organisation__name=CENTRE)
    with audit_context(actor=users["evaluator"]):
        certificate = certificates.issue(
            person, kind="skill_level", occupation=welder, level=level, evaluation_org=centre,
            issued_on=end + timedelta(days=3), training_class=training_class,
        )  # fmt: skip
    with audit_context(actor=users["city_reviewer"]):
        services.settle(voucher, certificate)


def _rules(users, report: dict) -> None:
    reviewer = users["city_reviewer"]
    for name, code, categories, occupations, run in RULES:
        if VoucherRule.objects.filter(name=name).exists():
            continue
        with audit_context(actor=reviewer):
            rule = services.create_rule(
                name=name,
                organisation=Organisation.objects.get(code=code),
                categories=list(PersonCategory.objects.filter(code__in=categories)),
                occupations=_occupations(*occupations),
                level=SkillLevel.objects.get(code="5"),
            )
            report["rules"] += 1
            if run:
                result = services.issue_by_rule(rule, preview=False, keep=0)
                report["rule vouchers"] += result.counts["issue"]
