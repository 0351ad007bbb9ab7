"""Claim pages (补贴申领, 004 §四(五); 002 §四(二)1, §四(三)1) on claims built in the state each
test needs (tests.factories.ClaimFactory; the demo's own, jineng.claims.demo, only where the demo
is tested): who sees which page, the scope, the filters, the "why" of every line
in the reader's language, a claim drafted for a completed class and for an enterprise's hires,
submission, review line by line and in bulk (htmx), the public notice with masked persons and its
objection form (no login, CSRF, rate-limited), the end of the notice, payment in a batch with its
export read back, and recoveries. Bad input gets its message and changes nothing."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from openpyxl import load_workbook
from stdnum.cn import uscc

from jineng.catalog.models import FundChannel
from jineng.catalog.packs import decision_of
from jineng.claims import demo as claims_demo
from jineng.claims import services
from jineng.claims.models import (
    BatchState,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    LineState,
    Notice,
    Objection,
    ObjectionState,
    PaymentBatch,
    Recovery,
    RecoveryState,
)
from jineng.core import audit
from jineng.core.models import AuditEntry, Organisation
from jineng.core.scope import scoped
from jineng.institutions.demo import SME as SME_DEMO
from jineng.institutions.demo import credit_code as demo_code
from jineng.institutions.models import Enterprise
from jineng.people import services as people_services
from jineng.people.services import decrypt_id_number
from tests.actors import act
from tests.claims.conftest import evaluation_claim
from tests.factories import (
    CERTIFIED,
    EMPLOYED,
    NOTHING,
    ClaimFactory,
    EmploymentClaimFactory,
    EnterpriseFactory,
    PersonFactory,
    TrainingClassFactory,
)

# The tests marked full_demo test the demo's claims (tests/conftest.py); the others build theirs.
pytestmark = pytest.mark.django_db
S = ClaimState
TODAY = timezone.localdate()
PAYEE = "91411403MA0CLM003" + uscc.calc_check_digit("91411403MA0CLM003")


def says(response, msgid: str, **values) -> bool:
    text = gettext(msgid) % values if values else gettext(msgid)
    return escape(text) in response.content.decode()


# A claim with a line the rules refused (no certificate, no employment) beside granted ones.
MIXED = (CERTIFIED, EMPLOYED, NOTHING)


def htmx(client, url: str, data: dict):
    return client.post(url, data, HTTP_HX_REQUEST="true")


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [("city_reviewer", 200), ("county_reviewer", 200), ("finance", 200), ("institution", 200),
     ("evaluator", 200), ("admin", 200), ("department", 403), ("worker", 403)],
)  # fmt: skip
def test_who_sees_the_list(login, username, status):
    client = login(username)
    assert client.get("/claims/").status_code == status
    assert client.get("/claims/recoveries/").status_code == status


@pytest.mark.parametrize(
    ("username", "status"),
    [("city_reviewer", 200), ("admin", 200), ("finance", 200), ("institution", 403),
     ("evaluator", 403), ("worker", 403)],
)  # fmt: skip
def test_payers_and_finance_see_the_payments(login, username, status):
    assert login(username).get("/claims/payments/").status_code == status


def test_navigation(login, client):
    reviewer = login("city_reviewer").get("/").content.decode()
    assert 'href="/claims/"' in reviewer and 'href="/claims/payments/"' in reviewer
    assert 'href="/notices/"' in reviewer
    institution = login("institution").get("/").content.decode()
    assert 'href="/claims/"' in institution and 'href="/claims/payments/"' not in institution
    worker = login("worker").get("/").content.decode()
    # The worker's own portal menu: their public notices, not the office's claims.
    assert 'href="/claims/"' not in worker and 'href="/me/notices/"' in worker


@pytest.mark.usefixtures("full_demo")
def test_loading_the_claims_demo_again_changes_nothing():
    counts = (Claim.objects.count(), ClaimLine.objects.count(), AuditEntry.objects.count())
    with audit.system_context("test"):
        report = claims_demo.load()
    assert (report["classes"], report["claims"]) == (0, 0)
    after = (Claim.objects.count(), ClaimLine.objects.count(), AuditEntry.objects.count())
    assert after == counts


@pytest.mark.usefixtures("full_demo")
def test_the_demo_sme_claim_is_decided_from_the_enterprise_registry():
    """002 §四(三)1: the demo's SME (a small enterprise of the registry, belonging to the city's
    bureau, classed before the claim) is granted 1000 yuan for its certified hire of the claim's
    year; the hire without a certificate is refused for that alone."""
    sme = Enterprise.objects.get(uscc=demo_code(SME_DEMO[1]))
    claim = Claim.objects.get(payee_uscc=sme.uscc, kind=ClaimKind.EMPLOYMENT_SME)
    assert (claim.bureau, sme.size) == (sme.bureau, "small")
    holder, other = claim.lines.order_by("id")
    assert claim.claim_year == holder.decided_on.year
    assert (holder.granted, holder.amount) == (True, 1000)
    assert decision_of(other.decision).failed_codes == ("employment.certificate",)


def test_the_admin_lists_claims_read_only(login):
    client = login("admin")
    for model in ("claim", "claimline", "notice", "objection", "paymentbatch", "recovery"):
        assert client.get(f"/admin/claims/{model}/").status_code == 200
    assert client.get("/admin/claims/claim/add/").status_code == 403


@pytest.mark.usefixtures("full_demo")
def test_the_demo_has_a_claim_in_every_state():
    assert set(Claim.objects.values_list("state", flat=True)) == set(S.values)
    assert Objection.objects.filter(state=ObjectionState.OPEN).exists()
    assert PaymentBatch.objects.filter(state=BatchState.CLOSED).exists()
    assert Recovery.objects.exists()


def test_the_list_follows_the_scope(login, users, spread):
    # Each user in turn on one spread of claims (built once: a parameter each would rebuild it).
    for username in ["city_reviewer", "county_reviewer", "institution", "evaluator", "finance"]:
        list_follows_the_scope(login, users, spread, username)


def list_follows_the_scope(login, users, spread, username):
    page = login(username).get("/claims/").content.decode()
    visible = scoped(users[username], Claim.objects.all())
    assert visible.filter(pk__in=[claim.pk for claim in spread.all()]).exists(), username
    for claim in Claim.objects.all():
        assert (claim.number in page) == visible.filter(pk=claim.pk).exists(), username
    if username == "institution":
        assert (
            visible.exists() and not visible.exclude(organisation__name__contains="鸿鹄").exists()
        )


def test_a_claim_outside_the_scope_does_not_exist(login):
    claim = ClaimFactory()
    assert login("county_reviewer").get(f"/claims/{claim.pk}/").status_code == 404
    assert login("evaluator").get(f"/claims/{claim.pk}/").status_code == 404
    assert login("worker").get(f"/claims/{claim.pk}/").status_code == 404
    assert login("city_reviewer").get(f"/claims/{claim.pk}/").status_code == 200
    response = login("county_reviewer").post(f"/claims/{claim.pk}/submit/")
    assert response.status_code == 404
    assert Claim.objects.get(pk=claim.pk).state == S.DRAFT


@pytest.mark.usefixtures("spread")
def test_filters(login):
    client = login("city_reviewer")
    body = client.get(
        "/claims/?state=paid", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    assert "<html" not in body
    for claim in Claim.objects.all():
        assert (claim.number in body) == (claim.state == S.PAID)
    evaluation = client.get("/claims/?kind=evaluation").content.decode()
    for claim in Claim.objects.all():
        assert (f">{claim.number}<" in evaluation) == (claim.kind == ClaimKind.EVALUATION)
    county = Organisation.objects.get(code="411402")
    in_county = client.get(f"/claims/?bureau={county.pk}").content.decode()
    for claim in Claim.objects.all():
        assert (claim.number in in_county) == (claim.bureau_id == county.pk)


# --- the "why" --------------------------------------------------------------------------------


def test_every_line_shows_every_rule_of_its_decision(login):
    """004 §四(五): the amount is the standard × the rate of the trainee's outcome; the page
    shows, for each line, every rule its decision checked - granted or refused."""
    claim = ClaimFactory(outcomes=MIXED)
    page = login("institution").get(f"/claims/{claim.pk}/").content.decode()
    lines = list(claim.lines.select_related("decision", "person"))
    assert any(not line.granted for line in lines) and any(line.granted for line in lines)
    for line in lines:
        assert f'id="why-{line.pk}"' in page
        assert line.person.id_number_masked in page
        assert decrypt_id_number(line.person) not in page
        for check in decision_of(line.decision).checks:
            assert escape(check.message_zh) in page
    assert claim.lines.first().decision.pack.pack_id in page


def test_the_why_in_english(login):
    claim = ClaimFactory(outcomes=MIXED)
    client = login("institution")
    page = client.get(f"/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    refused = claim.lines.filter(granted=False).first()
    for check in decision_of(refused.decision).checks:
        assert escape(check.message_en) in page


# --- new claims -------------------------------------------------------------------------------


def test_the_institution_claims_for_a_completed_class(login):
    """004 §四(五): the institution applies for its completed class; one line per trainee."""
    training_class = TrainingClassFactory(state="completed")
    client = login("institution")
    page = client.get("/claims/new/").content.decode()
    assert training_class.code in page
    response = client.post(f"/claims/new/class/{training_class.pk}/")
    claim = Claim.objects.get(training_class=training_class)
    assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
    assert claim.state == S.DRAFT
    assert claim.lines.count() == training_class.enrollments.count()
    again = client.post(f"/claims/new/class/{training_class.pk}/", follow=True)
    assert claim.number in again.content.decode()  # already claimed: the refusal names it
    assert Claim.objects.filter(training_class=training_class).count() == 1
    assert login("city_reviewer").post(f"/claims/new/class/{training_class.pk}/").status_code == 404


def test_the_evaluation_organisation_claims_under_its_agreement(login, users):
    """002 §四(二)1: the evaluation subsidy per level, paid to the organisation under its
    free-evaluation agreement (004 §四(五))."""
    claim = evaluation_claim()
    client = login("evaluator")
    client.post(f"/claims/{claim.pk}/withdraw/", {"reason": "重新申报"})
    assert Claim.objects.get(pk=claim.pk).state == S.WITHDRAWN
    page = client.get("/claims/new/").content.decode()
    assert f'id="booking-{claim.booking_id}"' in page
    response = client.post(
        f"/claims/new/booking/{claim.booking_id}/", {f"booking{claim.booking_id}-agreement": ""}
    )
    assert response.status_code == 302 and response.url == "/claims/new/"
    assert Claim.objects.filter(booking=claim.booking).count() == 1
    response = client.post(
        f"/claims/new/booking/{claim.booking_id}/",
        {f"booking{claim.booking_id}-agreement": claim.agreement_id},
    )
    made = Claim.objects.filter(booking=claim.booking).exclude(pk=claim.pk).get()
    assert response.url == f"/claims/{made.pk}/"
    assert sorted(made.lines.values_list("amount", flat=True)) == sorted(
        claim.lines.values_list("amount", flat=True)
    )


def test_the_bureau_takes_in_an_employment_claim(login):
    """002 §四(三)1: an SME's hiring claim, taken in by the bureau; bad input changes nothing."""
    client = login("city_reviewer")
    assert client.get("/claims/new/employment/").status_code == 200
    person = EmploymentClaimFactory().lines.first().person
    number = decrypt_id_number(person)
    training = ClaimFactory()
    values = {
        "kind": ClaimKind.EMPLOYMENT_AGENCY, "bureau": training.bureau_id,
        "payee_name": "商丘市人力资源服务有限公司", "payee_uscc": PAYEE,
        "fund_channel": training.fund_channel_id,
        "hires": f"{number}, {TODAY - timedelta(days=300)}\n411402199001011234 2025-01-01",
    }  # fmt: skip
    before = Claim.objects.count()
    bad = client.post("/claims/new/employment/", values)
    body = bad.content.decode()
    assert bad.status_code == 200 and Claim.objects.count() == before
    assert escape(gettext("Line %(n)d: no one is registered with this ID number in your region.")
                  % {"n": 2}) in body  # fmt: skip
    assert body.count(number) == 1  # kept in the field to be corrected, in no message
    values["hires"] = f"{number}, {TODAY - timedelta(days=300)}"
    values["payee_uscc"] = PAYEE
    response = client.post("/claims/new/employment/", values)
    claim = Claim.objects.get(payee_uscc=PAYEE)
    assert response.status_code == 302 and claim.kind == ClaimKind.EMPLOYMENT_AGENCY
    assert claim.lines.count() == 1 and claim.state == S.DRAFT


