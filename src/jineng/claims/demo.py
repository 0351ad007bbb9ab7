"""Demo subsidy claims (补贴申领, 004 §四(五); 002 §四(二)1, §四(三)1): a claim in every state.

鸿鹄 (the demo `institution`) ran eight welding and electrician classes of its own over the last
weeks, in the afternoons (the other demos' sessions are in the mornings), with trainees of 睢阳区
and 柘城县 of the groups the pack's rates are for (农村转移就业劳动者, 城镇登记失业人员, ...).
Each trainee's outcome gives the rate (004 §四(五), assumed for Shangqiu by pack v4): insured
employment within 3 months (100%), a skill level certificate from the evaluation centre (80%), or
nothing (no subsidy, the line kept at 0 with its reasons).

- withdrawn, then drafted again: the first claim of class 1 was withdrawn, a new draft waits;
- rejected, then submitted again: class 2's first claim was rejected as a whole, the second
  waits for review;
- reviewed: class 3, one line approved, one rejected by the reviewer with the reason;
- in public notice: class 4, published today, with an objection lodged from the public page;
- payable: class 5, its notice over;
- paid: class 6, paid in batch BF… (exported, every line paid, closed); one of its lines is to
  be recovered (追回): fraud was confirmed;
- closed: class 7, one trainee earned nothing (the line kept at 0 with its reasons) and the
  other's sign-in photo was not theirs, so the review rejected that line and approved nothing
  (a claim of nothing but 0 lines is not submitted at all);
- class 8 has completed and waits for its claim (鸿鹄's "new claim" page offers it);
- sent to finance: class 9's three lines, payable, in a batch of their own exported to finance
  today, no outcome recorded yet (the supervision demo then opens a finding on the class, which
  stops the lines: one was paid by the bank before the stop, the two others wait);
- an evaluation claim of the centre for 永城市技工学校's welding class (the evaluation demo's
  results), under its free-evaluation agreement, submitted;
- an employment claim (SME hiring, 002 §四(三)1) the city's bureau took in for a machinery
  company, a draft: one hire granted 1000 yuan, one refused (no certificate before the hire);
- the demo worker's own class (the `worker` login, of 梁园区): an electrician's class a month
  ago, attended, completed, booked with the evaluation centre, passed (the certificate issued
  by the result), claimed, approved and in public notice since today, so every page of the
  worker's portal has something to show, and the objection button is theirs to try.

Everything goes through the services as the demo users (鸿鹄's staff, the centre's evaluator, the
city's reviewer; the objection by an anonymous visitor), so every amount has its decision. The
demo has no past: a notice that is over was published N working days ago, which the service
allows from the day of the review, so the review of those two claims is dated back first (an
audited update of the claim's review time and its history), then the notice is published from
that day and ended today by the service. A class that exists (by institution and name), an
agreement, booking or payee already claimed, is left as it is: a second load creates nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.certificates import services as certificates
from jineng.claims import agreements, employment, notice, payment, recovery, review, services
from jineng.claims.models import (
    Claim,
    ClaimKind,
    ClaimState,
    EvaluationAgreement,
    LineState,
    RecoveryCause,
)
from jineng.core import writes
from jineng.core.audit import audit_context, system_context
from jineng.core.models import Organisation, User
from jineng.evaluation import services as evaluation
from jineng.evaluation.models import BookingState, EvaluationBooking
from jineng.institutions.demo import HIRING, SME
from jineng.institutions.models import EvaluationOrg, ExaminerRole, Institution
from jineng.people import services as people
from jineng.people.models import Person
from jineng.training import services as training
from jineng.training.demo import application_days, mark_on_the_day, on_day
from jineng.training.models import TrainingClass

HONGHU = "商丘市鸿鹄职业技能培训学校"
CENTRE = "商丘市职业技能等级认定评价中心"
CITY = "411400"
TRAINEES_FROM = ("411403", "411424")  # 睢阳区, 柘城县: demo people no other demo trains
# Their people are all taken by the classes before class 9, whose trainees come from 永城市 (no
# other demo trains its people either), after them in turn.
MORE_TRAINEES_FROM = ("411481",)
SKIP_FREE = 2  # the first free people of 睢阳区 are left to the certificates demo
# The groups Shangqiu's pack (v4, assumed from 004 §四(五)) gives outcome rates to, but
# 毕业年度高校毕业生 and 应届初高中毕业生 (whose categories last only the year they left school).
RATE_CATEGORIES = ("rural_migrant", "registered_unemployed", "poverty_monitoring")
WELDER, ELECTRICIAN = "6-18-02-04", "6-31-01-03"
EMPLOYED, CERTIFIED, NOTHING = "employed", "certificate", "none"
DAYS = 3  # a demo class lasts three days, a session each afternoon
# The employer that hires the demo trainees after training (100% rate), and the SME of the
# employment claim: 睢阳区 companies of the enterprise registry's demo (演示).
AGREEMENT = "SQPJXY-{year}-001"
WAITING = "电工（五级）补贴申领演示班（第3期）"  # completed, waiting for its claim
STOPPED = "电工（五级）补贴申领演示班（第4期）"  # its claim's batch sent to finance, then stopped
SENT = "sent to finance"  # a payable claim whose lines are in a batch exported to finance
WITHDRAW_REASON = "学员名单有误，核对花名册后重新申报。"
REJECT_REASON = "申报材料不全：缺少学员签到表原件扫描件，请补齐后重新申报。"
LINE_REJECT_REASON = "该学员签到照片与本人不符，经核实非本人参训，不予补贴。"
OBJECTION = "该学员培训期间在外地务工，并未实际参加培训，请核查。"
FRAUD_REASON = "经核查，该学员由他人代为签到参训（代打卡），骗取培训补贴，予以追回。"


@dataclass(frozen=True)
class DemoClass:
    name: str
    occupation: str
    level: str
    offset: int  # the class began this many days ago
    outcomes: tuple[str, ...]  # of each trainee, in roster order
    claims: tuple[str, ...]  # what became of each claim of the class, in turn
    training_type: str = "employment_skills"  # 就业技能培训, for people out of work


CLASSES = [
    DemoClass("焊工（五级）补贴申领演示班（第1期）", WELDER, "5", 75,
              (CERTIFIED, EMPLOYED, NOTHING), (ClaimState.WITHDRAWN, ClaimState.DRAFT)),
    DemoClass("电工（五级）补贴申领演示班（第1期）", ELECTRICIAN, "5", 70,
              (EMPLOYED, CERTIFIED), (ClaimState.REJECTED, ClaimState.SUBMITTED)),
    DemoClass("焊工（四级）补贴申领演示班（第1期）", WELDER, "4", 65,
              (CERTIFIED, EMPLOYED), (ClaimState.REVIEWED,)),
    DemoClass("焊工（五级）补贴申领演示班（第2期）", WELDER, "5", 60,
              (EMPLOYED, CERTIFIED), (ClaimState.IN_NOTICE,)),
    DemoClass("电工（五级）补贴申领演示班（第2期）", ELECTRICIAN, "5", 55,
              (EMPLOYED, EMPLOYED), (ClaimState.PAYABLE,)),
    DemoClass("焊工（五级）补贴申领演示班（第3期）", WELDER, "5", 50,
              (CERTIFIED, EMPLOYED, EMPLOYED), (ClaimState.PAID,)),
    DemoClass("焊工（四级）补贴申领演示班（第2期）", WELDER, "4", 45,
              (CERTIFIED, NOTHING), (ClaimState.CLOSED,)),
    DemoClass(WAITING, ELECTRICIAN, "5", 40, (EMPLOYED, CERTIFIED), ()),
    DemoClass(STOPPED, ELECTRICIAN, "5", 36, (EMPLOYED, CERTIFIED, EMPLOYED), (SENT,)),
]  # fmt: skip
# The demo worker's class: not welding, which the browser's voucher loop trains them in (the
# same training twice is refused), and of an occupation 鸿鹄 is designated for; 岗位技能提升培训,
# as the worker is insured in a job (an employment skills class would be a finding, 004 §二).
WORKER_CLASS = DemoClass("电工（五级）岗位技能提升演示班", ELECTRICIAN, "5", 33, (CERTIFIED,),
                         (ClaimState.IN_NOTICE,), training_type="job_skills_upgrade")  # fmt: skip


def load() -> dict:
    users = {user.username: user for user in User.objects.all()}
    today = timezone.localdate()
    report: dict = {"classes": 0, "claims": 0, "skipped": []}
    institution = Institution.objects.filter(organisation__name=HONGHU).first()
    if institution is None or not {"institution", "evaluator", "city_reviewer"} <= set(users):
        report["skipped"].append("the demo institution or users are missing")
        return report
    free = _free_people()
    for spec in CLASSES:
        if TrainingClass.objects.filter(institution=institution, name=spec.name).exists():
            continue
        trainees, free = free[: len(spec.outcomes)], free[len(spec.outcomes) :]
        _demo_class(spec, institution, trainees, users, today, report)
    report["claims"] += _evaluation_claim(users, report)
    report["claims"] += _employment_claim(users, today, report)
    _worker_class(institution, users, today, report)
    if not report["skipped"]:
        del report["skipped"]
    return report


def _free_people() -> list[Person]:
    """Demo people of 睢阳区 and 柘城县, then of 永城市, in no class, holding no voucher, neither
    teachers nor examiners, without a login, who are of a category the pack's rates apply to
    (004 §四(五)): training them changes no one's eligibility for anything else."""
    free = Person.objects.filter(
        source="demo", user__isnull=True, enrollments__isnull=True, teacher__isnull=True,
        examiner_roles__isnull=True,
    )  # fmt: skip
    spared = free.filter(organisation__code=TRAINEES_FROM[0]).order_by("id")[:SKIP_FREE]
    found = []
    for counties in (TRAINEES_FROM, MORE_TRAINEES_FROM):
        found += list(
            free.filter(
                organisation__code__in=counties, vouchers__isnull=True,
                categories__category__code__in=RATE_CATEGORIES,
            )
            .exclude(pk__in=[person.pk for person in spared])
            .distinct()
            .order_by("organisation__code", "id")
        )  # fmt: skip
    return found


