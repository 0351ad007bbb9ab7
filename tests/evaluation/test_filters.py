"""The booking list's page and API run one selector with one FilterSet (evaluation.selectors,
evaluation.filters): same parameters, same bookings in the same order."""

import pytest

from jineng.evaluation import services
from jineng.evaluation.models import EvaluationBooking
from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

PAGE, API = "/evaluations/", "/api/v1/evaluations/"


@pytest.fixture
def bookings(act, booked, trainees, examiner, supervisor):
    """Two bookings of welding classes of 鸿鹄 with the centre: one requested, one done (every
    completed trainee's result recorded, then finished)."""
    requested = booked(accept=False, persons=trainees[:2])
    done = booked(persons=trainees[2:4])
    with act("evaluator"):
        for enrollment in done.training_class.enrollments.all():
            services.record_result(done, enrollment, theory=80, practical=85, passed=True,
                                   examiners=[examiner], supervisor=supervisor)  # fmt: skip
        services.finish(done)
    return requested, done


@pytest.mark.usefixtures("bookings")
@pytest.mark.parametrize(
    "username", ["admin", "city_reviewer", "county_reviewer", "institution", "evaluator"]
)
def test_booking_page_and_api_list_the_same_bookings(login, username):
    booking = EvaluationBooking.objects.order_by("id").first()
    cases = [
        {},
        {"state": "requested"},
        {"state": "done"},
        {"evaluation_org": booking.evaluation_org_id},
        {"training_class": booking.training_class_id},
        {"q": "焊工"},
    ]
    with_rows = assert_same_rows(login, username, PAGE, API, cases)
    assert with_rows >= (0 if username == "county_reviewer" else 2)


@pytest.mark.parametrize(
    "params", [{"state": "nonsense"}, {"evaluation_org": "abc"}, {"training_class": "0"}]
)
def test_booking_list_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, params)
