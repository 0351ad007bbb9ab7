"""Voucher pages (电子培训券, 002 §四(五)3, 003 §三10): the bureau's list with its filters and
scope, issuing by ID number, a voucher's page (void, settle), the worker's own vouchers and their
claim, the institution's redemption at enrolment (and on the class's roster), rules with their
preview and run, the dashboard's sums, and who sees which page."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils.html import escape
from django.utils.translation import gettext

from jineng.catalog.models import Occupation, PersonCategory, SkillLevel
from jineng.core.models import Organisation
from jineng.core.scope import scoped
from jineng.people.services import decrypt_id_number
from jineng.training.models import Enrollment
from jineng.vouchers import selectors
from jineng.vouchers.models import Voucher, VoucherRule, VoucherState
from tests.factories import VoucherFactory
from tests.vouchers.conftest import PASSWORD, WELDER

# The tests marked full_demo test the demo's vouchers (tests/conftest.py); the others build theirs.
pytestmark = pytest.mark.django_db
S = VoucherState


def says(response, msgid: str, **values) -> bool:
    text = gettext(msgid) % values if values else gettext(msgid)
    return escape(text) in response.content.decode()


def log_in(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("username", "status"),
    [("city_reviewer", 200), ("county_reviewer", 200), ("finance", 200), ("institution", 200),
     ("admin", 200), ("department", 403), ("evaluator", 403), ("worker", 403)],
)  # fmt: skip
def test_who_sees_the_list_and_the_dashboard(login, username, status):
    client = login(username)
    assert client.get("/vouchers/").status_code == status
    assert client.get("/vouchers/dashboard/").status_code == status


def test_navigation_links(login):
    assert 'href="/vouchers/"' in login("city_reviewer").get("/").content.decode()
    worker = login("worker").get("/").content.decode()
    assert 'href="/vouchers/mine/"' in worker and 'href="/vouchers/"' not in worker


def test_the_list_shows_the_scope_and_filters(login, users, voucher_spread):
    client = login("county_reviewer")
    page = client.get("/vouchers/").content.decode()
    visible = scoped(users["county_reviewer"], Voucher.objects.all())
    assert visible.exists()
    for voucher in Voucher.objects.all():
        assert (voucher.number in page) == visible.filter(pk=voucher.pk).exists()
    city = login("city_reviewer")
    expired = city.get("/vouchers/?state=expired", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = expired.content.decode()
    assert "<html" not in body
    assert voucher_spread.expired.number in body
    for voucher in Voucher.objects.all():
        assert (voucher.number in body) == (voucher.state == S.EXPIRED)
    welder = Occupation.objects.get(code=WELDER)
    by_occupation = city.get(f"/vouchers/?occupation={welder.code}").content.decode()
    for voucher in Voucher.objects.prefetch_related("occupations"):
        assert (voucher.number in by_occupation) == (welder in voucher.occupations.all())


def test_a_voucher_outside_the_scope_does_not_exist(login, users):
    voucher = VoucherFactory()  # of 虞城县, issued by the city
    assert login("county_reviewer").get(f"/vouchers/{voucher.pk}/").status_code == 404
    assert login("worker").get(f"/vouchers/{voucher.pk}/").status_code == 404
    assert login("city_reviewer").get(f"/vouchers/{voucher.pk}/").status_code == 200


def test_issue_by_id_number(login, holder):
    person = holder(0, login=False)
    client = login("city_reviewer")
    assert client.get("/vouchers/issue/").status_code == 200
    welder = Occupation.objects.get(code=WELDER)
    response = client.post(
        "/vouchers/issue/",
        {"id_number": decrypt_id_number(person), "occupations": [welder.pk],
         "level": SkillLevel.objects.get(code="5").pk},
    )  # fmt: skip
    voucher = Voucher.objects.get(person=person)
    assert response.status_code == 302 and response.url == f"/vouchers/{voucher.pk}/"
    again = client.post(
        "/vouchers/issue/", {"id_number": decrypt_id_number(person), "occupations": [welder.pk]}
    )
    assert again.status_code == 200 and voucher.number in again.content.decode()  # holds one
    unknown = client.post("/vouchers/issue/", {"id_number": "411402199001011234",
                                               "occupations": [welder.pk]})  # fmt: skip
    assert unknown.status_code == 200 and Voucher.objects.filter(person=person).count() == 1
    outside = login("county_reviewer").post(
        "/vouchers/issue/", {"id_number": decrypt_id_number(person), "occupations": [welder.pk]}
    )
    assert outside.status_code == 200 and says(
        outside,
        "No one is registered with this ID number: register the person in the real-name "
        "registry first.",
    )
    assert login("institution").get("/vouchers/issue/").status_code == 403


def test_the_worker_sees_and_claims_their_own_vouchers(client, holder, issue):
    person = holder(0)
    voucher = issue(person)
    other = issue(holder(1))
    log_in(client, person.user)
    page = client.get("/vouchers/mine/").content.decode()
    assert voucher.number in page and other.number not in page
    assert client.get(f"/vouchers/{other.pk}/").status_code == 404
    assert client.post(f"/vouchers/{other.pk}/claim/").status_code == 404
    response = client.post(f"/vouchers/{voucher.pk}/claim/", {"next": "mine"})
    assert response.status_code == 302 and response.url == "/vouchers/mine/"
    voucher.refresh_from_db()
    assert voucher.state == S.CLAIMED
    detail = client.get(f"/vouchers/{voucher.pk}/")
    assert detail.status_code == 200 and 'id="claim"' not in detail.content.decode()


@pytest.mark.usefixtures("voucher_spread")
def test_the_demo_worker_sees_the_claimed_voucher(login, users):
    page = login("worker").get("/vouchers/mine/").content.decode()
    voucher = Voucher.objects.get(person__user=users["worker"])
    assert voucher.number in page and 'data-state="claimed"' in page


def test_the_institution_redeems_at_enrolment_on_its_page(login, holder, issue, claim, make_class,
                                                          enrol):  # fmt: skip
    a, b = holder(0), holder(1)
    voucher = issue(a)
    claim(voucher)
    training_class = make_class()
    mine, theirs = enrol(training_class, a), enrol(training_class, b)
    client = login("institution")
    assert client.get("/vouchers/redeem/").status_code == 200
    refused = client.post("/vouchers/redeem/", {"number": voucher.number,
                                                "enrollment": theirs.pk})  # fmt: skip
    assert refused.status_code == 200
    assert a.id_number_masked in refused.content.decode()  # "belongs to another person (…)"
    voucher.refresh_from_db()
    assert voucher.state == S.CLAIMED
    done = client.post("/vouchers/redeem/", {"number": voucher.number.lower(),
                                             "enrollment": mine.pk})  # fmt: skip
    assert done.status_code == 302
    voucher.refresh_from_db()
    assert (voucher.state, voucher.enrollment) == (S.REDEEMED, mine)
    assert voucher.number in client.get("/vouchers/redeem/").content.decode()
    assert client.get(f"/vouchers/{voucher.pk}/").status_code == 200  # now in its scope
    assert login("city_reviewer").get("/vouchers/redeem/").status_code == 403


def test_a_voucher_on_the_class_roster(login, holder, issue, claim, make_class):
    """The class page's enrolment form takes the voucher the trainee shows."""
    person = holder(0)
    voucher = issue(person)
    claim(voucher)
    training_class = make_class()
    client = login("institution")
    response = client.post(
        f"/classes/{training_class.pk}/enrollments/",
        {"id_number": decrypt_id_number(person), "voucher": voucher.number},
    )
    assert response.status_code == 302
    voucher.refresh_from_db()
    enrollment = Enrollment.objects.get(training_class=training_class, person=person)
    assert (voucher.state, voucher.enrollment) == (S.REDEEMED, enrollment)
    other = holder(1)
    client.post(
        f"/classes/{training_class.pk}/enrollments/",
        {"id_number": decrypt_id_number(other), "voucher": voucher.number},
    )
    assert not Enrollment.objects.filter(training_class=training_class, person=other).exists()