def _free_hires() -> list[Person]:
    """Demo people of 睢阳区 and 柘城县 the demos before left untouched (no class, voucher,
    certificate or employment record, no login, neither teachers nor examiners), for the SME's
    hires: hiring needs no person category, so the classes' free people are not needed."""
    return list(
        Person.objects.filter(
            source="demo", organisation__code__in=TRAINEES_FROM, user__isnull=True,
            enrollments__isnull=True, teacher__isnull=True, examiner_roles__isnull=True,
            vouchers__isnull=True, certificates__isnull=True, employment__isnull=True,
        )
        .distinct()
        .order_by("-id")
    )  # fmt: skip


def _code(body: str) -> str:
    """A 统一社会信用代码 with its check character (GB 32100)."""
    return body + uscc.calc_check_digit(body)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _period(spec: DemoClass, today: date) -> tuple[date, date] | None:
    """The class's dates: inside the current year (its institution's designation), ended at
    least ten days ago (room for the trainees' employment and certificates); None when the
    year is too young for it."""
    start = today - timedelta(days=spec.offset)
    end = start + timedelta(days=DAYS - 1)
    if start.year != today.year or end + timedelta(days=10) >= today:
        return None
    return start, end


# --- the classes ------------------------------------------------------------------------------


def _demo_class(spec: DemoClass, institution, trainees, users, today: date, report) -> None:
    dates = _period(spec, today)
    if dates is None or len(trainees) < len(spec.outcomes):
        report["skipped"].append(f"{spec.name}: no room this year or no free demo people")
        return
    try:
        with transaction.atomic():
            training_class = _completed_class(spec, institution, dates, trainees, users)
            _outcomes(spec, training_class, trainees, users)
            report["claims"] += _claims(spec, training_class, users, today)
    except ValidationError as problem:  # e.g. no certificate signing key configured
        report["skipped"].append(f"{spec.name}: " + "; ".join(problem.messages))
        return
    report["classes"] += 1


