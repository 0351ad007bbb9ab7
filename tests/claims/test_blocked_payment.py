"""Payment buttons that cannot act yet (issue 14): shown disabled with the reason and the date,
the same reason the service gives when the POST comes anyway (004 §四(五): 经3个工作日公示后,
按程序及时拨付资金: a claim is paid after its notice, a batch is sent to finance before its
outcomes are recorded, and closed once every line has one)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from jineng.catalog.models import FundChannel
from jineng.catalog.packs import pack_for
from jineng.claims import payment
from jineng.claims.models import BatchState, ClaimState, Notice, PaymentBatch, PaymentOutcome
from tests.buttons import blocked, reason_in_chinese
from tests.claims.builders_payment import *  # noqa: F403

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def fund(db):
    """A fund channel of these tests alone: the worker that loaded the whole demo holds payable
    claims of the demo's channels, which a batch of the channel would take in."""
    return FundChannel.objects.create(code="test_blocked_fund", name="测试专项资金")


def in_notice(payable, ends_on):
    """A claim of the city's payer whose public notice runs until `ends_on`."""
    claim = payable(["300"], state=ClaimState.IN_NOTICE)
    version, _pack = pack_for("411400", TODAY)
    Notice.objects.create(claim=claim, starts_on=TODAY - timedelta(days=1), ends_on=ends_on,
                          working_days=3, pack=version)  # fmt: skip
    return claim


def test_no_batch_before_the_notice_ends_the_button_says_until_when(payable, login, act, orgs,
                                                                    fund):  # fmt: skip
    """004 §四(五) 经3个工作日公示后拨付: a channel whose claims are all in notice shows
    "make a batch" disabled with the notice's last day and the day payment can start; a POST is
    refused with the same words and makes no batch."""
    ends = TODAY + timedelta(days=2)
    in_notice(payable, ends)
    with act("city_reviewer"):
        reason = reason_in_chinese(payment.batch_readiness(orgs["city"], fund))
    assert str(ends) in reason and str(ends + timedelta(days=1)) in reason and "公示" in reason
    client = login("city_reviewer")
    page = client.get("/claims/payments/").content.decode()
    blocked(page, f"make-batch-{fund.code}", reason)
    before = PaymentBatch.objects.count()
    response = client.post("/claims/payments/new/", {"fund_channel": fund.pk}, follow=True)
    assert reason in response.content.decode()
    assert PaymentBatch.objects.count() == before


def test_a_payable_channel_has_a_working_button(payable, login, fund):
    payable(["300"])
    client = login("city_reviewer")
    page = client.get("/claims/payments/").content.decode()
    button = re.search(rf'<button[^>]*id="make-batch-{fund.code}"[^>]*>', page).group(0)
    assert 'type="submit"' in button and "disabled" not in button
    response = client.post("/claims/payments/new/", {"fund_channel": fund.pk}, follow=True)
    assert "下一步：导出报送财务" in response.content.decode()  # what happened, what comes next


def test_outcomes_wait_until_the_batch_is_sent_and_closing_until_each_line_has_one(
    payable, act, login, orgs, fund
):
    """An open batch: "record the outcomes" disabled (export it first); sent to finance with
    lines waiting: "close the batch" disabled with how many wait; each POST refused alike."""
    claim = payable(["100", "200"])
    one, two = claim.lines.order_by("id")
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund)
    client = login("city_reviewer")
    url = f"/claims/batches/{batch.pk}/"
    reason = reason_in_chinese(payment.outcome_readiness(batch))
    assert batch.number in reason and "财务" in reason
    blocked(client.get(url).content.decode(), "record-outcomes", reason)
    response = client.post(f"{url}outcomes/", {f"outcome-{one.pk}": "paid"}, follow=True)
    assert reason in response.content.decode()
    assert set(batch.payments.values_list("outcome", flat=True)) == {PaymentOutcome.PENDING}

    with act("city_reviewer"):
        payment.export_batch(batch, "csv")
    batch.refresh_from_db()
    reason = reason_in_chinese(payment.close_readiness(batch))
    assert reason == f"批次 {batch.number} 有 2 条明细尚无结果。"
    page = client.get(url).content.decode()
    blocked(page, "close-batch", reason)
    assert 'id="record-outcomes"' in page and 'type="submit" id="record-outcomes"' in page
    response = client.post(f"{url}close/", follow=True)
    assert reason in response.content.decode()
    with act("city_reviewer"):
        payment.record_outcomes(batch, {one.pk: (True, ""), two.pk: (True, "")})
    page = client.get(url).content.decode()
    assert 'type="submit" id="close-batch"' in page
    client.post(f"{url}close/")
    batch.refresh_from_db()
    assert batch.state == BatchState.CLOSED


def test_finance_sees_why_it_cannot_export_or_record_an_open_batch(payable, act, login, orgs,
                                                                   fund, users):  # fmt: skip
    """Sending a batch is the bureau's act: finance sees the export and the outcomes disabled
    with that reason, and a POST is refused with it."""
    claim = payable(["300"])
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund)
    reason = reason_in_chinese(payment.send_readiness(batch, users["finance"]))
    assert batch.number in reason
    client = login("finance")
    page = client.get(f"/claims/batches/{batch.pk}/").content.decode()
    blocked(page, "export-xlsx", reason)
    blocked(page, "record-outcomes", reason)
    response = client.post(f"/claims/batches/{batch.pk}/export.csv", follow=True)
    assert reason in response.content.decode()
    line = claim.lines.get()
    response = client.post(
        f"/claims/batches/{batch.pk}/outcomes/", {f"outcome-{line.pk}": "paid"}, follow=True
    )
    assert reason in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == BatchState.OPEN
