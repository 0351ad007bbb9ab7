"""The finance bureau's part in payment (004 §四(五): 经公示无异议后, 按程序及时拨付资金): the demo
user `finance` (财政/审计, 商丘市财政局, a department under the city's bureau) sees the payment
batches of its region and no other, exports a batch the bureau sent to it, and records each line
paid or failed, audited, the claim moving as when the bureau records it. That is the one write of
its read-only role (core.writes.read_only_exception): every other write is still refused. Its
to-do card lists the batches waiting for it, not evaluations it cannot act on."""

import csv
import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.utils.translation import gettext

from jineng.claims import payment
from jineng.claims.models import BatchState, ClaimState, LineState, PaymentOutcome
from jineng.core import writes
from jineng.core.models import AuditEntry
from jineng.core.roles import Capability
from tests.claims.builders_payment import *  # noqa: F403
from tests.core.test_todo import todo_of
from tests.factories import BookingFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db
BATCHES = "/api/v1/claims/batches/"


@pytest.fixture
def sent(payable, act, orgs, fund):
    """A city batch of a two-line claim, sent to finance by the city's payer: (batch, claim)."""
    claim = payable(["1280.50", "900"])
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund, lines=list(claim.lines.all()))
        payment.export_batch(batch, "csv")
    batch.refresh_from_db()
    assert batch.state == BatchState.EXPORTED
    return batch, claim


@pytest.fixture
def province_batch(payable, act, orgs, fund):
    """A batch of the province's bureau: above the city, outside the city finance's region."""
    claim = payable(["500"], bureau="province")
    with act("admin"):
        return payment.create_batch(orgs["province"], fund, lines=list(claim.lines.all()))


def test_finance_sees_the_batches_of_its_region_only(login, sent, province_batch):
    batch, _claim = sent
    client = login("finance")
    page = client.get("/claims/payments/")
    assert page.status_code == 200
    html = page.content.decode()
    assert batch.number in html and province_batch.number not in html
    assert 'id="payable"' not in html  # making batches is the bureau's
    assert client.get(f"/claims/batches/{batch.pk}/").status_code == 200
    assert client.get(f"/claims/batches/{province_batch.pk}/").status_code == 404


def test_finance_exports_a_batch_sent_to_it(login, sent):
    batch, claim = sent
    response = login("finance").post(f"/claims/batches/{batch.pk}/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:-1]} == {claim.number}
    assert rows[-1][6] == "2180.50"


def test_finance_does_not_send_an_open_batch(payable, act, orgs, fund, login):
    """Sending a batch to finance (its first export) is the bureau's act."""
    claim = payable(["300"])
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund, lines=list(claim.lines.all()))
    with act("finance"), pytest.raises(ValidationError, match="尚未报送财务"):
        payment.export_batch(batch, "csv")
    page = login("finance").get(f"/claims/batches/{batch.pk}/").content.decode()
    assert 'id="export-csv"' not in page and "尚未将本批次报送财务" in page
    batch.refresh_from_db()
    assert batch.state == BatchState.OPEN


def test_finance_records_one_line_paid_and_one_failed(login, sent):
    batch, claim = sent
    paid, failed = claim.lines.order_by("id")
    client = login("finance")
    page = client.get(f"/claims/batches/{batch.pk}/").content.decode()
    assert 'id="record-outcomes"' in page and 'id="close-batch"' not in page
    response = client.post(
        f"/claims/batches/{batch.pk}/outcomes/",
        {
            f"outcome-{paid.pk}": "paid",
            f"outcome-{failed.pk}": "failed",
            f"reason-{failed.pk}": "账户已销户",
        },  # fmt: skip
        follow=True,
    )
    assert "已登记2条拨付结果。每条明细都有结果后，由人社部门关闭批次" in response.content.decode()
    outcomes = dict(batch.payments.values_list("line_id", "outcome"))
    assert outcomes == {paid.pk: PaymentOutcome.PAID, failed.pk: PaymentOutcome.FAILED}
    paid.refresh_from_db(), failed.refresh_from_db()
    assert (paid.state, failed.state) == (LineState.PAID, LineState.FAILED)
    entries = AuditEntry.objects.filter(actor__username="finance", object_type="claims.payment")
    assert entries.count() == 2
    # The failed line is payable again: the claim waits for it, as when the bureau records it.
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAYABLE


def test_the_claim_is_paid_when_finance_records_its_last_line(act, sent):
    batch, claim = sent
    with act("finance"):
        payment.record_outcomes(batch, {line.pk: (True, "") for line in claim.lines.all()})
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID
    change = claim.changes.get(to_state=ClaimState.PAID)
    assert change.by.username == "finance"


def test_finance_does_nothing_else(act, sent, payable, orgs, fund):
    batch, claim = sent
    line = claim.lines.first()
    with act("finance"):
        with pytest.raises(PermissionDenied, match="只有人社部门的拨付人员可以制作和登记拨付"):
            payment.create_batch(orgs["city"], fund)
        with pytest.raises(PermissionDenied, match="只有人社部门的拨付人员可以制作和登记拨付"):
            payment.close_batch(batch)
        with pytest.raises(PermissionDenied, match="只有人社部门的拨付人员可以制作和登记拨付"):
            payment.cancel_batch(batch, "不要了")
        # The exception is opened only by the service that records outcomes, and only for it.
        with pytest.raises(PermissionDenied, match="您的角色为只读"):
            writes.update(line, review_reason="改一下", validate=False)
        with (
            pytest.raises(ImproperlyConfigured, match="not a write of a read-only role"),
            writes.read_only_exception(Capability.PAY_CLAIMS),
        ):
            pass
    batch.refresh_from_db()
    assert batch.state == BatchState.EXPORTED


def test_the_exception_is_finances_only_inside_record_outcomes(act, sent):
    """A read-only user without the capability gets nothing from an open exception."""
    batch, claim = sent
    line = claim.lines.first()
    with act("finance"), writes.read_only_exception(Capability.RECORD_PAYMENTS):
        writes.update(line, review_reason="在例外之内", validate=False)  # the capability holds
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门的拨付人员和财政"):
        payment.record_outcomes(batch, {line.pk: (True, "")})


def test_the_to_do_card_lists_the_batches_waiting_for_finance(login, sent):
    BookingFactory(accept=False)  # a booking to answer, for a class of 鸿鹄 that has completed
    TrainingClassFactory(state="completed")  # a class waiting for its booking
    evaluator = todo_of(login("evaluator"))
    assert evaluator[gettext("Evaluation bookings to answer")] >= 1
    todo = todo_of(login("finance"))
    assert todo == {"待登记拨付结果的批次": 1}  # no evaluations: finance cannot act on them


def test_the_api_as_the_pages(client, users, sent, province_batch):
    batch, claim = sent
    paid, failed = claim.lines.order_by("id")
    client.force_login(users["finance"])
    listed = {row["number"] for row in client.get(BATCHES).json()["results"]}
    assert batch.number in listed and province_batch.number not in listed
    assert client.get(f"{BATCHES}{province_batch.pk}/").status_code == 404
    exported = client.post(f"{BATCHES}{batch.pk}/export/", {"format": "csv"})
    assert exported.status_code == 200
    body = {"outcomes": [{"line": paid.pk, "paid": True},
                         {"line": failed.pk, "paid": False, "reason": "户名不符"}]}  # fmt: skip
    answer = client.post(f"{BATCHES}{batch.pk}/outcomes/", json.dumps(body),
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert dict(batch.payments.values_list("line_id", "outcome")) == {
        paid.pk: PaymentOutcome.PAID, failed.pk: PaymentOutcome.FAILED}  # fmt: skip
    assert client.post(f"{BATCHES}{batch.pk}/close/").status_code == 403
    made = client.post(BATCHES, {"fund_channel": "employment_fund"})
    assert made.status_code == 403


def test_finance_records_only_batches_of_its_region_that_were_sent_to_it(
    payable, act, orgs, fund, province_batch
):
    """The service checks it too, not only the pages: a batch above the city, or one the
    bureau has not sent yet, is refused and nothing is recorded."""
    line_id = province_batch.payments.first().line_id
    with act("finance"), pytest.raises(PermissionDenied, match="该拨付批次不在您的"):
        payment.record_outcomes(province_batch, {line_id: (True, "")})
    claim = payable(["300"])
    with act("city_reviewer"):
        open_batch = payment.create_batch(orgs["city"], fund, lines=list(claim.lines.all()))
    with act("finance"), pytest.raises(ValidationError, match="尚未报送财务"):
        payment.record_outcomes(open_batch, {line.pk: (True, "") for line in claim.lines.all()})
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAYABLE
