"""Demo evaluations (评价) of the demo's completed classes (jineng.training.demo):

- 永城市技工学校's 焊工（四级）企业职工培训班: booked with 商丘市职业技能等级认定评价中心 within the
  deadline (004 §四(四): within 7 days of the end of training), accepted, each trainee's
  free-evaluation agreement (免费技能评价协议书, 004 §四(五)) signed the day before the evaluation
  and recorded (the first with its scanned copy), results recorded - two passes, each issuing a
  职业技能等级证书, and one fail - and done;
- 鸿鹄's closed 电工（五级）培训班（第1期）: booked after the deadline with the institution's
  reason, waiting for the bureau's exception; it is on the overdue queue (the city reviewer may
  grant it).

The welding class is at 四级, so each of its trainees may take that level (002 §四(二)1 and the
pack's ladder, evaluation.services.entry_readiness): the first two hold a 焊工 五级 职业资格证书 of
2018, recorded as obtained elsewhere; the others graduated from 永城市技工学校 (焊接技术应用), an
education record the city's bureau keeps (技工学校 → 中级工 in the Shangqiu pack, assumed).

The centre files 电工 五级 here (institutions.services.file_occupation) so that it may evaluate
that class. Everything goes through the services as the demo users: the institution's staff (the
administrator stands in for 永城市技工学校, which has no demo login), the centre's evaluator.
A class that already has a booking is left as it is: a second load creates nothing.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from jineng.catalog import services as catalog
from jineng.certificates import services as certificates
from jineng.certificates.models import CertificateKind
from jineng.core.audit import audit_context
from jineng.core.models import User
from jineng.institutions import services as institutions
from jineng.institutions.models import EvaluationOrg, ExaminerRole
from jineng.people import services as people
from jineng.people.models import SchoolKind
from jineng.training.models import TrainingClass

from . import agreements, services
from .models import BookingState

CENTRE = "商丘市职业技能等级认定评价中心"
EVALUATOR = "evaluator"  # staff of the centre
ADMIN = "admin"  # files the centre's occupation; stands in for an institution without a login
REVIEWER = "city_reviewer"  # records the trainees' education (学历)
LATE_REASON = "本期学员多为外出务工人员，结业后返岗，需集中返乡后统一组织评价。"
SIGNATORY = "评价中心经办人（演示）"  # signs the free-evaluation agreements for the centre
FONT = "STSong-Light"
# (theory, practical, passed) of the trainees who completed the welding class, in roster order.
WELDING_RESULTS = [
    (Decimal("86.5"), Decimal("91"), True),
    (Decimal("78"), Decimal("84.5"), True),
    (Decimal("52"), Decimal("58"), False),
]


@dataclass(frozen=True)
class DemoBooking:
    institution: str
    class_name: str
    staff: str  # the user who books for the institution
    outcome: str  # "done" (accepted, results, finished) or "late" (waiting for an exception)


BOOKINGS = [
    DemoBooking("永城市技工学校", "焊工（四级）企业职工培训班", ADMIN, "done"),
    DemoBooking("商丘市鸿鹄职业技能培训学校", "电工（五级）培训班（第1期）", "institution", "late"),
]


def load() -> dict[str, int]:
    usernames = [EVALUATOR, ADMIN, REVIEWER, *(spec.staff for spec in BOOKINGS)]
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    centre = (
        EvaluationOrg.objects.select_related("organisation")
        .filter(organisation__name=CENTRE)
        .first()
    )
    created = {"filings": 0, "bookings": 0, "agreements": 0, "results": 0, "certificates": 0}
    if centre is None or len(users) < len(set(usernames)):
        return created
    today = timezone.localdate()
    for spec in BOOKINGS:
        training_class = (
            TrainingClass.objects.select_related("occupation", "level")
            .filter(institution__organisation__name=spec.institution, name=spec.class_name)
            .first()
        )
        if training_class is None or training_class.evaluation_bookings.exists():
            continue
        with transaction.atomic():
            created["filings"] += _file(centre, training_class, users[ADMIN])
            if spec.outcome == "done":
                _done(spec, training_class, centre, users, created)
            else:
                _late(spec, training_class, centre, users, today)
            created["bookings"] += 1
    return created


def _file(centre: EvaluationOrg, training_class: TrainingClass, admin) -> int:
    """The centre files the class's occupation and level if it has not (电工 五级)."""
    filed = centre.filings.filter(
        occupation=training_class.occupation_id, level=training_class.level_id
    )
    if filed.exists():
        return 0
    with audit_context(actor=admin):
        institutions.file_occupation(
            centre,
            catalog.occupation_by_code(training_class.occupation.code),
            catalog.level_by_code(training_class.level.code),
        )
    return 1


