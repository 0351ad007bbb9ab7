"""Money waits for the data comparison (004 §五(六): 健全覆盖培训资金申领、审核、支付…全过程的监督
管理; 000 §三(八) 人脸识别考勤): a claim line touched by an open or under-review finding is neither
approved nor paid, with a message naming the finding; cleared, it moves again; confirmed, the
paid lines are recovered (claims' recovery) and the institution's credit file gets a violation.

The planted case is the factory's own: a ClaimFactory class's attendance is all hand marks
(pattern: courses shortened or skipped), which hand_entered_attendance flags for the class."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jineng.claims import payment, review
from jineng.claims.models import Claim, ClaimLine, LineState, Recovery, RecoveryCause
from jineng.core.models import AuditEntry, User
from jineng.institutions.models import CreditEvent, CreditEventKind
from jineng.supervision import services
from jineng.supervision.models import Finding, FindingState
from tests.actors import act
from tests.factories import CERTIFIED, EMPLOYED, ClaimFactory, bureau

pytestmark = pytest.mark.django_db

CHECK = "hand_entered_attendance"


def finding_of(claim: Claim) -> Finding:
    """Run the attendance check over 商丘 around the claim's class, as the city's reviewer."""
    training_class = claim.training_class
    with act("city_reviewer"):
        services.run_checks(
            bureau("411400"), training_class.start_date, training_class.end_date, codes={CHECK}
        )
    return Finding.objects.get(check_code=CHECK, training_class=training_class)


def review_it(finding: Finding) -> Finding:
    with act("city_reviewer"):
        return services.assign(finding, _user("city_reviewer"))


def _user(username):
    return User.objects.get(username=username)


def test_a_held_line_is_not_approved_until_the_finding_is_cleared():
    """004 §五(六); pattern: courses shortened or skipped. The line is refused naming the
    finding, while open and under review; cleared with reason and evidence, it is approved."""
    claim = ClaimFactory(state="submitted", outcomes=(CERTIFIED,))
    finding = finding_of(claim)
    line = claim.lines.get()
    with act("city_reviewer"), pytest.raises(ValidationError, match=finding.number):
        review.approve_lines(claim, [line])
    review_it(finding)
    with act("city_reviewer"), pytest.raises(ValidationError, match="疑点核清之前不能审核通过"):
        review.approve_claim(claim)
    with act("city_reviewer"):
        services.clear(finding, reason="现场核查：考勤机故障期间人工签到，有签到表原件。",
                       evidence="签到表原件扫描件、机构情况说明")  # fmt: skip
        review.approve_lines(claim, [line])
    line.refresh_from_db()
    assert line.state == LineState.APPROVED
    assert list(finding.changes.values_list("to_state", flat=True)) == [
        "open", "under_review", "cleared",
    ]  # fmt: skip


def test_a_held_line_is_not_paid():
    """004 §四(五), 004 §五(六): a payable line a finding holds is not among the payable lines,
    and a batch naming it is refused with the finding's number."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    line = claim.lines.get()
    with act("city_reviewer"):
        assert payment.payable_lines(claim.bureau, claim.fund_channel).filter(pk=line.pk).exists()
    finding = finding_of(claim)
    with act("city_reviewer"):
        payable = payment.payable_lines(claim.bureau, claim.fund_channel)
        assert not payable.filter(pk=line.pk).exists()
    with act("city_reviewer"), pytest.raises(ValidationError, match=f"{finding.number}.*拨付"):
        payment.create_batch(claim.bureau, claim.fund_channel, [line])


