"""Payment of claims in batches per fund channel (004 §四(五): 经3个工作日公示后, 按程序及时拨付
资金, from 就业补助资金、职业技能提升专账资金、失业保险基金; 004 §五(四): 明确资金支出渠道, 严格资金
拨付程序): which lines are payable, batches in the bureau's scope, the export for the finance
system read back (xlsx and CSV, amounts in figures and capitals), outcomes paid or failed with a
reason, failed lines paid again in a later batch, the claim PAID, the ledger and the refusals."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import load_workbook

from jineng.claims import payment
from jineng.claims.models import (
    BatchState,
    ClaimState,
    LineState,
    Payment,
    PaymentBatch,
    PaymentOutcome,
)
from jineng.core.models import AuditEntry, StateChange
from jineng.people.models import LedgerEvent
from tests.claims.builders_payment import *  # noqa: F403

pytestmark = pytest.mark.django_db


def ids(lines) -> set[int]:
    return {line.pk for line in lines}


def messages(problem: pytest.ExceptionInfo) -> str:
    return "; ".join(problem.value.messages)


@pytest.fixture
def pay(act, orgs, fund):
    """pay(lines, outcomes=None, bureau="city"): a batch of the lines, exported, with their
    outcomes ({line id: (paid, reason)}; all paid when not given). Returns the batch."""

    def run(lines, outcomes=None, *, bureau="city", who="city_reviewer"):
        lines = list(lines)
        with act(who):
            batch = payment.create_batch(orgs[bureau], fund, lines=lines)
            payment.export_batch(batch, "csv")
            payment.record_outcomes(batch, outcomes or {line.pk: (True, "") for line in lines})
        batch.refresh_from_db()
        return batch

    return run


def test_payable_lines_are_the_approved_lines_of_payable_claims_of_the_channel(
    payable, act, orgs, fund, other_fund
):
    """004 §五(四): a batch pays from one fund channel; only claims whose notice ended with no
    open objection (PAYABLE) are paid (004 §四(五): 经3个工作日公示后拨付)."""
    paying = payable(["1280.50", "20000"])
    in_notice = payable(["300"], state=ClaimState.IN_NOTICE)
    other_channel = payable(["500"], fund_channel=other_fund)
    rejected = payable(["700", "800"])
    refused = rejected.lines.first()
    refused.state = LineState.REJECTED
    refused.save()
    with act("city_reviewer"):
        found = ids(payment.payable_lines(orgs["city"], fund))
        other = ids(payment.payable_lines(orgs["city"], other_fund))
    assert ids(paying.lines.all()) <= found
    assert ids(rejected.lines.exclude(pk=refused.pk)) <= found
    assert not found & ids(in_notice.lines.all())
    assert not found & ids(other_channel.lines.all())
    assert refused.pk not in found
    assert ids(other_channel.lines.all()) <= other


def test_a_batch_of_one_channel_with_a_payment_per_line_and_the_total(payable, act, orgs, fund):
    claim = payable(["1280.50", "20000", "1005.07"])
    lines = list(claim.lines.order_by("id"))
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund, lines=lines)
        left = ids(payment.payable_lines(orgs["city"], fund))
    assert batch.number.startswith("BF") and batch.state == BatchState.OPEN
    assert batch.fund_channel == fund and batch.bureau == orgs["city"]
    assert batch.total == Decimal("22285.57")
    assert batch.created_by.username == "city_reviewer"
    assert {(p.line_id, p.amount, p.outcome) for p in batch.payments.all()} == {
        (line.pk, line.amount, PaymentOutcome.PENDING) for line in lines
    }
    assert not left & ids(lines), "a line in a live payment is not payable again"
    assert AuditEntry.objects.filter(object_type="claims.payment", action="create").count() >= 3


def test_a_batch_of_every_payable_line_of_the_channel(payable, act, orgs, fund):
    payable(["100", "200"])
    with act("city_reviewer"):
        expected = ids(payment.payable_lines(orgs["city"], fund))
        batch = payment.create_batch(orgs["city"], fund)
        assert not payment.payable_lines(orgs["city"], fund).exists()
    assert {p.line_id for p in batch.payments.all()} == expected
    assert batch.total == sum(p.amount for p in batch.payments.all())


def test_lines_that_are_not_payable_are_refused_by_name(payable, act, orgs, fund, other_fund):
    claim = payable(["500"], fund_channel=other_fund)
    line = claim.lines.get()
    before = PaymentBatch.objects.count()
    with act("city_reviewer"), pytest.raises(ValidationError) as problem:
        payment.create_batch(orgs["city"], fund, lines=[line])
    assert claim.number in messages(problem)
    assert line.person.id_number_masked in messages(problem)
    with act("city_reviewer"), pytest.raises(ValidationError) as problem:
        payment.create_batch(orgs["city"], fund, lines=[])
    assert messages(problem) == "没有此资金渠道可拨付的明细。"
    assert PaymentBatch.objects.count() == before


def test_a_line_is_in_one_live_batch_only(payable, act, orgs, fund):
    line = payable(["900"]).lines.get()
    with act("city_reviewer"):
        payment.create_batch(orgs["city"], fund, lines=[line])
        with pytest.raises(ValidationError) as problem:
            payment.create_batch(orgs["city"], fund, lines=[line])
    assert line.claim.number in messages(problem)
    assert Payment.objects.filter(line=line).count() == 1


def test_the_bureau_pays_claims_of_its_region_only(payable, act, orgs, fund):
    """A county reviewer pays the claims to its bureau, never the city's; the scope of the
    data (jineng.core.scope) bounds the bureau a batch may be made for."""
    county_claim = payable(["400"], bureau="liangyuan", org="inst_liangyuan")
    city_claim = payable(["600"])
    with act("county_reviewer"):
        found = ids(payment.payable_lines(orgs["liangyuan"], fund))
        with pytest.raises(PermissionDenied, match="该人社部门不在您的管辖区域内"):
            payment.create_batch(orgs["city"], fund)
        with pytest.raises(PermissionDenied, match="该人社部门不在您的管辖区域内"):
            payment.payable_lines(orgs["yongcheng"], fund)
    assert ids(county_claim.lines.all()) <= found
    assert not found & ids(city_claim.lines.all())
    with act("city_reviewer"):  # the city's region holds its counties
        assert ids(county_claim.lines.all()) <= ids(payment.payable_lines(orgs["city"], fund))


@pytest.mark.parametrize("who", ["institution", "finance", "department", "worker"])
def test_only_payers_make_batches(payable, act, orgs, fund, who):
    payable(["100"])
    with (
        act(who),
        pytest.raises(PermissionDenied, match="只有人社部门的拨付人员可以制作和登记拨付"),
    ):
        payment.create_batch(orgs["city"], fund)


def test_a_batch_is_made_by_a_bureau_for_a_channel(act, orgs, fund):
    with act("admin"), pytest.raises(ValidationError, match="鸿鹄"):
        payment.create_batch(orgs["inst_city"], fund)
    with act("admin"), pytest.raises(ValidationError, match="请选择本批次的资金渠道") as refused:
        payment.create_batch(orgs["city"], None)
    assert "fund_channel" in refused.value.message_dict


@pytest.fixture
def exported(payable, act, orgs, fund):
    """A batch of a training claim (1280.50, 20000, 1005.07) and of an SME hiring claim whose
    payee's name would be a formula in a spreadsheet: (batch, training claim, hiring claim)."""
    training = payable(["1280.50", "20000", "1005.07"])
    hiring = payable(
        ["1000"],
        kind="employment_sme",
        org="city",
        payee_name="=HYPERLINK(1)商丘市测试食品有限公司",
        payee_uscc="91411400MA9XXXXX0X",
        people=new_people(1),  # noqa: F405
    )
    with act("city_reviewer"):
        batch = payment.create_batch(
            orgs["city"], fund, lines=[*training.lines.all(), *hiring.lines.all()]
        )
    return batch, training, hiring