def _completed_class(spec: DemoClass, institution, dates, trainees, users) -> TrainingClass:
    """Opened, approved, run with full attendance and passed assessments, completed (结业)."""
    start, end = dates
    staff, reviewer = users["institution"], users["city_reviewer"]
    with audit_context(actor=reviewer):
        for person in trainees:
            _categorised_since(person, start - timedelta(days=60))
    # Opened, submitted and approved before it began (004 §四(三)): on those days.
    filed, reviewed = application_days(institution, start)
    with audit_context(actor=staff), on_day(filed):
        training_class = training.create_class(
            institution, name=spec.name, occupation=Occupation.objects.get(code=spec.occupation),
            level=SkillLevel.objects.get(code=spec.level),
            training_type=TrainingType.objects.get(code=spec.training_type),
            fund_channel=FundChannel.objects.get(code="employment_fund"),
            start_date=start, end_date=end, venue=f"{HONGHU}实训楼302", capacity=30,
            assessment_plan="理论考试（闭卷，60分合格）＋实操考核（现场评分）",
        )  # fmt: skip
        teachers = [e.teacher for e in institution.engagements.filter(year=start.year)][:2]
        training.set_teachers(training_class, teachers)
        for number in range(DAYS):
            day = start + timedelta(days=number)
            training.add_session(
                training_class, starts_at=_at(day, 14), ends_at=_at(day, 17),
                topic=f"实操训练第{number + 1}课", teacher=teachers[number % len(teachers)],
            )  # fmt: skip
        for person in trainees:
            training.enrol(training_class, person)
        training.submit(training_class)
    with audit_context(actor=reviewer), on_day(reviewed):
        training.approve(training_class, "材料齐全，同意开班。")
    return run_to_completion(training_class, trainees, users)


