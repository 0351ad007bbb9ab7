"""The institution list's page and API run one selector with one FilterSet
(institutions.selectors, institutions.filters); the public directory's search is a form."""

import pytest

from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

PAGE, API = "/institutions/", "/api/v1/institutions/"
CASES = [
    {},
    {"q": "培训"},
    {"state": "designated"},
    {"type": "private_school"},
    {"q": "学校", "state": "designated"},
]


@pytest.mark.parametrize("username", ["admin", "city_reviewer", "county_reviewer", "institution"])
def test_institution_page_and_api_list_the_same_institutions(login, username):
    assert assert_same_rows(login, username, PAGE, API, CASES) >= 1


@pytest.mark.parametrize("params", [{"state": "nonsense"}, {"type": "x"}])
def test_institution_list_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, params)


def test_directory_refuses_a_malformed_region_on_its_form(client):
    page = client.get("/directory/", {"region": "41x"})
    assert page.status_code == 200
    assert "filter-errors" in page.content.decode()
    assert client.get("/directory/", {"region": "4114", "q": "焊"}).status_code == 200
