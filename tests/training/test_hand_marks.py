"""Attendance is a record of what happened (000 §三(八) 人脸识别考勤; 003 §三10 远程监控、过程留痕):
a mark entered by hand says who entered it and why, only once the session has started, on an
approved or running class, within the pack's window (attendance.manual_entry_days, henan-shangqiu
-2022: 0 days, assumed); later only with the bureau's approval. A correction supersedes the mark
it replaces; both are kept, only the newest counts."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from jineng.catalog.packs import pack_for
from jineng.core import todo
from jineng.training import services
from jineng.training.models import (
    CheckIn,
    ClassState,
    LateMarkRequest,
    LateMarkState,
    ManualMark,
)
from tests.factories import PersonFactory
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
REASON = "考勤机故障，手工补录"


def after(session, minutes: int = 30):
    """The clock just after the session ended, on its day (inside the window of 0 days)."""
    return time_machine.travel(session.ends_at + timedelta(minutes=minutes), tick=False)


def first(training_class):
    return training_class.sessions.first(), training_class.enrollments.first().person


@pytest.fixture
def running(make_class):
    """A class in progress whose three sessions are over (the first five days ago)."""
    return make_class(state="in_progress")


@pytest.fixture
def device(act, institution):
    with act("institution"):
        return services.register_device(institution, "实训楼人脸考勤机")[0]


def device_attendance(session, person, device):
    for direction, at in (("in", session.starts_at), ("out", session.ends_at)):
        services.record_attendance(session, person, direction, event_id=f"{person.pk}-{direction}",
                                   device_time=at, device=device)  # fmt: skip


# The worker that loaded the whole demo for other tests holds the demo's own marks and requests:
# these tests look only at the rows they made.
_FIRST_NEW_ID: dict = {}


@pytest.fixture(autouse=True)
def _rows_before_the_test(db):
    for model in (ManualMark, LateMarkRequest, CheckIn):
        _FIRST_NEW_ID[model] = (model.objects.aggregate(last=Max("id"))["last"] or 0) + 1


def made_here(model):
    return model.objects.filter(id__gte=_FIRST_NEW_ID[model])


# --- the rules of a hand mark -------------------------------------------------------------------


def test_the_pack_states_the_window_as_an_assumed_value():
    """000 §三(八), 003 §三10: no seed gives the period for hand entry; the Shangqiu pack assumes
    the session's day (0), with a note saying so."""
    _version, pack = pack_for("411400", TODAY)
    rule = pack.rule("attendance.manual_entry_days")
    assert rule.value == 0 and rule.assumed and "placeholder" in rule.note


def test_no_hand_mark_before_the_session_starts(make_class, act):
    """000 §三(八): attendance is what happened; a session not yet begun has none."""
    training_class = make_class(TODAY + timedelta(days=14), state="approved")
    session, person = first(training_class)
    with act("institution"), pytest.raises(ValidationError, match="开始后才能录入考勤"):
        services.mark_by_hand(session, person, reason=REASON)
    just_before = time_machine.travel(session.starts_at - timedelta(minutes=1))
    with act("institution"), just_before, pytest.raises(ValidationError, match="开始后才能录入"):
        services.mark_by_hand(session, person, reason=REASON)
    assert not made_here(ManualMark).exists()


def test_no_hand_mark_on_a_class_that_is_not_open(make_class, act):
    """A draft (not approved, 004 §四(三)) takes no attendance, even for a past session."""
    draft = make_class()
    session, person = first(draft)
    with act("institution"), after(session), pytest.raises(ValidationError, match="不能手工录入"):
        services.mark_by_hand(session, person, reason=REASON)
    assert not made_here(ManualMark).exists()


def test_a_hand_mark_needs_a_reason(running, act):
    session, person = first(running)
    with act("institution"), after(session), pytest.raises(ValidationError) as refused_mark:
        services.mark_by_hand(session, person, reason="  ")
    assert "reason" in refused_mark.value.message_dict
    assert not made_here(ManualMark).exists()


def test_a_hand_mark_within_the_window_is_stored_with_who_and_why(running, act, users):
    """003 §三10 (过程留痕): the mark keeps who entered it, when and why; it counts."""
    session, person = first(running)
    with act("institution"), after(session, minutes=60 * 10):  # 22:00, still the same day
        mark = services.mark_by_hand(session, person, reason=REASON)
    assert (mark.recorded_by, mark.reason, mark.present) == (users["institution"], REASON, True)
    assert not mark.correction and mark.supersedes is None
    assert services.attended_sessions(running)[person.pk] == {session.pk}
    assert not made_here(CheckIn).exists()  # a hand mark is not dressed up as a device's event


