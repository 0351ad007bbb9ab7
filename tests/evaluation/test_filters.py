"""The booking list's page and API run one selector with one FilterSet (evaluation.selectors,
evaluation.filters): same parameters, same bookings in the same order."""

import pytest

from jineng.evaluation.models import EvaluationBooking
from tests.filters import assert_refused_cleanly, assert_same_rows

# The tests marked full_demo read the demo's classes, certificates, evaluations, vouchers or
# claims (tests/conftest.py); the others build what they need.
pytestmark = pytest.mark.django_db

PAGE, API = "/evaluations/", "/api/v1/evaluations/"


@pytest.mark.usefixtures("full_demo")
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
