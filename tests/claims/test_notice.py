"""The public notice (公示) of reviewed claims and objections (异议) to it, 004 §四(五):
经3个工作日公示后拨付. The notice's end counted in working days with China's holidays and adjusted
working weekends (National Day 2025 and 2026), the pack's period kept with the notice, a pack
with no period or a year with no calendar refused; objections by anyone while the notice runs,
their phone encrypted and masked, resolved by the bureau; an open objection blocking the end of
the notice and so the payment; the public list with masked names and ID numbers."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jineng.claims import notice as notices
from jineng.claims import review
from jineng.claims.models import (
    Claim,
    ClaimState,
    LineState,
    Notice,
    ObjectionState,
)
from jineng.core.models import AuditEntry
from jineng.people.models import LedgerEvent
from jineng.policy.workdays import default_calendar, library_years
from tests.buttons import blocked
from tests.claims import builders_review
from tests.claims.builders_review import STANDARD, pack_without_notice, travel

pytestmark = pytest.mark.django_db
submitted = builders_review.submitted  # a fixture, used by name
PHONE = "13800138000"
# (published on, last day of the notice): 3 working days after publication (004 §四(五)).
END_DATES = [
    # National Day 2025: 1-8 Oct off; Sun 28 Sep and Sat 11 Oct were working days.
    (date(2025, 9, 26), date(2025, 9, 30)),  # Fri → Sun 28, Mon 29, Tue 30
    (date(2025, 9, 28), date(2025, 10, 9)),  # on the working Sunday → 29, 30, 9 Oct
    (date(2025, 9, 29), date(2025, 10, 10)),  # → 30 Sep, 9 Oct, 10 Oct
    (date(2025, 9, 30), date(2025, 10, 11)),  # → 9, 10, Sat 11 Oct
    (date(2025, 10, 1), date(2025, 10, 11)),  # published on the holiday itself
    (date(2025, 10, 10), date(2025, 10, 14)),  # → Sat 11, Mon 13, Tue 14
    # Mid-Autumn and National Day 2026: Fri 25 Sep and 1-7 Oct off; Sun 20 Sep and Sat 10 Oct
    # were working days.
    (date(2026, 9, 18), date(2026, 9, 22)),  # Fri → Sun 20, Mon 21, Tue 22
    (date(2026, 9, 24), date(2026, 9, 30)),  # Thu → (Fri 25 off) 28, 29, 30
    (date(2026, 9, 29), date(2026, 10, 9)),  # → 30 Sep, 8 Oct, 9 Oct
    (date(2026, 9, 30), date(2026, 10, 10)),  # → 8, 9, Sat 10 Oct
    (date(2026, 10, 1), date(2026, 10, 10)),  # published on the holiday itself
]


def messages(problem: pytest.ExceptionInfo) -> str:
    return "; ".join(problem.value.messages)


@pytest.fixture
def reviewed(submitted, act):
    """reviewed(outcomes, …): a submitted claim, bulk-approved by the county's reviewer."""

    def make(outcomes=("employed", "certificate", "refused"), *, who="county_reviewer", **opts):
        claim = submitted(outcomes, **opts)
        with act(who):
            return review.approve_claim(claim)

    return make


@pytest.fixture
def noticed(reviewed, act):
    """noticed(day, outcomes, …): reviewed and published on `day` (the clock moved there)."""

    def make(day: date, outcomes=("employed", "certificate", "refused"), **options):
        with travel(day):
            claim = reviewed(outcomes, **options)
            with act(options.get("who", "county_reviewer")):
                notice = notices.publish_notice(claim)
        claim.refresh_from_db()
        return claim, notice

    return make


def approved(claim: Claim):
    return list(claim.lines.filter(state=LineState.APPROVED).select_related("person"))


# --- publishing --------------------------------------------------------------------------------


