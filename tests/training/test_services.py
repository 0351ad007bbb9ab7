"""Training classes through their services: the opening application (开班申请, 004 §四(三)) and
its review, every state and every refused change of state, who may do what, enrolment with its
refusals, attendance events, completion (结业) decided by the pack, the ledger and the scope."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.models import DecisionRecord, FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core.models import Organisation, StateChange
from jineng.core.scope import scoped
from jineng.institutions.demo import demo_years
from jineng.institutions.models import Institution
from jineng.people import services as people
from jineng.people.models import LedgerEvent, Person
from jineng.training import services
from jineng.training.demo import mark_on_the_day
from jineng.training.models import (
    TRANSITIONS,
    CheckIn,
    ClassState,
    Commitment,
    Enrollment,
    EnrollmentState,
    Flag,
    Session,
    TrainingClass,
)
from tests.clock import before_start
from tests.data.make_class_files import valid
from tests.factories import at

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
S = ClassState
ALL_STATES = list(ClassState)
ALLOWED = [(a, b) for a in ALL_STATES for b in sorted(TRANSITIONS[a]) if b != S.COMPLETED]
REFUSED = [(a, b) for a in ALL_STATES for b in ALL_STATES if b not in TRANSITIONS[a]]
REVIEWER_STATES = {S.APPROVED, S.REJECTED, S.CANCELLED, S.CLOSED}


def refusal(problem: pytest.ExceptionInfo) -> str:
    return "; ".join(problem.value.messages)


def cannot_become(from_state: str, to_state: str) -> str:
    return _("A class that is “%(from)s” cannot become “%(to)s”.") % {
        "from": ClassState(from_state).label,
        "to": ClassState(to_state).label,
    }


@pytest.fixture
def finish(act):
    """Run a class to the end: everyone present at every session, every assessment passed."""

    def run(training_class, *, attended=None, passed=None):
        sessions = list(training_class.sessions.all())
        with act("institution"):
            enrolled = training_class.enrollments.filter(state=EnrollmentState.ENROLLED)
            for number, enrollment in enumerate(enrolled.order_by("id")):
                count = len(sessions) if attended is None else attended[number]
                for session in sessions[:count]:
                    mark_on_the_day(session, [enrollment.person])
                ok = True if passed is None else passed[number]
                services.set_assessment(enrollment, ok)
            return services.complete(training_class)

    return run


@pytest.fixture
def class_in(make_class, act, finish):
    """class_in(state): a welding class of the demo institution in any state, reached through
    the services the way a class gets there."""

    def build(state: str, **options):
        if state in {S.DRAFT, S.SUBMITTED, S.REJECTED}:  # still to be submitted or approved
            options.setdefault("start", AHEAD)
        if state in {S.DRAFT, S.SUBMITTED, S.APPROVED, S.IN_PROGRESS}:
            return make_class(state=state, **options)
        if state == S.REJECTED:
            training_class = make_class(state="submitted", **options)
            with act("city_reviewer"):
                services.reject(training_class, "课表缺少实操课次")
        elif state == S.WITHDRAWN:
            training_class = make_class(**options)
            with act("institution"):
                services.change_state(training_class, S.WITHDRAWN, reason="报名人数不足")
        elif state == S.CANCELLED:
            training_class = make_class(state="approved", **options)
            with act("city_reviewer"):
                services.change_state(training_class, S.CANCELLED, reason="场地不符合要求")
        else:
            training_class = make_class(state="in_progress", **options)
            finish(training_class)
            if state == S.CLOSED:
                with act("city_reviewer"):
                    services.change_state(training_class, S.CLOSED)
        training_class.refresh_from_db()
        return training_class

    return build


@pytest.fixture
def bare_class(act, institution):
    """A draft class with no session, teacher or trainee: bare_class(start, end, ...)."""

    def make(
        start: date,
        end: date,
        *,
        occupation="6-31-01-03",
        level="5",
        staff="institution",
        at_institution=None,
        **values,
    ):
        values = {"venue": "实训楼", "capacity": 30, "assessment_plan": "理论＋实操", **values}
        with act(staff):
            return services.create_class(
                at_institution or institution,
                name="电工（初级）培训班",
                occupation=Occupation.objects.get(code=occupation),
                level=SkillLevel.objects.get(code=level),
                training_type=TrainingType.objects.get(code="employment_skills"),
                fund_channel=FundChannel.objects.order_by("code").first(),
                start_date=start,
                end_date=end,
                **values,
            )

    return make


def new_person(name: str, body: str) -> Person:
    """A person registered by the city's bureau, without any category."""
    city = Organisation.objects.get(code="411400")
    return people.register_person(name=name, id_number=valid(body), organisation=city)


def soon(days: int) -> date:
    """A date `days` from today, but inside the current year (the demo's designations)."""
    return min(TODAY + timedelta(days=days), date(TODAY.year, 12, 31))


