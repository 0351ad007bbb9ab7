"""Moving an evaluation booking's date without cancelling it (issue 14, "Places where a user is
stuck"). 004 §四(四): 考核评价机构要在培训结束后7日内完成考核评价工作 - the deadline kept on the
booking (`due_on`, the pack's procedure.evaluation_deadline_days after the class's last day).
Within it a move needs nothing more; after it, the reason and the reviewer's exception again.
The institution moves a requested booking, the organisation an accepted one; the state stays."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jineng.core.models import AuditEntry
from jineng.core.roles import Role
from jineng.evaluation import selectors, services
from jineng.evaluation.models import BookingState, EvaluationResult

pytestmark = pytest.mark.django_db

EXCEPTION_TODO = "评价日期例外申请"


def record(booking, examiner, supervisor):
    enrollment = booking.training_class.enrollments.order_by("id").first()
    return services.record_result(
        booking, enrollment, theory="80", practical="85", passed=False,
        examiners=[examiner], supervisor=supervisor,
    )  # fmt: skip


def test_an_accepted_booking_moves_earlier_and_results_are_recorded_from_the_new_date(
    act, booked, examiner, supervisor
):
    """The organisation moves its accepted booking from the day after tomorrow to today, within
    the deadline: no exception, still accepted, and results are taken from today."""
    today = timezone.localdate()
    booking = booked(end=today - timedelta(days=1), planned=today + timedelta(days=2))
    with act("evaluator"), pytest.raises(ValidationError, match="自当日起方可录入"):
        record(booking, examiner, supervisor)
    with act("institution"), pytest.raises(PermissionDenied, match="已受理的预约由评价机构修改"):
        services.move_date(booking, today)
    steps = booking.changes.count()
    with act("evaluator"):
        services.move_date(booking, today)
    booking.refresh_from_db()
    assert booking.planned_date == today and booking.state == BookingState.ACCEPTED
    assert not booking.late and not booking.needs_exception
    entry = AuditEntry.objects.get(object_id=str(booking.pk), message=services.DATE_MOVED)
    assert entry.before["planned_date"] == str(today + timedelta(days=2))
    assert entry.after["planned_date"] == str(today)
    assert entry.actor.username == "evaluator"
    assert booking.changes.count() == steps  # a date is not a state: no step in the history
    with act("evaluator"):
        record(booking, examiner, supervisor)
    assert EvaluationResult.objects.filter(booking=booking).count() == 1
    with act("evaluator"), pytest.raises(ValidationError, match="已录入评价结果"):
        services.move_date(booking, today + timedelta(days=1))


def test_a_requested_booking_moves_within_the_deadline_and_stays_requested(act, booked):
    today = timezone.localdate()
    booking = booked(accept=False, end=today - timedelta(days=1))
    new_day = booking.due_on - timedelta(days=1)
    with act("evaluator"), pytest.raises(PermissionDenied, match="尚未答复的预约由培训机构修改"):
        services.move_date(booking, new_day)
    with act("institution"):
        services.move_date(booking, new_day)
    booking.refresh_from_db()
    assert booking.planned_date == new_day and booking.state == BookingState.REQUESTED
    assert booking.late_reason == "" and not booking.needs_exception
    with act("evaluator"):
        services.accept(booking)


def test_a_date_after_the_deadline_needs_the_reason_and_then_the_exception(act, booked):
    """004 §四(四): past `due_on` the move is refused without a reason; with one it waits for
    the reviewer's exception before the organisation accepts. An excepted date moved later
    needs the exception again; moved earlier (still late) it keeps it."""
    today = timezone.localdate()
    booking = booked(accept=False, end=today - timedelta(days=1))
    late_day = booking.due_on + timedelta(days=5)
    with act("institution"), pytest.raises(ValidationError, match="004 §四") as refused:
        services.move_date(booking, late_day)
    assert "planned_date" in refused.value.message_dict
    booking.refresh_from_db()
    assert booking.planned_date != late_day
    with act("institution"):
        services.move_date(booking, late_day, reason="学员集中返岗，推迟评价")
    booking.refresh_from_db()
    assert booking.state == BookingState.REQUESTED and booking.needs_exception
    assert booking.late_reason == "学员集中返岗，推迟评价"
    with act("evaluator"), pytest.raises(ValidationError, match="须经人社部门批准例外后方可受理"):
        services.accept(booking)
    with act("city_reviewer"):
        services.grant_exception(booking, "同意推迟")
    with act("institution"):
        services.move_date(booking, late_day - timedelta(days=2))  # earlier: still excepted
    booking.refresh_from_db()
    assert booking.exception_granted and not booking.needs_exception
    with act("institution"), pytest.raises(ValidationError, match="004 §四"):
        services.move_date(booking, late_day + timedelta(days=1))  # later: the reason again
    with act("institution"):
        services.move_date(booking, late_day + timedelta(days=1), reason="场地检修")
    booking.refresh_from_db()
    assert booking.needs_exception and booking.exception_reason == ""
    with act("institution"):
        services.move_date(booking, booking.due_on)  # back within: no exception needed
    booking.refresh_from_db()
    assert not booking.late and booking.late_reason == "" and not booking.needs_exception


def test_an_accepted_booking_moved_after_the_deadline_waits_for_the_exception_to_record(
    act, booked, examiner, supervisor
):
    """A class that ended ten days ago, booked on its next day: moved to today (after the
    deadline) with a reason, its results wait for the bureau's exception."""
    today = timezone.localdate()
    end = today - timedelta(days=10)
    booking = booked(end=end, planned=end + timedelta(days=1))
    with act("evaluator"):
        services.move_date(booking, today, reason="考评员临时调整")
    booking.refresh_from_db()
    assert booking.state == BookingState.ACCEPTED and booking.needs_exception
    with act("evaluator"), pytest.raises(ValidationError, match="方可录入结果"):
        record(booking, examiner, supervisor)
    with act("city_reviewer"):
        services.grant_exception(booking, "同意")
    with act("evaluator"):
        record(booking, examiner, supervisor)