def run_to_completion(training_class: TrainingClass, trainees, users) -> TrainingClass:
    """An approved class whose days have passed: started, every session attended by the
    trainees (marked by hand on its day), every assessment passed, completed (结业)."""
    with audit_context(actor=users["institution"]):
        training.change_state(training_class, "in_progress")
        training_class.refresh_from_db()  # the services change a locked copy
        for session in training_class.sessions.all():
            mark_on_the_day(session, trainees)
        for enrollment in training_class.enrollments.select_related("training_class"):
            training.set_assessment(enrollment, True)
        training.complete(training_class)
    training_class.refresh_from_db()
    return training_class


def _categorised_since(person: Person, day: date) -> None:
    """The roster import registered the person's category today; a class that ran earlier needs
    it then: the same category, registered before (演示), so no one's eligibility changes."""
    current = (
        person.categories.filter(category__code__in=RATE_CATEGORIES)
        .select_related("category")
        .order_by("valid_from")
        .first()
    )
    if current.valid_from <= day:
        return
    people.add_category(
        person, current.category.code, valid_from=day,
        valid_to=current.valid_from - timedelta(days=1), evidence="往年人员类别登记（演示）",
        source="demo",
    )  # fmt: skip


def _outcomes(spec: DemoClass, training_class: TrainingClass, trainees, users) -> None:
    """After the class: hired with social insurance a week later, or certified three days
    later by the evaluation centre, or neither."""
    centre = EvaluationOrg.objects.get(organisation__name=CENTRE)
    end = training_class.end_date
    for person, outcome in zip(trainees, spec.outcomes, strict=True):
        if outcome == EMPLOYED:
            with audit_context(actor=users["city_reviewer"]):
                people.add_employment(
                    person, employer_uscc=_code(HIRING[1]), employer_name=HIRING[0],
                    start=end + timedelta(days=7), insured_months=1, source="demo",
                )  # fmt: skip
        elif outcome == CERTIFIED:
            with audit_context(actor=users["evaluator"]):
                certificates.issue(
                    person, kind="skill_level", occupation=training_class.occupation,
                    level=training_class.level, evaluation_org=centre,
                    issued_on=end + timedelta(days=3), training_class=training_class,
                )  # fmt: skip