# A class still to be submitted or approved starts after the lead time (004 §四(三)), inside the
# year of the demo designations.
AHEAD = min(TODAY + timedelta(days=10), date(TODAY.year, 12, 29))


# --- states and changes of state -------------------------------------------------------------


@pytest.mark.parametrize("state", ALL_STATES)
def test_a_class_reaches_every_state_through_the_services(class_in, state):
    training_class = class_in(state)
    assert training_class.state == state
    if state != S.DRAFT:
        assert training_class.changes.last().to_state == state


@pytest.mark.parametrize(("from_state", "to_state"), ALLOWED)
def test_each_allowed_change_is_made_by_its_side_and_kept_in_the_history(
    class_in, act, users, from_state, to_state
):
    training_class = class_in(from_state)
    username = "city_reviewer" if to_state in REVIEWER_STATES else "institution"
    with act(username):
        change = services.change_state(training_class, to_state, reason="依据审核意见")
    training_class.refresh_from_db()
    assert training_class.state == to_state
    assert (change.from_state, change.to_state, change.by, change.reason) == (
        from_state,
        to_state,
        users[username],
        "依据审核意见",
    )


@pytest.mark.parametrize(("from_state", "to_state"), REFUSED)
def test_every_change_not_in_transitions_is_refused_and_changes_nothing(
    class_in, act, from_state, to_state
):
    """The admin may do what both sides do: only the state machine refuses here."""
    training_class = class_in(from_state)
    history = list(training_class.changes.values_list("pk", flat=True))
    with act("admin"), pytest.raises(ValidationError) as problem:
        services.change_state(training_class, to_state, reason="试图变更")
    assert refusal(problem) == cannot_become(from_state, to_state)
    training_class.refresh_from_db()
    assert training_class.state == from_state
    assert list(training_class.changes.values_list("pk", flat=True)) == history


def test_completion_is_no_plain_change_of_state(class_in, act):
    """In progress → completed is in TRANSITIONS, but only complete() makes it (the pack
    decides every trainee first)."""
    training_class = class_in(S.IN_PROGRESS)
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.change_state(training_class, S.COMPLETED)
    assert refusal(problem) == cannot_become(S.IN_PROGRESS, S.COMPLETED)


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [(S.SUBMITTED, S.REJECTED), (S.DRAFT, S.WITHDRAWN), (S.APPROVED, S.CANCELLED)],
)
def test_a_rejection_withdrawal_or_cancellation_needs_its_reason(
    class_in, act, from_state, to_state
):
    training_class = class_in(from_state)
    username = "city_reviewer" if to_state in REVIEWER_STATES else "institution"
    with act(username), pytest.raises(ValidationError) as problem:
        services.change_state(training_class, to_state, reason="  ")
    assert problem.value.message_dict == {"reason": [_("Give the reason for the change.")]}


def test_a_rejected_application_is_revised_and_submitted_again(class_in, act):
    """004 §四(三): the bureau reviews the opening application; a rejected one goes back to
    the institution with the reason, is revised as a draft and submitted again."""
    training_class = class_in(S.REJECTED)
    assert training_class.changes.last().reason == "课表缺少实操课次"
    with act("institution"):
        services.change_state(training_class, S.DRAFT)
        services.update_class(training_class, venue="实训楼302（焊接实操车间）")
        services.submit(training_class)
    with act("city_reviewer"):
        services.approve(training_class)
    training_class.refresh_from_db()
    assert training_class.state == S.APPROVED
    assert [c.to_state for c in training_class.changes.order_by("at", "id")] == [
        S.SUBMITTED,
        S.REJECTED,
        S.DRAFT,
        S.SUBMITTED,
        S.APPROVED,
    ]


def test_a_class_under_review_can_no_longer_be_changed(class_in, act):
    training_class = class_in(S.SUBMITTED)
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.update_class(training_class, venue="别处")
    assert f"“{S.SUBMITTED.label}”" in refusal(problem)


def test_a_class_starts_running_on_its_first_day_not_before(make_class, act):
    if (TODAY + timedelta(days=3)).year != TODAY.year:
        pytest.skip("the demo designations cover the current year only")
    training_class = make_class(TODAY + timedelta(days=1), state="approved")
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.change_state(training_class, S.IN_PROGRESS)
    assert refusal(problem) == _("The class starts on %(date)s.") % {
        "date": training_class.start_date
    }


def test_the_bureau_reviews_many_classes_each_on_its_own(class_in, act):
    submitted = class_in(S.SUBMITTED)
    draft = class_in(S.DRAFT, start=TODAY - timedelta(days=20), level="4")
    with act("city_reviewer"):
        result = services.review_many([submitted, draft], approve_them=True)
    assert result["done"] == [submitted]
    assert result["refused"] == [(draft, cannot_become(S.DRAFT, S.APPROVED))]
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.state, draft.state) == (S.APPROVED, S.DRAFT)


