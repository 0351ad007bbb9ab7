"""The voucher list's page and API run one selector with one FilterSet (vouchers.selectors,
vouchers.filters): the same parameters give the same vouchers in the same order."""

import pytest

from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

PAGE, API = "/vouchers/", "/api/v1/vouchers/"


@pytest.mark.usefixtures("voucher_spread")
def test_voucher_page_and_api_list_the_same_vouchers(login, orgs):
    # Each user in turn on one spread of vouchers (built once: a parameter each would rebuild it).
    for username in ["admin", "city_reviewer", "county_reviewer", "finance", "institution"]:
        same_vouchers(login, orgs, username)


def same_vouchers(login, orgs, username):
    cases = [
        {},
        {"state": "issued"},
        {"state": "settled"},
        {"occupation": "6-18-02-04"},
        {"region": orgs["liangyuan"].pk},
        {"region": orgs["yongcheng"].pk, "state": "claimed"},
        {"q": "王"},
        {"issued_from": "2026-01-01", "issued_to": "2026-12-31"},
    ]
    with_rows = assert_same_rows(login, username, PAGE, API, cases)
    assert with_rows >= (3 if username in {"admin", "city_reviewer", "finance"} else 2), username


@pytest.mark.parametrize(
    "params",
    [{"state": "nonsense"}, {"issued_from": "2026-02-30"}, {"region": "abc"}, {"region": "-1"}],
)
def test_voucher_list_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, params)
