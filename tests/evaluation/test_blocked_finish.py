"""Finishing an evaluation that cannot be finished yet (issue 14): the button is disabled with
the reason (the evaluation's date, or whose results are missing), the same reason finish()
gives when the POST comes anyway."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jineng.evaluation import services
from jineng.evaluation.models import BookingState
from tests.buttons import blocked, reason_in_chinese

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_an_evaluation_is_not_finished_before_its_day(booked, login):
    booking = booked(planned=TODAY + timedelta(days=2))
    reason = reason_in_chinese(services.finish_readiness(booking))
    assert str(booking.planned_date) in reason
    client = login("evaluator")
    blocked(client.get(f"/evaluations/{booking.pk}/").content.decode(), "action-finish", reason)
    response = client.post(f"/evaluations/{booking.pk}/finish/", follow=True)
    assert reason in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == BookingState.ACCEPTED


def test_an_evaluation_is_not_finished_while_results_are_missing(booked, login):
    """On or after its day, the button names the trainees still without a result."""
    booking = booked()
    assert booking.planned_date < TODAY
    reason = reason_in_chinese(services.finish_readiness(booking))
    names = booking.training_class.enrollments.values_list("person__name", flat=True)
    assert all(name in reason for name in names)
    client = login("evaluator")
    blocked(client.get(f"/evaluations/{booking.pk}/").content.decode(), "action-finish", reason)
    response = client.post(f"/evaluations/{booking.pk}/finish/", follow=True)
    assert reason in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == BookingState.ACCEPTED


def test_the_finish_button_follows_the_results_as_they_are_saved(
    booked, login, examiner, supervisor
):
    """The grid saves each result by htmx; its answer brings the finish button again (out of
    band), so it turns enabled with the last result, without reloading the page."""
    booking = booked(people=2)
    first, second = booking.training_class.enrollments.order_by("id")
    client = login("evaluator")
    panel = {"examiners": [examiner.pk], "supervisor": supervisor.pk}

    def save(enrollment) -> str:
        row = {"enrollment": enrollment.pk, f"theory-{enrollment.pk}": "80",
               f"practical-{enrollment.pk}": "75", f"passed-{enrollment.pk}": "1"}  # fmt: skip
        answer = client.post(f"/evaluations/{booking.pk}/results/", {**panel, **row},
                             HTTP_HX_REQUEST="true")  # fmt: skip
        html = answer.content.decode()
        assert '<div id="finish-action" hx-swap-oob="true">' in html
        return html

    waiting = save(first)
    reason = reason_in_chinese(services.finish_readiness(booking))
    assert second.person.name in reason and first.person.name not in reason
    blocked(waiting, "action-finish", reason)
    ready = save(second)
    assert 'type="submit" id="action-finish"' in ready and "action-finish-why" not in ready