# --- the claims -------------------------------------------------------------------------------


def _claims(spec: DemoClass, training_class: TrainingClass, users, today: date) -> int:
    for state in spec.claims:
        with audit_context(actor=users["institution"]):
            claim = services.create_training_claim(training_class)
        STEPS[state](claim, users, today)
    return len(spec.claims)


def _as(user, action, *args, **kwargs):
    """Run a service as a demo user, or (None) as the public does: the system's public page."""
    context = audit_context(actor=user) if user else system_context("public:objection")
    with context:
        return action(*args, **kwargs)


def _submitted(claim: Claim, users, today: date) -> Claim:
    return _as(users["institution"], services.submit, claim)


def _withdrawn(claim: Claim, users, today: date) -> None:
    _as(users["institution"], services.withdraw, claim, WITHDRAW_REASON)


def _rejected(claim: Claim, users, today: date) -> None:
    _submitted(claim, users, today)
    _as(users["city_reviewer"], review.reject_claim, claim, REJECT_REASON)


def _reviewed(claim: Claim, users, today: date) -> None:
    """The first line approved, the last rejected by the reviewer (a reason of its own)."""
    _submitted(claim, users, today)
    lines = list(claim.lines.order_by("id"))
    with audit_context(actor=users["city_reviewer"]):
        review.approve_lines(claim, lines[:-1], "材料齐全。")
        review.reject_lines(claim, lines[-1:], LINE_REJECT_REASON)
        review.finish_review(claim)


def _approved(claim: Claim, users, today: date) -> None:
    """Submitted, every line the rules granted approved (the others rejected with the rules'
    reasons): reviewed."""
    _submitted(claim, users, today)
    _as(users["city_reviewer"], review.approve_claim, claim, "材料齐全，经审核符合补贴条件。")


def _closed(claim: Claim, users, today: date) -> None:
    """Submitted; the reviewer rejects every line (the granted one for its sign-in photo) and
    finishes: nothing approved, the claim is closed."""
    _submitted(claim, users, today)
    with audit_context(actor=users["city_reviewer"]):
        review.reject_lines(claim, list(claim.lines.order_by("id")), LINE_REJECT_REASON)
        review.finish_review(claim)


def _in_notice(claim: Claim, users, today: date) -> None:
    """Published today; someone objects from the public page (no login)."""
    _approved(claim, users, today)
    published = _as(users["city_reviewer"], notice.publish_notice, claim)
    line = claim.lines.filter(state=LineState.APPROVED).order_by("id").first()
    _as(None, notice.lodge_objection, published, text=OBJECTION, contact_name="王先生",
        phone="13903700001", line=line)  # fmt: skip


def _payable(claim: Claim, users, today: date) -> None:
    _approved(claim, users, today)
    with audit_context(actor=users["city_reviewer"]):
        _noticed_in_the_past(claim, today)


def _noticed_in_the_past(claim: Claim, today: date) -> None:
    """A notice that is over: the review dated back to its first day, the notice published
    from that day (N working days, the pack's), then ended today."""
    _version, pack = notice.notice_pack(claim)
    starts = today - timedelta(days=12)
    while notice.notice_end(pack, starts) >= today:  # a long holiday in between
        starts -= timedelta(days=1)
    reviewed_at = _at(starts, 10)
    claim.refresh_from_db()
    writes.update(claim, reviewed_at=reviewed_at, submitted_at=reviewed_at - timedelta(days=2),
                  message="demo: dated back")  # fmt: skip
    for change in claim.changes.filter(to_state__in=[ClaimState.SUBMITTED, ClaimState.REVIEWED]):
        when = claim.submitted_at if change.to_state == ClaimState.SUBMITTED else reviewed_at
        writes.update(change, at=when, message="demo: dated back", validate=False)
    notice.publish_notice(claim, starts_on=starts)
    notice.end_notice(claim)


