"""The claim list, the review queue and the payment batches: each page and its API list run one
selector with one FilterSet (claims.selectors, claims.filters): same parameters, same rows."""

import pytest

from tests.filters import api_ids, assert_refused_cleanly, assert_same_rows, page_ids

pytestmark = pytest.mark.django_db

PAGE, API = "/claims/", "/api/v1/claims/"


@pytest.mark.usefixtures("spread")
def test_claim_page_and_api_list_the_same_claims(login, orgs):
    # Each user in turn on one spread of claims (built once: a parameter each would rebuild it).
    for username in ["admin", "city_reviewer", "county_reviewer", "finance", "institution",
                     "evaluator"]:  # fmt: skip
        same_claims(login, orgs, username)


def same_claims(login, orgs, username):
    cases = [
        {},
        {"kind": "training"},
        {"kind": "evaluation", "state": "submitted"},
        {"state": "paid"},
        {"bureau": orgs["liangyuan"].pk},
        {"bureau": orgs["city"].pk, "kind": "training"},
        {"q": "BT"},
    ]
    with_rows = assert_same_rows(login, username, PAGE, API, cases)
    assert with_rows >= 2, username  # every one sees claims of the spread (梁园区's: 启航's)


def test_review_queue_is_the_submitted_claims(login, spread):
    client = login("city_reviewer")
    on_page = page_ids(client, "/claims/review/", {})
    assert {spread.liangyuan.pk, spread.evaluation.pk} <= set(on_page), "claims are waiting"
    assert sorted(on_page) == sorted(api_ids(client, API, {"state": "submitted"}))
    kind = {"kind": "training"}
    assert set(page_ids(client, "/claims/review/", kind)) == set(
        api_ids(client, API, {"state": "submitted", **kind})
    )


@pytest.mark.parametrize("params", [{}, {"state": "open"}, {"state": "closed"}])
def test_payments_page_and_api_list_the_same_batches(login, params):
    client = login("city_reviewer")
    assert page_ids(client, "/claims/payments/", params) == api_ids(
        client, "/api/v1/claims/batches/", params
    )


@pytest.mark.parametrize(
    "params", [{"state": "nonsense"}, {"kind": "x"}, {"bureau": "abc"}, {"bureau": "1e5"}]
)
def test_claim_list_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, params)


def test_batch_list_malformed_filter_is_refused_cleanly(login):
    params = {"state": "nonsense"}
    assert_refused_cleanly(
        login, "city_reviewer", "/claims/payments/", "/api/v1/claims/batches/", params
    )


def test_recovery_list_filters_by_state_and_refuses_a_malformed_one(login):
    """The recoveries have a page only: their FilterSet still turns a bad state into the form's
    error, not a server error."""
    client = login("city_reviewer")
    assert client.get("/claims/recoveries/", {"state": "open"}).status_code == 200
    bad = client.get("/claims/recoveries/", {"state": "nonsense"})
    assert bad.status_code == 200
    assert "filter-errors" in bad.content.decode()
