"""Recovery (追回) of paid subsidies (issue 8): when the certificate a paid line rests on is
revoked (through jineng.certificates.services.revoke) or the bureau confirms fraud, the paid
amount becomes an amount to recover, with its status; partial amounts add up, the rest may be
written off; once per line; the ledger; the refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jineng.certificates import services as certificates
from jineng.claims import payment, recovery
from jineng.claims.models import (
    ClaimState,
    LineState,
    Recovery,
    RecoveryCause,
    RecoveryState,
)
from jineng.people.models import LedgerEvent
from tests.claims.builders_payment import *  # noqa: F403

pytestmark = pytest.mark.django_db


def messages(problem: pytest.ExceptionInfo) -> str:
    return "; ".join(problem.value.messages)


@pytest.fixture
def paid(payable, act, orgs, fund):
    """paid(amounts, **options): a claim whose lines were all paid through the services."""

    def make(amounts, **options):
        claim = payable(amounts, **options)
        lines = list(claim.lines.order_by("id"))
        with act("city_reviewer"):
            batch = payment.create_batch(orgs[options.get("bureau", "city")], fund, lines=lines)
            payment.export_batch(batch, "xlsx")
            payment.record_outcomes(batch, {line.pk: (True, "") for line in lines})
        claim.refresh_from_db()
        assert claim.state == ClaimState.PAID
        return claim

    return make


def revoke(act, certificate, who="city_reviewer", reason="证书系冒名取得"):
    with act(who):
        return certificates.revoke(certificate, reason)


def test_revoking_a_certificate_opens_the_recovery_of_its_paid_lines(paid, act):
    claim = paid(["1280.50", "20000"], certificates=True)
    line, other = claim.lines.select_related("certificate", "person").order_by("id")
    revoke(act, line.certificate)
    found = Recovery.objects.get(line=line)
    assert found.cause == RecoveryCause.CERTIFICATE_REVOKED
    assert found.amount == Decimal("1280.50") and found.recovered_amount == 0
    assert found.state == RecoveryState.OPEN and found.opened_by.username == "city_reviewer"
    assert line.certificate.number in found.reason and "证书系冒名取得" in found.reason
    assert not Recovery.objects.filter(line=other).exists()
    line.refresh_from_db()
    assert line.state == LineState.PAID, "the line stays paid: the person did receive it once"
    event = LedgerEvent.objects.get(person=line.person, object_type="claims.recovery")
    assert event.kind == "subsidy" and "1280.50" in event.title and claim.number in event.title


def test_the_recoveries_of_a_revocation_are_returned(paid, act):
    claim = paid(["300"], certificates=True)
    line = claim.lines.select_related("certificate").get()
    with act("city_reviewer"):
        line.certificate.status = "revoked"
        line.certificate.revoked_reason = "测试"
        found = recovery.recover_for_revoked_certificate(line.certificate)
        again = recovery.recover_for_revoked_certificate(line.certificate)
    assert [r.line_id for r in found] == [line.pk]
    assert again == [], "a line is recovered once"


def test_a_revocation_anywhere_catches_lines_of_claims_in_any_region(paid, act):
    """The revocation is the bureau's act: a county reviewer revoking a certificate opens the
    recovery of a line of a claim to the city bureau, outside the county's region."""
    claim = paid(["500"], certificates=True)
    line = claim.lines.select_related("certificate").get()
    revoke(act, line.certificate, who="county_reviewer")
    assert Recovery.objects.get(line=line).opened_by.username == "county_reviewer"


def test_a_revoked_certificate_before_payment_refuses_the_line(payable, act, orgs, fund):
    """以证换券、无证无价 (002 §四(五)3): a line whose certificate is revoked before payment is
    refused, with the reason, and not paid; its claim, with nothing left to pay, is closed."""
    claim = payable(["800"], certificates=True)
    line = claim.lines.select_related("certificate").get()
    revoke(act, line.certificate)
    assert not Recovery.objects.filter(line=line).exists(), "nothing was paid"
    line.refresh_from_db()
    claim.refresh_from_db()
    assert line.state == LineState.REJECTED and line.certificate.number in line.review_reason
    assert (claim.state, claim.approved_total) == (ClaimState.CLOSED, 0)
    with act("city_reviewer"):
        assert line.pk not in {x.pk for x in payment.payable_lines(orgs["city"], fund)}
        with pytest.raises(ValidationError, match=claim.number):
            payment.create_batch(orgs["city"], fund, lines=[line])