# What lets each trainee of the welding 四级 class take 四级: (certificate number) or a school.
CERTIFICATE_NUMBERS = ("1841140003000211", "1841140003000212")
CERTIFICATE_ISSUER = "河南省职业技能鉴定指导中心"
SCHOOL = ("永城市技工学校", "焊接技术应用")


def _entitle(training_class: TrainingClass, users) -> None:
    """The evidence that lets each trainee to evaluate take the class's level (四级): a 五级
    certificate of the occupation obtained elsewhere, or a 技工学校 graduation (002 §四(二)1)."""
    trainees = services.completed_trainees(training_class).select_related("person").order_by("id")
    five = catalog.level_by_code("5")
    for number, enrollment in enumerate(trainees):
        person = enrollment.person
        if number < len(CERTIFICATE_NUMBERS):
            with audit_context(actor=users[ADMIN]):
                certificates.record_external(
                    person, kind=CertificateKind.QUALIFICATION, number=CERTIFICATE_NUMBERS[number],
                    occupation=training_class.occupation, level=five,
                    issued_on=date(2018, 11, 20), issuer_name=CERTIFICATE_ISSUER,
                )  # fmt: skip
            continue
        school, major = SCHOOL
        graduated = date(training_class.end_date.year - 2, 6, 30)
        diploma = f"技工学校毕业证书 编号YC{graduated.year}0{number}"
        with audit_context(actor=users[REVIEWER]):
            people.add_education(
                person, school_kind=SchoolKind.TECHNICAL_SCHOOL, school=school, major=major,
                graduated_on=graduated, evidence=diploma, source="demo",
            )  # fmt: skip


def _done(spec: DemoBooking, training_class, centre, users, created) -> None:
    """Booked on the fifth day after the end (within the deadline), accepted, results, done."""
    _entitle(training_class, users)
    planned = training_class.end_date + timedelta(days=5)
    with audit_context(actor=users[spec.staff]):
        booking = services.book(training_class, centre, planned)
    examiners = list(centre.examiners.filter(role=ExaminerRole.EXAMINER))
    supervisor = centre.examiners.filter(role=ExaminerRole.SUPERVISOR).first()
    with audit_context(actor=users[EVALUATOR]):
        services.accept(booking)
        trainees = services.completed_trainees(training_class).order_by("id")
        for number, enrollment in enumerate(trainees.select_related("person")):
            scan = agreements.Scan("免费技能评价协议书-演示.pdf", _scan(enrollment.person.name))
            agreements.record_agreement(
                booking, enrollment, signed_on=planned - timedelta(days=1),
                signatory=SIGNATORY, scan=scan if number == 0 else None,
            )  # fmt: skip
            created["agreements"] += 1
        for enrollment, (theory, practical, passed) in zip(trainees, WELDING_RESULTS, strict=False):
            result = services.record_result(
                booking,
                enrollment,
                theory=theory,
                practical=practical,
                passed=passed,
                examiners=examiners,
                supervisor=supervisor,
            )
            created["results"] += 1
            created["certificates"] += result.certificate_id is not None
        booking.refresh_from_db()
        if (
            booking.state == BookingState.ACCEPTED
            and not services.completed_trainees(training_class)
            .exclude(pk__in=booking.results.values("enrollment"))
            .exists()
        ):
            services.finish(booking)


def _late(spec: DemoBooking, training_class, centre, users, today: date) -> None:
    """Booked for a date after the deadline, with the reason: waiting for the bureau."""
    planned = min(today + timedelta(days=3), date(today.year, 12, 31))
    planned = max(planned, training_class.end_date + timedelta(days=1))
    with audit_context(actor=users[spec.staff]):
        services.book(training_class, centre, planned, late_reason=LATE_REASON)


def _scan(name: str) -> bytes:
    """A one-page PDF standing in for the scanned, signed agreement (演示)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont(FONT, 20)
    page.drawCentredString(A4[0] / 2, A4[1] - 120, "免费技能评价协议书")
    page.setFont(FONT, 12)
    lines = [
        f"甲方（考核评价机构）：{CENTRE}",
        f"乙方（补贴申请人）：{name}",
        "甲方为乙方免费开展职业技能等级认定，乙方同意由甲方申领职业技能评价补贴。",
        "（演示文件，非真实协议）",
    ]
    for row, text in enumerate(lines):
        page.drawString(72, A4[1] - 180 - row * 24, text)
    page.showPage()
    page.save()
    return buffer.getvalue()