def _paid(claim: Claim, users, today: date) -> None:
    """Payable, then paid in a batch of its own (exported for finance, every line paid, the
    batch closed); fraud confirmed on one line afterwards: its amount is to be recovered."""
    _payable(claim, users, today)
    lines = list(claim.lines.filter(state=LineState.APPROVED).order_by("id"))
    with audit_context(actor=users["city_reviewer"]):
        batch = payment.create_batch(claim.bureau, claim.fund_channel, lines)
        payment.export_batch(batch, "xlsx")
        payment.record_outcomes(batch, {line.pk: (True, "") for line in lines})
        payment.close_batch(batch)
        recovery.open_recovery(lines[-1], cause=RecoveryCause.FRAUD, reason=FRAUD_REASON)


def _sent(claim: Claim, users, today: date) -> None:
    """Payable, then put in a batch of its own that the bureau sends to finance (exported):
    finance has recorded no outcome yet."""
    _payable(claim, users, today)
    lines = list(claim.lines.filter(state=LineState.APPROVED).order_by("id"))
    with audit_context(actor=users["city_reviewer"]):
        batch = payment.create_batch(claim.bureau, claim.fund_channel, lines)
        payment.export_batch(batch, "xlsx")


STEPS = {
    ClaimState.DRAFT: lambda claim, users, today: None,
    ClaimState.WITHDRAWN: _withdrawn,
    ClaimState.SUBMITTED: _submitted,
    ClaimState.REJECTED: _rejected,
    ClaimState.REVIEWED: _reviewed,
    ClaimState.IN_NOTICE: _in_notice,
    ClaimState.PAYABLE: _payable,
    ClaimState.PAID: _paid,
    ClaimState.CLOSED: _closed,
    SENT: _sent,
}


# --- the demo worker's class -------------------------------------------------------------------


def _worker_class(institution, users, today: date, report) -> None:
    """The demo worker's class: run, evaluated (the certificate issued by the result), its
    claim approved and published today."""
    spec = WORKER_CLASS
    worker = Person.objects.filter(user__username="worker").first()
    exists = TrainingClass.objects.filter(institution=institution, name=spec.name).exists()
    if worker is None or exists:
        return
    dates = _period(spec, today)
    if dates is None:
        report["skipped"].append(f"{spec.name}: no room this year")
        return
    try:
        with transaction.atomic():
            training_class = _completed_class(spec, institution, dates, [worker], users)
            evaluated(training_class, users, training_class.end_date + timedelta(days=3))
            claimed_into_notice(training_class, users)
    except ValidationError as problem:
        report["skipped"].append(f"{spec.name}: " + "; ".join(problem.messages))
        return
    report["classes"] += 1
    report["claims"] += 1


def evaluated(training_class: TrainingClass, users, planned: date) -> None:
    """A completed class booked with the evaluation centre the day after it ended for
    `planned`, accepted, every trainee passed on that day (the certificate issued then), done."""
    centre = EvaluationOrg.objects.get(organisation__name=CENTRE)
    booked = training_class.end_date + timedelta(days=1)
    with audit_context(actor=users["institution"]), on_day(booked):
        booking = evaluation.book(training_class, centre, planned)
    examiners = list(centre.examiners.filter(role=ExaminerRole.EXAMINER))
    supervisor = centre.examiners.filter(role=ExaminerRole.SUPERVISOR).first()
    with audit_context(actor=users["evaluator"]), on_day(planned):
        evaluation.accept(booking)
        for enrollment in evaluation.completed_trainees(training_class).order_by("id"):
            evaluation.record_result(
                booking, enrollment, theory=88, practical=82, passed=True, examiners=examiners,
                supervisor=supervisor,
            )  # fmt: skip
        evaluation.finish(booking)


