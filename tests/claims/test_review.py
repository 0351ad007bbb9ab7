"""Review (审核) of submitted claims by the bureau (004 §四(五): 申请 → 审核 → 公示 → 拨付): line by
line and in bulk, a refused line never approved, rejection with a reason, the claim's states and
every refused change, the scope of a county's reviewer, the ledger and the audit log."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jineng.claims import review
from jineng.claims.models import Claim, ClaimLine, ClaimState, LineState
from jineng.core.models import AuditEntry, StateChange
from jineng.people.models import LedgerEvent
from tests.claims import builders_review
from tests.claims.builders_review import STANDARD

pytestmark = pytest.mark.django_db
submitted = builders_review.submitted  # a fixture, used by name
NOT_SUBMITTED = [state for state in ClaimState if state != ClaimState.SUBMITTED]


def messages(problem: pytest.ExceptionInfo) -> str:
    return "; ".join(problem.value.messages)


def lines(claim: Claim) -> list[ClaimLine]:
    return list(claim.lines.select_related("person").order_by("id"))


def ledger_titles(line: ClaimLine) -> list[str]:
    events = LedgerEvent.objects.filter(person=line.person, kind="subsidy", object_id=line.pk)
    return list(events.order_by("id").values_list("title", flat=True))


def test_the_pack_decides_the_amounts_the_review_starts_from(submitted):
    """004 §四(五): employed within 3 months 100% of the standard, a certificate 80%; a trainee
    outside the six categories gets nothing, with the reason."""
    employed, certified, refused = lines(submitted())
    assert (employed.granted, employed.amount) == (True, STANDARD)
    assert (certified.granted, certified.amount) == (True, STANDARD * Decimal("0.8"))
    assert (refused.granted, refused.amount) == (False, 0)
    assert all(line.state == LineState.PENDING for line in (employed, certified, refused))


def test_line_by_line_review_then_finish(submitted, act, users):
    """004 §四(五) 审核: the reviewer approves what the rules granted and rejects with a reason;
    finishing computes the approved total and the claim is reviewed, ready for its notice."""
    claim = submitted()
    employed, certified, refused = lines(claim)
    with act("county_reviewer"):
        review.approve_lines(claim, [employed, certified.pk], "材料齐全")
        review.reject_lines(claim, [refused], "非六类人员，不予补贴")
        claim = review.finish_review(claim)
    claim.refresh_from_db()
    assert claim.state == ClaimState.REVIEWED
    assert claim.approved_total == STANDARD + STANDARD * Decimal("0.8")
    assert claim.reviewed_by == users["county_reviewer"] and claim.reviewed_at is not None
    states = dict(ClaimLine.objects.filter(claim=claim).values_list("id", "state"))
    assert states == {
        employed.pk: LineState.APPROVED,
        certified.pk: LineState.APPROVED,
        refused.pk: LineState.REJECTED,
    }
    refused.refresh_from_db()
    assert refused.review_reason == "非六类人员，不予补贴"
    assert refused.reviewed_by == users["county_reviewer"]
    change = StateChange.objects.get(claim=claim)
    assert (change.from_state, change.to_state) == (ClaimState.SUBMITTED, ClaimState.REVIEWED)
    assert change.by == users["county_reviewer"]


def test_each_decision_is_on_the_persons_ledger_saying_why(submitted, act):
    claim = submitted()
    employed, _certified, refused = lines(claim)
    with act("county_reviewer"):
        review.approve_lines(claim, [employed])
        review.reject_lines(claim, [refused], "身份存疑，待核实")
    assert ledger_titles(employed) == [f"补贴申请{claim.number}审核通过：{STANDARD}元"]
    assert ledger_titles(refused) == [f"补贴申请{claim.number}审核未通过：身份存疑，待核实"]
    event = LedgerEvent.objects.get(object_id=refused.pk, kind="subsidy")
    assert event.decision_id == refused.decision_id
    assert event.detail["reason"] == "身份存疑，待核实"


def test_a_line_the_rules_refused_cannot_be_approved(submitted, act):
    """A refused line (amount 0) is never approved, and a choice holding one changes nothing."""
    claim = submitted()
    employed, _certified, refused = lines(claim)
    with act("county_reviewer"), pytest.raises(ValidationError) as problem:
        review.approve_lines(claim, [employed, refused])
    assert refused.person.name in messages(problem)
    assert "不能审核通过" in messages(problem)
    assert set(claim.lines.values_list("state", flat=True)) == {LineState.PENDING}


def test_a_line_may_be_decided_again_until_the_review_is_finished(submitted, act):
    claim = submitted()
    employed = lines(claim)[0]
    with act("county_reviewer"):
        review.reject_lines(claim, [employed], "待补充社保记录")
        review.approve_lines(claim, [employed])
        review.approve_lines(claim, [employed])  # a repeat writes nothing more
    employed.refresh_from_db()
    assert (employed.state, employed.review_reason) == (LineState.APPROVED, "")
    assert len(ledger_titles(employed)) == 2


@pytest.mark.parametrize("reason", ["", "   ", "理" * 301])
def test_rejecting_needs_a_reason_of_at_most_300_characters(submitted, act, reason):
    claim = submitted()
    with act("county_reviewer"), pytest.raises(ValidationError) as problem:
        review.reject_lines(claim, lines(claim)[:1], reason)
    assert "理由" in messages(problem)
    assert set(claim.lines.values_list("state", flat=True)) == {LineState.PENDING}


@pytest.mark.parametrize("chosen", [[], ["x"], [None]], ids=["none", "not-a-number", "None"])
def test_choosing_no_line_or_nonsense_is_refused(submitted, act, chosen):
    claim = submitted()
    with act("county_reviewer"), pytest.raises(ValidationError) as refused:
        review.approve_lines(claim, chosen)
    assert "lines" in refused.value.message_dict


def test_a_line_of_another_claim_is_refused(submitted, act):
    claim, other = submitted(), submitted()
    with act("county_reviewer"), pytest.raises(ValidationError) as problem:
        review.approve_lines(claim, [lines(other)[0]])
    assert claim.number in messages(problem)
    assert lines(other)[0].state == LineState.PENDING


def test_the_review_finishes_only_when_every_line_is_decided(submitted, act):
    claim = submitted()
    with act("county_reviewer"):
        review.approve_lines(claim, lines(claim)[:1])
        with pytest.raises(ValidationError) as problem:
            review.finish_review(claim)
    assert messages(problem) == "还有2条明细未审核。"
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED


def test_with_nothing_approved_the_claim_is_reviewed_then_closed(submitted, act):
    """Nothing approved: nothing to notice (004 §四(五)) or pay, so the claim is closed."""
    claim = submitted(("employed", "refused"))
    with act("county_reviewer"):
        review.reject_lines(claim, lines(claim), "培训记录与考勤不符")
        review.finish_review(claim)
    claim.refresh_from_db()
    assert (claim.state, claim.approved_total) == (ClaimState.CLOSED, 0)
    moves = list(claim.changes.values_list("from_state", "to_state"))
    assert moves == [
        (ClaimState.SUBMITTED, ClaimState.REVIEWED),
        (ClaimState.REVIEWED, ClaimState.CLOSED),
    ]


def test_rejecting_the_whole_claim_rejects_every_line_with_the_reason(submitted, act):
    claim = submitted()
    first = lines(claim)[0]
    with act("county_reviewer"):
        review.approve_lines(claim, [first])
        review.reject_claim(claim, "培训班未按计划开展，整单退回")
    claim.refresh_from_db()
    assert claim.state == ClaimState.REJECTED
    assert claim.changes.get().reason == "培训班未按计划开展，整单退回"
    assert set(claim.lines.values_list("state", flat=True)) == {LineState.REJECTED}
    assert ledger_titles(first)[-1].endswith("培训班未按计划开展，整单退回")


def test_rejecting_the_whole_claim_needs_a_reason(submitted, act):
    claim = submitted()
    with act("county_reviewer"), pytest.raises(ValidationError, match="请填写理由") as refused:
        review.reject_claim(claim, " ")
    assert "reason" in refused.value.message_dict
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED


@pytest.mark.parametrize("state", NOT_SUBMITTED)
def test_only_a_submitted_claim_is_reviewed(submitted, act, state):
    """Every review step is refused in every other state, and changes nothing."""
    claim = submitted()
    Claim.objects.filter(pk=claim.pk).update(state=state)
    steps = [
        lambda: review.approve_lines(claim, lines(claim)[:1]),
        lambda: review.reject_lines(claim, lines(claim)[:1], "原因"),
        lambda: review.finish_review(claim),
        lambda: review.reject_claim(claim, "原因"),
    ]
    with act("county_reviewer"):
        for step in steps:
            with pytest.raises(ValidationError) as problem:
                step()
            assert str(ClaimState(state).label) in messages(problem)
    assert set(claim.lines.values_list("state", flat=True)) == {LineState.PENDING}
    assert not claim.changes.exists()


@pytest.mark.parametrize(
    ("who", "bureau"),
    [
        ("county_reviewer", "yongcheng"),  # another county
        ("county_reviewer", "city"),  # the city's claims are the city's
        ("institution", "liangyuan"),  # no REVIEW_CLAIMS
        ("finance", "liangyuan"),  # read-only
    ],
)
def test_a_reviewer_outside_the_claims_region_cannot_review(submitted, act, who, bureau):
    claim = submitted(bureau=bureau, org="inst_yongcheng" if bureau == "yongcheng" else "inst_city")
    # a county's reviewer reviews, but not this claim; the others do not review at all
    refusal = (
        "该补贴申请不在您的管辖范围内"
        if who == "county_reviewer"
        else "只有人社部门可以审核补贴申请"
    )
    with act(who):
        for step in (
            lambda: review.approve_lines(claim, lines(claim)[:1]),
            lambda: review.reject_lines(claim, lines(claim)[:1], "原因"),
            lambda: review.finish_review(claim),
            lambda: review.reject_claim(claim, "原因"),
        ):
            with pytest.raises(PermissionDenied, match=refusal):
                step()
    assert set(claim.lines.values_list("state", flat=True)) == {LineState.PENDING}


def test_the_citys_reviewer_reviews_a_countys_claims(submitted, act):
    """A reviewer's region is their bureau's and everything below it."""
    claim = submitted(("employed",))
    with act("city_reviewer"):
        review.approve_lines(claim, lines(claim))
        review.finish_review(claim)
    claim.refresh_from_db()
    assert claim.state == ClaimState.REVIEWED


def test_every_line_decision_is_audited(submitted, act, users):
    claim = submitted(("employed",))
    line = lines(claim)[0]
    with act("county_reviewer"):
        review.approve_lines(claim, [line])
    entry = AuditEntry.objects.filter(object_type="claims.claimline", object_id=line.pk).get()
    assert entry.actor == users["county_reviewer"]
    assert entry.after["state"] == LineState.APPROVED


def test_bulk_approval_reviews_each_claim_on_its_own(submitted, act):
    """review_many: a claim refused (out of scope, not submitted) stops no other; each approved
    claim has its granted lines approved and the others rejected with the rules' reasons."""
    good = submitted()
    elsewhere = submitted(bureau="yongcheng", org="inst_yongcheng")
    draft = submitted(("employed",))
    Claim.objects.filter(pk=draft.pk).update(state=ClaimState.DRAFT)
    with act("county_reviewer"):
        result = review.review_many([good, elsewhere, draft], approve=True)
    assert [claim.pk for claim in result["done"]] == [good.pk]
    assert [claim.pk for claim, _message in result["refused"]] == [elsewhere.pk, draft.pk]
    assert f"“{ClaimState.DRAFT.label}”" in result["refused"][1][1]
    good.refresh_from_db()
    assert good.state == ClaimState.REVIEWED
    assert good.approved_total == STANDARD + STANDARD * Decimal("0.8")
    refused = lines(good)[2]
    assert refused.state == LineState.REJECTED
    assert refused.review_reason.startswith("政策规定不予补贴：")
    for claim in (elsewhere, draft):
        assert set(claim.lines.values_list("state", flat=True)) == {LineState.PENDING}


def test_bulk_approval_keeps_the_decisions_already_taken(submitted, act):
    claim = submitted()
    employed = lines(claim)[0]
    with act("county_reviewer"):
        review.reject_lines(claim, [employed], "就业材料存疑")
        review.review_many([claim], approve=True)
    employed.refresh_from_db()
    assert (employed.state, employed.review_reason) == (LineState.REJECTED, "就业材料存疑")
    claim.refresh_from_db()
    assert claim.approved_total == STANDARD * Decimal("0.8")


def test_bulk_rejection_needs_a_reason_and_rejects_each_claim(submitted, act):
    first, second = submitted(), submitted(("certificate",))
    with act("county_reviewer"):
        refused = review.review_many([first, second], approve=False)
        assert refused["done"] == []
        assert [message for _claim, message in refused["refused"]] == ["请填写理由。"] * 2
        done = review.review_many([first, second], approve=False, reason="机构资质已被取消")
    assert len(done["done"]) == 2
    states = set(Claim.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True))
    assert states == {ClaimState.REJECTED}