def test_the_bureau_takes_in_an_sme_claim_of_its_own_enterprise_for_a_year(login):
    """002 §四(三)1 中小微企业, 年度内, 按企业隶属关系: on the page, a 梁园区 enterprise's claim is
    refused for the city's bureau (the reason on the form, nothing stored); taken in by 梁园区's
    bureau for the year of the hire, with its name from the registry; its page shows the year
    and each line's reasons; a hire of another year is refused on its line."""
    hired_on = TODAY - timedelta(days=430)
    enterprise = EnterpriseFactory(bureau_code="411402", name="梁园区页面测试食品有限公司")
    holder = EmploymentClaimFactory(size=None).lines.first().person  # certified and insured…
    with act(None):  # …by this enterprise too, from the same day
        people_services.add_employment(
            holder, employer_uscc=enterprise.uscc, start=hired_on, insured_months=14, source="test"
        )
    client = login("city_reviewer")
    form = client.get("/claims/new/employment/").content.decode()
    assert 'name="claim_year"' in form and "申报年度" in form
    values = {
        "kind": ClaimKind.EMPLOYMENT_SME, "bureau": Organisation.objects.get(code="411400").pk,
        "payee_name": "", "payee_uscc": enterprise.uscc, "claim_year": hired_on.year,
        "fund_channel": FundChannel.objects.get(code="employment_fund").pk,
        "hires": f"{decrypt_id_number(holder)}, {hired_on}",
    }  # fmt: skip
    before = Claim.objects.count()
    body = client.post("/claims/new/employment/", values).content.decode()
    assert "隶属于梁园区人力资源和社会保障局：按企业隶属关系" in body
    assert Claim.objects.count() == before
    values["bureau"] = enterprise.bureau_id
    missing_year = client.post("/claims/new/employment/", values | {"claim_year": ""})
    assert "请填写申请所属的申报年度" in missing_year.content.decode()
    assert Claim.objects.count() == before
    response = client.post("/claims/new/employment/", values)
    claim = Claim.objects.get(payee_uscc=enterprise.uscc)
    assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
    assert (claim.payee_name, claim.claim_year) == (enterprise.name, hired_on.year)
    assert claim.lines.get().amount == 1000
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert 'id="claim-year"' in page and "小型企业" in page
    other_year = EmploymentClaimFactory(size="small")
    with act("city_reviewer"):
        services.withdraw(other_year, "年度填错，重新受理")
    values |= {
        "payee_uscc": other_year.payee_uscc,
        "claim_year": hired_on.year - 1,
        "bureau": other_year.bureau_id,
        "hires": f"{decrypt_id_number(other_year.lines.first().person)}, {hired_on}",
    }
    client.post("/claims/new/employment/", values)
    retaken = Claim.objects.filter(payee_uscc=other_year.payee_uscc).latest("id")
    assert retaken.claim_year == hired_on.year - 1 and retaken.lines.get().amount == 0
    page = client.get(f"/claims/{retaken.pk}/").content.decode()
    assert f"不在申报年度（{hired_on.year - 1}年）内" in page
    county = login("county_reviewer")  # the city's enterprise is not 梁园区's to take in
    local = PersonFactory(bureau="411402")
    values |= {"bureau": enterprise.bureau_id, "hires": f"{decrypt_id_number(local)}, {hired_on}"}
    body = county.post("/claims/new/employment/", values).content.decode()
    assert "不在您的管辖区域内：按企业隶属关系" in body
    assert Claim.objects.filter(payee_uscc=other_year.payee_uscc).count() == 2


