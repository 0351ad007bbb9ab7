"""The certificate list's page and API run one selector with one FilterSet
(certificates.selectors, certificates.filters): same parameters, same certificates."""

import pytest

from tests.filters import assert_refused_cleanly, assert_same_rows

# The tests marked full_demo read the demo's classes, certificates, evaluations, vouchers or
# claims (tests/conftest.py); the others build what they need.
pytestmark = pytest.mark.django_db

PAGE, API = "/certificates/", "/api/v1/certificates/"
CASES = [
    {},
    {"kind": "skill_level"},
    {"status": "valid"},
    {"status": "revoked"},
    {"q": "焊"},
    {"issued_here": "true"},
]


@pytest.mark.usefixtures("full_demo")
@pytest.mark.parametrize(
    "username", ["admin", "city_reviewer", "county_reviewer", "institution", "evaluator"]
)
def test_certificate_page_and_api_list_the_same_certificates(login, username):
    assert assert_same_rows(login, username, PAGE, API, CASES) >= 2


@pytest.mark.parametrize("params", [{"status": "nonsense"}, {"kind": "x"}])
def test_certificate_list_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, params)