def test_a_late_hand_mark_needs_the_bureaus_approval(running, act, users):
    """Past the window (the next day): the institution asks, the city's reviewer sees it on the
    to-do card and approves with a reason; the mark is then stored, pointing at the approval."""
    session, person = first(running)
    with act("institution"), pytest.raises(ValidationError, match="审批") as late:
        services.mark_by_hand(session, person, reason=REASON)
    assert late.value.code == "late"
    with act("institution"):
        request = services.request_late_mark(session, person, reason="学员请假条补交，实际到课")
        with pytest.raises(ValidationError, match="已有"):
            services.request_late_mark(session, person, reason="again")
    assert not made_here(ManualMark).exists()
    waiting = {item.url: item.count for item in todo.items_for(users["city_reviewer"])}
    assert waiting["/classes/late-attendance/"] == 1
    assert "/classes/late-attendance/" not in {i.url for i in todo.items_for(users["institution"])}
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门"):
        services.decide_late_mark(request, approve=True, reason="同意")
    with act("county_reviewer"), pytest.raises(ValidationError, match="不在您的辖区"):
        services.decide_late_mark(request, approve=True, reason="同意")
    with act("city_reviewer"), pytest.raises(ValidationError) as no_reason:
        services.decide_late_mark(request, approve=True, reason="")
    assert "reason" in no_reason.value.message_dict
    with act("city_reviewer"):
        services.decide_late_mark(request, approve=True, reason="请假条与监控核实一致，同意补录")
    request.refresh_from_db()
    assert request.state == LateMarkState.APPROVED
    mark = made_here(ManualMark).get()
    assert (mark.approval, mark.recorded_by, mark.reason) == (
        request, users["institution"], "学员请假条补交，实际到课"
    )  # fmt: skip
    change = request.changes.order_by("id").last()
    assert (change.to_state, change.by, change.reason) == (
        "approved", users["city_reviewer"], "请假条与监控核实一致，同意补录"
    )  # fmt: skip
    assert services.attended_sessions(running)[person.pk] == {session.pk}


def test_a_refused_late_mark_creates_nothing(running, act):
    session, person = first(running)
    with act("institution"):
        request = services.request_late_mark(session, person, reason="补录")
    with act("city_reviewer"):
        services.decide_late_mark(request, approve=False, reason="无监控记录佐证，不予补录")
        with pytest.raises(ValidationError, match="不能变为"):
            services.decide_late_mark(request, approve=True, reason="改主意")
    assert made_here(LateMarkRequest).get().state == LateMarkState.REFUSED
    assert not made_here(ManualMark).exists()
    assert person.pk not in services.attended_sessions(running)


def test_a_correction_supersedes_and_both_are_kept(running, act):
    """003 §三10 (过程留痕): a wrong ✓ removed is a new record; the old one stays, not counted."""
    session, person = first(running)
    with act("institution"), after(session):
        wrong = services.mark_by_hand(session, person, reason=REASON)
        removed = services.mark_by_hand(session, person, present=False, reason="录错学员，更正")
        with pytest.raises(ValidationError, match="无可撤销"):
            services.mark_by_hand(session, person, present=False, reason="again")
    assert removed.supersedes == wrong and removed.correction
    assert list(made_here(ManualMark).order_by("id")) == [wrong, removed]
    assert person.pk not in services.attended_sessions(running)
    with act("institution"), after(session, minutes=45):
        again = services.mark_by_hand(session, person, reason="核实监控，确已到课")
        with pytest.raises(ValidationError, match="已记为到课"):
            services.mark_by_hand(session, person, reason="twice")
    assert again.supersedes == removed
    assert services.attended_sessions(running)[person.pk] == {session.pk}
    assert services.current_marks(running) == {(person.pk, session.pk): again}


def test_a_device_check_in_corrected_by_hand_keeps_its_events(running, act, device):
    """The device's events stay as they came; a hand correction overrides them in the count."""
    session, person = first(running)
    device_attendance(session, person, device)
    assert services.attended_sessions(running)[person.pk] == {session.pk}
    with act("institution"), after(session):
        mark = services.mark_by_hand(session, person, present=False, reason="代打卡，本人未到")
    assert mark.correction and mark.supersedes is None
    assert CheckIn.objects.filter(session=session, person=person).count() == 2
    assert person.pk not in services.attended_sessions(running)


def test_counts_exclude_superseded_marks(running, act, device):
    """The class's figures: device person-sessions, hand marks (all kept) and corrections; the
    count of attendance (completion, claims) uses only marks not superseded."""
    sessions = list(running.sessions.all())
    people = [enrollment.person for enrollment in running.enrollments.order_by("id")]
    device_attendance(sessions[0], people[0], device)
    with act("institution"):
        with after(sessions[0]):
            services.mark_by_hand(sessions[0], people[1], reason=REASON)
            services.mark_by_hand(sessions[0], people[1], present=False, reason="更正：未到")
            services.mark_by_hand(sessions[0], people[0], present=False, reason="代打卡")
        with after(sessions[1]):
            services.mark_by_hand(sessions[1], people[1], reason=REASON)
    assert services.attendance_figures(running) == {
        "device": 0, "hand": 4, "corrections": 2, "waiting": 0
    }  # fmt: skip
    attended = services.attended_sessions(running)
    assert (attended.get(people[0].pk), attended[people[1].pk]) == (None, {sessions[1].pk})


