"""The claim API (补贴申领, 004 §四(五); 002 §四(二)1) over HTTP on the demo's claims: scoped lists,
a claim's lines with every rule of their decisions, a claim made for a completed class and for a
finished evaluation, submit, withdraw, the review of lines, the public notice published and ended
(3 working days, an objection first resolved), payment batches made, exported (xlsx and CSV read
back) and their outcomes recorded; refusals answer 400 with their reasons and change nothing,
roles without the capability 403, rows outside the scope 404; the schema stays warning-free."""

import csv
import io
import json
import urllib.request
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from jineng.catalog.packs import decision_of, pack_for
from jineng.claims.models import (
    BatchState,
    Claim,
    ClaimLine,
    ClaimState,
    LineState,
    Notice,
    Objection,
    ObjectionState,
    PaymentBatch,
)
from jineng.core.demo import DEMO_PASSWORD
from jineng.core.scope import scoped
from jineng.institutions.models import Institution
from jineng.people.services import decrypt_id_number
from jineng.policy import notice_ends_on
from tests.claims.conftest import evaluation_claim
from tests.factories import CERTIFIED, EMPLOYED, NOTHING, ClaimFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db
S = ClaimState
BASE = "/api/v1/claims/"
BATCHES = "/api/v1/claims/batches/"
TODAY = timezone.localdate()


@pytest.fixture
def api(users):
    """api(username, method, path, body=None) -> (status, JSON body or the raw response)."""
    clients: dict[str, Client] = {}

    def do(who, method, path, body=None):
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(users[who])
        send = getattr(clients[who], method.lower())
        if body is None:
            response = send(path)
        else:
            response = send(path, json.dumps(body), content_type="application/json")
        if response["Content-Type"].startswith("application/json"):
            return response.status_code, json.loads(response.content)
        return response.status_code, response

    return do


def test_lists_follow_the_scope(api, users, spread):
    # Each user in turn on one spread of claims (built once: a parameter each would rebuild it).
    for username in ["city_reviewer", "county_reviewer", "finance", "institution", "evaluator",
                     "admin"]:  # fmt: skip
        status, body = api(username, "GET", f"{BASE}?limit=500")
        assert status == 200
        listed = {row["number"] for row in body["results"]}
        visible = scoped(users[username], Claim.objects.all())
        assert visible.filter(pk__in=[claim.pk for claim in spread.all()]).exists(), username
        assert listed == set(visible.values_list("number", flat=True)), username
        assert all("lines" not in row for row in body["results"])


@pytest.mark.parametrize("username", ["department", "worker"])
def test_roles_without_claims_are_refused(api, username):
    assert api(username, "GET", BASE)[0] == 403
    assert api(username, "GET", f"{BASE}{ClaimFactory().pk}/")[0] == 404
    assert api(username, "GET", BATCHES)[0] == 403


def test_a_claim_outside_the_scope_is_404(api):
    claim = ClaimFactory()
    assert api("county_reviewer", "GET", f"{BASE}{claim.pk}/")[0] == 404
    assert api("evaluator", "GET", f"{BASE}{claim.pk}/")[0] == 404
    assert api("county_reviewer", "POST", f"{BASE}{claim.pk}/submit/")[0] == 404


def test_a_claim_with_its_lines_and_every_rule(api):
    """004 §四(五): each line's amount with the pack version and every rule it checked."""
    claim = ClaimFactory(outcomes=(CERTIFIED, EMPLOYED, NOTHING))
    status, body = api("institution", "GET", f"{BASE}{claim.pk}/")
    assert status == 200 and body["number"] == claim.number and body["state"] == "draft"
    assert len(body["lines"]) == claim.lines.count()
    for row in body["lines"]:
        line = ClaimLine.objects.select_related("decision", "person").get(pk=row["id"])
        decision = decision_of(line.decision)
        assert row["amount"] == f"{line.amount:.2f}" and row["granted"] == line.granted
        assert [check["message"] for check in row["checks"]] == [
            check.message_zh for check in decision.checks
        ]
        assert row["pack"] == f"{line.decision.pack.pack_id} v{line.decision.pack.version}"
        assert decrypt_id_number(line.person) not in json.dumps(body)
    assert body["history"] == []


def test_filters(api, spread):
    status, body = api("city_reviewer", "GET", f"{BASE}?state=paid&limit=100")
    assert status == 200 and {row["state"] for row in body["results"]} == {"paid"}
    assert spread.paid.number in {row["number"] for row in body["results"]}
    status, body = api("city_reviewer", "GET", f"{BASE}?kind=employment_sme&limit=100")
    assert {row["kind"] for row in body["results"]} == {"employment_sme"}
    assert spread.employment.number in {row["number"] for row in body["results"]}
    years = {row["number"]: row["claim_year"] for row in body["results"]}
    assert years[spread.employment.number] == spread.employment.claim_year  # 002 §四(三)1 年度内
    assert spread.employment.claim_year is not None