@pytest.mark.parametrize(("published", "last_day"), END_DATES, ids=str)
def test_the_notice_lasts_3_working_days_across_holidays(noticed, act, published, last_day):
    """004 §四(五): 经3个工作日公示后拨付 — the notice's end counts working days with the State
    Council's holidays and adjusted working Saturdays and Sundays; it ends from the next day."""
    claim, notice = noticed(published)
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (published, last_day, 3)
    assert claim.state == ClaimState.IN_NOTICE
    with travel(last_day), act("county_reviewer"), pytest.raises(ValidationError) as problem:
        notices.end_notice(claim)
    assert str(last_day + timedelta(days=1)) in messages(problem)
    with travel(last_day + timedelta(days=1)), act("county_reviewer"):
        notices.end_notice(claim)
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAYABLE


def test_the_notice_keeps_the_pack_version_its_lines_were_decided_with(noticed):
    claim, notice = noticed(date(2026, 3, 2))
    line = claim.lines.first()
    assert notice.pack_id == line.decision.pack_id
    assert str(notice.pack) == "henan-shangqiu-2022 v6"
    change = claim.changes.get(to_state=ClaimState.IN_NOTICE)
    assert change.reason == "公示期为2026-03-02至2026-03-05。"


def test_a_pack_that_states_no_notice_period_refuses(reviewed, act):
    """No notice period in the pack (procedure.notice_working_days): refused, never guessed."""
    claim = reviewed(found=pack_without_notice())
    with act("county_reviewer"), pytest.raises(ValidationError) as problem:
        notices.publish_notice(claim)
    assert "procedure.notice_working_days" in messages(problem)
    assert "henan-shangqiu-2022 v999" in messages(problem)
    claim.refresh_from_db()
    assert claim.state == ClaimState.REVIEWED
    assert not Notice.objects.filter(claim=claim).exists()


def test_a_year_without_a_working_day_calendar_is_refused(noticed, reviewed, act):
    """A notice reaching into a year that neither chinese-calendar nor calendar_data knows has
    no end that can be computed, and says so (2027 when this was written)."""
    _claim, notice = noticed(date(2026, 12, 28))  # ends on Thu 31 Dec: 2026 is enough
    assert notice.ends_on == date(2026, 12, 31)
    last = library_years()[1]
    while default_calendar().covers(last + 1):
        last += 1
    with travel(date(last, 12, 30)):  # at most one working day left in the year
        claim = reviewed()
        with act("county_reviewer"), pytest.raises(ValidationError) as problem:
            notices.publish_notice(claim)
    assert str(last + 1) in messages(problem)
    claim.refresh_from_db()
    assert claim.state == ClaimState.REVIEWED


@pytest.mark.parametrize("state", [s for s in ClaimState if s != ClaimState.REVIEWED])
def test_only_a_reviewed_claim_is_noticed(reviewed, act, state):
    claim = reviewed()
    Claim.objects.filter(pk=claim.pk).update(state=state)
    with act("county_reviewer"), pytest.raises(ValidationError) as problem:
        notices.publish_notice(claim)
    assert str(ClaimState(state).label) in messages(problem)
    assert not Notice.objects.filter(claim=claim).exists()


def test_a_notice_starts_no_earlier_than_the_review(reviewed, act):
    with travel(date(2026, 3, 4)):
        claim = reviewed()
        with act("county_reviewer"):
            with pytest.raises(ValidationError) as problem:
                notices.publish_notice(claim, starts_on=date(2026, 3, 3))
            assert "2026-03-04" in messages(problem)
            notice = notices.publish_notice(claim, starts_on=date(2026, 3, 9))  # planned ahead
    assert (notice.starts_on, notice.ends_on) == (date(2026, 3, 9), date(2026, 3, 12))


@pytest.mark.parametrize("who", ["institution", "finance"])
def test_only_the_bureau_publishes(reviewed, act, who):
    claim = reviewed()
    with act(who), pytest.raises(PermissionDenied, match="只有人社部门可以审核补贴申请、发布公示"):
        notices.publish_notice(claim)