def test_a_date_in_the_past_or_the_same_date_is_refused(act, booked):
    today = timezone.localdate()
    booking = booked(accept=False, end=today - timedelta(days=1))
    with act("institution"), pytest.raises(ValidationError, match="不能早于今天") as refused:
        services.move_date(booking, today - timedelta(days=1))
    assert "planned_date" in refused.value.message_dict
    with act("institution"), pytest.raises(ValidationError, match="评价日期已是"):
        services.move_date(booking, booking.planned_date)


def test_a_closed_booking_keeps_its_date(act, booked):
    booking = booked(accept=False)
    with act("institution"):
        services.cancel(booking, "改约")
    with act("institution"), pytest.raises(ValidationError, match="不能修改评价日期"):
        services.move_date(booking, timezone.localdate() + timedelta(days=1))


def test_an_out_of_scope_user_is_refused(act, booked, make_user, orgs, login):
    booking = booked(accept=False)
    make_user(orgs["inst_yongcheng"], Role.INSTITUTION_STAFF, "yongcheng_staff")
    new_day = timezone.localdate() + timedelta(days=1)
    with act("yongcheng_staff"), pytest.raises(PermissionDenied, match="不在您的数据范围内"):
        services.move_date(booking, new_day)
    response = login("yongcheng_staff").post(
        f"/evaluations/{booking.pk}/date/", {"planned_date": new_day.isoformat()}
    )
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.planned_date != new_day


def test_an_exception_request_is_a_to_do_item_for_the_reviewer(act, booked, users, login):
    """The reviewer's to-do card counts the dates after the deadline waiting for an exception
    in their scope and links to that queue; the county reviewer (another county) has none."""

    def waiting(username):
        items = {item.label: item for item in selectors.todo(users[username])}
        return items[EXCEPTION_TODO].count if EXCEPTION_TODO in items else 0

    before = waiting("city_reviewer")
    county_before = waiting("county_reviewer")
    booking = booked(accept=False, end=timezone.localdate() - timedelta(days=1))
    with act("institution"):
        services.move_date(booking, booking.due_on + timedelta(days=3), reason="设备检修")
    assert waiting("city_reviewer") == before + 1
    assert waiting("county_reviewer") == county_before
    assert EXCEPTION_TODO not in {item.label for item in selectors.todo(users["institution"])}
    client = login("city_reviewer")
    assert EXCEPTION_TODO in client.get("/").content.decode()
    queue = client.get("/evaluations/?needs_exception=true").content.decode()
    assert f"/evaluations/{booking.pk}/" in queue
    with act("city_reviewer"):
        services.grant_exception(booking, "同意")
    assert waiting("city_reviewer") == before
    queue = client.get("/evaluations/?needs_exception=true").content.decode()
    assert f"/evaluations/{booking.pk}/" not in queue


def test_the_institution_moves_the_date_through_the_booking_page(booked, login):
    booking = booked(accept=False, end=timezone.localdate() - timedelta(days=1))
    old_day, new_day = booking.planned_date, booking.due_on
    client = login("institution")
    page = client.get(f"/evaluations/{booking.pk}/").content.decode()
    assert 'id="move-date"' in page and 'id="date-moves"' not in page
    response = client.post(
        f"/evaluations/{booking.pk}/date/", {"planned_date": new_day.isoformat(), "reason": ""}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.planned_date == new_day and booking.state == BookingState.REQUESTED
    page = client.get(f"/evaluations/{booking.pk}/").content.decode()
    assert "评价日期已修改。" in page and 'id="date-moves"' in page
    assert f"{old_day.isoformat()} → {new_day.isoformat()}" in page
    # A late date without a reason: a message on the page, nothing changed.
    response = client.post(
        f"/evaluations/{booking.pk}/date/",
        {"planned_date": (new_day + timedelta(days=2)).isoformat()},
        follow=True,
    )
    assert "004 §四(四)" in response.content.decode()
    booking.refresh_from_db()
    assert booking.planned_date == new_day
    assert (
        'id="move-date"'
        not in login("evaluator").get(f"/evaluations/{booking.pk}/").content.decode()
    )
