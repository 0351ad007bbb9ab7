"""Demo findings (004 §五(六)): planted cases and the checks run over 商丘 (411400).

Planted, in the class running now: three trainees given one phone number (pattern: fake
trainees), a check-in of each trainee but the last each past session from 3 km away from the
workshop (the terminal's position: check-ins for others, 代打卡), and a trainee recorded as a
full-time student (全日制在校生) by the school-roll comparison (fake trainees: students). Found as
well: the demo's classes, whose attendance the training demo enters by hand (pattern: courses
shortened or skipped), and 鸿鹄's own employee among the trainees of its part-time evening class
(the training demo's; its other trainee, insured at a company, is not flagged: work beside a
part-time class). The findings are then taken through their life so the demo shows each state:
those touching a claim line, or the class waiting for its claim (claims.demo.WAITING, which the
walk-through claims), are cleared (the demo's claims keep moving, as the tests of claims
expect), but for the class whose batch was sent to finance before the finding opened
(claims.demo.STOPPED): that finding is under review, its lines are stopped (止付), and finance
has recorded the first one paid before the stop (the bank had paid it: its day and reference);
the two others wait for the finding. Of the other findings one is confirmed (a mark in 鸿鹄's
credit file), one is under review with an on-site check, one cleared, and the rest open.
"""

from datetime import date, timedelta

from django.utils import timezone

from jineng.claims import payment
from jineng.claims.demo import STOPPED, WAITING
from jineng.claims.models import Payment, PaymentOutcome
from jineng.core.audit import audit_context
from jineng.core.models import Organisation, User
from jineng.core.roles import OrgKind
from jineng.people import services as people
from jineng.supervision import services
from jineng.supervision.models import Finding, FindingState
from jineng.training import services as training
from jineng.training.models import Device, Direction, TrainingClass
from jineng.training.places import Position

REGION = "411400"
HONGHU = "商丘市鸿鹄职业技能培训学校"
RUNNING = "焊工（五级）培训班（第3期）"  # the training demo's class running now, device attendance
SHARED_PHONE = "13703700999"
HAND_ENTRY_CLEARED = "演示：考勤系机构在课次当天据纸质签到表手工录入，核对签到表原件无误。"
BANK_REFERENCE = "HX{day:%Y%m%d}0137"  # the bank's reference of the line paid before the stop


def _running() -> TrainingClass | None:
    return TrainingClass.objects.filter(
        institution__organisation__name=HONGHU, name=RUNNING
    ).first()


def _plant_shared_phone(running: TrainingClass) -> None:
    """Three trainees of the class running now (no claim yet) registered with one phone: the
    registry's record changed as a clerk would (people.services.update_person)."""
    for enrollment in running.enrollments.select_related("person").order_by("id")[:3]:
        people.update_person(enrollment.person, phone=SHARED_PHONE)


def _plant_away_checkins(running: TrainingClass) -> None:
    """A second check-in of each trainee but the last in each past session, through the class's
    terminal, reported 3 km north of the workshop (the roster checked in from elsewhere). The
    last trainee's early, flagged check-in stays the only one of its session: the class page
    shows it for the institution to correct by hand (tests/browser/test_hand_marks.py)."""
    device = Device.objects.filter(institution=running.institution_id, active=True).first()
    if device is None or running.site_latitude is None:
        return
    away = Position(running.site_latitude + 0.027, running.site_longitude, accuracy=20)
    enrollments = list(running.enrollments.select_related("person").order_by("id"))[:-1]
    for session in running.sessions.filter(ends_at__lt=timezone.now()):
        for number, enrollment in enumerate(enrollments):
            training.record_attendance(
                session, enrollment.person, Direction.IN, device=device,
                device_time=session.starts_at + timedelta(minutes=20 + 2 * number),
                event_id=f"demo-away-{session.pk}-{enrollment.person_id}", position=away,
            )  # fmt: skip