def test_a_reviewer_of_another_county_cannot_publish(reviewed, act):
    claim = reviewed(bureau="yongcheng", org="inst_yongcheng", who="city_reviewer")
    with (
        act("county_reviewer"),
        pytest.raises(PermissionDenied, match="该补贴申请不在您的管辖范围内"),
    ):
        notices.publish_notice(claim)


def test_publishing_and_ending_are_on_each_persons_ledger(noticed, act):
    claim, _notice = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 6)), act("county_reviewer"):
        notices.end_notice(claim)
    for line in approved(claim):
        titles = list(
            LedgerEvent.objects.filter(person=line.person, object_id=line.pk)
            .order_by("id")
            .values_list("title", flat=True)
        )
        assert titles[-2:] == [
            f"补贴申请{claim.number}公示中（2026-03-02至2026-03-05）：{line.amount}元",
            f"补贴申请{claim.number}公示期满，待拨付{line.amount}元",
        ]


# --- objections -------------------------------------------------------------------------------


def test_an_open_objection_blocks_the_end_of_the_notice_and_so_payment(noticed, act):
    """004 §四(五): payment follows the notice; an objection lodged during it must be resolved
    first. Dismissed, the claim becomes payable with its full total."""
    claim, notice = noticed(date(2025, 9, 29))
    with travel(date(2025, 10, 9)), act(None):
        objection = notices.lodge_objection(notice, text="该学员培训期间在外地务工。")
    with travel(date(2025, 10, 13)), act("county_reviewer"):
        with pytest.raises(ValidationError) as problem:
            notices.end_notice(claim)
        assert messages(problem) == "还有1条异议未处理，请处理后再结束公示。"
        claim.refresh_from_db()
        assert claim.state == ClaimState.IN_NOTICE
        notices.resolve_objection(
            objection, upheld=False, resolution="经核实考勤与社保记录，异议不成立。"
        )
        notices.end_notice(claim)
    claim.refresh_from_db()
    assert (claim.state, claim.approved_total) == (ClaimState.PAYABLE, STANDARD * 18 / 10)
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED


def test_an_upheld_objection_rejects_its_line_and_lowers_the_total(noticed, act):
    claim, notice = noticed(date(2025, 9, 29))
    first, second = approved(claim)
    with travel(date(2025, 9, 30)), act(None):
        objection = notices.lodge_objection(notice, text="此人为在校学生。", line=first.pk)
    with travel(date(2025, 10, 9)), act("county_reviewer"):
        notices.resolve_objection(objection, upheld=True, resolution="经核实为在校学生，取消补贴。")
    first.refresh_from_db()
    assert (first.state, first.review_reason) == (
        LineState.REJECTED,
        "异议成立：经核实为在校学生，取消补贴。",
    )
    claim.refresh_from_db()
    assert claim.approved_total == second.amount
    event = LedgerEvent.objects.filter(object_id=first.pk, kind="subsidy").latest("id")
    assert (
        event.title == f"补贴申请{claim.number}审核未通过：异议成立：经核实为在校学生，取消补贴。"
    )
    with (
        travel(date(2025, 10, 10)),
        act("county_reviewer"),
        pytest.raises(ValidationError, match="方可结束公示"),
    ):
        notices.end_notice(claim)  # the notice's last day
    with travel(date(2025, 10, 11)), act("county_reviewer"):
        notices.end_notice(claim)
    claim.refresh_from_db()
    assert (claim.state, claim.approved_total) == (ClaimState.PAYABLE, second.amount)