HEADER_EN = [
    "Payment batch number",
    "Subsidy claim number",
    "Paid to",
    "Payee's unified social credit code",
    "Name of the person",
    "ID number of the person",
    "Amount in figures (yuan)",
    "Amount in capitals (RMB)",
    "Fund channel",
]


def expected_rows(batch, training, hiring):
    rows = []
    for line in training.lines.select_related("person").order_by("id"):
        rows.append([batch.number, training.number, "商丘市鸿鹄职业技能培训学校",
                     training.organisation.code, line.person.name, line.person.id_number_masked,
                     line.amount])  # fmt: skip
    line = hiring.lines.select_related("person").get()
    rows.append([batch.number, hiring.number, "'=HYPERLINK(1)商丘市测试食品有限公司",
                 "91411400MA9XXXXX0X", line.person.name, line.person.id_number_masked,
                 line.amount])  # fmt: skip
    return sorted(rows, key=lambda row: row[1])


CAPITALS = {
    Decimal("1280.50"): "壹仟贰佰捌拾元伍角",
    Decimal("20000.00"): "贰万元整",
    Decimal("1005.07"): "壹仟零伍元零柒分",
    Decimal("1000.00"): "壹仟元整",
}


def test_the_xlsx_export_read_back(exported, act):
    """Each line with its payee, the trainee's masked ID number and name, the amount in figures
    and in capitals by the People's Bank rules, the fund channel; then the total."""
    batch, training, hiring = exported
    with act("city_reviewer"), translation.override("en"):
        data = payment.export_batch(batch, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER_EN
    body, total = rows[1:-1], rows[-1]
    for row, expected in zip(body, expected_rows(batch, training, hiring), strict=True):
        amount = Decimal(str(row[6])).quantize(Decimal("0.01"))
        assert [*row[:6], amount] == expected
        assert row[7] == CAPITALS[amount]
        assert row[8] == "就业补助资金"
    assert total[0] == "Batch total" and Decimal(str(total[6])) == Decimal("23285.57")
    assert total[7] == "贰万叁仟贰佰捌拾伍元伍角柒分"
    assert sheet.cell(2, 3).data_type == "s", "a payee name is text, never a formula"
    assert sheet.cell(2, 7).number_format == "#,##0.00"
    batch.refresh_from_db()
    assert batch.state == BatchState.EXPORTED and batch.exported_at is not None


def test_the_csv_export_read_back(exported, act):
    """UTF-8 with a BOM, so that Excel opens the Chinese text; amounts with two decimals."""
    batch, training, hiring = exported
    with act("city_reviewer"):
        data = payment.export_batch(batch, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [
        "拨付批次号", "补贴申请编号", "收款单位", "收款单位统一社会信用代码", "姓名",
        "公民身份号码", "金额（小写，元）", "金额（大写，人民币）", "资金渠道",
    ]  # fmt: skip
    expected = expected_rows(batch, training, hiring)
    for row, want in zip(rows[1:-1], expected, strict=True):
        assert row[:7] == [*want[:6], f"{want[6]:.2f}"]
        assert row[7] == CAPITALS[Decimal(row[6])] and row[8] == "就业补助资金"
    assert rows[-1][0] == "合计"
    assert rows[-1][6:8] == ["23285.57", "贰万叁仟贰佰捌拾伍元伍角柒分"]
    for row in rows[1:-1]:
        assert "*" in row[5], "ID numbers are masked in the export"


def test_exporting_again_gives_the_same_lines(exported, act):
    batch, *_claims = exported
    with act("city_reviewer"):
        first = payment.export_batch(batch, "csv")
        batch.refresh_from_db()
        exported_at = batch.exported_at
        assert payment.export_batch(batch, "csv") == first
    batch.refresh_from_db()
    assert batch.exported_at == exported_at and batch.state == BatchState.EXPORTED


def test_an_unknown_format_is_refused(exported, act):
    batch, *_claims = exported
    with act("city_reviewer"), pytest.raises(ValidationError, match="xlsx"):
        payment.export_batch(batch, "pdf")
    batch.refresh_from_db()
    assert batch.state == BatchState.OPEN


def test_paid_and_failed_then_the_failed_line_is_paid_in_a_later_batch(
    payable, act, orgs, fund, pay
):
    """Lines paid or failed with a reason; a failed line is payable again, in a new batch, as a
    new Payment; the claim is PAID when its approved lines are all paid."""
    claim = payable(["1280.50", "20000"])
    good, bad = claim.lines.order_by("id")
    first = pay([good, bad], {good.pk: (True, ""), bad.pk: (False, " 账户已销户 ")})
    good.refresh_from_db(), bad.refresh_from_db(), claim.refresh_from_db()
    assert good.state == LineState.PAID and good.paid_at is not None
    assert bad.state == LineState.FAILED and bad.paid_at is None
    assert bad.payments.get().failure_reason == "账户已销户"
    assert claim.state == ClaimState.PAYABLE
    with act("city_reviewer"):
        assert ids(payment.payable_lines(orgs["city"], fund)) & {good.pk, bad.pk} == {bad.pk}
        payment.close_batch(first)
    second = pay([bad])
    bad.refresh_from_db(), claim.refresh_from_db()
    assert bad.state == LineState.PAID
    assert [p.outcome for p in bad.payments.order_by("id")] == ["failed", "paid"]
    assert [p.batch for p in bad.payments.order_by("id")] == [first, second]
    assert claim.state == ClaimState.PAID
    change = StateChange.objects.get(claim=claim, to_state=ClaimState.PAID)
    assert change.from_state == ClaimState.PAYABLE and change.by.username == "city_reviewer"


def test_payments_on_each_persons_ledger(payable, pay):
    claim = payable(["1280.50", "300"])
    good, bad = claim.lines.select_related("person").order_by("id")
    batch = pay([good, bad], {good.pk: (True, ""), bad.pk: (False, "户名不符")})
    paid = LedgerEvent.objects.get(person=good.person, object_type="claims.payment")
    failed = LedgerEvent.objects.get(person=bad.person, object_type="claims.payment")
    assert paid.kind == "subsidy" and paid.decision_id == good.decision_id
    assert "1280.50" in paid.title and claim.number in paid.title and batch.number in paid.title
    assert paid.detail["outcome"] == "paid"
    assert failed.detail["outcome"] == "failed" and "户名不符" in failed.title


def test_a_claim_stays_payable_until_every_approved_line_is_paid(payable, pay):
    claim = payable(["100", "200"])
    one, two = claim.lines.order_by("id")
    pay([one])
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAYABLE
    pay([two])
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID


def test_a_failed_payment_needs_its_reason_and_nothing_is_half_recorded(payable, act, orgs, fund):
    claim = payable(["100", "200"])
    one, two = claim.lines.order_by("id")
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund, lines=[one, two])
        payment.export_batch(batch, "xlsx")
        with pytest.raises(ValidationError) as problem:
            payment.record_outcomes(batch, {one.pk: (True, ""), two.pk: (False, "  ")})
    assert claim.number in messages(problem) and "原因" in messages(problem)
    assert set(batch.payments.values_list("outcome", flat=True)) == {PaymentOutcome.PENDING}
    one.refresh_from_db()
    assert one.state == LineState.APPROVED


def test_outcomes_are_refused_before_export_twice_and_for_other_lines(payable, act, orgs, fund):
    claim = payable(["100"])
    outsider = payable(["200"]).lines.get()
    line = claim.lines.get()
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund, lines=[line])
        with pytest.raises(ValidationError, match=batch.number):
            payment.record_outcomes(batch, {line.pk: (True, "")})  # not sent to finance yet
        payment.export_batch(batch, "csv")
        with pytest.raises(ValidationError, match=str(outsider.pk)):
            payment.record_outcomes(batch, {outsider.pk: (True, "")})
        with pytest.raises(ValidationError, match="请至少登记一条明细的拨付结果"):
            payment.record_outcomes(batch, {})
        payment.record_outcomes(batch, {line.pk: (True, "")})
        with pytest.raises(ValidationError) as problem:
            payment.record_outcomes(batch, {line.pk: (False, "重复")})
    assert claim.number in messages(problem)
    assert line.payments.get().outcome == PaymentOutcome.PAID