# --- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("to_state", [S.APPROVED, S.REJECTED])
def test_the_institution_does_not_review_its_own_application(class_in, act, to_state):
    """004 §四(三): the bureau reviews the opening application, not the institution."""
    training_class = class_in(S.SUBMITTED)
    with (
        act("institution"),
        pytest.raises(PermissionDenied, match="只有人社部门可以审核、取消或关闭培训班"),
    ):
        services.change_state(training_class, to_state, reason="自己批准")
    training_class.refresh_from_db()
    assert training_class.state == S.SUBMITTED


@pytest.mark.parametrize("to_state", [S.CANCELLED, S.CLOSED])
def test_only_the_bureau_cancels_or_closes(class_in, act, to_state):
    """004 §四(三): the bureau supervises the class it approved."""
    training_class = class_in(S.APPROVED if to_state == S.CANCELLED else S.COMPLETED)
    with (
        act("institution"),
        pytest.raises(PermissionDenied, match="只有人社部门可以审核、取消或关闭培训班"),
    ):
        services.change_state(training_class, to_state, reason="机构自行处理")


@pytest.mark.parametrize("username", ["city_reviewer", "finance", "department", "worker"])
def test_only_the_institution_runs_its_classes(class_in, act, institution, trainees, username):
    draft = class_in(S.DRAFT)
    running = class_in(S.IN_PROGRESS, start=TODAY - timedelta(days=20), level="4", people=1)
    session = running.sessions.first()
    enrollment = running.enrollments.first()
    attempts = [
        lambda: services.create_class(institution, name="x"),
        lambda: services.update_class(draft, venue="x"),
        lambda: services.set_teachers(draft, []),
        lambda: services.add_session(
            draft, starts_at=at(TODAY, 9), ends_at=at(TODAY, 10), topic="x"
        ),
        lambda: services.enrol(draft, trainees[4]),
        lambda: services.submit(draft),
        lambda: services.mark_by_hand(session, enrollment.person, reason="x"),
        lambda: services.set_assessment(enrollment, True),
        lambda: services.complete(running),
        lambda: services.register_device(institution, "考勤机"),
        lambda: services.withdraw_enrollment(enrollment, "x"),
    ]
    with act(username):
        for attempt in attempts:
            with pytest.raises(PermissionDenied, match="^只有培训机构可以"):
                attempt()
    assert not CheckIn.objects.filter(session=session).exists()
    draft.refresh_from_db()
    assert draft.state == S.DRAFT and draft.venue != "x"


@pytest.mark.parametrize("username", ["finance", "department", "worker", "institution"])
def test_only_the_bureau_reviews(class_in, act, username):
    """Finance and audit read everything in their region and write nothing."""
    training_class = class_in(S.SUBMITTED)
    with (
        act(username),
        pytest.raises(PermissionDenied, match="只有人社部门可以审核、取消或关闭培训班"),
    ):
        services.approve(training_class)


# --- the opening application (004 §四(三)) -----------------------------------------------------


def not_designated(training_class) -> str:
    return _(
        "The institution is not designated for %(occupation)s at %(level)s from %(start)s "
        "to %(end)s."
    ) % {
        "occupation": training_class.occupation.name,
        "level": training_class.level.name,
        "start": training_class.start_date,
        "end": training_class.end_date,
    }


def test_only_a_designated_occupation_and_level_is_submitted(make_class, act):
    """004 §四(三): a designated institution applies; 鸿鹄 is designated (定点) for welding at
    levels 5 and 4, not 3."""
    training_class = make_class(AHEAD, level="3")
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.submit(training_class)
    assert refusal(problem) == not_designated(training_class)


def test_only_dates_inside_the_designation_are_submitted(make_class, act):
    """004 §四(三): the designation covers the whole class; the demo designations run from
    1 January of last year to 31 December of next year (institutions.demo.demo_years)."""
    last_year = demo_years(TODAY)[-1]
    training_class = make_class(date(last_year, 12, 30), days=3)  # ends on 1 January after it
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.submit(training_class)
    assert refusal(problem) == not_designated(training_class)


def test_only_a_designated_institution_submits(bare_class, act):
    """004 §四(三): only a designated institution applies; 民权县巧手 has applied to be
    designated and is not yet."""
    applied = Institution.objects.get(organisation__name="民权县巧手家政职业培训学校")
    training_class = bare_class(
        AHEAD, AHEAD, occupation="4-10-01-06", staff="admin", at_institution=applied
    )
    with act("admin"), pytest.raises(ValidationError) as problem:
        services.submit(training_class)
    assert refusal(problem) == _(
        "The institution is “%(state)s”: only a designated institution opens classes."
    ) % {"state": applied.get_state_display()}