def test_objections_that_leave_nothing_approved_close_the_claim(noticed, act):
    claim, notice = noticed(date(2026, 3, 2), ("employed",))
    with travel(date(2026, 3, 3)), act(None):
        objection = notices.lodge_objection(notice, text="整个培训班为虚假培训。")
    with travel(date(2026, 3, 6)), act("county_reviewer"):
        with pytest.raises(ValidationError) as problem:
            notices.resolve_objection(objection, upheld=True, resolution="查实虚假培训。")
        assert "整个公示名单" in messages(problem)
        notices.resolve_objection(
            objection, upheld=True, resolution="查实虚假培训。", lines=approved(claim)
        )
        notices.end_notice(claim)
    claim.refresh_from_db()
    assert (claim.state, claim.approved_total) == (ClaimState.CLOSED, 0)
    assert claim.changes.latest("id").reason == "异议成立后已无审核通过的明细。"


def test_the_objectors_phone_is_encrypted_masked_and_never_logged(noticed, act, caplog):
    claim, notice = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 3)), act(None):
        objection = notices.lodge_objection(
            notice, text=f"请联系我{PHONE}核实，学员身份证411402199001011234。",
            contact_name="  李 四 ", phone="+86 138-0013-8000",
        )  # fmt: skip
    objection.refresh_from_db()
    assert objection.contact_masked == "138****8000"
    assert PHONE.encode() not in bytes(objection.contact_cipher)
    assert notices.objector_phone(objection) == PHONE
    assert objection.contact_name == "李 四"
    assert objection.text == "请联系我138****8000核实，学员身份证4114**********1234。"
    entry = AuditEntry.objects.get(object_type="claims.objection", object_id=objection.pk)
    assert entry.actor is None  # the public, no login
    logged = str(list(AuditEntry.objects.values_list("after", "before", "message")))
    assert PHONE not in logged and PHONE not in caplog.text
    assert "411402199001011234" not in logged


@pytest.mark.parametrize(
    ("phone", "words"),
    [("6543210", "区号"), ("1380013800", "11位"), ("+44 20 7946 0958", "中国大陆")],
)
def test_a_bad_phone_is_refused_without_quoting_it(noticed, act, phone, words):
    _claim, notice = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 3)), act(None), pytest.raises(ValidationError) as problem:
        notices.lodge_objection(notice, text="异议", phone=phone)
    assert words in messages(problem)
    assert phone not in messages(problem)
    assert not notice.objections.exists()


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"text": "  "}, "请填写异议内容"),
        ({"text": "异" * 2001}, "最多2000个字"),
        ({"text": "异议", "contact_name": "名" * 61}, "最多60个字"),
    ],
    ids=["empty", "too-long", "long-name"],
)
def test_an_objection_needs_a_bounded_text(noticed, act, values, words):
    _claim, notice = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 3)), act(None), pytest.raises(ValidationError) as problem:
        notices.lodge_objection(notice, **values)
    assert words in messages(problem)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 3, 6), "已于2026-03-05截止"),
        (date(2026, 3, 1), "公示期为2026-03-02至2026-03-05"),
    ],
    ids=["after", "before"],
)
def test_objections_are_taken_only_while_the_notice_runs(reviewed, act, day, words):
    """From the first to the last day of the notice, both included."""
    with travel(date(2026, 2, 27)):
        claim = reviewed()
        with act("county_reviewer"):
            notice = notices.publish_notice(claim, starts_on=date(2026, 3, 2))
    for last_chance in (date(2026, 3, 2), date(2026, 3, 5)):
        with travel(last_chance), act(None):
            notices.lodge_objection(notice, text="异议")
    with travel(day), act(None), pytest.raises(ValidationError) as problem:
        notices.lodge_objection(notice, text="异议")
    assert words in messages(problem)
    assert notice.objections.count() == 2


def test_no_objection_once_the_notice_has_ended(noticed, act):
    claim, notice = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 6)):
        with act("county_reviewer"):
            notices.end_notice(claim, today=date(2026, 3, 6))
        with act(None), pytest.raises(ValidationError) as problem:
            notices.lodge_objection(notice, text="异议")
    assert messages(problem) == "公示已结束，不再受理异议。"


def test_an_objection_names_only_a_line_on_the_notice(noticed, submitted, act):
    claim, notice = noticed(date(2026, 3, 2))
    rejected = claim.lines.get(state=LineState.REJECTED)
    stranger = submitted().lines.first()
    with travel(date(2026, 3, 3)), act(None):
        for line in (rejected, stranger.pk, "abc"):
            with pytest.raises(ValidationError) as problem:
                notices.lodge_objection(notice, text="异议", line=line)
            assert messages(problem) == "该明细不在公示名单中。"
    assert not notice.objections.exists()


def test_resolving_needs_a_resolution_and_happens_once(noticed, act):
    claim, notice = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 3)):
        with act(None):
            objection = notices.lodge_objection(notice, text="异议", line=approved(claim)[0])
        with act("county_reviewer"):
            with pytest.raises(ValidationError) as problem:
                notices.resolve_objection(objection, upheld=False, resolution=" ")
            assert messages(problem) == "请填写异议处理结果。"
            with pytest.raises(ValidationError) as problem:
                notices.resolve_objection(
                    objection, upheld=False, resolution="不成立", lines=approved(claim)
                )
            assert messages(problem) == "异议不成立时不能驳回明细。"
            notices.resolve_objection(objection, upheld=False, resolution="不成立")
            with pytest.raises(ValidationError) as problem:
                notices.resolve_objection(objection, upheld=True, resolution="成立")
            assert messages(problem) == "该异议已处理。"
    objection.refresh_from_db()
    assert (objection.state, objection.resolution) == (ObjectionState.DISMISSED, "不成立")
    assert set(claim.lines.values_list("state", flat=True)) == {
        LineState.APPROVED,
        LineState.REJECTED,
    }


@pytest.mark.parametrize("who", ["institution", "finance"])
def test_only_the_bureau_resolves_objections(noticed, act, who):
    _claim, notice = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 3)):
        with act(None):
            objection = notices.lodge_objection(notice, text="异议")
        with (
            act(who),
            pytest.raises(
                PermissionDenied, match="只有人社部门可以审核补贴申请、发布公示和处理异议"
            ),
        ):
            notices.resolve_objection(objection, upheld=False, resolution="不成立")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN


def test_a_reviewer_of_another_county_cannot_resolve_or_end(noticed, act):
    claim, notice = noticed(
        date(2026, 3, 2), bureau="yongcheng", org="inst_yongcheng", who="city_reviewer"
    )
    with travel(date(2026, 3, 3)), act(None):
        objection = notices.lodge_objection(notice, text="异议")
    with travel(date(2026, 3, 9)), act("county_reviewer"):
        with pytest.raises(PermissionDenied, match="该补贴申请不在您的管辖范围内"):
            notices.resolve_objection(objection, upheld=False, resolution="不成立")
        with pytest.raises(PermissionDenied, match="该补贴申请不在您的管辖范围内"):
            notices.end_notice(claim)


# --- ending -----------------------------------------------------------------------------------


def test_a_notice_is_not_ended_as_of_a_future_day(noticed, act):
    claim, _notice = noticed(date(2026, 3, 2))
    with (
        travel(date(2026, 3, 4)),
        act("county_reviewer"),
        pytest.raises(ValidationError, match="只能在当天结束公示，不能提前"),
    ):
        notices.end_notice(claim, today=date(2026, 3, 9))
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_NOTICE


@pytest.mark.parametrize("state", [s for s in ClaimState if s != ClaimState.IN_NOTICE])
def test_only_a_claim_in_notice_ends_its_notice(noticed, act, state):
    claim, notice = noticed(date(2026, 3, 2))
    Claim.objects.filter(pk=claim.pk).update(state=state)
    changes = claim.changes.count()
    with (
        travel(date(2026, 3, 9)),
        act("county_reviewer"),
        pytest.raises(ValidationError, match=f"“{state.label}”的申领不能变为“待拨付”"),
    ):
        notices.end_notice(claim)
    assert claim.changes.count() == changes
    notice.refresh_from_db()
    assert notice.ended_at is None


