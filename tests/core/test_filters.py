"""The audit log and the imports: each page and its API list run one selector with one FilterSet
(core.selectors, core.filters): the same parameters give the same rows in the same order."""

import pytest

from jineng.core import audit, jobs
from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

AUDIT_PAGE, AUDIT_API = "/audit/", "/api/v1/audit-entries/"
AUDIT_CASES = [
    {},
    {"action": "login"},
    {"action": "create", "object_type": "core.organisation"},
    {"actor": "admin", "since": "2020-01-01"},
    {"until": "2000-01-01"},
]


@pytest.mark.parametrize("username", ["admin", "finance"])
def test_audit_page_and_api_list_the_same_entries(login, username):
    assert assert_same_rows(login, username, AUDIT_PAGE, AUDIT_API, AUDIT_CASES) >= 2


@pytest.mark.parametrize(
    "params", [{"since": "2026-13-45"}, {"action": "nonsense"}, {"until": "abc"}]
)
def test_audit_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "admin", AUDIT_PAGE, AUDIT_API, params)


IMPORT_PAGE, IMPORT_API = "/imports/", "/api/v1/imports/"


@pytest.mark.parametrize("username", ["admin", "city_reviewer", "county_reviewer"])
def test_import_page_and_api_list_the_same_jobs(login, users, username):
    for who in ("city_reviewer", "county_reviewer", "city_reviewer"):
        with audit.audit_context(actor=users[who]):
            jobs.start_import(users[who], "people", b"name\n", f"{who}.csv")
    cases = [{}, {"status": "queued"}, {"status": "done"}, {"kind": "people"}, {"kind": "x"}]
    assert assert_same_rows(login, username, IMPORT_PAGE, IMPORT_API, cases) >= 2


def test_import_list_malformed_filter_is_refused_cleanly(login):
    assert_refused_cleanly(login, "admin", IMPORT_PAGE, IMPORT_API, {"status": "nonsense"})