def test_a_claim_whose_other_lines_are_paid_is_paid_once_the_revoked_line_is_refused(
    payable, act, orgs, fund
):
    """Two lines: one paid, then the other's certificate revoked: that line is refused and the
    claim, nothing left to pay, is paid (not left payable for ever)."""
    claim = payable(["800", "600"], certificates=True)
    first, second = claim.lines.select_related("certificate").order_by("pk")
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund, lines=[first])
        payment.export_batch(batch, "csv")
        payment.record_outcomes(batch, {first.pk: (True, "")})
    revoke(act, second.certificate)
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID and claim.approved_total == Decimal("800.00")


def test_a_certificate_revoked_while_the_batch_is_with_finance_is_recovered_once_paid(
    payable, act, orgs, fund
):
    claim = payable(["800"], certificates=True)
    line = claim.lines.select_related("certificate").get()
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund, lines=[line])
        payment.export_batch(batch, "csv")
    revoke(act, line.certificate)
    assert not Recovery.objects.filter(line=line).exists()
    with act("city_reviewer"):
        payment.record_outcomes(batch, {line.pk: (True, "")})
    assert Recovery.objects.get(line=line).cause == RecoveryCause.CERTIFICATE_REVOKED


def test_revoking_a_certificate_no_claim_rests_on_changes_no_claim(act, payable):
    claim = payable(["100"])
    certificate = certificate_of(claim.lines.get().person)  # noqa: F405
    before = Recovery.objects.count()
    revoke(act, certificate)
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and Recovery.objects.count() == before


def test_fraud_confirmed_by_the_reviewer(paid, act):
    claim = paid(["1005.07"])
    line = claim.lines.get()
    with act("city_reviewer"):
        found = recovery.open_recovery(
            line, cause=RecoveryCause.FRAUD, reason=" 冒名顶替参训，  经核查属实 "
        )
    assert found.cause == RecoveryCause.FRAUD and found.amount == Decimal("1005.07")
    assert (
        found.reason == "冒名顶替参训， 经核查属实" and found.opened_by.username == "city_reviewer"
    )
    assert LedgerEvent.objects.filter(person=line.person, object_type="claims.recovery").exists()


@pytest.mark.parametrize("state", [LineState.APPROVED, LineState.FAILED, LineState.REJECTED])
def test_only_a_paid_line_is_recovered(payable, act, state):
    claim = payable(["100"])
    line = claim.lines.get()
    line.state = state
    line.save()
    with act("city_reviewer"), pytest.raises(ValidationError) as problem:
        recovery.open_recovery(line, cause=RecoveryCause.FRAUD, reason="核查")
    assert claim.number in messages(problem) and "只能追回已拨付的明细" in messages(problem)
    assert not Recovery.objects.filter(line=line).exists()


def test_a_line_is_recovered_once(paid, act):
    claim = paid(["100"], certificates=True)
    line = claim.lines.select_related("certificate").get()
    with act("city_reviewer"):
        recovery.open_recovery(line, cause=RecoveryCause.FRAUD, reason="虚假培训")
        with pytest.raises(ValidationError, match="已有追回记录"):
            recovery.open_recovery(line, cause=RecoveryCause.FRAUD, reason="再次")
    revoke(act, line.certificate)  # its revocation finds the recovery already open
    assert Recovery.objects.filter(line=line).count() == 1