def test_objections_are_resolved_only_while_the_claim_is_in_notice(noticed, act):
    claim, notice = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 3)), act(None):
        objection = notices.lodge_objection(notice, text="异议")
    Claim.objects.filter(pk=claim.pk).update(state=ClaimState.PAYABLE)
    with (
        travel(date(2026, 3, 9)),
        act("county_reviewer"),
        pytest.raises(ValidationError, match="只能在公示期间处理异议"),
    ):
        notices.resolve_objection(objection, upheld=False, resolution="不成立")


# --- the public page --------------------------------------------------------------------------


def test_the_public_list_masks_every_person(noticed):
    """公示 (004 §四(五)): approved lines only, names and ID numbers masked."""
    claim, notice = noticed(date(2026, 3, 2))
    shown = {n.claim_number: n for n in notices.public_notices(date(2026, 3, 3))}[claim.number]
    lines = approved(claim)
    assert shown.running and (shown.starts_on, shown.ends_on) == (notice.starts_on, notice.ends_on)
    assert shown.total == sum(line.amount for line in lines)
    assert [row.id for row in shown.lines] == [line.pk for line in lines]
    for row, line in zip(shown.lines, lines, strict=True):
        assert row.name != line.person.name
        assert row.name[0] == line.person.name[0] and "*" in row.name
        assert row.id_number == line.person.id_number_masked and "*" in row.id_number
        assert (row.occupation, row.level, row.amount) == ("焊工", "五级/初级工", line.amount)


def test_the_public_list_holds_running_and_recent_notices(noticed, reviewed, act):
    """The notices running today and those ended in the last 30 days; a notice planned ahead
    shows from its first day."""
    old, _ = noticed(date(2026, 1, 5))  # ended on 8 Jan
    recent, _ = noticed(date(2026, 2, 24))  # ended on 27 Feb
    running, _ = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 2)):
        planned = reviewed()
        with act("county_reviewer"):
            notices.publish_notice(planned, starts_on=date(2026, 3, 9))
    shown = {n.claim_number: n.running for n in notices.public_notices(date(2026, 3, 3))}
    assert shown.get(running.number) is True
    assert shown.get(recent.number) is False
    assert old.number not in shown and planned.number not in shown


def test_a_running_notice_reads_in_public_notice_on_its_page(noticed, client):
    """The notice's own word for "running" is 公示中, not an import job's 运行中 (pgettext)."""
    claim, _ = noticed(date(2026, 3, 2))
    with travel(date(2026, 3, 3)):
        page = client.get("/notices/").content.decode()
    section = page.split('data-running="1"')[1].split("</section>")[0]
    assert claim.number in section and "公示中" in section and "运行中" not in page


def test_the_end_button_is_disabled_with_its_date_until_the_notice_period_is_over(noticed, login):
    """004 §四(五) 经3个工作日公示后拨付, issue 14: before the notice's last day has passed the
    claim's page shows 结束公示 disabled with the date it may end from (the rule the service
    checks); a POST is still refused by the service; after the period the button works."""
    claim, notice = noticed(timezone.localdate())
    client = login("county_reviewer")
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    reason = f"公示期至{notice.ends_on}，{notice.ends_on + timedelta(days=1)}起方可结束公示。"
    blocked(page, "action-end-notice", reason)
    response = client.post(f"/claims/{claim.pk}/notice/end/", follow=True)
    assert reason in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == ClaimState.IN_NOTICE
    with travel(notice.ends_on + timedelta(days=1)):
        client = login("county_reviewer")  # a new session: the old one has timed out
        page = client.get(f"/claims/{claim.pk}/").content.decode()
        button = re.search(r'<button[^>]*id="action-end-notice"[^>]*>', page).group(0)
        assert "disabled" not in button and 'type="submit"' in button
        response = client.post(f"/claims/{claim.pk}/notice/end/", follow=True)
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAYABLE
    assert "公示已结束，申请转为待拨付，下一步：编入拨付批次。" in response.content.decode()
