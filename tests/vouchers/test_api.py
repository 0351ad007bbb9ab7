"""The voucher API (电子培训券, 002 §四(五)3, 003 §三10): scoped lists and details, issue by ID
number, claim by the holder, redemption by number at an enrolment (a voucher of person A refused
for person B), settlement against a certificate (once), void, the dashboard, and enrolment with a
voucher through the class API."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from jineng.core.scope import scoped
from jineng.people.services import decrypt_id_number
from jineng.vouchers.models import Voucher, VoucherState
from tests.factories import VoucherFactory
from tests.vouchers.conftest import ELECTRICIAN, WELDER

pytestmark = pytest.mark.django_db
S = VoucherState
BASE = "/api/v1/vouchers/"


@pytest.fixture
def api(users):
    """api(user or username, method, path, body=None) -> (status, JSON body)."""
    clients: dict[int, Client] = {}

    def do(who, method, path, body=None):
        user = users[who] if isinstance(who, str) else who
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        send = getattr(clients[user.pk], method.lower())
        if body is None:
            response = send(path)
        else:
            response = send(path, json.dumps(body), content_type="application/json")
        return response.status_code, (json.loads(response.content) if response.content else None)

    return do


def test_lists_follow_the_scope(api, users, voucher_spread):
    # Each user in turn on one spread of vouchers (built once: a parameter each would rebuild it).
    built = {voucher.number for voucher in vars(voucher_spread).values()}
    for username in ["city_reviewer", "county_reviewer", "finance", "institution", "worker",
                     "admin"]:  # fmt: skip
        status, body = api(username, "GET", f"{BASE}?limit=500")
        assert status == 200
        listed = {row["number"] for row in body["results"]}
        visible = scoped(users[username], Voucher.objects.all())
        expected = set(visible.values_list("number", flat=True))
        assert expected & built, username
        assert listed == expected, username
        if username == "worker":
            assert len(listed) == 1
        for row in body["results"]:
            assert "id_number" not in row and "*" in row["id_number_masked"]


@pytest.mark.parametrize("username", ["department", "evaluator"])
def test_roles_without_vouchers_are_refused(api, username):
    assert api(username, "GET", BASE)[0] == 403
    voucher = VoucherFactory()
    assert api(username, "GET", f"{BASE}{voucher.pk}/")[0] == 404
    assert api(username, "GET", f"{BASE}dashboard/")[0] == 403


def test_detail_outside_the_scope_is_404(api):
    voucher = VoucherFactory()  # of a person of 虞城县, issued by the city: not 梁园区's
    assert api("county_reviewer", "GET", f"{BASE}{voucher.pk}/")[0] == 404
    status, body = api("city_reviewer", "GET", f"{BASE}{voucher.pk}/")
    assert status == 200 and body["number"] == voucher.number and body["history"]


def test_the_whole_loop_through_the_api(api, holder, make_class, enrol, certificate):
    person = holder(0)
    number = decrypt_id_number(person)
    status, body = api("city_reviewer", "POST", BASE,
                       {"id_number": number, "occupations": [WELDER], "level": "5"})  # fmt: skip
    assert status == 201, body
    assert number not in json.dumps(body)
    assert body["state"] == "issued" and body["value"] == "1200.00" and body["decision"]
    pk = body["id"]
    assert api("institution", "GET", f"{BASE}{pk}/")[0] == 404  # not redeemed there yet
    status, body = api(person.user, "POST", f"{BASE}{pk}/claim/")
    assert (status, body["state"]) == (200, "claimed")
    other = holder(1)
    training_class = make_class()
    mine, theirs = enrol(training_class, person), enrol(training_class, other)
    status, body = api("institution", "POST", f"{BASE}redeem/",
                       {"number": body["number"], "enrollment": theirs.pk})  # fmt: skip
    assert status == 400 and person.id_number_masked in json.dumps(body, ensure_ascii=False)
    voucher = Voucher.objects.get(pk=pk)
    status, body = api("institution", "POST", f"{BASE}redeem/",
                       {"number": voucher.number, "enrollment": mine.pk})  # fmt: skip
    assert (status, body["state"], body["training_class"]) == (200, "redeemed",
                                                                training_class.code)  # fmt: skip
    status, body = api("city_reviewer", "POST", f"{BASE}{pk}/settle/", {})
    assert status == 400  # 无证无价
    cert = certificate(person)
    status, body = api("city_reviewer", "POST", f"{BASE}{pk}/settle/", {"certificate": cert.number})
    assert (status, body["state"], body["certificate"]) == (200, "settled", cert.number)
    assert body["settled_amount"] == "1200.00"
    status, body = api("city_reviewer", "POST", f"{BASE}{pk}/settle/", {})
    assert status == 400 and voucher.number in json.dumps(body, ensure_ascii=False)
    assert api("city_reviewer", "POST", f"{BASE}{pk}/void/", {"reason": "晚了"})[0] == 400


def test_issue_refusals(api, holder, free_people):
    person = holder(0)
    number = decrypt_id_number(person)
    assert api("institution", "POST", BASE, {"id_number": number,
                                             "occupations": [WELDER]})[0] == 403  # fmt: skip
    assert api("finance", "POST", BASE, {"id_number": number, "occupations": [WELDER]})[0] == 403
    status, body = api("county_reviewer", "POST", BASE,
                       {"id_number": number, "occupations": [WELDER]})  # fmt: skip
    assert status == 400 and "id_number" in body  # outside the county: nobody by that number
    bare = next(p for p in free_people if not p.categories.exists())
    status, body = api("city_reviewer", "POST", BASE,
                       {"id_number": decrypt_id_number(bare), "occupations": [WELDER]})  # fmt: skip
    assert status == 400 and bare.name in json.dumps(body, ensure_ascii=False)
    assert api("city_reviewer", "POST", BASE, {"id_number": number, "occupations": []})[0] == 400


def test_claim_and_void_rights(api, holder, issue):
    a, b = holder(0), holder(1)
    voucher = issue(a)
    assert api(b.user, "POST", f"{BASE}{voucher.pk}/claim/")[0] == 404  # not in b's scope
    assert api("institution", "POST", f"{BASE}{voucher.pk}/void/", {"reason": "x"})[0] == 403
    assert api("finance", "POST", f"{BASE}{voucher.pk}/void/", {"reason": "x"})[0] == 403
    assert api("city_reviewer", "POST", f"{BASE}{voucher.pk}/void/", {})[0] == 400
    status, body = api("city_reviewer", "POST", f"{BASE}{voucher.pk}/void/", {"reason": "重复"})
    assert (status, body["state"], body["reason"]) == (200, "voided", "重复")
    assert api(a.user, "POST", f"{BASE}{voucher.pk}/claim/")[0] == 400


def test_enrolment_with_a_voucher_through_the_class_api(api, holder, issue, claim, make_class):
    person, other = holder(0), holder(1)
    voucher = issue(person, ELECTRICIAN)
    claim(voucher)
    training_class = make_class(ELECTRICIAN)
    path = f"/api/v1/classes/{training_class.pk}/enrollments/"
    body_b = {"id_number": decrypt_id_number(other), "voucher": voucher.number}
    status, body = api("institution", "POST", path, body_b)
    assert status == 400 and body["status"] == "rejected" and voucher.number in body["error"]
    body_a = {"id_number": decrypt_id_number(person), "voucher": voucher.number}
    status, body = api("institution", "POST", path, body_a)
    assert status == 201 and body["status"] == "enrolled"
    voucher.refresh_from_db()
    assert voucher.state == S.REDEEMED and voucher.enrollment_id == body["enrollment"]
    status, body = api("institution", "POST", path,
                       {"id_number": decrypt_id_number(other), "voucher": "JQ000"})  # fmt: skip
    assert status == 400 and body["error"]


def test_the_dashboard(api, users, holder, issue):
    issue(holder(0), WELDER, value=Decimal("100.00"))
    status, body = api("city_reviewer", "GET", f"{BASE}dashboard/")
    assert status == 200
    visible = scoped(users["city_reviewer"], Voucher.objects.all())
    assert body["total"]["total"]["count"] == visible.count()
    assert body["total"]["issued"]["count"] == visible.filter(state=S.ISSUED).count()
    assert Decimal(body["total"]["total"]["value"]) == sum(v.value for v in visible)
    assert {row["code"] for row in body["by_occupation"]} >= {WELDER}
    assert all(set(S.values) <= set(row) for row in body["by_region"])
    assert api("worker", "GET", f"{BASE}dashboard/")[0] == 403


def test_the_schema_documents_the_voucher_routes_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    assert not [text for text in problems if "vouchers" in text or "VoucherViewSet" in text]
    for route in ("/api/v1/vouchers/", "/api/v1/vouchers/{id}/claim/",
                  "/api/v1/vouchers/redeem/", "/api/v1/vouchers/{id}/settle/",
                  "/api/v1/vouchers/{id}/void/", "/api/v1/vouchers/dashboard/"):  # fmt: skip
        assert route in schema["paths"]