def test_settle_and_void_on_the_voucher_page(login, redeemed, certificate, issue, holder):
    voucher, _enrollment = redeemed(0)
    client = login("city_reviewer")
    page = client.get(f"/vouchers/{voucher.pk}/").content.decode()
    assert 'id="settle-form"' in page and 'id="void-form"' in page
    client.post(f"/vouchers/{voucher.pk}/settle/")
    voucher.refresh_from_db()
    assert voucher.state == S.REDEEMED  # no certificate: 无证无价
    cert = certificate(voucher.person)
    assert cert.number in client.get(f"/vouchers/{voucher.pk}/").content.decode()
    client.post(f"/vouchers/{voucher.pk}/settle/", {"certificate": cert.pk})
    voucher.refresh_from_db()
    assert (voucher.state, voucher.certificate) == (S.SETTLED, cert)
    other = issue(holder(1))
    client.post(f"/vouchers/{other.pk}/void/", {"reason": ""})
    other.refresh_from_db()
    assert other.state == S.ISSUED
    client.post(f"/vouchers/{other.pk}/void/", {"reason": "重复发放"})
    other.refresh_from_db()
    assert (other.state, other.reason) == (S.VOIDED, "重复发放")
    assert login("institution").post(f"/vouchers/{voucher.pk}/void/").status_code == 404


