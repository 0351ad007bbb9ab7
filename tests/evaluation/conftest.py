"""Completed classes of the demo institution (鸿鹄, welding 6-18-02-04), built through the training
services, and the demo evaluation centre (商丘市职业技能等级认定评价中心, which files welding 五级
and 四级 and is on this year's list) with its examiner and quality supervisor."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jineng.core import services as core_services
from jineng.core.demo import DEMO_PASSWORD
from jineng.institutions.models import EvaluationOrg, ExaminerRole, Institution
from tests.factories import (
    BookingFactory,
    PersonFactory,
    TrainingClassFactory,
    with_numbering_codes,
)


@pytest.fixture
def institution(orgs):
    return Institution.objects.get(organisation=orgs["inst_city"])


@pytest.fixture
def centre(orgs):
    """The centre, with the numbering codes its skill level certificates need."""
    return with_numbering_codes(EvaluationOrg.objects.get(organisation=orgs["eval_city"]))


@pytest.fixture
def station(orgs):
    """永城市煤化工企业技能评价站: listed, files welding 三级 only; with its numbering codes."""
    return with_numbering_codes(EvaluationOrg.objects.get(organisation=orgs["eval_yongcheng"]))


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
def completed_class(institution, trainees):
    """completed_class(end=today - 3, people=3, level="5", missing=0, persons=None): a class of
    three days that ended on `end`, every trainee present at every session but the last
    `missing` ones (who attend nothing and do not complete), assessed, completed (结业)."""

    def make(end: date | None = None, *, people: int = 3, level: str = "5", missing: int = 0,
             persons=None, occupation: str = "6-18-02-04"):  # fmt: skip
        end = end or timezone.localdate() - timedelta(days=3)
        return TrainingClassFactory(
            state="completed", start=end - timedelta(days=2), days=3, missing=missing,
            trainees=list(persons) if persons is not None else trainees[:people],
            institution=institution, name="焊工培训班（评价测试）", venue="实训楼", teachers=1,
            occupation=occupation, level=level,
        )  # fmt: skip

    return make


@pytest.fixture
def booked(completed_class, centre):
    """booked(accept=True, **class options): a completed class booked with the centre on the
    day after its end (within the deadline), accepted by the centre."""

    def make(*, accept: bool = True, planned: date | None = None, **options):
        training_class = completed_class(**options)
        return BookingFactory(
            training_class=training_class, evaluation_org=centre, accept=accept,
            planned_date=planned or training_class.end_date + timedelta(days=1),
        )  # fmt: skip

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
