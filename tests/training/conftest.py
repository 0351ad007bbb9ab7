"""A class of the demo institution (鸿鹄, welding 5级), built through the services.

A class that has started is opened, submitted and approved on a day before its start
(tests.clock.before_start, 004 §四(三)), then the test comes back to today."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.institutions.models import Institution
from jineng.training import services
from tests.clock import before_start
from tests.factories import PersonFactory


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def institution(orgs):
    return Institution.objects.get(organisation=orgs["inst_city"])


@pytest.fixture
def trainees(db):
    """Six people registered for the test (rural migrant workers, eligible for subsidies)."""
    return PersonFactory.create_batch(6, categories=["rural_migrant"])


@pytest.fixture
def make_class(act, institution, trainees):
    """make_class(start, days=3, people=3, state="draft"|"submitted"|"approved"|"in_progress")."""

    def make(start: date | None = None, *, days: int = 3, people: int = 3, state="draft",
             capacity: int = 30, occupation="6-18-02-04", level="5", **values):  # fmt: skip
        start = start or timezone.localdate() - timedelta(days=days + 2)
        end = start + timedelta(days=days - 1)
        with before_start(start):
            training_class = _open(start, end, days, people, state, capacity, occupation, level,
                                   values)  # fmt: skip
        if state == "in_progress":
            with act("institution"):
                services.change_state(training_class, "in_progress")
        training_class.refresh_from_db()
        return training_class

    def _open(start, end, days, people, state, capacity, occupation, level, values):
        """The application as the institution drafts it, submitted and approved as asked."""
        with act("institution"):
            training_class = services.create_class(
                institution, name="焊工（初级）培训班",
                occupation=Occupation.objects.get(code=occupation),
                level=SkillLevel.objects.get(code=level),
                training_type=TrainingType.objects.get(code="employment_skills"),
                fund_channel=FundChannel.objects.order_by("code").first(),
                start_date=start, end_date=end, venue="商丘市鸿鹄培训学校实训楼201",
                capacity=capacity, assessment_plan="理论考试＋实操考核", **values,
            )  # fmt: skip
            teachers = list(institution.engagements.filter(year=start.year))
            services.set_teachers(training_class, [e.teacher for e in teachers[:2]])
            for offset in range(days):
                day = start + timedelta(days=offset)
                services.add_session(
                    training_class, starts_at=at(day, 9), ends_at=at(day, 12),
                    topic=f"第{offset + 1}课", teacher=teachers[0].teacher,
                )  # fmt: skip
            for person in trainees[:people]:
                services.enrol(training_class, person)
            if state in {"submitted", "approved", "in_progress"}:
                services.submit(training_class)
        if state in {"approved", "in_progress"}:
            with act("city_reviewer"):
                services.approve(training_class)
        return training_class

    return make
