"""The audit log and the imports: each page and its API list run one selector with one FilterSet
(core.selectors, core.filters): the same parameters give the same rows in the same order."""

import pytest

from jineng.core import audit, jobs
from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

AUDIT_PAGE, AUDIT_API = "/audit/", "/api/v1/audit-entries/"
# Each read of the log writes an entry (core.audit.record_read), so the page's read is in the
# API's list that follows it: the cases leave out the reads (by action, or by another actor).
AUDIT_CASES = [
    {"action": "login"},
    {"action": "create", "object_type": "core.organisation"},
    {"actor": "city_reviewer", "since": "2020-01-01"},
    {"until": "2000-01-01"},
]


@pytest.mark.parametrize("username", ["auditadmin", "finance"])
def test_audit_page_and_api_list_the_same_entries(login, username):
    assert assert_same_rows(login, username, AUDIT_PAGE, AUDIT_API, AUDIT_CASES) >= 2


@pytest.mark.parametrize(
    "params", [{"since": "2026-13-45"}, {"action": "nonsense"}, {"until": "abc"}]
)
def test_audit_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "auditadmin", AUDIT_PAGE, AUDIT_API, params)


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


ORG_PAGE, ORG_API = "/organisations/", "/api/v1/organisations/"
USER_PAGE, USER_API = "/users/", "/api/v1/users/"


@pytest.mark.parametrize("username", ["admin", "city_reviewer", "county_reviewer", "institution"])
def test_organisation_page_and_api_list_the_same_organisations(login, orgs, username):
    cases = [
        {},
        {"kind": "bureau"},
        {"kind": "institution", "q": "培训"},
        {"code": "411402"},
        {"parent": orgs["city"].pk},
        {"q": "4114"},
    ]
    assert assert_same_rows(login, username, ORG_PAGE, ORG_API, cases) >= 2


@pytest.mark.parametrize("username", ["admin", "city_reviewer", "finance"])
def test_user_page_and_api_list_the_same_users(login, orgs, username):
    cases = [
        {},
        {"role": "reviewer"},
        {"q": "reviewer"},
        {"organisation": orgs["city"].pk},
        {"is_active": "true", "role": "worker"},
    ]
    assert assert_same_rows(login, username, USER_PAGE, USER_API, cases) >= 2


@pytest.mark.parametrize(
    ("page", "api", "params"),
    [
        (ORG_PAGE, ORG_API, {"kind": "nonsense"}),
        (ORG_PAGE, ORG_API, {"parent": "abc"}),
        (USER_PAGE, USER_API, {"role": "nonsense"}),
        (USER_PAGE, USER_API, {"organisation": "99999999999999999999"}),
    ],
)
def test_organisation_and_user_malformed_filter_is_refused_cleanly(login, page, api, params):
    assert_refused_cleanly(login, "admin", page, api, params)


def test_schema_documents_each_list_filter(login):
    """The lists filter in their selector, yet the schema still lists the FilterSet's names."""
    schema = login("admin").get("/api/schema/?format=json").json()

    def names(path):
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}

    assert {"q", "state", "occupation", "institution", "start_from"} <= names("/api/v1/classes/")
    assert {"q", "state", "region", "issued_from"} <= names("/api/v1/vouchers/")
    assert {"q", "kind", "state", "bureau"} <= names("/api/v1/claims/")
    assert {"q"} <= names("/api/v1/catalogs/regions/")