def test_make_a_claim_for_a_completed_class(api):
    training_class = TrainingClassFactory(state="completed")
    assert api("institution", "POST", BASE, {})[0] == 400
    assert api("city_reviewer", "POST", BASE, {"training_class": training_class.pk})[0] == 403
    status, body = api("institution", "POST", BASE, {"training_class": training_class.pk})
    assert status == 201, body
    assert body["state"] == "draft" and body["training_class"] == training_class.pk
    assert len(body["lines"]) == training_class.enrollments.count()
    status, body = api("institution", "POST", BASE, {"training_class": training_class.pk})
    assert status == 400 and Claim.objects.filter(training_class=training_class).count() == 1
    qihang = Institution.objects.get(organisation__name="梁园区启航职业培训学校")
    other = TrainingClassFactory(institution=qihang, staff="admin", occupation="4-10-01-05")
    assert api("institution", "POST", BASE, {"training_class": other.pk})[0] == 404


def test_make_an_evaluation_claim_under_the_agreement(api):
    """002 §四(二)1: the evaluation subsidy per level, paid to the evaluation organisation under
    its free-evaluation agreement (004 §四(五))."""
    claim = evaluation_claim()
    status, body = api("evaluator", "POST", f"{BASE}{claim.pk}/withdraw/", {"reason": ""})
    assert status == 400 and Claim.objects.get(pk=claim.pk).state == S.SUBMITTED
    api("evaluator", "POST", f"{BASE}{claim.pk}/withdraw/", {"reason": "重新申报"})
    wrong = {"booking": claim.booking_id, "agreement": "NO-SUCH-AGREEMENT"}
    assert api("evaluator", "POST", BASE, wrong)[0] == 400
    made = {"booking": claim.booking_id, "agreement": claim.agreement.number}
    status, body = api("evaluator", "POST", BASE, made)
    assert status == 201, body
    assert body["kind"] == "evaluation" and body["agreement"] == claim.agreement.number
    level_amounts = {row["level"]: row["amount"] for row in body["lines"] if row["granted"]}
    assert level_amounts == {"4": "240.00"}  # 中级工 240 yuan (002 §四(二)1)


def test_from_submission_to_payment(api):
    """The loop through the API: submitted, reviewed (a rejection needs its reason), noticed for
    3 working days (004 §四(五): 经3个工作日公示后拨付), ended, paid in a batch, exported."""
    claim = ClaimFactory(outcomes=(CERTIFIED, EMPLOYED, NOTHING))
    assert api("finance", "POST", f"{BASE}{claim.pk}/submit/")[0] == 403
    status, body = api("institution", "POST", f"{BASE}{claim.pk}/submit/")
    assert status == 200 and body["state"] == "submitted"
    granted = [row["id"] for row in body["lines"] if row["granted"]]
    refused = [row["id"] for row in body["lines"] if not row["granted"]]
    review = f"{BASE}{claim.pk}/review/"
    assert api("institution", "POST", review, {"approve": granted})[0] == 403
    status, body = api("city_reviewer", "POST", review, {"approve": granted, "reject": refused})
    assert status == 400 and "reason" in body  # the rejection's reason is missing: all or none
    assert set(claim.lines.values_list("state", flat=True)) == {LineState.PENDING}
    assert api("city_reviewer", "POST", review, {"approve": refused})[0] == 400
    status, body = api(
        "city_reviewer",
        "POST",
        review,
        {"approve": granted, "reject": refused, "reason": "未取得证书且未就业"},
    )
    assert status == 200, body  # fmt: skip
    status, body = api("city_reviewer", "POST", f"{BASE}{claim.pk}/finish-review/")
    assert body["state"] == "reviewed"
    status, body = api("city_reviewer", "POST", f"{BASE}{claim.pk}/publish-notice/", {})
    assert body["state"] == "in_notice"
    _version, pack = pack_for("411400", TODAY)
    assert body["notice"]["ends_on"] == notice_ends_on(pack, TODAY).isoformat()
    assert body["notice"]["working_days"] == 3
    status, body = api("city_reviewer", "POST", f"{BASE}{claim.pk}/end-notice/")
    assert status == 400 and Claim.objects.get(pk=claim.pk).state == S.IN_NOTICE
    Notice.objects.filter(claim=claim).update(  # the clock moved past the notice
        starts_on=TODAY - timedelta(days=12), ends_on=TODAY - timedelta(days=7)
    )
    status, body = api("city_reviewer", "POST", f"{BASE}{claim.pk}/end-notice/")
    assert status == 200 and body["state"] == "payable"
    _pay(api, claim, granted)