def test_a_confirmed_finding_recovers_what_was_paid_and_marks_the_institution():
    """004 §五(六) (账实相符, 确保资金安全); pattern: courses shortened or skipped. Confirmed
    after an on-site check: each paid line of the class gets a recovery (cause fraud) through
    claims, and the institution's credit file a violation naming the finding."""
    claim = ClaimFactory(state="paid", outcomes=(CERTIFIED, EMPLOYED))
    finding = finding_of(claim)
    review_it(finding)
    with act("city_reviewer"):
        services.record_onsite_check(
            finding, checked_on=timezone.localdate() - timedelta(days=1),
            people_present="市局审核员张某、机构负责人李某", result="inconsistent",
            notes="学员表示未参加第2、3课。",
        )  # fmt: skip
        services.confirm(finding, reason="现场核查：学员未实际参训，考勤系补录。")
    recoveries = Recovery.objects.filter(line__claim=claim)
    assert recoveries.count() == 2
    assert {r.cause for r in recoveries} == {RecoveryCause.FRAUD}
    assert finding.number in recoveries.first().reason
    event = CreditEvent.objects.get(institution=claim.training_class.institution)
    assert event.kind == CreditEventKind.VIOLATION and finding.number in event.description
    finding.refresh_from_db()
    assert finding.state == FindingState.CONFIRMED


def test_deciding_a_finding_takes_its_steps_in_order():
    """004 §五(六): open → under review → cleared or confirmed; no step skipped, each reason
    given."""
    claim = ClaimFactory(state="submitted", outcomes=(CERTIFIED,))
    finding = finding_of(claim)
    with act("city_reviewer"), pytest.raises(ValidationError, match="不能变为"):
        services.confirm(finding, reason="直接查实")
    review_it(finding)
    with act("city_reviewer"), pytest.raises(ValidationError, match="理由"):
        services.clear(finding, reason=" ", evidence="签到表")
    with act("institution"), pytest.raises(PermissionDenied, match="审核人员"):
        services.clear(finding, reason="无问题", evidence="签到表")


def test_the_claim_page_shows_the_finding_beside_its_line(client):
    """004 §五(六): the claim page names the finding holding a line, linked to its evidence."""
    claim = ClaimFactory(state="submitted", outcomes=(CERTIFIED,))
    finding = finding_of(claim)
    client.force_login(_user("city_reviewer"))
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    line = claim.lines.get()
    row = page[page.index(f'id="line-{line.pk}"') :]
    row = row[: row.index("</tr>")]
    assert finding.number in row
    assert reverse("supervision:finding", args=[finding.pk]) in row


def test_the_same_person_occupation_and_level_claimed_twice():
    """004 §四(五) (同一职业同一等级不可重复享受), 004 §五(六); pattern: the same certificate used
    for two subsidies or in two regions (多头、重复申领). A copy of a claim line in another claim
    (as if taken in by another region) is flagged and held; the line it copies is not."""
    claim = ClaimFactory(state="submitted", outcomes=(CERTIFIED,))
    line = claim.lines.get()
    twin = Claim.objects.get(pk=claim.pk)
    twin.pk, twin.number = None, "BT2026-TWIN01"
    twin.save()
    copy = ClaimLine.objects.get(pk=line.pk)
    copy.pk, copy.claim = None, twin
    copy.save()
    with act("city_reviewer"):
        result = services.run_checks(
            bureau("411400"), timezone.localdate() - timedelta(days=60), timezone.localdate(),
            codes={"duplicate_claims"},
        )  # fmt: skip
    found = Finding.objects.filter(run=result, check_code="duplicate_claims")
    assert [f.claim_line_id for f in found] == [copy.pk]
    with act("city_reviewer"), pytest.raises(ValidationError, match=found[0].number):
        review.approve_lines(twin, [copy])


def _batch(claim: Claim, *, send: bool):
    with act("city_reviewer"):
        batch = payment.create_batch(claim.bureau, claim.fund_channel, list(claim.lines.all()))
        if send:
            payment.export_batch(batch, "csv")
    return batch


