"""Money waits for the data comparison in voucher settlement too (004 §五(六): 健全覆盖培训资金
申领、审核、支付…全过程的监督管理; 002 §四(五)3 以证换券): a voucher whose settlement a finding
holds (open, under review or confirmed) is not settled, with a message naming the finding; the
voucher's page shows the button disabled with the same reason; cleared, it is settled.

Pattern (shared/DOMAIN.md, "Fraud patterns"): fake trainees — a holder that a check flagged (a
phone shared by many trainees) must not turn a voucher into money while the finding is open."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jineng.core.models import User
from jineng.supervision import services as supervision
from jineng.vouchers import services
from jineng.vouchers.models import VoucherState
from tests.factories import bureau
from tests.supervision.planted import plant_finding

pytestmark = pytest.mark.django_db


def _plant(holding, **subjects):
    path = holding.person.organisation.path
    return plant_finding(bureau("411400"), path, "三名学员共用一个手机号", **subjects)


def test_a_finding_on_the_holder_holds_the_settlement_until_cleared(redeemed, certificate, act):
    """004 §五(六), 002 §四(五)3; pattern: fake trainees (a shared phone). Open and under review
    the settlement is refused naming the finding; cleared, the voucher is settled."""
    voucher, _enrollment = redeemed()
    cert = certificate(voucher.person)
    finding = _plant(voucher, person=voucher.person)
    assert not services.settle_readiness(voucher)
    assert finding.number in services.settle_readiness(voucher).reason
    with act("city_reviewer"), pytest.raises(ValidationError, match=f"{finding.number}.*不能兑现"):
        services.settle(voucher)
    with act("city_reviewer"), pytest.raises(ValidationError, match=finding.number):
        services.settle(voucher, cert)  # the certificate chosen: the same refusal
    with act("city_reviewer"):
        supervision.assign(finding, User.objects.get(username="city_reviewer"))
    with act("city_reviewer"), pytest.raises(ValidationError, match=finding.number):
        services.settle(voucher)
    with act("city_reviewer"):
        supervision.clear(finding, reason="现场核查：三人为同一家庭成员，共用家庭电话。",
                          evidence="户口簿复印件")  # fmt: skip
        services.settle(voucher)
    voucher.refresh_from_db()
    assert (voucher.state, voucher.certificate) == (VoucherState.SETTLED, cert)


def test_which_findings_hold_a_settlement(redeemed, certificate, act, make_class):
    """004 §五(六): the same rule as for a claim line — a finding naming the voucher, the
    certificate, the class as a whole, or the holder in the class trained holds it; near-miss:
    one naming the holder in another class, or another class as a whole, does not."""
    voucher, enrollment = redeemed()
    cert = certificate(voucher.person)
    other_class = make_class()
    near = [
        _plant(voucher, person=voucher.person, training_class=other_class),
        _plant(voucher, training_class=other_class),
    ]
    assert services.settle_readiness(voucher), [f.number for f in near]
    for subjects in (
        {"voucher": voucher},
        {"certificate": cert},
        {"training_class": enrollment.training_class},
        {"person": voucher.person, "training_class": enrollment.training_class},
    ):
        finding = _plant(voucher, **subjects)
        ready = services.settle_readiness(voucher)
        assert finding.number in ready.reason, subjects
        finding.state = "cleared"
        finding.save()
    assert services.settle_readiness(voucher)


def test_a_confirmed_finding_keeps_holding(redeemed, certificate):
    """004 §五(六): a confirmed finding holds for good (what it touches is never paid)."""
    voucher, _enrollment = redeemed()
    certificate(voucher.person)
    finding = _plant(voucher, voucher=voucher)
    finding.state = "confirmed"
    finding.save()
    assert finding.number in services.settle_readiness(voucher).reason


def test_the_voucher_page_shows_why_it_waits(redeemed, certificate, client):
    """004 §五(六), issue 14: the page offers no settlement the service would refuse; the
    disabled button says which finding holds it."""
    voucher, _enrollment = redeemed()
    certificate(voucher.person)
    finding = _plant(voucher, person=voucher.person)
    client.force_login(User.objects.get(username="city_reviewer"))
    page = client.get(reverse("vouchers:detail", args=[voucher.pk])).content.decode()
    assert finding.number in page and "疑点核清之前不能兑现" in page