def test_bad_credit_code_is_refused_with_its_reason(login):
    client = login("city_reviewer")
    response = client.post("/claims/new/employment/", {"payee_uscc": "123", "hires": ""})
    assert response.status_code == 200
    assert "统一社会信用代码应为18位" in response.content.decode()


# --- the claimant's actions ---------------------------------------------------------------------


def test_submit_and_withdraw(login):
    claim = ClaimFactory()
    client = login("institution")
    response = htmx(client, f"/claims/{claim.pk}/submit/", {})
    assert response.status_code == 200 and 'hx-swap-oob="true"' in response.content.decode()
    assert 'data-state="submitted"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == S.SUBMITTED and claim.submitted_at is not None
    refused = htmx(client, f"/claims/{claim.pk}/withdraw/", {"reason": ""})
    assert says(refused, "Give the reason for the withdrawal.")
    assert Claim.objects.get(pk=claim.pk).state == S.SUBMITTED
    client.post(f"/claims/{claim.pk}/withdraw/", {"reason": "名单有误"})
    assert Claim.objects.get(pk=claim.pk).state == S.WITHDRAWN


def test_a_top_up_when_nothing_can_be_raised(login):
    """A top-up (补差) raises a line through a new decision; with nothing to raise, none."""
    claim = ClaimFactory(state=S.PAID)
    client = login("institution")
    assert 'id="action-top-up"' in client.get(f"/claims/{claim.pk}/").content.decode()
    response = client.post(f"/claims/{claim.pk}/top-up/", follow=True)
    assert response.status_code == 200
    assert not Claim.objects.filter(top_up_of=claim).exists()