def test_a_batch_holding_a_line_a_finding_opened_on_is_not_sent_to_finance():
    """004 §四(五), 004 §五(六); pattern: courses shortened or skipped. The finding opens after
    the batch was made: the batch is not sent (its export refused, naming the finding, the
    page's button disabled with the same reason); withdrawn and made again, the held line is
    left out."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    batch = _batch(claim, send=False)
    finding = finding_of(claim)
    reviewer = _user("city_reviewer")
    assert finding.number in payment.send_readiness(batch, reviewer).reason
    with act("city_reviewer"), pytest.raises(ValidationError, match=f"{finding.number}.*撤回"):
        payment.export_batch(batch, "csv")
    with act("city_reviewer"):
        payment.cancel_batch(batch, "疑点待核")
        assert not payment.payable_lines(claim.bureau, claim.fund_channel).exists()


def test_a_line_with_finance_is_stopped_when_a_finding_opens_on_it(client):
    """004 §五(六) (确保资金安全); pattern: courses shortened or skipped. A line sent to finance
    before the finding opened is stopped (止付): recording it paid is refused naming the finding,
    the batch page shows the stop beside it; recorded failed (stopped), it is paid again in a
    later batch once the finding is cleared."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    line = claim.lines.get()
    batch = _batch(claim, send=True)
    finding = finding_of(claim)
    with act("city_reviewer"), pytest.raises(ValidationError, match=f"止付.*{finding.number}"):
        payment.record_outcomes(batch, {line.pk: (True, "")})
    client.force_login(_user("finance"))
    page = client.get(reverse("claims:batch", args=[batch.pk])).content.decode()
    row = page[page.index(f'id="stopped-{line.pk}"') :]
    assert finding.number in row[: row.index("</div>")]
    with act("city_reviewer"):
        payment.record_outcomes(batch, {line.pk: (False, f"止付：疑点{finding.number}")})
    line.refresh_from_db()
    assert line.state == LineState.FAILED
    with act("city_reviewer"):
        assert not payment.payable_lines(claim.bureau, claim.fund_channel).exists()
    review_it(finding)
    with act("city_reviewer"):
        services.clear(finding, reason="现场核查：考勤机故障期间人工签到，有签到表原件。",
                       evidence="签到表原件扫描件")  # fmt: skip
    again = _batch(claim, send=True)
    with act("city_reviewer"):
        payment.record_outcomes(again, {line.pk: (True, "")})
    line.refresh_from_db()
    assert line.state == LineState.PAID


def _stopped(claim: Claim):
    """A line sent to finance, then a finding opened on it: (line, batch, finding)."""
    line = claim.lines.get()
    batch = _batch(claim, send=True)
    return line, batch, finding_of(claim)


def _paid_before_stop(batch, line, held_by, **changes):
    values = {"paid_on": timezone.localdate(), "bank_reference": "HX20260315-0042",
              "finding": held_by.number, **changes}  # fmt: skip
    with act("finance"):
        return payment.record_paid_before_stop(batch, line.pk, **values)