def test_an_application_needs_sessions_teachers_roster_and_assessment_plan(
    bare_class, act, trainees
):
    """004 §四(三): the opening application carries the timetable, the teachers, the roster and
    the assessment plan; each missing one is named."""
    start = AHEAD
    training_class = bare_class(start, start, assessment_plan="")
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.submit(training_class)
    assert problem.value.messages == [
        _("The timetable has no session."),
        _("The class has no teacher."),
        _("The assessment plan is empty."),
        _("The roster is empty."),
    ]
    with act("institution"):
        teachers = [
            e.teacher for e in training_class.institution.engagements.filter(year=start.year)
        ][:1]
        services.set_teachers(training_class, teachers)
        services.add_session(
            training_class,
            starts_at=at(start, 9),
            ends_at=at(start, 12),
            topic="安全规程",
            teacher=teachers[0],
        )
        services.enrol(training_class, trainees[0])
        services.enrol(training_class, trainees[1])
        services.update_class(training_class, assessment_plan="实操考核", capacity=1)
        with pytest.raises(ValidationError) as problem:
            services.submit(training_class)
        assert problem.value.messages == [_("The roster is larger than the capacity.")]
        services.update_class(training_class, capacity=2)
        services.submit(training_class)
    training_class.refresh_from_db()
    assert training_class.state == S.SUBMITTED


def test_a_class_under_commitment_needs_the_signed_commitment(make_class, act):
    """004 §五(二): pre-job training may run under commitment (承诺制); the signed commitment
    (承诺书) is part of the application."""
    training_class = make_class(AHEAD, commitment_reason="pre_job")
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.submit(training_class)
    assert problem.value.messages == [_("Upload the signed commitment (承诺书).")]
    with act("institution"):
        services.attach_commitment(
            training_class,
            filename="承诺书.pdf",
            content=b"%PDF-1.4 x",
            content_type="application/pdf",
        )
        services.submit(training_class)
    assert Commitment.objects.get(training_class=training_class).sha256


def test_only_a_class_under_commitment_takes_a_commitment(make_class, act):
    training_class = make_class()
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.attach_commitment(
            training_class, filename="x.pdf", content=b"x", content_type="application/pdf"
        )
    assert refusal(problem) == _("This class is not under commitment.")


def test_a_session_stays_inside_the_class_and_apart_from_its_other_sessions(make_class, act):
    training_class = make_class()
    day = training_class.start_date
    with act("institution"):
        for starts, ends, message in [
            (
                at(day - timedelta(days=1), 9),
                at(day - timedelta(days=1), 12),
                _("A session lies outside the class's dates."),
            ),
            (at(day, 10), at(day, 11), _("The session overlaps another session of the class.")),
            (at(day, 15), at(day, 14), _("A session ends after it starts.")),
        ]:
            with pytest.raises(ValidationError) as problem:
                services.add_session(training_class, starts_at=starts, ends_at=ends, topic="x")
            assert refusal(problem) == message
    assert training_class.sessions.count() == 3


# --- enrolment -------------------------------------------------------------------------------


def test_the_same_person_is_refused_in_a_class_whose_sessions_overlap(make_class, act, trainees):
    first = make_class(people=1)  # welding 5级, 9:00-12:00 on three days
    other = make_class(occupation="6-31-01-03", people=0)  # electricians, the same hours
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.enrol(other, trainees[0])
    assert refusal(problem) == _("Already in a class whose sessions overlap: %(names)s") % {
        "names": f"{trainees[0].name}（{first.code}）"
    }
    assert not other.enrollments.exists()
    with act("institution"):  # once the first class is withdrawn, the time is free again
        services.change_state(first, S.WITHDRAWN, reason="不再开班")
        services.enrol(other, trainees[0])


def test_an_overlap_is_refused_also_when_the_session_is_added_later(
    make_class, bare_class, act, trainees
):
    first = make_class(people=1)
    day = first.start_date
    later = bare_class(day, first.end_date)
    with act("institution"):
        teacher = [e.teacher for e in later.institution.engagements.filter(year=day.year)][0]
        services.set_teachers(later, [teacher])
        services.add_session(later, starts_at=at(day, 14), ends_at=at(day, 17), topic="下午课")
        services.enrol(later, trainees[0])  # the afternoon is free
        with pytest.raises(ValidationError) as problem:
            services.add_session(
                later,
                starts_at=at(day + timedelta(days=1), 11),
                ends_at=at(day + timedelta(days=1), 13),
                topic="午间课",
            )
    assert refusal(problem).startswith(
        _("Already in a class whose sessions overlap: %(names)s") % {"names": ""}
    )
    assert later.sessions.count() == 1