def test_a_recovery_needs_its_cause_and_reason(paid, act):
    line = paid(["100"]).lines.get()
    with act("city_reviewer"):
        with pytest.raises(ValidationError, match="追回理由"):
            recovery.open_recovery(line, cause=RecoveryCause.FRAUD, reason="  ")
        with pytest.raises(ValidationError, match="追回原因"):
            recovery.open_recovery(line, cause="mistake", reason="核查")
    assert not Recovery.objects.filter(line=line).exists()


@pytest.fixture
def opened(paid, act):
    def make(amount="1280.50"):
        line = paid([amount]).lines.get()
        with act("city_reviewer"):
            return recovery.open_recovery(line, cause=RecoveryCause.FRAUD, reason="虚假培训")

    return make


def test_partial_amounts_add_up_until_the_whole_is_back(opened, act):
    found = opened("1280.50")
    with act("city_reviewer"):
        recovery.record_recovered(found, Decimal("500"), "第一笔退回")
        found.refresh_from_db()
        assert found.state == RecoveryState.OPEN and found.recovered_amount == Decimal("500.00")
        with pytest.raises(ValidationError) as problem:
            recovery.record_recovered(found, "800.00")
        assert messages(problem) == "尚待追回的金额只有780.50元。"
        recovery.record_recovered(found, "780.50", "余款退回")
        found.refresh_from_db()
        assert found.state == RecoveryState.RECOVERED and found.closed_at is not None
        assert found.recovered_amount == found.amount == Decimal("1280.50")
        with pytest.raises(ValidationError, match="不能再登记"):
            recovery.record_recovered(found, "1")
    titles = LedgerEvent.objects.filter(
        person=found.line.person, object_type="claims.recovery"
    ).values_list("title", flat=True)
    assert sum("已追回" in title for title in titles) == 2


@pytest.mark.parametrize("amount", ["0", "-5", "1.001", "abc", "NaN", "", "1e999", "Infinity"])
def test_a_recovered_amount_is_a_positive_sum_of_yuan_and_fen(opened, act, amount):
    found = opened("100")
    with act("city_reviewer"), pytest.raises(ValidationError, match="追回金额"):
        recovery.record_recovered(found, amount)
    found.refresh_from_db()
    assert found.recovered_amount == 0


def test_the_rest_is_written_off_with_a_note(opened, act):
    found = opened("1000")
    with act("city_reviewer"):
        recovery.record_recovered(found, "400")
        with pytest.raises(ValidationError, match="核销理由"):
            recovery.waive(found, " ")
        recovery.waive(found, "当事人已去世，经批准核销")
        found.refresh_from_db()
        assert found.state == RecoveryState.WAIVED and found.note == "当事人已去世，经批准核销"
        assert found.recovered_amount == Decimal("400.00") and found.closed_at is not None
        with pytest.raises(ValidationError, match="该追回记录为“已核销”，不能再登记"):
            recovery.waive(found, "again")
        with pytest.raises(ValidationError, match="该追回记录为“已核销”，不能再登记"):
            recovery.record_recovered(found, "100")
    event = LedgerEvent.objects.filter(person=found.line.person, object_type="claims.recovery")
    assert any("600.00" in e.title and "核销" in e.title for e in event)


@pytest.mark.parametrize("who", ["county_reviewer", "institution", "finance", "worker"])
def test_only_payers_of_the_region_record_recoveries(paid, opened, act, who):
    line = paid(["100"]).lines.get()
    found = opened("200")
    # the county's reviewer pays, but not in the city; the others do not pay at all
    refusal = (
        "不在您的管辖范围内" if who == "county_reviewer" else "只有人社部门的拨付人员可以登记追回"
    )
    with act(who):
        with pytest.raises(PermissionDenied, match=refusal):
            recovery.open_recovery(line, cause=RecoveryCause.FRAUD, reason="核查")
        with pytest.raises(PermissionDenied, match=refusal):
            recovery.record_recovered(found, "10")
        with pytest.raises(PermissionDenied, match=refusal):
            recovery.waive(found, "核销")
    found.refresh_from_db()
    assert found.state == RecoveryState.OPEN and found.recovered_amount == 0