def test_a_stopped_line_the_bank_had_paid_is_recorded_paid_before_the_stop(client):
    """004 §五(六) (账实相符: the books follow the money); pattern: courses shortened or
    skipped. The bank paid the line before the stop reached it: finance records it paid before
    the stop, with the bank's day and reference and the finding named; the line counts as paid
    (the claim is paid), marked on the batch page and the claim page, the change audited. A
    plain "paid" stays refused, pointing to this outcome; a wrong finding, no reference, a day
    in the future or before the batch was sent are refused and change nothing."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    line, batch, finding = _stopped(claim)
    pointing = f"止付.*{finding.number}.*止付前已付款"
    with act("finance"), pytest.raises(ValidationError, match=pointing):
        payment.record_outcomes(batch, {line.pk: (True, "")})
    sent = timezone.localdate(batch.exported_at)
    refusals = [
        ({"finding": "YD2026-999999"}, "未暂缓"),
        ({"bank_reference": "  "}, "银行流水号"),
        ({"paid_on": timezone.localdate() + timedelta(days=1)}, "不能晚于今天"),
        ({"paid_on": sent - timedelta(days=1)}, "报送财务"),
        ({"paid_on": None}, "付款日期"),
    ]
    for changes, said in refusals:
        with pytest.raises(ValidationError, match=said):
            _paid_before_stop(batch, line, finding, **changes)
    line.refresh_from_db()
    assert line.state == LineState.APPROVED
    assert batch.payments.get().outcome == "pending"
    _paid_before_stop(batch, line, finding)
    line.refresh_from_db()
    claim.refresh_from_db()
    paid = batch.payments.get()
    assert (line.state, claim.state, paid.outcome) == (LineState.PAID, "paid", "paid")
    assert (paid.before_stop_of, paid.bank_reference) == (finding.number, "HX20260315-0042")
    assert paid.paid_on == timezone.localdate()
    entry = AuditEntry.objects.filter(object_type="claims.payment", object_id=str(paid.pk),
                                      action="update").latest("id")  # fmt: skip
    assert finding.number in entry.message and entry.after["before_stop_of"] == finding.number
    with pytest.raises(ValidationError, match="已登记"):  # recorded once
        _paid_before_stop(batch, line, finding)
    client.force_login(_user("finance"))
    page = client.get(reverse("claims:batch", args=[batch.pk])).content.decode()
    row = page[page.index(f'id="before-stop-{line.pk}"') :]
    assert "止付前已付款" in row[:300] and finding.number in row[:400]
    client.force_login(_user("city_reviewer"))
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert f'class="text-warning-emphasis before-stop" data-finding="{finding.number}"' in page


def test_a_line_paid_before_the_stop_is_recovered_when_the_finding_is_confirmed():
    """004 §五(六); pattern: courses shortened or skipped. The money that left before the stop
    goes into the recovery (追回) like any paid line of a confirmed finding."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    line, batch, finding = _stopped(claim)
    _paid_before_stop(batch, line, finding)
    review_it(finding)
    with act("city_reviewer"):
        services.confirm(finding, reason="现场核查：学员未实际参训，考勤系补录。")
    recovery = Recovery.objects.get(line=line)
    assert recovery.cause == RecoveryCause.FRAUD and recovery.amount == line.amount
    assert finding.number in recovery.reason


def test_a_line_paid_before_the_stop_of_a_finding_confirmed_meanwhile_is_recovered():
    """004 §五(六) (确保资金安全); pattern: courses shortened or skipped. The finding is confirmed
    before finance learns that the bank had paid the line: recorded paid before the stop then,
    the line is recovered all the same (cause fraud, the finding's reason), as confirming it
    would have recovered it had it been recorded before."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    line, batch, finding = _stopped(claim)
    review_it(finding)
    with act("city_reviewer"):
        services.confirm(finding, reason="现场核查：学员未实际参训，考勤系补录。")
    assert not Recovery.objects.filter(line=line).exists()  # nothing paid yet
    _paid_before_stop(batch, line, finding)  # a confirmed finding still holds (stops) the line
    recovery = Recovery.objects.get(line=line)
    assert recovery.cause == RecoveryCause.FRAUD and recovery.amount == line.amount
    assert finding.number in recovery.reason and "学员未实际参训" in recovery.reason
    assert recovery.opened_by.username == "finance"  # opened by the act that recorded it paid


def test_a_line_paid_before_the_stop_stays_paid_when_the_finding_is_cleared(client):
    """004 §五(六): cleared, nothing more happens: no recovery, the line paid; the batch page
    still names the finding (no longer linked: it holds nothing)."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    line, batch, finding = _stopped(claim)
    _paid_before_stop(batch, line, finding)
    review_it(finding)
    with act("city_reviewer"):
        services.clear(finding, reason="现场核查：考勤机故障期间人工签到，有签到表原件。",
                       evidence="签到表原件扫描件")  # fmt: skip
    line.refresh_from_db()
    assert line.state == LineState.PAID and not Recovery.objects.filter(line=line).exists()
    client.force_login(_user("finance"))
    page = client.get(reverse("claims:batch", args=[batch.pk])).content.decode()
    row = page[page.index(f'id="before-stop-{line.pk}"') :]
    assert f'<span class="mono">{finding.number}</span>' in row[:400]