def _plant_student(running: TrainingClass) -> None:
    """The last trainee recorded as a full-time student over the class's dates (the bureau's
    comparison with the school roll, 学籍比对)."""
    enrollment = running.enrollments.select_related("person").order_by("-id").first()
    if enrollment is None:
        return
    start = running.start_date
    people.add_category(
        enrollment.person, "full_time_student", valid_from=date(start.year - 1, 9, 1),
        valid_to=date(start.year + 2, 6, 30), evidence="学籍比对：全日制在校（演示）",
        source="教育部门学籍数据",
    )  # fmt: skip


def _review(finding: Finding, reviewer) -> Finding:
    return services.assign(finding, reviewer)


def _paid_before_the_stop(finding: Finding, reviewer, finance, today: date) -> None:
    """The finding on the class whose batch finance had already (claims.demo.STOPPED) is put
    under review; it stops the batch's lines (止付). The bank had paid the first one before the
    stop reached it: finance records it paid before the stop, with the bank's day and
    reference; the others wait for the finding."""
    _review(finding, reviewer)
    stopped = (
        Payment.objects.filter(line__claim__training_class=finding.training_class_id,
                               outcome=PaymentOutcome.PENDING)
        .select_related("batch")
        .order_by("line_id")
        .first()
    )  # fmt: skip
    if stopped is None or finance is None:
        return
    with audit_context(actor=finance):
        payment.record_paid_before_stop(
            stopped.batch, stopped.line_id, paid_on=today,
            bank_reference=BANK_REFERENCE.format(day=today), finding=finding.number,
        )  # fmt: skip


def _decide(findings: list[Finding], reviewer, today: date, finance=None) -> dict[str, int]:
    spare = []
    for finding in findings:
        if finding.check_code != "hand_entered_attendance":
            continue  # the planted ones stay open
        name = finding.training_class.name if finding.training_class is not None else ""
        if name == STOPPED:
            _paid_before_the_stop(finding, reviewer, finance, today)
            continue
        waiting = name == WAITING
        if waiting or services.touched_lines(finding).exists():
            services.clear(_review(finding, reviewer), reason=HAND_ENTRY_CLEARED,
                           evidence="签到表原件、机构情况说明")  # fmt: skip
        else:
            spare.append(finding)
    if spare:
        services.confirm(_review(spare.pop(0), reviewer),
                         reason="现场核查：学员表示第2、3课未开课，考勤系事后补录。")  # fmt: skip
    if spare:
        checked = _review(spare.pop(0), reviewer)
        services.record_onsite_check(
            checked, checked_on=today - timedelta(days=1),
            people_present="市局审核员、机构负责人、学员代表2名", result="inconclusive",
            notes="签到表与课表一致，监控录像缺第3课，待机构补充。",
        )  # fmt: skip
    if spare:
        services.clear(_review(spare.pop(0), reviewer), reason=HAND_ENTRY_CLEARED,
                       evidence="签到表原件")  # fmt: skip
    return {state: Finding.objects.filter(state=state).count() for state in FindingState.values}


def load() -> dict:
    region = Organisation.objects.filter(code=REGION, kind=OrgKind.BUREAU).first()
    if region is None or Finding.objects.filter(region=region).exists():
        return {"skipped": "no region or findings already made"}
    today = timezone.localdate()
    running = _running()
    if running is not None:
        _plant_shared_phone(running)
        _plant_away_checkins(running)
        _plant_student(running)
    run = services.run_checks(region, date(today.year - 1, 1, 1), today)
    reviewer = User.objects.filter(username="city_reviewer").first()
    finance = User.objects.filter(username="finance").first()
    findings = list(Finding.objects.filter(run=run).order_by("id"))
    states = _decide(findings, reviewer, today, finance) if reviewer else {}
    new = {code: count["new"] for code, count in run.counts.items() if count.get("new")}
    return {"findings": new, "states": states}
