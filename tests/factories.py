"""Factories (factory_boy) that build rows through the services, as the system.

A test asks for what it needs (`PersonFactory(bureau="411481", categories=["rural_migrant"])`)
instead of picking demo rows by position, so a change of the demo breaks no unrelated test.
Each factory draws its unique values (ID numbers, usernames, credit codes) from a sequence that
the demo never uses: demo people are born 1966-2005, factory people from 2006 on; demo
organisations carry the serial letters MJ, factory ones MF.
"""

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone
from stdnum.cn import uscc

from jineng.catalog import packs
from jineng.catalog import services as catalog
from jineng.catalog.models import (
    FundChannel,
    Occupation,
    PolicyPackVersion,
    Region,
    SkillLevel,
    TrainingType,
)
from jineng.catalog.setup import bureau_name
from jineng.certificates import services as certificates
from jineng.certificates.demo import CODES as NUMBERING_CODES
from jineng.certificates.models import Certificate, CertificateKind
from jineng.claims import employment, notice, payment, review
from jineng.claims import recovery as recoveries
from jineng.claims import services as claim_services
from jineng.claims.models import Claim, ClaimKind, LineState, RecoveryCause
from jineng.core import audit
from jineng.core import services as core_services
from jineng.core.demo import DEMO_PASSWORD
from jineng.core.models import Organisation, User
from jineng.core.roles import OrgKind, Role
from jineng.evaluation import agreements as evaluation_agreements
from jineng.evaluation import services as evaluation
from jineng.evaluation.models import ApplicantAgreement, EvaluationBooking
from jineng.institutions import services as institutions
from jineng.institutions.demo import demo_years
from jineng.institutions.models import (
    Enterprise,
    EvaluationOrg,
    Institution,
    InstitutionState,
    InstitutionType,
)
from jineng.people import services as people
from jineng.people.identity import gb11643_check_character
from jineng.people.models import Person
from jineng.policy.pack import parse_pack
from jineng.training import services as training
from jineng.training.demo import mark_on_the_day
from jineng.training.models import TrainingClass
from jineng.vouchers import services as vouchers
from jineng.vouchers.models import Voucher
from tests.actors import act
from tests.clock import before_start, on_day

FIRST_BIRTH_DATE = date(2006, 1, 1)  # after every demo person's (1966 + 40 years)
CHINESE_DIGITS = "〇一二三四五六七八九"


