"""The payment window (004 §四(五) 做好资金支付(4月至10月)): a batch made, or a payment recorded
paid, outside April to October is warned about, on the page and the batch's page; never refused
(004 schedules the payments, it forbids none). Shangqiu borrows 004's window, assumed."""

import re
from datetime import date

import pytest
from django.utils import timezone, translation

from jineng.claims import payment
from jineng.claims.models import BatchState, PaymentBatch, PaymentOutcome
from tests.claims.builders_payment import *  # noqa: F403
from tests.clock import on_day

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def outside(day: date) -> str:
    return f"{day}不在资金支付期（{YEAR}-04-01至{YEAR}-10-31）内（依据 004 §四(五)，假定值）"


def messages_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_paying_outside_april_to_october_is_warned_about_004_section_4_5(orgs):
    """004 §四(五) 4月至10月: 1 April and 31 October are inside; 31 March and 1 November not."""
    city = orgs["city"]
    assert payment.payment_window_warning(city, date(YEAR, 4, 1)) == ""
    assert payment.payment_window_warning(city, date(YEAR, 10, 31)) == ""
    assert payment.payment_window_warning(city, date(YEAR, 3, 31)) == outside(date(YEAR, 3, 31))
    assert payment.payment_window_warning(city, date(YEAR, 11, 1)) == outside(date(YEAR, 11, 1))
    with translation.override("en"):
        assert payment.payment_window_warning(city, date(YEAR, 11, 1)) == (
            f"{YEAR}-11-01 is outside the payment window ({YEAR}-04-01 to {YEAR}-10-31) "
            "(per 004 §四(五), assumed)"
        )


def test_a_county_bureau_reads_the_window_of_its_citys_pack(orgs):
    assert payment.payment_window_warning(orgs["liangyuan"], date(YEAR, 12, 1)) == outside(
        date(YEAR, 12, 1)
    )


def test_a_batch_made_and_paid_in_november_is_warned_about_not_refused_004_section_4_5(
    login, payable, act
):
    """On 3 November the payer makes the batch and records it paid: both go through, each with
    the warning; the batch's page says it was made and paid outside the window."""
    claim = payable([800, 600])
    client = login("city_reviewer")
    day = date(YEAR, 11, 3)
    with on_day(day):
        made = client.post(
            "/claims/payments/new/", {"fund_channel": claim.fund_channel_id}, follow=True
        )
        batch = PaymentBatch.objects.filter(payments__line__claim=claim).distinct().get()
        with act("city_reviewer"):
            payment.export_batch(batch, "csv")
        lines = list(claim.lines.order_by("id"))
        paid = client.post(
            f"/claims/batches/{batch.pk}/outcomes/",
            {f"outcome-{line.pk}": "paid" for line in lines} | {f"reason-{lines[0].pk}": ""},
            follow=True,
        )
        page = client.get(f"/claims/batches/{batch.pk}/").content.decode()
        english = client.get(f"/claims/batches/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"在资金支付期外制作支付批次：{outside(day)}" in messages_of(made)
    assert f"在资金支付期外拨付：{outside(day)}" in messages_of(paid)
    ours = batch.payments.filter(line__claim=claim)  # the batch may pay other claims too
    assert set(ours.values_list("outcome", flat=True)) == {PaymentOutcome.PAID}
    batch.refresh_from_db()
    assert batch.state == BatchState.EXPORTED  # nothing refused
    alert = re.search(r'id="timetable-warning">(.*?)</div>\s*<dl', page, re.S)
    assert alert is not None
    assert f"在资金支付期外制作支付批次：{outside(day)}" in alert.group(1)
    assert f"在资金支付期外拨付：{outside(day)}" in alert.group(1)
    assert "Made outside the payment window" in english.content.decode()


def test_a_batch_made_in_june_says_nothing_of_the_window(login, payable):
    claim = payable([500])
    client = login("city_reviewer")
    with on_day(date(YEAR, 6, 15)):
        made = client.post(
            "/claims/payments/new/", {"fund_channel": claim.fund_channel_id}, follow=True
        )
        batch = PaymentBatch.objects.filter(payments__line__claim=claim).distinct().get()
        page = client.get(f"/claims/batches/{batch.pk}/").content.decode()
    assert "资金支付期" not in messages_of(made)
    assert 'id="timetable-warning"' not in page
    assert payment.batch_warnings(batch) == []


def test_the_batch_warns_of_each_day_paid_outside_the_window_004_section_4_5(payable, act):
    """Made on 20 October (inside), paid on 2 November (outside): only the payment is warned."""
    claim = payable([300])
    with on_day(date(YEAR, 10, 20)), act("city_reviewer"):
        batch = payment.create_batch(claim.bureau, claim.fund_channel)
        payment.export_batch(batch, "xlsx")
    with on_day(date(YEAR, 11, 2)), act("finance"):
        payment.record_outcomes(batch, {line.pk: (True, "") for line in claim.lines.all()})
    assert payment.batch_warnings(batch) == [f"在资金支付期外拨付：{outside(date(YEAR, 11, 2))}"]