def _pay(api, claim: Claim, lines: list[int]) -> None:
    new_batch = {"fund_channel": claim.fund_channel.code, "lines": lines}
    status, body = api("city_reviewer", "POST", BATCHES, new_batch)
    assert status == 201, body
    # A batch made by mistake is withdrawn before it goes to finance; its lines are free again.
    assert api("city_reviewer", "POST", f"{BATCHES}{body['id']}/cancel/", {})[0] == 400
    status, body = api("city_reviewer", "POST", f"{BATCHES}{body['id']}/cancel/",
                       {"reason": "重复制作"})  # fmt: skip
    assert status == 200 and body["state"] == BatchState.CLOSED
    status, body = api("city_reviewer", "POST", BATCHES, new_batch)
    assert status == 201, body
    batch = body["id"]
    assert {row["line"] for row in body["payments"]} == set(lines)
    assert api("city_reviewer", "POST", f"{BATCHES}{batch}/export/", {"format": "pdf"})[0] == 400
    status, response = api("city_reviewer", "POST", f"{BATCHES}{batch}/export/",
                           {"format": "xlsx"})  # fmt: skip
    assert status == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    total = sum(ClaimLine.objects.get(pk=pk).amount for pk in lines)
    assert rows[-1][6] == total
    status, response = api("city_reviewer", "POST", f"{BATCHES}{batch}/export/",
                           {"format": "csv"})  # fmt: skip
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[-1][6] == f"{total:.2f}" and table[1][1] == claim.number
    outcomes = {"outcomes": [{"line": pk, "paid": True} for pk in lines]}
    status, body = api("city_reviewer", "POST", f"{BATCHES}{batch}/outcomes/", outcomes)
    assert status == 200 and {row["outcome"] for row in body["payments"]} == {"paid"}
    assert Claim.objects.get(pk=claim.pk).state == S.PAID
    status, body = api("city_reviewer", "POST", f"{BATCHES}{batch}/close/")
    assert body["state"] == BatchState.CLOSED


def test_an_open_objection_blocks_the_end_of_the_notice(api):
    """004 §四(五): an objection is resolved before payment."""
    claim = ClaimFactory(state=S.IN_NOTICE, objection=True)
    Notice.objects.filter(claim=claim).update(
        starts_on=TODAY - timedelta(days=12), ends_on=TODAY - timedelta(days=7)
    )
    status, body = api("city_reviewer", "POST", f"{BASE}{claim.pk}/end-notice/")
    assert status == 400 and Claim.objects.get(pk=claim.pk).state == S.IN_NOTICE
    assert Objection.objects.filter(notice__claim=claim, state=ObjectionState.OPEN).exists()


def test_batches_follow_the_scope(api):
    paid = ClaimFactory(state=S.PAID)
    batch = PaymentBatch.objects.filter(payments__line__claim=paid).distinct().get()
    status, body = api("city_reviewer", "GET", f"{BATCHES}{batch.pk}/")
    assert status == 200 and body["number"] == batch.number and body["payments"]
    assert api("county_reviewer", "GET", f"{BATCHES}{batch.pk}/")[0] == 404
    assert api("institution", "GET", BATCHES)[0] == 403
    status, body = api("county_reviewer", "GET", BATCHES)
    assert status == 200 and body["results"] == []


def test_the_schema_documents_the_claim_routes_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert not [text for text in problems if "claims" in text or "Claim" in text], problems
    for route in ("/api/v1/claims/", "/api/v1/claims/{id}/", "/api/v1/claims/{id}/submit/",
                  "/api/v1/claims/{id}/withdraw/", "/api/v1/claims/{id}/review/",
                  "/api/v1/claims/{id}/finish-review/", "/api/v1/claims/{id}/publish-notice/",
                  "/api/v1/claims/{id}/end-notice/", "/api/v1/claims/batches/",
                  "/api/v1/claims/batches/{id}/export/",
                  "/api/v1/claims/batches/{id}/outcomes/",
                  "/api/v1/claims/batches/{id}/paid-before-stop/"):  # fmt: skip
        assert route in schema["paths"]


def test_the_claims_api_on_the_running_server(live_url):
    """Through real HTTP against the production server with the demo: a token, the list."""
    login = urllib.request.Request(  # noqa: S310 - loopback
        live_url + "/api/v1/auth/token/", method="POST",
        data=json.dumps({"username": "city_reviewer", "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(login, timeout=20) as response:  # noqa: S310 - loopback
        token = json.loads(response.read())["token"]
    request = urllib.request.Request(  # noqa: S310 - loopback
        live_url + BASE + "?state=paid", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
        body = json.loads(response.read())
    assert body["count"] >= 1 and {row["state"] for row in body["results"]} == {"paid"}