def test_rules_preview_and_run(login):
    client = login("city_reviewer")
    response = client.post(
        "/vouchers/rules/",
        {"name": "永城市退役军人焊工券",
         "organisation": Organisation.objects.get(code="411481").pk,
         "categories": [PersonCategory.objects.get(code="veteran").pk],
         "occupations": [Occupation.objects.get(code=WELDER).pk],
         "level": SkillLevel.objects.get(code="5").pk},
    )  # fmt: skip
    rule = VoucherRule.objects.get(name="永城市退役军人焊工券")
    assert response.url == f"/vouchers/rules/{rule.pk}/"
    preview = client.get(f"/vouchers/rules/{rule.pk}/")
    body = preview.content.decode()
    would = body.count('data-outcome="issue"')
    assert would > 0 and not Voucher.objects.filter(rule=rule).exists()
    client.post(f"/vouchers/rules/{rule.pk}/run/")
    assert Voucher.objects.filter(rule=rule).count() == would
    assert 'data-outcome="issue"' not in client.get(f"/vouchers/rules/{rule.pk}/").content.decode()
    assert login("county_reviewer").get(f"/vouchers/rules/{rule.pk}/").status_code == 404
    assert login("institution").get("/vouchers/rules/").status_code == 403


def test_the_dashboard_sums_the_scope(login, users, holder, issue):
    """The dashboard's aggregate queries agree with the vouchers counted one by one, for each
    viewer's scope, by state, by region and by occupation."""
    for n in range(2):
        issue(holder(n), WELDER, value=Decimal("1234.50"))
    for username in ("city_reviewer", "county_reviewer", "institution"):
        user = users[username]
        data = selectors.dashboard(user)
        vouchers = list(
            scoped(user, Voucher.objects.all())
            .select_related("person__organisation")
            .prefetch_related("occupations")
        )
        assert data["total"]["total"]["count"] == len(vouchers)
        assert data["total"]["total"]["value"] == sum((v.value for v in vouchers), Decimal(0))
        for state in S:
            mine = [v for v in vouchers if v.state == state]
            assert data["total"][state]["count"] == len(mine)
            assert data["total"][state]["value"] == sum((v.value for v in mine), Decimal(0))
        regions = defaultdict(Decimal)
        for v in vouchers:
            regions[v.person.organisation.name] += v.value
        assert {r["name"]: r["total"]["value"] for r in data["by_region"]} == regions
        occupations = defaultdict(int)
        for v in vouchers:
            for occupation in v.occupations.all():
                occupations[occupation.code] += 1
        assert {r["code"]: r["total"]["count"] for r in data["by_occupation"]} == occupations
    page = login("city_reviewer").get("/vouchers/dashboard/")
    assert page.status_code == 200 and "1234.50" not in page.content.decode()  # sums only
    assert 'id="by-region"' in page.content.decode()


@pytest.mark.usefixtures("voucher_spread")
def test_the_dashboard_after_one_more_voucher(login, users, holder, issue):
    before = selectors.dashboard(users["city_reviewer"])["total"]
    issue(holder(0), WELDER, value=Decimal("999.00"))
    after = selectors.dashboard(users["city_reviewer"])["total"]
    assert after["issued"]["count"] == before["issued"]["count"] + 1
    assert after["issued"]["value"] == before["issued"]["value"] + Decimal("999.00")
    assert after["total"]["value"] == before["total"]["value"] + Decimal("999.00")
    assert selectors.dashboard(users["county_reviewer"])["total"]["issued"]["count"] == (
        scoped(users["county_reviewer"], Voucher.objects.filter(state=S.ISSUED)).count()
    )
    assert selectors.dashboard(users["worker"])["total"]["total"]["count"] == 1  # their own
