"""Who sees an evaluation booking (the class's institution, the evaluation organisation, the
bureau of their region; nobody else: lists leave it out, pages and the API answer 404), and the
overdue queue: bookings past the deadline of 004 §四(四)
(考核评价机构要在培训结束后7日内完成考核评价工作) without every result, and completed classes
past it with no booking."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jineng.core.roles import Role
from jineng.evaluation import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsiders(make_user, orgs):
    return {
        "other_institution": make_user(
            orgs["inst_yongcheng"], Role.INSTITUTION_STAFF, "yongcheng_staff"
        ),
        "other_org": make_user(orgs["eval_yongcheng"], Role.EVALUATION_STAFF, "station_staff"),
    }


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("institution", True),  # the class's institution
        ("evaluator", True),  # the booked organisation
        ("city_reviewer", True),  # the bureau of their region
        ("admin", True),
        ("finance", True),  # read-only, the city's region
        ("county_reviewer", False),  # 梁园区: another county
        ("yongcheng_staff", False),  # another institution
        ("station_staff", False),  # another evaluation organisation
    ],
)
def test_a_booking_is_seen_by_its_institution_organisation_and_region(
    booked, outsiders, users, login, username, visible
):
    booking = booked()
    user = users.get(username) or next(u for u in outsiders.values() if u.username == username)
    assert selectors.bookings_for(user).filter(pk=booking.pk).exists() is visible
    client = login(username)
    assert client.get(f"/evaluations/{booking.pk}/").status_code == (200 if visible else 404)
    assert client.get(f"/api/v1/evaluations/{booking.pk}/").status_code == (200 if visible else 404)
    listing = client.get("/evaluations/").content.decode()
    assert (f"/evaluations/{booking.pk}/" in listing) is visible


def test_another_organisation_cannot_act_on_a_booking_it_does_not_see(booked, outsiders, login):
    booking = booked(accept=False)
    client = login("station_staff")
    assert client.post(f"/evaluations/{booking.pk}/accept/").status_code == 404
    assert client.post(f"/api/v1/evaluations/{booking.pk}/accept/").status_code == 404
    booking.refresh_from_db()
    assert booking.state == "requested"


def test_the_overdue_queue(
    act, completed_class, centre, trainees, examiner, supervisor, login, users
):
    """004 §四(四): a requested booking whose deadline passed, an accepted one still missing a
    result, and a completed class past its due date with no booking are overdue; a class still
    within its deadline, a booking with every result, and an excepted late date that has not come
    are not."""
    today = timezone.localdate()
    long_ago = today - timedelta(days=12)  # due on today - 5
    requested_class = completed_class(long_ago, persons=trainees[0:1])
    accepted_class = completed_class(long_ago - timedelta(days=3), persons=trainees[1:3])
    unbooked_class = completed_class(long_ago - timedelta(days=6), persons=trainees[3:4])
    recent_class = completed_class(today - timedelta(days=2), persons=trainees[4:5])
    excepted_class = completed_class(long_ago - timedelta(days=9), persons=trainees[5:6])
    with act("institution"):
        requested = services.book(requested_class, centre, long_ago + timedelta(days=3))
        accepted = services.book(accepted_class, centre, accepted_class.end_date + timedelta(1))
        excepted = services.book(excepted_class, centre, today + timedelta(days=2),
                                 late_reason="学员返乡后统一评价")  # fmt: skip
    with act("city_reviewer"):
        services.grant_exception(excepted, "同意")
    with act("evaluator"):
        services.accept(accepted)
        first, second = accepted_class.enrollments.order_by("id")
        services.record_result(accepted, first, theory=80, practical=80, passed=True,
                               examiners=[examiner], supervisor=supervisor)  # fmt: skip
    reviewer = login("city_reviewer")
    user = users["city_reviewer"]
    overdue = set(selectors.overdue_bookings(user, today).values_list("pk", flat=True))
    assert {requested.pk, accepted.pk} <= overdue and excepted.pk not in overdue
    waiting = {
        w.training_class.pk for w in selectors.classes_waiting(user, today, overdue_only=True)
    }
    assert unbooked_class.pk in waiting and recent_class.pk not in waiting
    assert requested_class.pk not in waiting
    everything = {w.training_class.pk: w for w in selectors.classes_waiting(user, today)}
    assert recent_class.pk in everything
    assert everything[recent_class.pk].due == recent_class.end_date + timedelta(days=7)

    page = reviewer.get("/evaluations/?tab=overdue").content.decode()
    assert requested_class.code in page and accepted_class.code in page
    assert unbooked_class.code in page and recent_class.code not in page
    assert excepted_class.code not in page

    with act("evaluator"):
        services.record_result(accepted, second, theory=50, practical=50, passed=False,
                               examiners=[examiner], supervisor=supervisor)  # fmt: skip
    overdue = set(selectors.overdue_bookings(user, today).values_list("pk", flat=True))
    assert accepted.pk not in overdue
    assert (
        not selectors.overdue_bookings(users["county_reviewer"], today)
        .filter(pk=requested.pk)
        .exists()
    )
