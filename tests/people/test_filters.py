"""The registry's list page and its API list run one selector with one FilterSet
(people.selectors, people.filters): same parameters, same persons in the same order."""

import pytest

from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

PAGE, API = "/people/", "/api/v1/people/"
CASES = [{}, {"category": "rural_migrant"}, {"category": "graduate"}, {"category": "veteran"}]


@pytest.mark.parametrize(
    "username", ["admin", "city_reviewer", "county_reviewer", "institution", "department"]
)
def test_person_page_and_api_list_the_same_persons(login, username):
    with_rows = assert_same_rows(login, username, PAGE, API, CASES)
    assert with_rows >= (2 if username in {"admin", "city_reviewer", "county_reviewer"} else 0)


def test_person_list_malformed_filter_is_refused_cleanly(login):
    params = {"category": "x\x00"}
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, params)