def test_a_full_class_takes_no_more_trainees(make_class, act, trainees):
    training_class = make_class(capacity=2, people=2)
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.enrol(training_class, trainees[2])
    assert refusal(problem) == _("The class is full (%(capacity)d places).") % {"capacity": 2}
    assert training_class.enrollments.count() == 2


def test_a_person_is_on_a_roster_once(make_class, act, trainees):
    training_class = make_class(people=1)
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.enrol(training_class, trainees[0])
    assert refusal(problem) == _("%(name)s is already on the roster.") % {"name": trainees[0].name}


def test_the_same_occupation_and_level_is_not_trained_twice(make_class, act, trainees):
    """004 §四(五): the same occupation at the same level is subsidised once; a second class of
    it for the same person is refused at enrolment."""
    first = make_class(people=1)
    second = make_class(TODAY - timedelta(days=20), people=0)  # welding 5级 again, other days
    higher = make_class(TODAY - timedelta(days=30), level="4", people=0)
    with act("institution"):
        with pytest.raises(ValidationError) as problem:
            services.enrol(second, trainees[0])
        assert refusal(problem) == _(
            "%(name)s is already trained for this occupation and level in class %(code)s."
        ) % {"name": trainees[0].name, "code": first.code}
        services.enrol(higher, trainees[0])  # the next level is another training
        services.withdraw_enrollment(first.enrollments.get(person=trainees[0]), "转入其他班")
        services.enrol(second, trainees[0])  # left the first class: no longer trained twice
    assert second.enrollments.filter(person=trainees[0]).exists()


def test_a_class_past_its_application_takes_no_trainees(class_in, act, trainees):
    training_class = class_in(S.IN_PROGRESS, level="4", people=1)
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.enrol(training_class, trainees[5])
    assert refusal(problem) == _("A class that is “%(state)s” takes no more trainees.") % {
        "state": S.IN_PROGRESS.label
    }


def test_eligibility_is_decided_at_enrolment_and_stored_with_its_reasons(make_class, act):
    """002 §三(二) (the henan pack's training.eligible): a person without any category is
    enrolled but not eligible for the subsidy; the decision and its reasons are kept. The
    categories count on the class's first day (eligibility.category_date, 004 §二)."""
    training_class = make_class(people=0)
    with act("institution"):
        nobody = new_person("无类别", "41140219930303123")
        rural = new_person("有类别", "41140219930303124")
        people.add_category(rural, "rural_migrant", valid_from=training_class.start_date)
        refused = services.enrol(training_class, nobody)
        granted = services.enrol(training_class, rural)
    assert (refused.eligible, granted.eligible) == (False, True)
    record = refused.eligibility
    assert record.outcome == "refused" and record.kind == "enrolment"
    assert record.pack.pack_id == "henan-shangqiu-2022"
    assert (record.subject_type, record.subject_id) == ("training.enrollment", str(refused.pk))
    failed = [check for check in record.detail["checks"] if not check["passed"]]
    assert [check["code"] for check in failed] == ["training.category"]
    assert failed[0]["message_zh"] and failed[0]["message_en"]
    assert granted.eligibility.outcome == "granted"


def test_enrolment_withdrawal_and_completion_are_on_the_ledger(make_class, act, finish, trainees):
    training_class = make_class(people=2, state="in_progress")
    first, second = training_class.enrollments.order_by("person__name")
    with act("institution"):
        services.withdraw_enrollment(second, "外出务工")
    finish(training_class)
    first.refresh_from_db()
    events = LedgerEvent.objects.filter(object_type="training.enrollment")
    mine = list(events.filter(person=first.person).order_by("at", "id"))
    assert [e.kind for e in mine] == ["class", "class"]
    assert mine[0].decision_id == first.eligibility_id and training_class.code in mine[0].title
    assert mine[1].decision_id == first.completion_id
    left = events.filter(person=second.person).order_by("at", "id").last()
    assert "外出务工" in left.title and left.object_id == str(second.pk)
    second.refresh_from_db()
    assert second.state == EnrollmentState.WITHDRAWN and second.completion is None


# --- attendance (考勤) ---------------------------------------------------------------------------


@pytest.fixture
def device(act, institution):
    with act("institution"):
        return services.register_device(institution, "实训楼考勤机")[0]


def test_a_resent_event_is_stored_once(class_in, device):
    """000 §三(八), 003 §三10: attendance events are traces (过程留痕), each stored once."""
    training_class = class_in(S.IN_PROGRESS)
    session, person = training_class.sessions.first(), training_class.enrollments.first().person
    first, created = services.record_attendance(
        session, person, "in", event_id="E-1", device_time=session.starts_at, device=device
    )
    again, created_again = services.record_attendance(
        session, person, "in", event_id="E-1", device_time=session.starts_at, device=device
    )
    assert (created, created_again) == (True, False) and again.pk == first.pk
    assert CheckIn.objects.filter(device=device, event_id="E-1").count() == 1


def test_the_same_event_id_from_another_device_is_another_event(class_in, act, institution, device):
    training_class = class_in(S.IN_PROGRESS)
    session, person = training_class.sessions.first(), training_class.enrollments.first().person
    with act("institution"):
        other = services.register_device(institution, "二号考勤机")[0]
    for terminal in (device, other):
        services.record_attendance(
            session, person, "in", event_id="7", device_time=session.starts_at, device=terminal
        )
    assert CheckIn.objects.filter(event_id="7").count() == 2


def test_attendance_entered_twice_by_hand_is_refused_the_second_time(class_in, act):
    """003 §三10: a hand mark is a record with its reason, entered on the session's day; the same
    mark again is refused rather than stored twice."""
    training_class = class_in(S.IN_PROGRESS)
    session, person = training_class.sessions.first(), training_class.enrollments.first().person
    with act("institution"):
        mark_on_the_day(session, [person])
    with act("institution"), pytest.raises(ValidationError, match="已记为到课"):
        mark_on_the_day(session, [person])
    assert not CheckIn.objects.filter(session=session, person=person).exists()
    assert services.attended_sessions(training_class)[person.pk] == {session.pk}


def test_an_event_outside_the_session_is_kept_and_flagged(class_in, device):
    """003 §三10 (过程留痕): events are evidence; one outside the session's time is stored,
    flagged, and does not count as attendance."""
    training_class = class_in(S.IN_PROGRESS)
    session, person = training_class.sessions.first(), training_class.enrollments.first().person
    late, _created = services.record_attendance(
        session,
        person,
        "in",
        event_id="late",
        device=device,
        device_time=session.ends_at + timedelta(hours=3),
    )
    services.record_attendance(
        session, person, "out", event_id="out", device=device, device_time=session.ends_at
    )
    late.refresh_from_db()
    assert (late.in_window, late.flag) == (False, Flag.OUTSIDE_WINDOW)
    assert session.pk not in services.attended_sessions(training_class).get(person.pk, set())


def test_a_check_in_shortly_before_the_session_counts(class_in, device):
    training_class = class_in(S.IN_PROGRESS)
    session, person = training_class.sessions.first(), training_class.enrollments.first().person
    early, _created = services.record_attendance(
        session,
        person,
        "in",
        event_id="early",
        device=device,
        device_time=session.starts_at - timedelta(minutes=20),
    )
    assert (early.in_window, early.flag) == (True, "")


def test_a_device_clock_ahead_of_the_server_is_flagged(class_in, device):
    training_class = class_in(S.IN_PROGRESS)
    session, person = training_class.sessions.first(), training_class.enrollments.first().person
    event, _created = services.record_attendance(
        session,
        person,
        "in",
        event_id="future",
        device=device,
        device_time=timezone.now() + timedelta(hours=1),
    )
    assert event.flag == Flag.DEVICE_CLOCK
    assert event.server_time <= timezone.now() < event.device_time


def test_a_teacher_checks_in_and_a_stranger_is_refused(class_in, device, trainees):
    """000 §三(八): attendance of teachers and trainees (face verification plugs in later and
    says so honestly: not configured)."""
    training_class = class_in(S.IN_PROGRESS)
    session = training_class.sessions.first()
    teacher = session.teacher.person
    event, _created = services.record_attendance(
        session, teacher, "in", event_id="t-1", device=device, device_time=session.starts_at
    )
    assert event.is_teacher and event.verification == "not_configured"
    with pytest.raises(ValidationError) as problem:
        services.record_attendance(
            session, trainees[5], "in", event_id="s-1", device=device, device_time=session.starts_at
        )
    assert refusal(problem) == _("This person is neither a trainee nor a teacher of the class.")


def test_a_class_not_yet_approved_records_no_attendance(class_in, device):
    training_class = class_in(S.SUBMITTED)
    session, person = training_class.sessions.first(), training_class.enrollments.first().person
    with pytest.raises(ValidationError, match="“已提交”的培训班不登记考勤"):
        services.record_attendance(
            session, person, "in", event_id="x", device=device, device_time=session.starts_at
        )
    assert not CheckIn.objects.filter(session=session).exists()


def test_the_first_attendance_starts_an_approved_class(class_in, device, act):
    training_class = class_in(S.APPROVED)
    session, person = training_class.sessions.first(), training_class.enrollments.first().person
    with act(None):  # a device acts for no user: the system's work
        services.record_attendance(
            session, person, "in", event_id="first", device=device, device_time=session.starts_at
        )
    training_class.refresh_from_db()
    assert training_class.state == S.IN_PROGRESS
    assert training_class.changes.last().to_state == S.IN_PROGRESS


# --- completion (结业) ---------------------------------------------------------------------------


