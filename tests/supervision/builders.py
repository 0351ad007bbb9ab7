"""Small hand-made datasets for the checks of the data comparison (004 §五(六)).

They stand in 洛阳市 (410300), a region the demo (商丘市, 411400) never touches, with 商丘's pack
adopted there (its [supervision] thresholds), so a run over the region sees only what a test
planted. The people, institutions and users are made through the services (tests/factories.py);
the classes, sessions, enrolments, marks and results are written as rows, because the cases
planted are exactly what the services refuse (two overlapping classes for one person, an
examiner who taught the class): data that came in before a rule existed, or around it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core.models import Organisation, User
from jineng.core.roles import Role
from jineng.institutions.models import Engagement, Institution, Teacher
from jineng.people.models import Person
from jineng.training.models import (
    CheckIn,
    ClassState,
    Direction,
    Enrollment,
    EnrollmentState,
    ManualMark,
    Session,
    StudyMode,
    TrainingClass,
)
from tests.factories import (
    InstitutionFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    adopt_pack,
    region_bureau,
)

REGION = "410300"
DAY = date(2026, 3, 2)  # a Monday: the classes of the datasets start here


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class World:
    bureau: Organisation
    reviewer: User
    institutions: list[Institution]
    counter: list[int] = field(default_factory=lambda: [0])

    def person(self, **values) -> Person:
        return PersonFactory(bureau=REGION, **values)

    def teacher(self, institution: Institution, year: int = 2026) -> Teacher:
        teacher = Teacher.objects.create(person=self.person())
        Engagement.objects.create(teacher=teacher, institution=institution, year=year,
                                  full_time=False)  # fmt: skip
        return teacher

    def training_class(self, institution=None, *, start=DAY, days=3, hours=(9, 12),
                       trainees=(), teacher=None, state=ClassState.COMPLETED,
                       training_type="employment_skills", occupation="6-18-02-04",
                       level="5", study_mode=StudyMode.FULL_TIME) -> TrainingClass:  # fmt: skip
        """A class of `days` daily sessions from `start`, `hours` (start, end hour) each."""
        self.counter[0] += 1
        institution = institution or self.institutions[0]
        training_class = TrainingClass.objects.create(
            institution=institution, code=f"TS{self.counter[0]:06d}", name="测试班",
            occupation=Occupation.objects.get(code=occupation),
            level=SkillLevel.objects.get(code=level),
            training_type=TrainingType.objects.get(code=training_type),
            fund_channel=FundChannel.objects.order_by("code").first(),
            start_date=start, end_date=start + timedelta(days=days - 1), venue="实训楼",
            capacity=50, state=state, study_mode=study_mode,
        )  # fmt: skip
        for offset in range(days):
            day = start + timedelta(days=offset)
            Session.objects.create(
                training_class=training_class, starts_at=at(day, hours[0]),
                ends_at=at(day, hours[1]), topic=f"第{offset + 1}课", teacher=teacher,
            )  # fmt: skip
        for person in trainees:
            self.enrol(training_class, person)
        return training_class

    def enrol(self, training_class: TrainingClass, person: Person) -> Enrollment:
        return Enrollment.objects.create(
            training_class=training_class, person=person, state=EnrollmentState.COMPLETED,
            eligible=True,
        )  # fmt: skip

    def hand_marks(self, training_class: TrainingClass, persons, sessions=None) -> None:
        for session in sessions or training_class.sessions.all():
            for person in persons:
                ManualMark.objects.create(session=session, person=person, present=True,
                                          reason="补录")  # fmt: skip

    def device_checkins(self, training_class, persons, device, sessions=None, step_seconds=60):
        for session in sessions or training_class.sessions.all():
            for number, person in enumerate(persons):
                moment = session.starts_at + timedelta(seconds=number * step_seconds)
                CheckIn.objects.create(
                    session=session, person=person, direction=Direction.IN, device=device,
                    event_id=f"{session.pk}-{person.pk}", device_time=moment,
                    server_time=moment, in_window=True,
                )  # fmt: skip


def world() -> World:
    """The region's bureau and pack, two designated institutions (焊工 五级) and a reviewer."""
    bureau = region_bureau(REGION)
    adopt_pack(REGION)
    institutions = [
        InstitutionFactory(organisation=OrganisationFactory(parent_code=REGION)) for _ in range(2)
    ]
    reviewer = UserFactory(organisation=bureau, roles=[Role.REVIEWER])
    return World(bureau=bureau, reviewer=reviewer, institutions=institutions)
