"""The class list's page, its review queue and its API run one selector with one FilterSet
(training.selectors, training.filters): the same parameters give the same classes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jineng.institutions.models import Institution
from tests.factories import TrainingClassFactory
from tests.filters import api_ids, assert_refused_cleanly, assert_same_rows, page_ids

pytestmark = pytest.mark.django_db

PAGE, API = "/classes/", "/api/v1/classes/"
CASES = [
    {},
    {"state": "completed"},
    {"state": "submitted"},
    {"occupation": "4-10-01-05"},
    {"occupation": "6-18-02-04", "state": "in_progress"},
    {"q": "育婴"},
    {"start_from": "2026-01-01", "start_to": "2026-12-31"},
]


@pytest.fixture
def classes(orgs):
    """Classes in several states at 鸿鹄 (welding, the city's) and at 梁园区启航 (care and infant
    care, in the county reviewer's 梁园区; no demo login, the administrator acts for it)."""
    ahead = timezone.localdate() + timedelta(days=14)
    qihang = Institution.objects.get(organisation=orgs["inst_liangyuan"])
    care = {"institution": qihang, "staff": "admin", "level": "5", "teachers": 1}
    return [
        TrainingClassFactory(state="completed"),
        TrainingClassFactory(state="in_progress"),
        TrainingClassFactory(state="submitted", start=ahead),
        TrainingClassFactory(
            state="submitted",
            start=ahead,
            occupation="4-10-01-05",
            name="养老护理员（五级）培训班",
            **care,
        ),  # fmt: skip
        TrainingClassFactory(
            state="draft", start=ahead, occupation="4-10-01-06", name="育婴员（五级）培训班", **care
        ),  # fmt: skip
    ]


@pytest.mark.usefixtures("classes")
@pytest.mark.parametrize("username", ["admin", "city_reviewer", "county_reviewer", "institution"])
def test_class_page_and_api_list_the_same_classes(login, username):
    assert assert_same_rows(login, username, PAGE, API, CASES) >= 3


def test_review_queue_lists_the_api_submitted_classes(login, classes):
    """The review queue is the class list of submitted applications, soonest start first."""
    client = login("city_reviewer")
    on_page = page_ids(client, "/classes/review/", {})
    assert {c.pk for c in classes if c.state == "submitted"} <= set(on_page), "two wait"
    assert sorted(on_page) == sorted(api_ids(client, API, {"state": "submitted"}))
    occupation = {"occupation": "4-10-01-05"}
    assert set(page_ids(client, "/classes/review/", occupation)) == set(
        api_ids(client, API, {"state": "submitted", **occupation})
    )


@pytest.mark.parametrize(
    "params",
    [
        {"state": "nonsense"},
        {"start_from": "2026-13-45"},
        {"institution": "abc"},
        {"institution": "²"},
        {"institution": "99999999999999999999999"},
    ],
)
def test_class_list_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, params)
