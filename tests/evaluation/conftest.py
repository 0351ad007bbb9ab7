"""Completed classes of the demo institution (鸿鹄, welding 6-18-02-04), built through the training
services, and the demo evaluation centre (商丘市职业技能等级认定评价中心, which files welding 五级
and 四级 and is on this year's list) with its examiner and quality supervisor."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core import services as core_services
from jineng.core.demo import DEMO_PASSWORD
from jineng.evaluation import services
from jineng.institutions.models import EvaluationOrg, ExaminerRole, Institution
from jineng.training import services as training
from jineng.training.demo import mark_on_the_day
from tests.clock import before_start
from tests.factories import PersonFactory


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def institution(orgs):
    return Institution.objects.get(organisation=orgs["inst_city"])


@pytest.fixture
def centre(orgs):
    return EvaluationOrg.objects.get(organisation=orgs["eval_city"])


@pytest.fixture
def station(orgs):
    """永城市煤化工企业技能评价站: listed, files welding 三级 only."""
    return EvaluationOrg.objects.get(organisation=orgs["eval_yongcheng"])


@pytest.fixture
def examiner(centre):
    return centre.examiners.get(role=ExaminerRole.EXAMINER)


@pytest.fixture
def supervisor(centre):
    return centre.examiners.get(role=ExaminerRole.SUPERVISOR)


@pytest.fixture
def trainees(db):
    """Six people registered for the test (rural migrant workers, eligible for subsidies)."""
    return PersonFactory.create_batch(6, categories=["rural_migrant"])


@pytest.fixture
def completed_class(act, institution, trainees):
    """completed_class(end=today - 3, people=3, level="5", missing=0, persons=None): a class of
    three days that ended on `end`, every trainee present at every session but the last
    `missing` ones (who attend nothing and do not complete), assessed, completed (结业)."""

    def make(end: date | None = None, *, people: int = 3, level: str = "5", missing: int = 0,
             persons=None, occupation: str = "6-18-02-04"):  # fmt: skip
        end = end or timezone.localdate() - timedelta(days=3)
        start = end - timedelta(days=2)
        chosen = list(persons) if persons is not None else trainees[:people]
        with before_start(start), act("institution"):  # opened before it began (004 §四(三))
            training_class = training.create_class(
                institution, name="焊工培训班（评价测试）",
                occupation=Occupation.objects.get(code=occupation),
                level=SkillLevel.objects.get(code=level),
                training_type=TrainingType.objects.get(code="employment_skills"),
                fund_channel=FundChannel.objects.order_by("code").first(),
                start_date=start, end_date=end, venue="实训楼", capacity=30,
                assessment_plan="理论考试＋实操考核",
            )  # fmt: skip
            teachers = [e.teacher for e in institution.engagements.filter(year=start.year)]
            training.set_teachers(training_class, teachers[:1])
            sessions = []
            for offset in range(3):
                day = start + timedelta(days=offset)
                sessions.append(
                    training.add_session(
                        training_class, starts_at=at(day, 9), ends_at=at(day, 12),
                        topic=f"第{offset + 1}课", teacher=teachers[0],
                    )
                )  # fmt: skip
            enrollments = [training.enrol(training_class, person) for person in chosen]
            training.submit(training_class)
        with before_start(start), act("city_reviewer"):
            training.approve(training_class)
        with act("institution"):
            training.change_state(training_class, "in_progress")
            training_class.refresh_from_db()  # the services change a locked copy
            sessions = list(training_class.sessions.all())
            enrollments = list(training_class.enrollments.select_related("person").order_by("id"))
            for number, enrollment in enumerate(enrollments):
                if number < len(enrollments) - missing:
                    for session in sessions:
                        mark_on_the_day(session, [enrollment.person])
                training.set_assessment(enrollment, True)
            training.complete(training_class)
        training_class.refresh_from_db()
        return training_class

    return make


@pytest.fixture
def booked(act, completed_class, centre):
    """booked(accept=True, **class options): a completed class booked with the centre on the
    day after its end (within the deadline), accepted by the centre."""

    def make(*, accept: bool = True, planned: date | None = None, **options):
        training_class = completed_class(**options)
        with act("institution"):
            booking = services.book(
                training_class, centre, planned or training_class.end_date + timedelta(days=1)
            )
        if accept:
            with act("evaluator"):
                booking = services.accept(booking)
        booking.refresh_from_db()
        return booking

    return make


@pytest.fixture
def make_user(act):
    """A user of another organisation: make_user("inst_yongcheng", Role.INSTITUTION_STAFF)."""

    def make(org, role: str, username: str):
        with act(None):
            return core_services.create_user(
                username=username, password=DEMO_PASSWORD, organisation=org, roles=[role],
                full_name=username,
            )  # fmt: skip

    return make
