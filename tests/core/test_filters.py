"""The audit log's page and API list run one selector and one FilterSet (core.filters)."""

import pytest

from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

PAGE, API = "/audit/", "/api/v1/audit-entries/"
CASES = [
    {},
    {"action": "login"},
    {"action": "create", "object_type": "core.organisation"},
    {"actor": "admin", "since": "2020-01-01"},
    {"until": "2000-01-01"},
]


@pytest.mark.parametrize("username", ["admin", "finance"])
def test_audit_page_and_api_list_the_same_entries(login, username):
    assert assert_same_rows(login, username, PAGE, API, CASES) >= 2


@pytest.mark.parametrize(
    "params", [{"since": "2026-13-45"}, {"action": "nonsense"}, {"until": "abc"}]
)
def test_audit_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "admin", PAGE, API, params)