def claimed_into_notice(training_class: TrainingClass, users) -> Claim:
    """The institution claims the subsidy of a completed class; the city's reviewer approves
    every line the rules granted and publishes the notice today (公示, 004 §四(五))."""
    with audit_context(actor=users["institution"]):
        claim = services.create_training_claim(training_class)
    _approved(claim, users, timezone.localdate())
    _as(users["city_reviewer"], notice.publish_notice, claim)
    return claim


# --- the evaluation claim and the employment claim ----------------------------------------------


def _evaluation_claim(users, report) -> int:
    """The centre's claim for the welding class it evaluated (the evaluation demo), under its
    free-evaluation agreement with the city's bureau for the year: submitted."""
    booking = (
        EvaluationBooking.objects.filter(
            state=BookingState.DONE, evaluation_org__organisation__name=CENTRE
        )
        .select_related("evaluation_org")
        .order_by("id")
        .first()
    )
    if booking is None or booking.claims.exists():
        return 0
    agreement = _agreement(booking.evaluation_org, booking.planned_date.year, users)
    try:
        with transaction.atomic(), audit_context(actor=users["evaluator"]):
            claim = services.create_evaluation_claim(booking, agreement)
            services.submit(claim)
    except ValidationError as problem:
        report["skipped"].append("evaluation claim: " + "; ".join(problem.messages))
        return 0
    return 1


def _agreement(centre: EvaluationOrg, year: int, users) -> EvaluationAgreement:
    number = AGREEMENT.format(year=year)
    found = EvaluationAgreement.objects.filter(number=number).first()
    if found is not None:
        return found
    with audit_context(actor=users["city_reviewer"]):
        return agreements.record_agreement(
            centre, bureau=Organisation.objects.get(code=CITY), number=number,
            signed_on=date(year, 1, 5), valid_from=date(year, 1, 1), valid_to=date(year, 12, 31),
            note="免费技能评价协议：对符合条件的劳动者免费开展职业技能等级认定（演示）",
        )  # fmt: skip


def _employment_claim(users, today: date, report) -> int:
    """An SME hiring claim (002 §四(三)1) taken in by the city's bureau, a draft: a certificate
    holder hired 14 months ago with social insurance since (1000 yuan), and a person hired then
    without a certificate (refused, with the reason). The SME is a small enterprise of the
    registry belonging to the city's bureau (the institutions demo), the claim is for the year
    of the hires (年度内)."""
    payee = _code(SME[1])
    if Claim.objects.filter(payee_uscc=payee).exists():
        return 0
    hires = _free_hires()[:2]
    if len(hires) < 2:
        report["skipped"].append("employment claim: no free demo people")
        return 0
    hired_on = today - timedelta(days=430)
    try:
        with transaction.atomic(), audit_context(actor=users["city_reviewer"]):
            _hire(hires, payee, hired_on)
            employment.create_employment_claim(
                ClaimKind.EMPLOYMENT_SME, bureau=Organisation.objects.get(code=CITY),
                payee_name=SME[0], payee_uscc=payee,
                hires=[(person, hired_on) for person in hires],
                fund_channel=FundChannel.objects.get(code="employment_fund"),
                claim_year=hired_on.year,
            )  # fmt: skip
    except ValidationError as problem:
        report["skipped"].append("employment claim: " + "; ".join(problem.messages))
        return 0
    return 1


def _hire(hires: list[Person], payee: str, hired_on: date) -> None:
    """Both insured at the SME from the day they were hired; the first held a certificate
    obtained elsewhere before (recorded, not issued here)."""
    holder = hires[0]
    certificates.record_external(
        holder, kind="skill_level", number=f"S000041140300{holder.pk:05d}",
        occupation=Occupation.objects.get(code=WELDER), level=SkillLevel.objects.get(code="5"),
        issued_on=hired_on - timedelta(days=90), issuer_name="河南省焊接技能等级认定中心（演示）",
    )  # fmt: skip
    for person in hires:
        people.add_employment(
            person, employer_uscc=payee, employer_name=SME[0], start=hired_on,
            insured_months=14, source="demo",
        )  # fmt: skip