def id_number(region: str, n: int, born: date | None = None) -> str:
    """A valid GB 11643 number, the n-th of the factories: a thousand people per birth day."""
    born = born or FIRST_BIRTH_DATE + timedelta(days=n // 1000)
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return body + gb11643_check_character(body)


def credit_code(region: str, n: int, authority: str = "52") -> str:
    """A valid 统一社会信用代码 of the factories (serial letters MF, never the demo's MJ)."""
    body = f"{authority}{region}MF{n:07d}"
    return body + uscc.calc_check_digit(body)


def bureau(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def region_bureau(code: str) -> Organisation:
    """The bureau of a region, found or created (with those of the regions above it) as
    `jineng setup` makes them (catalog.setup): named from the region catalog, each under its
    parent's. For a test that needs a region the demo does not touch (all of it is 商丘, 411400)."""
    existing = Organisation.objects.filter(code=code, kind=OrgKind.BUREAU).first()
    if existing is not None:
        return existing
    region = Region.objects.get(code=code)
    parent = region_bureau(region.parent.code) if region.parent_id else None
    with act(None):
        return core_services.create_organisation(
            kind=OrgKind.BUREAU, name=bureau_name(region), code=code, parent=parent,
            region_code=code,
        )  # fmt: skip


def adopt_pack(region_code: str, source: str = "henan-shangqiu-2022") -> PolicyPackVersion:
    """The rules of a loaded pack (Shangqiu's unless told) adopted by another region, stored as
    a pack of its own (id "test-<region>") through catalog.packs: a class of an institution
    outside every pack's region is refused ("No policy pack covers region ..."). The same rules,
    so a test's worked answers are those of the pack it copies."""
    pack_id = f"test-{region_code}"
    version = PolicyPackVersion.objects.filter(pack_id=source).order_by("-version").first()
    text = version.source_text.replace(f'id = "{source}"', f'id = "{pack_id}"', 1)
    text = text.replace(f'region = "{version.region_code}"', f'region = "{region_code}"', 1)
    with act(None):
        packs.save_pack_version(parse_pack(text, f"{pack_id}.toml"), text)
    return PolicyPackVersion.objects.get(pack_id=pack_id, version=version.version)


class ServiceFactory(factory.Factory):
    """Creates through `create(**values)`, a service call, inside a system context."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with act(None):
            return cls.create_through_service(**kwargs)


class PersonFactory(ServiceFactory):
    """A person registered by real name with a bureau (梁园区 unless told), through
    people.services.register_person; `categories` are added as valid since `category_since`."""

    class Meta:
        model = Person

    class Params:
        bureau = "411402"
        born = None  # a birth date before 1966 (no demo person's) when the test needs one

    organisation = factory.LazyAttribute(lambda o: bureau(o.bureau))
    id_number = factory.LazyAttributeSequence(
        lambda o, n: id_number(o.bureau if len(o.bureau) == 6 else "411400", n, o.born)
    )
    name = factory.Sequence(lambda n: "测试" + "".join(CHINESE_DIGITS[int(d)] for d in str(n)))
    phone = factory.Sequence(lambda n: f"199{n:08d}")
    source = "test"
    categories = ()
    category_since = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))

    @classmethod
    def create_through_service(cls, *, categories, category_since, **values) -> Person:
        person = people.register_person(**values)
        for code in categories:
            people.add_category(person, code, valid_from=category_since, source="test")
        return person


class OrganisationFactory(ServiceFactory):
    """An organisation under a parent bureau (商丘 unless told): an institution unless told,
    with a valid credit code; through core.services.create_organisation."""

    class Meta:
        model = Organisation

    class Params:
        parent_code = "411400"

    kind = OrgKind.INSTITUTION
    name = factory.Sequence(lambda n: f"测试职业培训学校{n}")
    code = factory.Sequence(lambda n: credit_code("411400", n))
    parent = factory.LazyAttribute(lambda o: bureau(o.parent_code))
    region_code = factory.LazyAttribute(lambda o: o.parent.region_code)

    @classmethod
    def create_through_service(cls, **values) -> Organisation:
        return core_services.create_organisation(**values)


class UserFactory(ServiceFactory):
    """A user of an organisation (商丘's bureau unless told) with roles; the demo password."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"factory_user{n}")
    password = DEMO_PASSWORD
    organisation = factory.LazyFunction(lambda: bureau("411400"))
    roles = factory.LazyFunction(lambda: [Role.REVIEWER])
    full_name = factory.LazyAttribute(lambda o: o.username)

    @classmethod
    def create_through_service(cls, **values) -> User:
        return core_services.create_user(**values)


class InstitutionFactory(ServiceFactory):
    """A designated training institution for (occupation, level) pairs (焊工 五级 unless told),
    through institutions.services: registered, designated, then each designation, for the demo's
    years around today (institutions.demo.demo_years), so a class of any test date is covered."""

    class Meta:
        model = Institution

    organisation = factory.SubFactory(OrganisationFactory)
    type = InstitutionType.PRIVATE_SCHOOL
    capacity = 100
    designations = (("6-18-02-04", "5"),)

    @classmethod
    def create_through_service(cls, *, designations, **values) -> Institution:
        institution = institutions.register_institution(**values)
        if designations:
            years = demo_years(timezone.localdate())
            institutions.change_state(
                institution, InstitutionState.DESIGNATED, reason="测试定点", document="测试文号"
            )
            for occupation, level in designations:
                institutions.designate(
                    institution,
                    catalog.occupation_by_code(occupation),
                    catalog.level_by_code(level),
                    valid_from=date(years[0], 1, 1),
                    valid_to=date(years[-1], 12, 31),
                )
        institution.refresh_from_db()
        return institution


# --- training, evaluation, certificates, vouchers ----------------------------------------------
# Each acts as the demo user whose work it is (the institution's staff "institution" of 鸿鹄, the
# city's reviewer, the centre's "evaluator"), so the services check their rules as they would.

CLASS_STATES = ("draft", "submitted", "approved", "in_progress", "completed")


def demo_institution() -> Institution:
    """鸿鹄 (商丘市鸿鹄职业技能培训学校), the demo institution with the login "institution"."""
    return Institution.objects.get(organisation__name="商丘市鸿鹄职业技能培训学校")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class TrainingClassFactory(ServiceFactory):
    """A class of 鸿鹄 (welding 五级, 就业技能培训 unless told: `training_type` is a code such as
    "job_skills_upgrade") of `days` sessions (9:00-12:00) from `start`
    (today - days - 2 unless told), with `trainees` enrolled, in `state`:

    draft, submitted (by the institution), approved (by the city's reviewer), in_progress, or
    completed: every trainee present at every session (hand marks entered on the session's day)
    but the last `missing` ones, who attend nothing; every assessment passed; 结业.

    A class that has started was opened, submitted and approved on a day before its start
    (tests.clock.before_start, 004 §四(三)). The trainees default to `people` new rural migrant
    workers (eligible for subsidies). The institution's work is done by `staff` (the demo login
    of 鸿鹄; "admin" stands in for an institution without one, as in the demo), the approval by
    `approver` (a username or user: a reviewer whose region holds the institution)."""

    class Meta:
        model = TrainingClass

    class Params:
        people = 3

    state = "draft"
    start = None
    days = 3
    trainees = factory.LazyAttribute(
        lambda o: PersonFactory.create_batch(o.people, categories=["rural_migrant"])
    )
    missing = 0
    teachers = 2
    institution = factory.LazyFunction(demo_institution)
    staff = "institution"
    approver = "city_reviewer"
    name = "焊工（初级）培训班"
    occupation = "6-18-02-04"
    level = "5"
    training_type = "employment_skills"
    venue = "商丘市鸿鹄培训学校实训楼201"
    capacity = 30

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.create_through_service(**kwargs)

    @classmethod
    def create_through_service(cls, *, state, start, days, trainees, missing, staff, **values):
        if state not in CLASS_STATES:
            raise ValueError(f"no class state {state!r}: one of {CLASS_STATES}")
        start = start or timezone.localdate() - timedelta(days=days + 2)
        with before_start(start):
            training_class = open_class(start, days, trainees, state, staff=staff, **values)
        if state in {"in_progress", "completed"}:
            with act(staff):
                training.change_state(training_class, "in_progress")
        if state == "completed":
            complete_class(training_class, missing, staff=staff)
        training_class.refresh_from_db()
        return training_class


def open_class(start, days, trainees, state, *, staff, institution, teachers, occupation, level,
               training_type="employment_skills", approver="city_reviewer",
               **values) -> TrainingClass:  # fmt: skip
    """The application as the institution drafts it, submitted and approved as `state` asks."""
    with act(staff):
        training_class = training.create_class(
            institution,
            occupation=Occupation.objects.get(code=occupation),
            level=SkillLevel.objects.get(code=level),
            training_type=TrainingType.objects.get(code=training_type),
            fund_channel=FundChannel.objects.order_by("code").first(),
            start_date=start, end_date=start + timedelta(days=days - 1),
            assessment_plan="理论考试＋实操考核", **values,
        )  # fmt: skip
        engaged = [e.teacher for e in institution.engagements.filter(year=start.year)]
        training.set_teachers(training_class, engaged[:teachers])
        for offset in range(days):
            day = start + timedelta(days=offset)
            training.add_session(
                training_class, starts_at=at(day, 9), ends_at=at(day, 12),
                topic=f"第{offset + 1}课", teacher=engaged[0],
            )  # fmt: skip
        for person in trainees:
            training.enrol(training_class, person)
        if state != "draft":
            training.submit(training_class)
    if state not in {"draft", "submitted"}:
        with act(approver):
            training.approve(training_class)
    return training_class


def complete_class(training_class: TrainingClass, missing: int = 0, *, staff="institution"):
    """Hand marks on each session's day for all but the last `missing` trainees, every
    assessment passed, then 结业 (the pack decides who completed)."""
    with act(staff):
        training_class.refresh_from_db()  # the services changed a locked copy
        sessions = list(training_class.sessions.all())
        enrollments = list(training_class.enrollments.select_related("person").order_by("id"))
        for number, enrollment in enumerate(enrollments):
            if number < len(enrollments) - missing:
                for session in sessions:
                    mark_on_the_day(session, [enrollment.person])
            training.set_assessment(enrollment, True)
        training.complete(training_class)


def with_numbering_codes(org: EvaluationOrg) -> EvaluationOrg:
    """The demo evaluation organisation with the register and station codes the certificates
    demo records (needed to number skill level certificates), recorded by the city's reviewer."""
    register, station = NUMBERING_CODES[org.organisation.name]
    if not (org.register_code and org.station_code):
        with act("city_reviewer"):
            institutions.set_numbering_codes(org, register_code=register, station_code=station)
        org.refresh_from_db()
    return org


def demo_centre() -> EvaluationOrg:
    """商丘市职业技能等级认定评价中心 (login "evaluator"), with its numbering codes."""
    centre = EvaluationOrg.objects.select_related("organisation")
    return with_numbering_codes(centre.get(organisation__name="商丘市职业技能等级认定评价中心"))


class BookingFactory(ServiceFactory):
    """An evaluation booking (评价预约) of a completed class (a new one unless told) with the
    centre, planned the day after the class ended; accepted by the centre unless accept=False."""

    class Meta:
        model = EvaluationBooking

    training_class = factory.LazyFunction(lambda: TrainingClassFactory(state="completed"))
    evaluation_org = factory.LazyFunction(demo_centre)
    planned_date = factory.LazyAttribute(lambda o: o.training_class.end_date + timedelta(days=1))
    accept = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.create_through_service(**kwargs)

    @classmethod
    def create_through_service(cls, *, training_class, evaluation_org, planned_date, accept):
        with act("institution"):
            booking = evaluation.book(training_class, evaluation_org, planned_date)
        if accept:
            with act("evaluator"):
                booking = evaluation.accept(booking)
        booking.refresh_from_db()
        return booking


class ApplicantAgreementFactory(ServiceFactory):
    """A trainee's free-evaluation agreement (免费技能评价协议书, 004 §四(五)) with the booking's
    organisation: an accepted booking of a new completed class unless told, its first trainee
    unless told, signed on the evaluation date (today at the latest), recorded by the centre's
    "evaluator" through evaluation.agreements.record_agreement. An evaluation subsidy line
    needs one (the packs' evaluation.applicant_agreement_required)."""

    class Meta:
        model = ApplicantAgreement

    booking = factory.SubFactory(BookingFactory)
    enrollment = factory.LazyAttribute(
        lambda o: (
            o.booking.training_class.enrollments.filter(state="completed").order_by("id").first()
        )
    )
    signed_on = factory.LazyAttribute(lambda o: min(o.booking.planned_date, timezone.localdate()))
    signatory = "评价中心经办人"
    recorded_by = "evaluator"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.create_through_service(**kwargs)

    @classmethod
    def create_through_service(cls, *, booking, enrollment, recorded_by, **values):
        with act(recorded_by):
            return evaluation_agreements.record_agreement(booking, enrollment, **values)


class CertificateFactory(ServiceFactory):
    """A certificate issued by the centre (职业技能等级证书 焊工 四级 unless told) to a new person
    of 永城市, `days_ago` days ago, through certificates.services.issue as the evaluator."""

    class Meta:
        model = Certificate

    person = factory.SubFactory(PersonFactory, bureau="411481")
    kind = CertificateKind.SKILL_LEVEL
    occupation = "6-18-02-04"
    level = "4"
    evaluation_org = factory.LazyFunction(demo_centre)
    days_ago = 10

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with act("evaluator"):
            return cls.create_through_service(**kwargs)

    @classmethod
    def create_through_service(cls, *, occupation, level, days_ago, **values) -> Certificate:
        return certificates.issue(
            occupation=Occupation.objects.get(code=occupation),
            level=SkillLevel.objects.get(code=level) if level else None,
            issued_on=timezone.localdate() - timedelta(days=days_ago),
            **values,
        )


class VoucherFactory(ServiceFactory):
    """A voucher (电子培训券) for welding issued by the city's reviewer to a new rural migrant
    worker of 虞城县 (eligible under the Shangqiu pack), through vouchers.services.issue."""

    class Meta:
        model = Voucher

    person = factory.SubFactory(PersonFactory, bureau="411425", categories=["rural_migrant"])
    occupations = ("6-18-02-04",)
    issued_by = "city_reviewer"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.create_through_service(**kwargs)

    @classmethod
    def create_through_service(cls, *, person, occupations, issued_by, **options) -> Voucher:
        chosen = list(Occupation.objects.filter(code__in=occupations).order_by("code"))
        with act(issued_by):
            return vouchers.issue(person, chosen, **options)


# --- claims -----------------------------------------------------------------------------------
# A training claim goes the way the demo's claims went (jineng.claims.demo), through the claim
# services as the institution's staff and the bureau's reviewer; its class ended weeks ago and
# the claim was made, reviewed and (for the later states) noticed then, the clock moved back
# there (time_machine), so a notice that is over ended by the calendar, not by an edited date.

CLAIM_STATES = (
    "draft", "submitted", "reviewed", "in_notice", "payable", "paid", "closed", "withdrawn",
    "rejected",
)  # fmt: skip
EMPLOYED, CERTIFIED, NOTHING = "employed", "certificate", "none"  # a trainee's outcome
CLASS_AGO = 28  # the class began this many days ago (inside the year of its designation)
CLAIMED_AGO = 14  # the claim was made, reviewed and noticed this many days ago
HIRING_USCC = credit_code("411403", 900001, authority="91")  # the employer of the employed


class ClaimFactory(ServiceFactory):
    """A training subsidy claim (补贴申领, 004 §四(五)) of a completed class of `institution`
    (鸿鹄 unless told; welding 五级), one trainee per outcome in `outcomes` - "employed" (hired
    with social insurance a week after the class: 100% of the standard), "certificate" (a skill
    level certificate from the centre three days after: 80%), "none" (no subsidy, the line kept
    at 0 with its reasons) - in `state`, one of CLAIM_STATES:

    draft; submitted (by the institution); reviewed (every granted line approved, the others
    rejected with the rules' reasons: review.approve_claim); in_notice (published today; with
    `objection`, someone objected to its first approved line from the public page); payable
    (noticed two weeks ago, the notice ended today); paid (payable, paid in a batch of its own,
    exported, every line paid, the batch closed; with `recovery`, fraud confirmed on its last
    line: a recovery open); closed (every line rejected by the reviewer); withdrawn (a draft
    withdrawn); rejected (submitted, rejected as a whole).

    `fund_channel` is a code (the class's, 就业补助资金, unless told). `staff` is the
    institution's login, `reviewer` the bureau's (梁园区's "county_reviewer" for
    a class of 梁园区启航). A claim whose lines are all 0 cannot be submitted: give one outcome
    that is granted."""

    class Meta:
        model = Claim

    state = "draft"
    outcomes = (CERTIFIED, EMPLOYED)
    institution = factory.LazyFunction(demo_institution)
    staff = "institution"
    reviewer = "city_reviewer"
    occupation = "6-18-02-04"
    level = "5"
    fund_channel = None  # the class's (就业补助资金) unless a code is given
    objection = False
    recovery = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls.create_through_service(**kwargs)

    @classmethod
    def create_through_service(cls, *, state, objection, recovery, **values) -> Claim:
        if state not in CLAIM_STATES:
            raise ValueError(f"no claim state {state!r}: one of {CLAIM_STATES}")
        today = timezone.localdate()
        with on_day(today - timedelta(days=CLAIMED_AGO)):
            claim = claim_reviewed_or_before(state, **values)
            if state in {"payable", "paid"}:
                with act(values["reviewer"]):
                    notice.publish_notice(claim)
        if state in {"payable", "paid"}:
            with act(values["reviewer"]):
                notice.end_notice(claim)
        if state == "in_notice":
            publish_with_objection(claim, values["reviewer"], objection)
        if state == "paid":
            pay(claim, values["reviewer"], recovery)
        claim.refresh_from_db()
        return claim


def claim_reviewed_or_before(state, *, outcomes, institution, staff, reviewer, occupation,
                             level, fund_channel) -> Claim:  # fmt: skip
    """The claim of a class that ended two weeks before, taken as far as review."""
    trainees = PersonFactory.create_batch(len(outcomes), categories=["rural_migrant"])
    start = timezone.localdate() - timedelta(days=CLAIM_CLASS_LEAD)
    training_class = TrainingClassFactory(
        state="completed", start=start, trainees=trainees, institution=institution, staff=staff,
        occupation=occupation, level=level,
    )  # fmt: skip
    for person, outcome in zip(trainees, outcomes, strict=True):
        trainee_outcome(person, outcome, training_class)
    with act(staff):
        channel = fund_channel and FundChannel.objects.get(code=fund_channel)
        claim = claim_services.create_training_claim(training_class, fund_channel=channel)
        if state == "withdrawn":
            return claim_services.withdraw(claim, "学员名单有误，核对花名册后重新申报。")
        if state != "draft":
            claim = claim_services.submit(claim)
    with act(reviewer):
        if state == "rejected":
            review.reject_claim(claim, "申报材料不全：缺少学员签到表原件扫描件。")
        elif state == "closed":
            review.reject_lines(claim, list(claim.lines.order_by("id")), "经核实非本人参训。")
            review.finish_review(claim)
        elif state not in {"draft", "submitted"}:
            review.approve_claim(claim, "材料齐全，经审核符合补贴条件。")
    claim.refresh_from_db()
    return claim


# The class of a claim began CLAIM_CLASS_LEAD days before today, i.e. two weeks before the day
# the claim was made (time travelled): it ended 12 days before the claim.
CLAIM_CLASS_LEAD = CLASS_AGO - CLAIMED_AGO


def trainee_outcome(person: Person, outcome: str, training_class: TrainingClass) -> None:
    """After the class: hired a week later with social insurance, or certified three days
    later by the evaluation centre, or neither."""
    end = training_class.end_date
    if outcome == EMPLOYED:
        with act("city_reviewer"):
            people.add_employment(
                person, employer_uscc=HIRING_USCC, employer_name="商丘市测试焊接结构件有限公司",
                start=end + timedelta(days=7), insured_months=1, source="test",
            )  # fmt: skip
    elif outcome == CERTIFIED:
        CertificateFactory(
            person=person, occupation=training_class.occupation.code,
            level=training_class.level.code, training_class=training_class,
            days_ago=(timezone.localdate() - end).days - 3,
        )  # fmt: skip
    elif outcome != NOTHING:
        raise ValueError(f"no outcome {outcome!r}: {EMPLOYED}, {CERTIFIED} or {NOTHING}")


def publish_with_objection(claim: Claim, reviewer: str, objection: bool) -> None:
    """Published today; with `objection`, someone objects to the first approved line from the
    public page (no login)."""
    with act(reviewer):
        published = notice.publish_notice(claim)
    if objection:
        line = claim.lines.filter(state=LineState.APPROVED).order_by("id").first()
        with audit.system_context("public:objection"):
            notice.lodge_objection(
                published, text="该学员培训期间在外地务工，并未实际参加培训，请核查。",
                contact_name="王先生", phone="13903700001", line=line,
            )  # fmt: skip


def pay(claim: Claim, reviewer: str, recovery: bool) -> None:
    """Paid in a batch of its own (exported, every line paid, closed); with `recovery`, fraud
    confirmed on the last line afterwards: its amount is to be recovered."""
    lines = list(claim.lines.filter(state=LineState.APPROVED).order_by("id"))
    with act(reviewer):
        batch = payment.create_batch(claim.bureau, claim.fund_channel, lines)
        payment.export_batch(batch, "xlsx")
        payment.record_outcomes(batch, {line.pk: (True, "") for line in lines})
        payment.close_batch(batch)
        if recovery:
            recoveries.open_recovery(
                lines[-1], cause=RecoveryCause.FRAUD, reason="经核查，该学员由他人代为签到参训。"
            )


class EnterpriseFactory(ServiceFactory):
    """An enterprise of the registry (002 §四(三)1): a small one of 睢阳区 belonging to the city's
    bureau unless told, classed 60 days ago from its evidence; through
    institutions.services.record_enterprise."""

    class Meta:
        model = Enterprise

    class Params:
        bureau_code = "411400"

    uscc = factory.Sequence(lambda n: credit_code("411403", 920000 + n, authority="91"))
    name = factory.Sequence(lambda n: f"商丘市测试制造有限公司{n}")
    bureau = factory.LazyAttribute(lambda o: bureau(o.bureau_code))
    size = "small"
    size_evidence = "2025年度财务报表：从业人员50人，营业收入1000万元（工业，测试）"
    size_assessed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))

    @classmethod
    def create_through_service(cls, **values) -> Enterprise:
        return institutions.record_enterprise(**values)


class EmploymentClaimFactory(ServiceFactory):
    """An SME's hiring claim (吸纳就业补贴, 002 §四(三)1) the city's bureau took in, a draft:
    people of the city hired 14 months ago with social insurance since; the first `holders` of
    them held a skill level certificate (obtained elsewhere) before the hire (1000 yuan each),
    the others none (refused, with the reason). The SME is recorded in the enterprise registry
    as a `size` enterprise of the city's bureau, classed before the claim (size None: not
    recorded, every line refused); the claim is for the year of the hires (年度内)."""

    class Meta:
        model = Claim

    hires = factory.LazyFunction(lambda: PersonFactory.create_batch(2, bureau="411403"))
    holders = 1
    payee_name = factory.Sequence(lambda n: f"商丘市测试机械制造有限公司{n}")
    payee_uscc = factory.Sequence(lambda n: credit_code("411403", 910000 + n, authority="91"))
    size = "small"

    @classmethod
    def create_through_service(cls, *, hires, holders, payee_name, payee_uscc, size) -> Claim:
        hired_on = timezone.localdate() - timedelta(days=430)
        if size is not None:
            institutions.record_enterprise(
                uscc=payee_uscc, name=payee_name, bureau=bureau("411400"), size=size,
                size_evidence="年度财务报表（测试）", size_assessed_on=hired_on,
            )  # fmt: skip
        for number, person in enumerate(hires):
            if number < holders:
                certificates.record_external(
                    person, kind=CertificateKind.SKILL_LEVEL, number=f"TESTJY{person.pk:08d}",
                    occupation=Occupation.objects.get(code="6-18-02-04"),
                    level=SkillLevel.objects.get(code="5"), issued_on=hired_on - timedelta(days=90),
                    issuer_name="河南省焊接技能等级认定中心（测试）",
                )  # fmt: skip
            people.add_employment(
                person, employer_uscc=payee_uscc, employer_name=payee_name, start=hired_on,
                insured_months=14, source="test",
            )  # fmt: skip
        with act("city_reviewer"):
            return employment.create_employment_claim(
                ClaimKind.EMPLOYMENT_SME, bureau=bureau("411400"), payee_name=payee_name,
                payee_uscc=payee_uscc, hires=[(person, hired_on) for person in hires],
                fund_channel=FundChannel.objects.get(code="employment_fund"),
                claim_year=hired_on.year,
            )  # fmt: skip