def test_finance_reads_and_writes_nothing(login):
    claim = ClaimFactory()
    client = login("finance")
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert 'id="actions"' not in page
    assert client.post(f"/claims/{claim.pk}/submit/").status_code == 403
    assert Claim.objects.get(pk=claim.pk).state == S.DRAFT


# --- review -----------------------------------------------------------------------------------


def test_review_line_by_line_and_in_bulk(login):
    """004 §四(五): the bureau reviews the claim line by line; a rejection needs its reason."""
    claim = ClaimFactory(state=S.SUBMITTED)
    lines = list(claim.lines.order_by("id"))
    client = login("city_reviewer")
    url = f"/claims/{claim.pk}/lines/review/"
    refused = htmx(client, url, {"reject_one": lines[0].pk, f"reason-{lines[0].pk}": ""})
    assert says(refused, "Give the reason.")
    assert ClaimLine.objects.get(pk=lines[0].pk).state == LineState.PENDING
    response = htmx(client, url, {"reject_one": lines[0].pk,
                                  f"reason-{lines[0].pk}": "非本人参训"})  # fmt: skip
    assert response.status_code == 200 and 'id="lines"' in response.content.decode()
    assert ClaimLine.objects.get(pk=lines[0].pk).review_reason == "非本人参训"
    htmx(client, url, {"lines": [line.pk for line in lines], "decision": "approve"})
    assert set(claim.lines.values_list("state", flat=True)) == {LineState.APPROVED}
    htmx(client, url, {"decision": "approve"})  # nothing chosen: nothing changes
    htmx(client, f"/claims/{claim.pk}/finish-review/", {})
    claim.refresh_from_db()
    assert claim.state == S.REVIEWED
    assert claim.approved_total == sum(line.amount for line in lines)