def test_completion_counts_only_current_marks(running, act):
    """结业 counts attendance by the current marks: a removed ✓ does not count."""
    sessions = list(running.sessions.all())
    enrollments = list(running.enrollments.order_by("id"))
    with act("institution"):
        for session in sessions:
            with after(session):
                for enrollment in enrollments:
                    services.mark_by_hand(session, enrollment.person, reason=REASON)
        for session in sessions[1:]:  # the first trainee came to the first session only
            with after(session, minutes=50):
                services.mark_by_hand(session, enrollments[0].person, present=False,
                                      reason="核对签到表，本人缺课")  # fmt: skip
        for enrollment in enrollments:
            services.set_assessment(enrollment, True)
        counts = services.complete(running)
    assert counts == {"completed": 2, "not_completed": 1}


# --- the pages ----------------------------------------------------------------------------------


def page_url(training_class, tail: str = "") -> str:
    return f"/classes/{training_class.pk}/{tail}"


def says(response, msgid: str) -> bool:
    return escape(gettext(msgid)) in response.content.decode()


def test_a_hand_mark_through_the_page_shows_in_the_figures_and_history(login, running):
    session, person = first(running)
    client = login("institution")
    assert 'id="hand-mark"' in client.get(page_url(running)).content.decode()
    values = {"session": session.pk, "person": person.pk, "present": "1", "reason": REASON}
    with after(session):
        response = client.post(page_url(running, "attendance/"), values, follow=True)
    content = response.content.decode()
    assert says(response, "Attendance entered by hand, with its reason.")
    assert ManualMark.objects.filter(session=session, person=person, reason=REASON).exists()
    assert 'data-hand="1"' in content and REASON in content
    assert f'id="cell-{person.pk}-{session.pk}" class="text-center" data-status="hand"' in content


def test_a_late_mark_through_the_pages_waits_for_the_reviewer(login, running):
    session, person = first(running)
    values = {"session": session.pk, "person": person.pk, "present": "1", "reason": "补交请假条"}
    response = login("institution").post(page_url(running, "attendance/"), values, follow=True)
    assert "alert-info" in response.content.decode() and not made_here(ManualMark).exists()
    request = made_here(LateMarkRequest).get()
    reviewer = login("city_reviewer")
    assert "/classes/late-attendance/" in reviewer.get("/").content.decode()  # the to-do card
    assert f'id="late-{request.pk}"' in reviewer.get("/classes/late-attendance/").content.decode()
    decide = f"/classes/late-attendance/{request.pk}/decide/"
    response = reviewer.post(decide, {"decision": "approve", "reason": "核实无误"}, follow=True)
    assert "alert-success" in response.content.decode()
    assert made_here(ManualMark).get().approval == request
    page = reviewer.get(page_url(running)).content.decode()
    assert "补交请假条" in page and 'data-hand="1"' in page


def test_tampered_hand_marks_get_a_message_not_a_server_error(login, running, make_class):
    session, person = first(running)
    other = make_class(TODAY - timedelta(days=30), level="4", state="in_progress")
    stranger_session, stranger = other.sessions.first(), PersonFactory()
    client = login("institution")
    good = {"session": session.pk, "person": person.pk, "present": "1", "reason": REASON}
    for field, values in {
        "session": [*ABSURD, stranger_session.pk],
        "person": [*ABSURD, stranger.pk],
        "present": ABSURD,
        "reason": ["", "x" * 301],
    }.items():
        for value in values:
            with after(session):
                response = client.post(page_url(running, "attendance/"), {**good, field: value},
                                       follow=True)  # fmt: skip
            refused(response)
    # Before the session: the service's refusal, as a message.
    future = make_class(TODAY + timedelta(days=14), occupation="6-31-01-03", state="approved")
    session, person = first(future)
    client = login("institution")  # signed in again: travelling back made the session idle
    response = client.post(page_url(future, "attendance/"), {**good, "session": session.pk,
                           "person": person.pk}, follow=True)  # fmt: skip
    refused(response)
    assert not made_here(ManualMark).exists() and not made_here(LateMarkRequest).exists()


def test_tampered_decisions_on_late_marks_are_refused(login, running, act):
    session, person = first(running)
    with act("institution"):
        request = services.request_late_mark(session, person, reason="补录")
    reviewer = login("city_reviewer")
    decide = f"/classes/late-attendance/{request.pk}/decide/"
    for decision in ABSURD:
        refused(reviewer.post(decide, {"decision": decision, "reason": "x"}, follow=True))
    refused(reviewer.post(decide, {"decision": "refuse", "reason": ""}, follow=True))
    assert reviewer.post("/classes/late-attendance/999999/decide/", {}).status_code == 404
    outside = login("county_reviewer").post(decide, {"decision": "approve", "reason": "x"})
    assert outside.status_code == 404  # another region's request does not exist for them
    request.refresh_from_db()
    assert request.state == LateMarkState.REQUESTED and not made_here(ManualMark).exists()
    assert running.state == ClassState.IN_PROGRESS
