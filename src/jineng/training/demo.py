"""Demo training classes: at the designated demo institutions, one class in every state of the
opening application (开班申请, 004 §四(三)) and of its run - draft, submitted, approved (under
commitment, 承诺制 004 §五(二), with its signed commitment), rejected with the reviewer's reason,
in progress with attendance from a registered terminal (a teacher's check-in and one event
outside the session's time among them), completed (one trainee did not complete), closed,
withdrawn and cancelled. One class is part-time (非全日制): 鸿鹄's evening electricians' class,
running now, whose two trainees hold jobs: one insured at a company of the registry (work beside
an evening class: the data comparison does not flag it), the other on 鸿鹄's own staff (its own
employee listed as an unemployed trainee: flagged, docs/supervision.md `employed_during_class`).

Everything goes through training.services, acted by the demo users: the institution's staff
(鸿鹄; the system administrator for the two institutions without a demo login) and the
reviewers. Dates follow today but stay inside the current year, the year the demo institutions
are designated for. The demo replays the year: an application is filed on its last allowed day
(the start minus the pack's lead time, 004 §四(三)), or today when that day is still ahead, and
approved the day after, so a class that has started or ended was opened, submitted and approved
on the days before it began (the clock is moved with time-machine for those steps only, then
comes back). Its trainees' categories are dated back to then (往年人员类别登记, 演示), so no
eligibility changes. Each class has trainees of its own, so no overlap or same-occupation
refusal trips. A class that exists (by institution and name) is left as it is: a second load
creates nothing.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import time_machine
from django.db import transaction
from django.utils import timezone

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core.audit import audit_context
from jineng.core.models import Organisation, User
from jineng.institutions.models import Institution
from jineng.people import services as people
from jineng.people.demo import EMPLOYERS, employer_code
from jineng.people.models import Person
from jineng.training import services
from jineng.training.models import (
    ClassState,
    CommitmentReason,
    Device,
    Direction,
    Session,
    StudyMode,
    TrainingClass,
)
from jineng.training.places import Position

HONGHU = "商丘市鸿鹄职业技能培训学校"
QIHANG = "梁园区启航职业培训学校"
YONGCHENG = "永城市技工学校"
# Who runs the classes of an institution (the admin stands in where the demo has no login), and
# who reviews them: the county reviewer for 梁园区, the city's for the others.
STAFF = {HONGHU: "institution", QIHANG: "admin", YONGCHENG: "admin"}
REVIEWER = {HONGHU: "city_reviewer", QIHANG: "county_reviewer", YONGCHENG: "city_reviewer"}

# Demo people for the trainees start here (by id): the first ones are teachers and examiners
# of the institutions' demo, the last ones the trainees of tests/training/conftest.py.
FIRST_TRAINEE = 60
DEVICE_NAME = "实训楼一层人脸考勤机"
# Each institution's workshop (WGS-84, approximate), the site of its classes; the terminal reports
# its position with each event, a few metres off, ±10 m (docs/devices.md).
SITES = {
    HONGHU: (34.4146, 115.6563),
    QIHANG: (34.4438, 115.6494),
    YONGCHENG: (33.9297, 116.4491),
}
COMMITMENT_TEXT = (
    "培训承诺书\n\n本单位承诺：岗前培训按开班申请的课表如实开展，学员真实参训，"
    "考勤与考核记录真实完整；如有虚假，自愿退回全部补贴并承担相应责任。\n\n"
    "承诺单位：商丘市鸿鹄职业技能培训学校（盖章）\n"
)


@dataclass(frozen=True)
class DemoClass:
    institution: str
    name: str
    occupation: str
    level: str
    state: str
    when: str  # "past" (ended), "now" (running today) or "future"
    offset: int  # days before (past) or after (future) today
    trainees: int
    training_type: str = "employment_skills"
    commitment: str = ""
    reason: str = ""  # of a rejection, withdrawal or cancellation
    funder: str = ""  # the code of the department that funds it (004 §五(一)), if any
    study_mode: str = StudyMode.FULL_TIME
    # (from, until) of each day's session: (hour, minute) pairs; mornings unless said
    hours: tuple[tuple[int, int], tuple[int, int]] = ((9, 0), (12, 0))
    # the trainees' county when they are not the next demo people in turn (see _free_in)
    county: str = ""


UNION = "DEPT-411400-25"  # 商丘市总工会, the demo's department login
# The part-time class (非全日制): evenings, beside a job. Its trainees are demo people of 夏邑县,
# which no other demo trains (the next ones in turn are 民权县's veterans, whom the vouchers
# demo's rule gives an electrician's voucher). Its first trainee is insured at a company of the
# registry, its second works for 鸿鹄 itself.
PART_TIME = "电工（五级）夜校班（非全日制）"
PART_TIME_FROM = "411426"  # 夏邑县
EVENINGS = ((19, 0), (21, 30))


CLASSES = [
    DemoClass(HONGHU, "焊工（四级）培训班（第2期）", "6-18-02-04", "4", ClassState.DRAFT,
              "future", 30, 2, "job_skills_upgrade"),
    DemoClass(QIHANG, "养老护理员（五级）培训班（第1期）", "4-10-01-05", "5",
              ClassState.SUBMITTED, "future", 21, 3),
    DemoClass(HONGHU, "电工（五级）岗前培训班（承诺制）", "6-31-01-03", "5", ClassState.APPROVED,
              "future", 14, 3, commitment=CommitmentReason.PRE_JOB),
    DemoClass(HONGHU, "焊工（四级）培训班（第1期）", "6-18-02-04", "4", ClassState.REJECTED,
              "future", 10, 2, "job_skills_upgrade",
              reason="课表缺少实操课次，请补充实操训练安排后重新提交。"),
    DemoClass(HONGHU, "焊工（五级）培训班（第3期）", "6-18-02-04", "5", ClassState.IN_PROGRESS,
              "now", 2, 4, funder=UNION),
    DemoClass(YONGCHENG, "焊工（四级）企业职工培训班", "6-18-02-04", "4", ClassState.COMPLETED,
              "past", 20, 4, "job_skills_upgrade"),
    DemoClass(HONGHU, "电工（五级）培训班（第1期）", "6-31-01-03", "5", ClassState.CLOSED,
              "past", 40, 3),
    DemoClass(QIHANG, "家政服务员（五级）培训班（第1期）", "4-10-01-06", "5",
              ClassState.WITHDRAWN, "future", 35, 2,
              reason="报名人数不足，本期暂不开班。"),
    DemoClass(YONGCHENG, "汽车维修工（四级）培训班", "4-12-01-01", "4", ClassState.CANCELLED,
              "future", 40, 2, reason="培训场地改造未完成，经核实取消本期培训。"),
    DemoClass(HONGHU, PART_TIME, "6-31-01-03", "5", ClassState.IN_PROGRESS, "now", 3, 2,
              study_mode=StudyMode.PART_TIME, hours=EVENINGS, county=PART_TIME_FROM),
]  # fmt: skip
DAYS = 3  # a demo class lasts three days (the one running now five), a session each morning
TOPICS = (
    "安全操作规程与理论基础",
    "基本操作训练",
    "专项技能训练",
    "综合实操训练",
    "考前复习与考核",
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def period(spec: DemoClass, today: date) -> tuple[date, date] | None:
    """The class's dates, inside the current year; None when the year leaves no room (a class
    that has ended, in the first days of January)."""
    first, last = date(today.year, 1, 1), date(today.year, 12, 31)
    if spec.when == "past":
        start = max(first, today - timedelta(days=spec.offset))
        end = start + timedelta(days=DAYS - 1)
        return (start, end) if end < today else None
    if spec.when == "now":  # started `offset` days ago, ends as many days from today
        start = max(first, today - timedelta(days=spec.offset))
        return start, min(last, today + timedelta(days=spec.offset))
    start = min(today + timedelta(days=spec.offset), last - timedelta(days=DAYS - 1))
    return start, start + timedelta(days=DAYS - 1)


def application_days(institution: Institution, start: date) -> tuple[date, date]:
    """The days a demo class is filed (submitted) and approved: the last day its application may
    be submitted (start minus the pack's lead time, 004 §四(三)) and the day after, or today when
    those are still ahead (a class far ahead is filed and reviewed today)."""
    deadline = services.submission_deadline(
        TrainingClass(institution=institution, start_date=start)
    )
    today = timezone.localdate()
    return min(today, deadline), min(today, deadline + timedelta(days=1))


@contextmanager
def on_day(day: date, hour: int = 10):
    """Run the block as if it were `day` at `hour` (the demo replays the year); today runs as
    it is. The clock comes back when the block ends."""
    if day >= timezone.localdate():
        yield
        return
    with time_machine.travel(timezone.make_aware(datetime.combine(day, time(hour)))):
        yield


def categorised_since(person: Person, day: date) -> None:
    """The roster import registered the person's categories today; a class filed earlier needs
    them then: the same categories, registered before (演示), so no one's eligibility changes.
    A graduate's or school leaver's category covers the year they left school (004 §二); it is
    left as it is."""
    later = person.categories.filter(valid_from__gt=day).exclude(
        category__code__in=list(people.YEAR_BOUND)
    )
    for record in later.select_related("category").order_by("valid_from"):
        if person.categories.filter(category=record.category, valid_from__lte=day).exists():
            continue
        people.add_category(
            person, record.category.code, valid_from=day,
            valid_to=record.valid_from - timedelta(days=1), evidence="往年人员类别登记（演示）",
            source="demo",
        )  # fmt: skip


def load() -> dict[str, int]:
    users = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    people = list(Person.objects.filter(source="demo").order_by("id")[FIRST_TRAINEE:])
    today = timezone.localdate()
    created = {"classes": 0, "devices": 0, "attendance events": 0}
    device = _device(users, created)
    cursor = 0
    for spec in CLASSES:
        if spec.county:
            trainees = _free_in(spec.county, spec.trainees, today)
        else:
            trainees = people[cursor : cursor + spec.trainees]
            cursor += spec.trainees
        institution = Institution.objects.filter(organisation__name=spec.institution).first()
        dates = period(spec, today)
        if institution is None or dates is None or len(trainees) < spec.trainees:
            continue
        if TrainingClass.objects.filter(institution=institution, name=spec.name).exists():
            continue
        with transaction.atomic():
            _build(spec, institution, dates, trainees, users, device, created)
        created["classes"] += 1
    return created


def _free_in(county: str, count: int, today: date) -> list[Person]:
    """The first `count` demo people of the county (by id) in no class, without a job, a login,
    a voucher, a teacher's or examiner's role, of a category, aged 20 to 54 this year."""
    return list(
        Person.objects.filter(
            source="demo", organisation__code=county, enrollments__isnull=True,
            employment__isnull=True, user__isnull=True, vouchers__isnull=True,
            teacher__isnull=True, examiner_roles__isnull=True, categories__isnull=False,
            birth_date__gt=date(today.year - 55, 12, 31),
            birth_date__lt=date(today.year - 20, 1, 1),
        )
        .distinct()
        .order_by("id")[:count]
    )  # fmt: skip


def _jobs(institution: Institution, trainees, start: date) -> None:
    """The part-time class's trainees at work since well before it: the first insured at a
    company of the registry (people.demo's employers), the second on the institution's own
    staff (its credit code as the employer's)."""
    name, serial = EMPLOYERS[0]
    since = start - timedelta(days=200)
    people.add_employment(
        trainees[0], employer_uscc=employer_code(serial), employer_name=name, start=since,
        insured_months=6, source="demo",
    )  # fmt: skip
    people.add_employment(
        trainees[1], employer_uscc=institution.organisation.code,
        employer_name=institution.organisation.name, start=since, insured_months=6,
        source="demo",
    )  # fmt: skip


def _usernames() -> set[str]:
    return {*STAFF.values(), *REVIEWER.values()}


def _device(users, created) -> Device | None:
    institution = Institution.objects.filter(organisation__name=HONGHU).first()
    if institution is None:
        return None
    device = Device.objects.filter(institution=institution, name=DEVICE_NAME).first()
    if device is None:
        with audit_context(actor=users[STAFF[HONGHU]]):
            device, _token = services.register_device(institution, DEVICE_NAME)
        created["devices"] += 1
    return device


def _build(spec: DemoClass, institution, dates, trainees, users, device, created) -> None:
    start, end = dates
    staff, reviewer = users[STAFF[spec.institution]], users[REVIEWER[spec.institution]]
    filed, reviewed = application_days(institution, start)
    with audit_context(actor=users["city_reviewer"]):
        for person in trainees:
            categorised_since(person, filed)
        if spec.study_mode == StudyMode.PART_TIME:
            _jobs(institution, trainees, start)
    with on_day(filed):
        training_class = _apply(spec, institution, dates, trainees, staff)
    if spec.state in {ClassState.DRAFT, ClassState.WITHDRAWN, ClassState.SUBMITTED}:
        return
    with audit_context(actor=reviewer), on_day(reviewed):
        if spec.state == ClassState.REJECTED:
            services.reject(training_class, spec.reason)
            return
        services.approve(training_class, "材料齐全，同意开班。")
    if spec.state == ClassState.CANCELLED:
        with audit_context(actor=reviewer):
            services.change_state(training_class, ClassState.CANCELLED, reason=spec.reason)
    if spec.state in {ClassState.APPROVED, ClassState.CANCELLED}:
        return
    with audit_context(actor=staff):
        services.change_state(training_class, ClassState.IN_PROGRESS)
        training_class.refresh_from_db()  # the services change a locked copy
        if spec.state == ClassState.IN_PROGRESS:
            created["attendance events"] += _device_attendance(training_class, device)
            return
        _complete(training_class)
    if spec.state == ClassState.CLOSED:
        with audit_context(actor=reviewer):
            services.change_state(training_class, ClassState.CLOSED)


def _apply(spec: DemoClass, institution, dates, trainees, staff) -> TrainingClass:
    """The opening application: drafted with its timetable, teachers and roster, then (but for
    a draft) submitted, or withdrawn after submitting."""
    start, end = dates
    with audit_context(actor=staff):
        training_class = services.create_class(
            institution, name=spec.name,
            occupation=Occupation.objects.get(code=spec.occupation),
            level=SkillLevel.objects.get(code=spec.level),
            training_type=TrainingType.objects.get(code=spec.training_type),
            fund_channel=FundChannel.objects.get(code="employment_fund"),
            start_date=start, end_date=end, venue=f"{spec.institution}实训楼",
            site_latitude=SITES[spec.institution][0], site_longitude=SITES[spec.institution][1],
            capacity=30, assessment_plan="理论考试（闭卷，60分合格）＋实操考核（现场评分）",
            study_mode=spec.study_mode, commitment_reason=spec.commitment,
            funding_department=Organisation.objects.filter(code=spec.funder).first(),
        )  # fmt: skip
        teachers = [e.teacher for e in institution.engagements.filter(year=start.year)]
        services.set_teachers(training_class, teachers[:2])
        for number in range((end - start).days + 1):
            day = start + timedelta(days=number)
            services.add_session(
                training_class, starts_at=at(day, *spec.hours[0]),
                ends_at=at(day, *spec.hours[1]),
                topic=TOPICS[min(number, len(TOPICS) - 1)],
                teacher=teachers[number % min(2, len(teachers))],
            )  # fmt: skip
        for person in trainees:
            services.enrol(training_class, person)
        if spec.commitment:
            services.attach_commitment(
                training_class, filename="培训承诺书.txt",
                content=COMMITMENT_TEXT.encode(), content_type="text/plain; charset=utf-8",
            )  # fmt: skip
        if spec.state != ClassState.DRAFT:
            services.submit(training_class)
        if spec.state == ClassState.WITHDRAWN:
            services.change_state(training_class, ClassState.WITHDRAWN, reason=spec.reason)
    return training_class


def _device_attendance(training_class: TrainingClass, device: Device | None) -> int:
    """Events from the terminal for the sessions already over: each trainee in and out, the
    session's teacher in, and one check-in two hours before a session opened (kept, flagged
    outside the session's time: that trainee's first session does not count)."""
    if device is None:
        return 0
    now = timezone.now()
    past = list(training_class.sessions.filter(ends_at__lt=now).select_related("teacher__person"))
    enrollments = list(training_class.enrollments.select_related("person"))
    count = 0

    def send(session: Session, person, direction: str, device_time: datetime, tag: str) -> None:
        nonlocal count
        metres = count % 7 * 3  # the terminal's fix wanders a few metres
        where = Position(training_class.site_latitude + metres / 111_195,
                         training_class.site_longitude, accuracy=10)  # fmt: skip
        _event, stored = services.record_attendance(
            session, person, direction, device=device, device_time=device_time,
            event_id=f"demo-{session.pk}-{person.pk}-{tag}", position=where,
        )  # fmt: skip
        count += stored

    for session in past:
        if session.teacher is not None:
            send(session, session.teacher.person, Direction.IN,
                 session.starts_at - timedelta(minutes=15), "teacher-in")  # fmt: skip
        for number, enrollment in enumerate(enrollments):
            person = enrollment.person
            early = number == len(enrollments) - 1 and session == past[0]
            checked_in = session.starts_at - timedelta(hours=2 if early else 0, minutes=10 - number)
            send(session, person, Direction.IN, checked_in, "in")
            send(session, person, Direction.OUT,
                 session.ends_at + timedelta(minutes=3 + number), "out")  # fmt: skip
    return count


# The one reason the demo gives for attendance entered by hand.
HAND_REASON = "考勤机故障，手工补录"


def mark_on_the_day(session: Session, people, reason: str = HAND_REASON) -> None:
    """Hand marks of a session that ran before the demo was loaded, entered as they would have
    been: on the session's day, just after it ended, within the pack's window (the clock is
    moved there, so the marks and their audit entries carry that time)."""
    with time_machine.travel(session.ends_at + timedelta(minutes=30), tick=False):
        for person in people:
            services.mark_by_hand(session, person, reason=reason)


def _complete(training_class: TrainingClass) -> None:
    """Attendance entered by hand for every session (the terminal was out of order) - the last
    trainee came only to the first - every assessment passed, then 结业 decided by the pack."""
    sessions = list(training_class.sessions.all())
    people = [e.person for e in training_class.enrollments.select_related("person")]
    for number, session in enumerate(sessions):
        mark_on_the_day(session, people if number == 0 else people[:-1])
    for enrollment in training_class.enrollments.all():
        services.set_assessment(enrollment, True)
    services.complete(training_class)