def test_a_batch_closes_when_every_line_has_its_outcome(payable, act, orgs, fund):
    claim = payable(["100", "200"])
    one, two = claim.lines.order_by("id")
    with act("city_reviewer"):
        batch = payment.create_batch(orgs["city"], fund, lines=[one, two])
        with pytest.raises(ValidationError, match="只能关闭已报送财务的批次"):
            payment.close_batch(batch)  # never sent to finance
        payment.export_batch(batch, "csv")
        payment.record_outcomes(batch, {one.pk: (True, "")})
        with pytest.raises(ValidationError) as problem:
            payment.close_batch(batch)
        assert messages(problem) == f"批次 {batch.number} 有 1 条明细尚无结果。"
        payment.record_outcomes(batch, {two.pk: (False, "账号错误")})
        payment.close_batch(batch)
        with pytest.raises(ValidationError, match="只能为已报送财务的批次登记拨付结果"):
            payment.record_outcomes(batch, {two.pk: (True, "")})
    batch.refresh_from_db()
    assert batch.state == BatchState.CLOSED and batch.closed_at is not None
    assert payment.batch_totals(batch) == {
        "pending": Decimal("0.00"),
        "paid": Decimal("100.00"),
        "failed": Decimal("200.00"),
    }


def test_a_batch_made_by_mistake_is_withdrawn_before_it_goes_to_finance(payable, act, orgs, fund):
    """Withdrawn with a reason while open: its attempts stay on record as not made, its lines are
    payable again; once sent to finance it can no longer be withdrawn."""
    claim = payable(["100", "200"])
    one, two = claim.lines.order_by("id")
    with act("city_reviewer"):
        mistake = payment.create_batch(orgs["city"], fund, lines=[one, two])
        with pytest.raises(ValidationError, match="请填写撤销批次的理由") as refused:
            payment.cancel_batch(mistake, "  ")
        assert "reason" in refused.value.message_dict
        payment.cancel_batch(mistake, "选错了资金渠道")
        assert {one.pk, two.pk} <= {x.pk for x in payment.payable_lines(orgs["city"], fund)}
        batch = payment.create_batch(orgs["city"], fund, lines=[one, two])
        payment.export_batch(batch, "csv")
        with pytest.raises(ValidationError, match=batch.number):
            payment.cancel_batch(batch, "太晚了")
    mistake.refresh_from_db()
    assert mistake.state == BatchState.CLOSED
    assert set(mistake.payments.values_list("outcome", "failure_reason")) == {
        (PaymentOutcome.FAILED, "选错了资金渠道")
    }


@pytest.mark.parametrize("who", ["county_reviewer", "institution"])
def test_only_payers_of_the_region_export_and_record(exported, act, who):
    """The finance bureau's part is tests/claims/test_finance_role.py."""
    batch, *_claims = exported
    # the county's reviewer pays, but not the city's batch; the others do not pay at all
    refusal = (
        "该拨付批次不在您的管辖范围内" if who == "county_reviewer" else "只有人社部门的拨付人员"
    )
    with act(who):
        with pytest.raises(PermissionDenied, match=refusal):
            payment.export_batch(batch, "csv")
        with pytest.raises(PermissionDenied, match=refusal):
            payment.record_outcomes(batch, {1: (True, "")})
        with pytest.raises(PermissionDenied, match=refusal):
            payment.close_batch(batch)
    batch.refresh_from_db()
    assert batch.state == BatchState.OPEN
