"""The limits across all claims of a person: the count cap and the uniqueness rule, counted from
the lines of the person's other claims (history.history_of) and checked again at submission.

Hebei (004 §四(五)): 每人累计最多享受3次, 同一职业(工种)同一等级不可重复享受. Shangqiu (assumed,
国办发〔2019〕24号 in the pack): at most 3 a calendar year, the same occupation and level never
twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jineng.catalog.models import Occupation
from jineng.catalog.packs import decision_of
from jineng.claims import services
from jineng.claims.history import history_of
from jineng.claims.models import Claim, ClaimLine, ClaimState, LineState
from jineng.training.services import prior_training_subsidies
from jineng.vouchers import services as vouchers
from tests.claims import builders_core
from tests.claims.builders_core import (
    CARER,
    ELECTRICIAN,
    WELDER,
    act,
    certificate,
    completed_class,
    person,
    shangqiu,
)

pytestmark = pytest.mark.django_db
hebei = builders_core.hebei  # fixture, used by name
IN_2024 = {"start": date(2024, 5, 6), "end": date(2024, 5, 31)}


def draft(place, trainee, occupation=WELDER, level="5", *, start=None, end=None) -> Claim:
    """A draft claim of a completed class whose trainee holds a certificate (80%)."""
    start, end = start or IN_2024["start"], end or IN_2024["end"]
    certificate(trainee, "skill_level", occupation=occupation, level=level, issued_on=end)
    training_class = completed_class(
        place, [trainee], occupation=occupation, level=level, start=start, end=end
    )
    with act(place.username):
        return services.create_training_claim(training_class)


def submitted(place, trainee, occupation=WELDER, level="5", **dates) -> Claim:
    claim = draft(place, trainee, occupation, level, **dates)
    with act(place.username):
        return services.submit(claim)


def line_of(claim: Claim) -> ClaimLine:
    return claim.lines.select_related("decision").get()


def failed(line: ClaimLine) -> list[str]:
    return list(decision_of(line.decision).failed_codes)


def test_hebei_three_subsidies_in_a_lifetime_the_fourth_is_refused(hebei):
    """004 §四(五): 每人累计最多享受3次 — three training subsidies (years apart would not matter),
    a fourth refused with the three claims named."""
    trainee = person("rural_migrant")
    earlier = [
        submitted(hebei, trainee, WELDER, "5"),
        submitted(hebei, trainee, WELDER, "4"),
        submitted(hebei, trainee, ELECTRICIAN, "5"),
    ]
    assert all(line_of(claim).amount > 0 for claim in earlier)
    fourth = line_of(draft(hebei, trainee, CARER, "5"))
    assert (fourth.granted, fourth.amount, failed(fourth)) == (False, 0, ["limit.count"])
    text = " ".join(decision_of(fourth.decision).reasons("zh"))
    assert "3" in text and all(claim.number in text for claim in earlier)


def test_hebei_same_occupation_and_level_never_twice_another_level_is_paid(hebei):
    """004 §四(五): 同一职业(工种)同一等级不可重复享受; another level of the same occupation is a
    new subsidy (Hebei's pack: a higher level does not block a lower one)."""
    trainee = person("rural_migrant")
    first = submitted(hebei, trainee, WELDER, "4")
    again = line_of(draft(hebei, trainee, WELDER, "4"))
    assert (again.granted, failed(again)) == (False, ["limit.unique"])
    assert first.number in " ".join(decision_of(again.decision).reasons("en"))
    lower = line_of(draft(hebei, trainee, WELDER, "5"))
    assert (lower.granted, lower.amount) == (True, Decimal("800.00"))


def test_drafts_withdrawn_claims_and_refused_lines_do_not_count(hebei):
    """004 §四(五) counts subsidies received: a draft (not claimed yet), a withdrawn claim, a line
    the rules refused and a line the review rejected are not in the history."""
    trainee = person("rural_migrant")
    draft(hebei, trainee, WELDER, "5")
    withdrawn = submitted(hebei, trainee, WELDER, "4")
    with act(hebei.username):
        services.withdraw(withdrawn, "重报")
    rejected = submitted(hebei, trainee, ELECTRICIAN, "5")
    ClaimLine.objects.filter(claim=rejected).update(state=LineState.REJECTED)
    certified = person("graduate")  # a granted line beside it: an all-zero claim is not sent
    certificate(certified, "skill_level", issued_on=IN_2024["end"])
    refused_claim = completed_class(hebei, [person("enterprise_employee"), certified], **IN_2024)
    with act(hebei.username):
        services.submit(services.create_training_claim(refused_claim))
    assert history_of([trainee.pk]) == {trainee.pk: []}
    fourth = line_of(draft(hebei, trainee, CARER, "5"))
    assert fourth.granted


def test_the_history_is_one_query_and_leaves_out_the_claim_decided(
    hebei, django_assert_num_queries
):
    """The history of many persons is read at once (one indexed query), without the lines of
    the claim being decided."""
    first, second = person("rural_migrant"), person("graduate")
    claim = submitted(hebei, first, WELDER, "5")
    submitted(hebei, second, WELDER, "4")
    with django_assert_num_queries(1):
        history = history_of([first.pk, second.pk, 10**9])
    assert [prior.claim_id for prior in history[first.pk]] == [claim.number]
    prior = history[second.pk][0]
    assert (prior.subsidy_type, prior.occupation, prior.level) == ("training", WELDER, "4")
    assert (prior.decided_on, prior.amount) == (date(2024, 5, 31), Decimal("1200.00"))
    assert history[10**9] == []
    assert history_of([first.pk], excluding_claim=claim) == {first.pk: []}


def test_submitting_decides_again_the_second_of_two_drafts_is_refused(hebei):
    """004 §四(五): 同一职业(工种)同一等级不可重复享受, across claims made at the same time: two
    drafts of two classes of the same occupation and level are both granted while drafts; the
    first submitted keeps its amount. Submitting the second decides it again: its one line is
    refused, so the claim, all 0, is not submitted; decided again, the line names the first."""
    trainee = person("rural_migrant")
    one = draft(hebei, trainee, WELDER, "5")
    two = draft(hebei, trainee, WELDER, "5", start=date(2024, 6, 3), end=date(2024, 6, 28))
    assert line_of(one).granted and line_of(two).granted
    with act(hebei.username):
        services.submit(one)
        with pytest.raises(ValidationError, match="本申请所有人员补贴均为0"):
            services.submit(two)
        services.refresh(two)
    assert Claim.objects.get(pk=two.pk).state == ClaimState.DRAFT
    assert line_of(one).amount == Decimal("800.00")
    refused = line_of(two)
    assert (refused.granted, refused.amount, failed(refused)) == (False, 0, ["limit.unique"])
    assert one.number in " ".join(decision_of(refused.decision).reasons("zh"))
    assert Claim.objects.get(pk=two.pk).requested_total == 0


def shangqiu_2025_standards() -> None:
    for occupation, level in ((WELDER, "5"), (WELDER, "4"), (ELECTRICIAN, "5"), (CARER, "5")):
        builders_core.standard(occupation, level, "411400", 2025, "1000")


def test_shangqiu_three_a_calendar_year_assumed(db):
    """Shangqiu's pack (assumed, 国办发〔2019〕24号: 每人每年不超过3次): three training subsidies
    in 2026, the fourth of 2026 refused; those of 2025 do not count against 2026."""
    place = shangqiu()
    shangqiu_2025_standards()
    trainee = person("rural_migrant", bureau=place.bureau)
    in_2025 = {"start": date(2025, 3, 3), "end": date(2025, 3, 28)}
    for occupation, level in ((WELDER, "5"), (WELDER, "4"), (ELECTRICIAN, "5")):
        submitted(place, trainee, occupation, level, **in_2025)
    in_2026 = {"start": date(2026, 3, 2), "end": date(2026, 3, 27)}
    earlier = [
        submitted(place, trainee, occupation, level, **in_2026)
        for occupation, level in ((WELDER, "3"), (ELECTRICIAN, "4"), (CARER, "5"))
    ]
    assert [line_of(claim).amount for claim in earlier] == [
        Decimal("1440.00"),  # 1800 × 80%
        Decimal("1200.00"),  # 1500 × 80%
        Decimal("800.00"),  # 1000 × 80%
    ]
    fourth = line_of(draft(place, trainee, "4-10-01-06", "5", **in_2026))  # 家政服务员
    assert (fourth.granted, failed(fourth)) == (False, ["limit.count"])
    assert "2026年度内" in " ".join(decision_of(fourth.decision).reasons("zh"))
    record = decision_of(fourth.decision).check("limit.count").evidence
    assert (record["window"], record["counted"], record["assumed"]) == ("calendar_year", 3, True)


def test_a_top_up_and_its_line_are_one_subsidy_in_the_history(hebei):
    """004 §四(五) counts subsidies, not lines: a line raised by a top-up (补差) is still one of
    the 3, and the same occupation and level once."""
    trainee = person("rural_migrant")
    claim = submitted(hebei, trainee, WELDER, "5")
    builders_core.employ(trainee, date(2024, 7, 1))
    with act(hebei.username):
        services.submit(services.create_top_up(claim))
    history = history_of([trainee.pk])[trainee.pk]
    assert [(prior.claim_id, prior.amount) for prior in history] == [
        (claim.number, Decimal("800.00"))
    ]
    assert Claim.objects.filter(top_up_of=claim, state=ClaimState.SUBMITTED).count() == 1


def test_vouchers_and_enrolment_count_the_claimed_subsidies(hebei):
    """The same history limits what comes before a claim: after three training subsidies claimed
    in 2024, no voucher is issued that year (the demo region's cap, assumed from 国办发〔2019〕24号:
    3 a calendar year)."""
    trainee = person("rural_migrant")
    claims = [
        submitted(hebei, trainee, WELDER, "5"),
        submitted(hebei, trainee, WELDER, "4"),
        submitted(hebei, trainee, ELECTRICIAN, "5"),
    ]
    assert sorted(prior.claim_id for prior in prior_training_subsidies(trainee)) == sorted(
        claim.number for claim in claims
    )
    _version, decision = vouchers.decide(
        trainee, [Occupation.objects.get(code=CARER)], date(2024, 7, 1)
    )
    assert not decision.granted and "limit.count" in decision.failed_codes