def test_a_line_the_rules_refused_is_never_approved(login):
    claim = ClaimFactory(outcomes=MIXED)
    login("institution").post(f"/claims/{claim.pk}/submit/")
    refused = claim.lines.get(granted=False)
    client = login("city_reviewer")
    response = htmx(client, f"/claims/{claim.pk}/lines/review/", {"approve_one": refused.pk})
    assert ClaimLine.objects.get(pk=refused.pk).state == LineState.PENDING
    assert says(response, "The rules granted no subsidy to %(names)s: such a line cannot be "
                "approved.", names=refused.person.name)  # fmt: skip
    client.post(f"/claims/{claim.pk}/approve/")
    claim.refresh_from_db()
    assert claim.state == S.REVIEWED
    assert ClaimLine.objects.get(pk=refused.pk).state == LineState.REJECTED


def test_the_institution_does_not_review(login):
    claim = ClaimFactory(state=S.SUBMITTED)
    line = claim.lines.first()
    client = login("institution")
    response = client.post(f"/claims/{claim.pk}/lines/review/", {"approve_one": line.pk})
    assert response.status_code == 404
    assert ClaimLine.objects.get(pk=line.pk).state == LineState.PENDING


# --- the public notice --------------------------------------------------------------------------


def test_publish_the_notice(login, client):
    """004 §四(五): 经3个工作日公示后拨付 - the notice ends 3 working days after it starts."""
    claim = ClaimFactory(state=S.REVIEWED)
    response = htmx(login("city_reviewer"), f"/claims/{claim.pk}/notice/publish/", {})
    assert response.status_code == 200
    notice = Notice.objects.get(claim=claim)
    assert notice.working_days == 3 and notice.starts_on == TODAY
    assert f'id="notice-ends">{notice.ends_on:%Y-%m-%d}<' in response.content.decode()
    client.logout()
    public = client.get("/notices/").content.decode()
    assert claim.number in public