def test_paid_before_the_stop_is_only_for_a_stopped_line_with_finance():
    """Fail closed: a line no finding holds is recorded paid or failed as usual; a batch not
    yet sent to finance has no bank payment to record."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    line = claim.lines.get()
    batch = _batch(claim, send=True)
    with pytest.raises(ValidationError, match="未被止付"):
        _paid_before_stop(batch, line, Finding(number="YD2026-000001"))
    other = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    open_batch = _batch(other, send=False)
    finding = finding_of(other)
    with pytest.raises(ValidationError, match="尚未报送财务"):
        _paid_before_stop(open_batch, other.lines.get(), finding)


def test_the_batch_page_and_the_api_record_paid_before_the_stop(client):
    """The batch page offers the outcome beside a stopped line (its form refuses a finding that
    does not hold the line); the API takes it too."""
    claim = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    line, batch, finding = _stopped(claim)
    client.force_login(_user("finance"))
    url = reverse("claims:batch", args=[batch.pk])
    page = client.get(url).content.decode()
    assert f'id="before-stop-form-{line.pk}"' in page and f'value="{finding.number}"' in page
    action = reverse("claims:paid-before-stop", args=[batch.pk, line.pk])
    day = timezone.localdate().isoformat()
    response = client.post(action, {"paid_on": day, "bank_reference": "HX1",
                                    "finding": "YD2026-999999"}, follow=True)  # fmt: skip
    assert "请选择暂缓该补贴明细的疑点" in response.content.decode()
    assert batch.payments.get().outcome == "pending"
    other = ClaimFactory(state="payable", outcomes=(CERTIFIED,))
    other_line, other_batch, other_finding = _stopped(other)
    client.post(action, {"paid_on": day, "bank_reference": "HX1", "finding": finding.number})
    assert batch.payments.get().before_stop_of == finding.number
    client.force_login(_user("finance"))
    response = client.post(
        f"/api/v1/claims/batches/{other_batch.pk}/paid-before-stop/",
        {"line": other_line.pk, "paid_on": day, "bank_reference": "HX2",
         "finding": other_finding.number},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    row = response.json()["payments"][0]
    assert (row["outcome"], row["before_stop_of"]) == ("paid", other_finding.number)


def test_a_confirmed_finding_counts_in_the_institutions_year():
    """000 §三(八) (奖优罚劣的定点培训机构考核评估制度), 000 §三(三) (年检评估), 004 §五(五)
    (绩效评估), 004 §五(六); pattern: courses shortened or skipped. The violation a confirmed
    finding writes in the credit file keeps that year's annual inspection from passing (to be
    rectified is recorded), and the yearly performance report counts it for the institution."""
    from jineng.institutions import services as institutions
    from jineng.reports import content

    claim = ClaimFactory(state="paid", outcomes=(CERTIFIED,))
    institution = claim.training_class.institution
    finding = finding_of(claim)
    review_it(finding)
    year = timezone.localdate().year
    assert institutions.passing_readiness(institution, year)
    with act("city_reviewer"):
        services.confirm(finding, reason="现场核查：学员未实际参训，考勤系补录。")
    ready = institutions.passing_readiness(institution, year)
    assert not ready and finding.number in ready.reason and "奖优罚劣" in ready.reason
    assert institutions.passing_readiness(institution, year - 1)  # another year: not lowered
    day = timezone.localdate()
    with act("city_reviewer"), pytest.raises(ValidationError, match="年检"):
        institutions.record_inspection(institution, year=year, inspected_on=day, result="passed")
    with act("city_reviewer"):
        institutions.record_inspection(institution, year=year, inspected_on=day, result="rectify")
    org = institution.organisation_id
    start, end = day.replace(month=1, day=1), day
    assert content._violations({org: {}}, start, end) == {org: 1}
    assert content._violations({org: {}}, start.replace(year=year - 1), start - timedelta(1)) == {}
    sections = content._performance(bureau("411400"), start, end)
    assert sections[1].header[-1] == "查实的违规"
    if any(row[1] == org for row in sections[1].rows):
        assert next(row for row in sections[1].rows if row[1] == org)[-1] == 1