def outcome(training_class) -> list[tuple[str, list[str]]]:
    """(state, failed rule codes) of each trainee, in the order of the roster."""
    rows = []
    for enrollment in training_class.enrollments.order_by("id"):
        failed = [c["code"] for c in enrollment.completion.detail["checks"] if not c["passed"]]
        rows.append((enrollment.state, failed))
    return rows


def test_completion_needs_80_percent_attendance_under_the_henan_pack(make_class, finish):
    """henan-shangqiu-2022 procedure.attendance_min_ratio 0.8 (a placeholder, 002 §四(五)1):
    4 of 5 sessions completes, 3 of 5 does not."""
    training_class = make_class(days=5, state="in_progress")
    counts = finish(training_class, attended=[5, 4, 3])
    assert counts == {"completed": 2, "not_completed": 1}
    assert outcome(training_class) == [
        (EnrollmentState.COMPLETED, []),
        (EnrollmentState.COMPLETED, []),
        (EnrollmentState.NOT_COMPLETED, ["procedure.attendance"]),
    ]
    below = training_class.enrollments.order_by("id")[2]
    assert "3/5" in below.reason
    assert below.completion.detail["pack"]["id"] == "henan-shangqiu-2022"
    training_class.refresh_from_db()
    assert training_class.state == S.COMPLETED


def test_a_failed_assessment_does_not_complete(make_class, finish):
    """002 §四(五)1: 结业考核 - a failed assessment does not complete, whatever the attendance."""
    training_class = make_class(state="in_progress")
    finish(training_class, passed=[True, False, True])
    assert [state for state, _failed in outcome(training_class)] == [
        EnrollmentState.COMPLETED,
        EnrollmentState.NOT_COMPLETED,
        EnrollmentState.COMPLETED,
    ]
    assert outcome(training_class)[1][1] == ["completion.assessment"]


@pytest.fixture
def commitment_class(make_class, act):
    """004 §五(二): a pre-job class under commitment, signed, approved and running, 4 sessions."""
    training_class = make_class(days=4, commitment_reason="pre_job")
    with before_start(training_class.start_date):  # opened before it began (004 §四(三))
        with act("institution"):
            services.attach_commitment(
                training_class,
                filename="承诺书.pdf",
                content=b"%PDF-1.4",
                content_type="application/pdf",
            )
            services.submit(training_class)
        with act("city_reviewer"):
            services.approve(training_class)
    with act("institution"):
        services.change_state(training_class, S.IN_PROGRESS)
    training_class.refresh_from_db()
    return training_class


def test_a_class_under_commitment_completes_at_its_own_share(commitment_class, finish):
    """004 §五(二) leaves commitment training to the local bureau; the henan pack's placeholder
    share is 50%: 2 of 4 sessions completes, 1 of 4 does not."""
    counts = finish(commitment_class, attended=[4, 2, 1])
    assert counts == {"completed": 2, "not_completed": 1}
    assert outcome(commitment_class)[2] == (
        EnrollmentState.NOT_COMPLETED,
        ["procedure.attendance"],
    )
    evidence = commitment_class.enrollments.order_by("id")[1].completion.detail["checks"][0]
    assert evidence["evidence"]["rule"] == "commitment.attendance_min_ratio"


def test_a_class_under_commitment_without_its_signed_commitment_does_not_complete(
    commitment_class, finish
):
    """004 §五(二): without the signed commitment on file no trainee completes under it."""
    Commitment.objects.filter(training_class=commitment_class).delete()  # lost after approval
    counts = finish(commitment_class)
    assert counts == {"completed": 0, "not_completed": 3}
    assert {tuple(failed) for _state, failed in outcome(commitment_class)} == {
        ("commitment.signed",)
    }


def test_a_class_completes_only_after_its_end_date(make_class, act):
    training_class = make_class(TODAY - timedelta(days=1), state="in_progress")  # ends tomorrow
    with act("institution"):
        for enrollment in training_class.enrollments.all():
            services.set_assessment(enrollment, True)
        with pytest.raises(ValidationError) as problem:
            services.complete(training_class)
    assert refusal(problem) == _("The class ends on %(date)s: it completes after that day.") % {
        "date": training_class.end_date
    }
    training_class.refresh_from_db()
    assert training_class.state == S.IN_PROGRESS


def test_a_class_completes_only_with_every_assessment_recorded(make_class, act):
    training_class = make_class(state="in_progress")
    first = training_class.enrollments.order_by("id").first()
    with act("institution"):
        services.set_assessment(first, True)
        with pytest.raises(ValidationError) as problem:
            services.complete(training_class)
    names = [e.person.name for e in training_class.enrollments.exclude(pk=first.pk)]
    assert refusal(problem).startswith(_("Record the assessment of: %(names)s") % {"names": ""})
    assert all(name in refusal(problem) for name in names)
    assert not DecisionRecord.objects.filter(kind="completion", subject_id=str(first.pk)).exists()