def test_the_public_page_masks_every_person(client):
    running = ClaimFactory(state=S.IN_NOTICE, outcomes=MIXED)  # the refused line is not shown
    page = client.get("/notices/").content.decode()
    assert running.number in page and f'id="objection-form-{running.notice.pk}"' in page
    for line in running.lines.filter(state=LineState.APPROVED).select_related("person"):
        assert line.person.id_number_masked in page
        assert line.person.name not in page
        assert decrypt_id_number(line.person) not in page
    for line in running.lines.exclude(state=LineState.APPROVED).select_related("person"):
        assert line.person.id_number_masked not in page


def test_anyone_objects_with_the_csrf_token(settings):
    """004 §四(五) 公示: anyone may object, without an account; the form carries CSRF."""
    cache.clear()
    claim = ClaimFactory(state=S.IN_NOTICE, objection=True)
    notice = claim.notice
    line = claim.lines.filter(state=LineState.APPROVED).last()
    browser = Client(enforce_csrf_checks=True)
    browser.get("/notices/")
    token = browser.cookies["csrftoken"].value
    url = f"/notices/{notice.pk}/objection/"
    form = {"text": "此人培训期间在外地", "line": line.pk, "phone": "13903700002"}
    assert browser.post(url, form, HTTP_HX_REQUEST="true").status_code == 403  # no token
    response = browser.post(url, {**form, "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and says(
        response, "Your objection is recorded. The bureau will look into it before paying."
    )
    objection = Objection.objects.filter(notice=notice).order_by("-id").first()
    assert objection.line == line and objection.contact_masked == "139****0002"
    empty = browser.post(url, {"text": " ", "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")
    assert "<html" not in empty.content.decode()
    assert Objection.objects.filter(notice=notice).count() == 2  # the built one and this one


def test_an_objection_without_htmx_answers_with_the_page(client):
    cache.clear()
    notice = ClaimFactory(state=S.IN_NOTICE).notice
    response = client.post(f"/notices/{notice.pk}/objection/", {"text": "请核查"}, follow=True)
    assert response.redirect_chain == [("/notices/", 302)]
    assert says(response, "Your objection is recorded. The bureau will look into it before paying.")
    refused = client.post(f"/notices/{notice.pk}/objection/", {"text": ""})
    assert refused.status_code == 200 and "<html" in refused.content.decode()
    assert client.post("/notices/999999/objection/", {"text": "x"}).status_code == 404


def test_objections_are_rate_limited(client, settings):
    cache.clear()
    settings.CLAIMS_OBJECTION_RATE = "2/hour"
    notice = ClaimFactory(state=S.IN_NOTICE, objection=True).notice
    url = f"/notices/{notice.pk}/objection/"
    for _ in range(2):
        assert client.post(url, {"text": "请核查"}, HTTP_HX_REQUEST="true").status_code == 200
    third = client.post(url, {"text": "请核查"}, HTTP_HX_REQUEST="true")
    assert third.status_code == 429
    assert says(third, "Too many objections from your address: try again later.")
    assert Objection.objects.filter(notice=notice).count() == 3  # the built one and two
    cache.clear()


def test_an_objection_blocks_payment_until_resolved(login):
    """004 §四(五): an objection must be resolved before payment; the notice ends after its
    last working day."""
    claim = ClaimFactory(state=S.IN_NOTICE, objection=True)
    client = login("city_reviewer")
    early = htmx(client, f"/claims/{claim.pk}/notice/end/", {})
    assert Claim.objects.get(pk=claim.pk).state == S.IN_NOTICE
    assert "<html" not in early.content.decode()
    Notice.objects.filter(claim=claim).update(  # the clock moved past the notice
        starts_on=TODAY - timedelta(days=12), ends_on=TODAY - timedelta(days=7)
    )
    blocked = htmx(client, f"/claims/{claim.pk}/notice/end/", {})
    assert Claim.objects.get(pk=claim.pk).state == S.IN_NOTICE
    open_one = ngettext(
        "%(count)d objection is still open: resolve it before the notice ends.",
        "%(count)d objections are still open: resolve them before the notice ends.",
        1,
    )
    assert escape(open_one % {"count": 1}) in blocked.content.decode()
    objection = Objection.objects.get(notice__claim=claim, state=ObjectionState.OPEN)
    missing = htmx(client, f"/claims/objections/{objection.pk}/resolve/", {"upheld": "0"})
    assert says(missing, "Say how the objection was resolved.")
    htmx(client, f"/claims/objections/{objection.pk}/resolve/",
         {"upheld": "0", "resolution": "经核实该学员全程参训，异议不成立。"})  # fmt: skip
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.DISMISSED
    htmx(client, f"/claims/{claim.pk}/notice/end/", {})
    assert Claim.objects.get(pk=claim.pk).state == S.PAYABLE


def test_an_upheld_objection_rejects_its_line(login):
    claim = ClaimFactory(state=S.IN_NOTICE, objection=True)
    objection = Objection.objects.get(notice__claim=claim, state=ObjectionState.OPEN)
    login("city_reviewer").post(
        f"/claims/objections/{objection.pk}/resolve/",
        {"upheld": "1", "resolution": "经核实该学员未参训，异议成立。"},
    )
    line = ClaimLine.objects.get(pk=objection.line_id)
    assert line.state == LineState.REJECTED and "异议成立" in line.review_reason


# --- payment and recovery -----------------------------------------------------------------------


def test_pay_a_claim_in_a_batch_and_read_the_export(login):
    """004 §四(五) 拨付: a batch per fund channel, exported for finance with each amount in
    figures and in Chinese capitals; a failed line needs its reason and is paid again later."""
    # The only payable claim of its channel (失业保险基金), whatever else the database holds.
    claim = ClaimFactory(state=S.PAYABLE, fund_channel="unemployment_insurance")
    lines = list(claim.lines.filter(state=LineState.APPROVED).order_by("id"))
    client = login("city_reviewer")
    page = client.get("/claims/payments/").content.decode()
    code = claim.fund_channel.code
    assert f'id="payable-{code}"' in page
    before = PaymentBatch.objects.count()
    for chosen in ("zz", "", "999999"):  # a tampered form makes nothing and says why
        refused = client.post("/claims/payments/new/", {"fund_channel": chosen}, follow=True)
        assert refused.status_code == 200 and PaymentBatch.objects.count() == before
    response = client.post("/claims/payments/new/", {"fund_channel": claim.fund_channel_id})
    batch = PaymentBatch.objects.order_by("-id").first()
    assert response.url == f"/claims/batches/{batch.pk}/"
    assert set(batch.payments.values_list("line", flat=True)) == {line.pk for line in lines}
    exported = client.post(f"/claims/batches/{batch.pk}/export.xlsx")
    assert exported["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:-1]] == [claim.number] * len(lines)
    assert "壹仟贰佰元整" in [row[7] for row in rows]  # 1200.00
    csv = client.post(f"/claims/batches/{batch.pk}/export.csv").content.decode("utf-8-sig")
    assert claim.number in csv and "壹仟贰佰元整" in csv
    first, second = lines
    outcomes = f"/claims/batches/{batch.pk}/outcomes/"
    refused = client.post(outcomes, {f"outcome-{first.pk}": "failed"}, follow=True)
    assert ClaimLine.objects.get(pk=first.pk).state == LineState.APPROVED
    assert refused.status_code == 200
    client.post(outcomes, {f"outcome-{first.pk}": "failed", f"reason-{first.pk}": "账户已销户",
                           f"outcome-{second.pk}": "paid"})  # fmt: skip
    assert ClaimLine.objects.get(pk=first.pk).state == LineState.FAILED
    assert ClaimLine.objects.get(pk=second.pk).state == LineState.PAID
    assert Claim.objects.get(pk=claim.pk).state == S.PAYABLE  # one line still to pay
    client.post(f"/claims/batches/{batch.pk}/close/")
    assert PaymentBatch.objects.get(pk=batch.pk).state == BatchState.CLOSED
    client.post("/claims/payments/new/", {"fund_channel": claim.fund_channel_id})
    again = PaymentBatch.objects.order_by("-id").first()
    assert list(again.payments.values_list("line", flat=True)) == [first.pk]


def test_a_batch_outside_the_region_does_not_exist(login):
    paid = ClaimFactory(state=S.PAID)
    batch = PaymentBatch.objects.filter(payments__line__claim=paid).distinct().get()
    assert login("county_reviewer").get(f"/claims/batches/{batch.pk}/").status_code == 404
    assert login("city_reviewer").get(f"/claims/batches/{batch.pk}/").status_code == 200


def test_recoveries(login):
    """A paid line whose fraud is confirmed is recovered (追回), in parts or written off."""
    paid = ClaimFactory(state=S.PAID, recovery=True)
    found = Recovery.objects.get(line__claim=paid, state=RecoveryState.OPEN)
    client = login("city_reviewer")
    assert found.line.claim.number in client.get("/claims/recoveries/").content.decode()
    too_much = client.post(f"/claims/recoveries/{found.pk}/recovered/",
                           {"amount": "99999"}, follow=True)  # fmt: skip
    assert Recovery.objects.get(pk=found.pk).recovered_amount == 0
    assert too_much.status_code == 200
    client.post(f"/claims/recoveries/{found.pk}/recovered/", {"amount": "200.00"})
    assert Recovery.objects.get(pk=found.pk).recovered_amount == 200
    client.post(f"/claims/recoveries/{found.pk}/waive/", {"note": "当事人无力偿还，经批准核销"})
    assert Recovery.objects.get(pk=found.pk).state == RecoveryState.WAIVED
    assert login("institution").post(f"/claims/recoveries/{found.pk}/waive/").status_code == 404


def test_fraud_on_a_paid_line_opens_a_recovery(login):
    claim = ClaimFactory(state=S.PAID)
    line = claim.lines.filter(recovery__isnull=True).first()
    client = login("city_reviewer")
    client.post(f"/claims/lines/{line.pk}/recovery/", {"reason": ""})
    assert not Recovery.objects.filter(line=line).exists()
    client.post(f"/claims/lines/{line.pk}/recovery/", {"reason": "冒名顶替参训"})
    assert Recovery.objects.get(line=line).amount == line.amount


# --- the review queue -------------------------------------------------------------------------


def test_the_review_queue_lists_the_submitted_claims_of_the_region(login):
    """004 §四(五) 审核: the reviewer's queue holds the claims waiting for review, nothing else."""
    ClaimFactory(state=S.SUBMITTED)
    payable = ClaimFactory(state=S.PAYABLE)
    waiting = Claim.objects.filter(state=ClaimState.SUBMITTED)
    html = login("city_reviewer").get("/claims/review/").content.decode()
    assert waiting.exists() and all(claim.number in html for claim in waiting)
    assert payable.number not in html
    assert "/claims/review/" in login("city_reviewer").get("/").content.decode()  # the to-do card
    assert login("institution").get("/claims/review/").status_code == 403


def test_bulk_approval_takes_each_line_as_the_rules_decided(login):
    """Approving from the queue: lines the pack granted are approved, the others rejected with
    the pack's reasons, and the claim is reviewed; a rejection needs a reason."""
    claim = ClaimFactory(state=S.SUBMITTED, outcomes=MIXED)
    client = login("city_reviewer")
    refused = client.post("/claims/review/bulk/", {"claims": [claim.pk], "decision": "reject"},
                          follow=True)  # fmt: skip
    assert says(refused, "Give the reason for the rejection: nothing was changed.")
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.SUBMITTED
    response = client.post(
        "/claims/review/bulk/", {"claims": [claim.pk], "decision": "approve"}, follow=True
    )
    assert claim.number in response.content.decode()
    claim.refresh_from_db()
    assert claim.state in (ClaimState.REVIEWED, ClaimState.CLOSED)
    for line in claim.lines.all():
        approvable = line.granted and line.amount > 0
        assert line.state == (LineState.APPROVED if approvable else LineState.REJECTED)
    assert claim.approved_total == sum(
        line.amount for line in claim.lines.filter(state=LineState.APPROVED)
    )


def test_digits_that_are_not_decimal_are_refused_quietly(login):
    """ "²".isdigit() is true but int("²") fails: filters and chosen lines read decimals only."""
    client = login("city_reviewer")
    assert client.get("/claims/", {"region": "²"}).status_code == 200
    queue = {"institution": "²", "occupation": "²"}
    assert client.get("/classes/review/", queue).status_code == 200
    claim = ClaimFactory(state=S.SUBMITTED)
    chosen = {"lines": "²", "decision": "approve"}
    response = client.post(f"/claims/{claim.pk}/lines/review/", chosen)
    assert response.status_code in (200, 302)