def test_only_a_running_class_completes(class_in, act):
    training_class = class_in(S.APPROVED)
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.complete(training_class)
    assert refusal(problem) == cannot_become(S.APPROVED, S.COMPLETED)


def test_assessments_are_recorded_while_the_class_runs(class_in, act):
    training_class = class_in(S.APPROVED)
    with act("institution"), pytest.raises(ValidationError) as problem:
        services.set_assessment(training_class.enrollments.first(), True)
    assert refusal(problem) == _("Assessment results are recorded while the class runs.")


# --- data scope ------------------------------------------------------------------------------


def test_each_side_sees_the_classes_in_its_scope(make_class, bare_class, act, users, orgs):
    """The institution sees its own classes; a county reviewer those of institutions in the
    county; the city's reviewer (and finance) the whole city."""
    honghu = make_class(people=1)
    qihang = bare_class(
        TODAY,
        TODAY,
        occupation="4-10-01-05",
        staff="admin",
        at_institution=Institution.objects.get(organisation=orgs["inst_liangyuan"]),
    )

    def sees(username, model=TrainingClass, **lookup):
        return set(
            scoped(users[username], model.objects.filter(**lookup)).values_list("pk", flat=True)
        )

    both = {honghu.pk, qihang.pk}
    assert sees("institution", pk__in=both) == {honghu.pk}
    assert sees("county_reviewer", pk__in=both) == {qihang.pk}  # 梁园区: 启航, not 鸿鹄
    assert sees("city_reviewer", pk__in=both) == both
    assert sees("finance", pk__in=both) == both
    assert sees("department", pk__in=both) == set()
    mine = set(
        TrainingClass.objects.filter(institution__organisation=orgs["inst_city"]).values_list(
            "pk", flat=True
        )
    )
    assert sees("institution") == mine
    assert sees("institution", Session) == set(
        Session.objects.filter(training_class__in=mine).values_list("pk", flat=True)
    )
    assert sees("county_reviewer", Enrollment, training_class=honghu) == set()
    assert sees("city_reviewer", Enrollment, training_class=honghu) == set(
        honghu.enrollments.values_list("pk", flat=True)
    )
    assert sees("county_reviewer", StateChange, training_class=qihang) == set()


def test_a_worker_sees_only_their_own_enrollments(bare_class, act, users, orgs):
    worker = Person.objects.get(user=users["worker"])
    training_class = bare_class(
        soon(60),
        soon(60),
        occupation="4-10-01-05",
        staff="admin",
        at_institution=Institution.objects.get(organisation=orgs["inst_liangyuan"]),
    )
    with act("admin"):
        mine = services.enrol(training_class, worker)
    visible = scoped(users["worker"], Enrollment.objects.all())
    assert list(visible.values_list("pk", flat=True)) == [mine.pk]
    assert not scoped(users["worker"], TrainingClass.objects.all()).exists()


# --- admin ---------------------------------------------------------------------------------------


def test_the_admin_shows_classes_with_their_state_read_only(login, class_in, device):
    training_class = class_in(S.IN_PROGRESS)
    session = training_class.sessions.first()
    services.record_attendance(
        session,
        training_class.enrollments.first().person,
        "in",
        event_id="adm",
        device=device,
        device_time=session.starts_at,
    )
    client = login("admin")
    for model in (
        "trainingclass",
        "session",
        "enrollment",
        "device",
        "commitment",
        "checkin",
    ):
        assert client.get(f"/admin/training/{model}/").status_code == 200, model
    assert client.get("/admin/core/statechange/").status_code == 200  # every history, one table
    page = client.get(f"/admin/training/trainingclass/{training_class.pk}/change/")
    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    event = CheckIn.objects.get(event_id="adm")
    assert client.post(f"/admin/training/checkin/{event.pk}/change/", {}).status_code == 403
    venue = client.post(
        f"/admin/training/trainingclass/{training_class.pk}/change/",
        {
            **{f: getattr(training_class, f) for f in ("name", "venue", "capacity")},
            "state": S.CANCELLED,
        },
    )
    assert venue.status_code in {200, 302}
    training_class.refresh_from_db()
    assert training_class.state == S.IN_PROGRESS


def test_two_first_events_at_once_start_the_class_once(act, make_class):
    """The first attendance starts an approved class; a second event that read the class before
    it started (a concurrent request) waits for the lock and records no second change."""
    training_class = make_class(state="approved")
    stale = TrainingClass.objects.get(pk=training_class.pk)  # read before the first event
    with act("institution"):
        services.start_if_due(training_class)
        services.start_if_due(stale)
    changes = StateChange.objects.filter(training_class=training_class, to_state="in_progress")
    assert changes.count() == 1 and stale.state == "in_progress"
