"""Making subsidy claims: training claims of institutions for completed classes (004 §四(五)),
evaluation claims of evaluation organisations under their free-evaluation agreements (004
§四(五); 002 §四(二)1), submitting and withdrawing them, top-ups (补差) when employment is found
later, who may claim, and the requests made out of order."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from jineng.catalog.packs import decision_of
from jineng.claims import services
from jineng.claims.agreements import agreement_in_force, record_agreement
from jineng.claims.history import history_of
from jineng.claims.models import Claim, ClaimLine, ClaimState
from jineng.claims.numbers import next_number
from jineng.core.models import AuditEntry, Organisation
from jineng.people.models import LedgerEvent
from tests.claims import builders_core
from tests.claims.builders_core import (
    HEALTH_CARER,
    WELDER,
    act,
    agreement,
    certificate,
    completed_class,
    employ,
    evaluated_booking,
    person,
    shangqiu,
)

pytestmark = pytest.mark.django_db
hebei = builders_core.hebei  # fixture, used by name


def lines_by_person(claim: Claim) -> dict[int, ClaimLine]:
    return {line.person_id: line for line in claim.lines.select_related("decision__pack")}


def reasons(line: ClaimLine, lang: str = "zh") -> str:
    return " / ".join(decision_of(line.decision).reasons(lang))


def messages(problem: pytest.ExceptionInfo) -> str:
    return "; ".join(problem.value.messages)


def claim_for(place, trainees, **values) -> Claim:
    training_class = completed_class(place, trainees, **values)
    with act(place.username):
        return services.create_training_claim(training_class)


# --- training claims: the pack's worked cases (Hebei 2024) ------------------------------------


def test_hebei_outcomes_100_80_50_percent_and_refusals_with_reasons(hebei):
    """004 §四(五): 六类人员 in employment-oriented training — employed within 3 months of the
    end of training 100% of the standard; not employed, a certificate 80%; a training completion
    certificate only (not a new occupation) 50%; employment later than 3 months and no
    certificate: nothing. A trainee who did not complete gets 0 with the reason."""
    employed = person("rural_migrant")
    certified = person("registered_unemployed")
    completion_only = person("graduate")
    late = person("school_leaver")
    dropped = person("rural_migrant")
    employ(employed, date(2024, 8, 20))  # within 3 months of 2024-05-31
    certificate(certified, "skill_level")
    certificate(completion_only, "training_completion")
    employ(late, date(2024, 9, 2))  # after 2024-08-31
    trainees = [employed, certified, completion_only, late, (dropped, "出勤 4/10 节，不足80%")]

    claim = claim_for(hebei, trainees)

    lines = lines_by_person(claim)
    amounts = {who.pk: lines[who.pk].amount for who in (employed, certified, completion_only)}
    assert amounts == {
        employed.pk: Decimal("1000.00"),
        certified.pk: Decimal("800.00"),
        completion_only.pk: Decimal("500.00"),
    }
    assert all(lines[who.pk].granted for who in (employed, certified, completion_only))
    assert (lines[late.pk].granted, lines[late.pk].amount) == (False, Decimal("0.00"))
    assert "不在培训结束（2024-05-31）后3个月内" in reasons(lines[late.pk])
    assert "未取得证书" in reasons(lines[late.pk])
    assert (lines[dropped.pk].granted, lines[dropped.pk].amount) == (False, Decimal("0.00"))
    assert "出勤 4/10 节，不足80%" in reasons(lines[dropped.pk])
    assert "did not complete" in reasons(lines[dropped.pk], "en").lower()
    assert services.line_reasons(lines[dropped.pk])[0].startswith("未结业（出勤 4/10 节")
    with translation.override("en"):
        assert services.line_reasons(lines[dropped.pk])[0].startswith("Did not complete")
    assert services.line_reasons(lines[employed.pk]) == []
    assert claim.state == ClaimState.DRAFT and claim.requested_total == Decimal("2300.00")


def test_each_line_keeps_its_decision_with_pack_version_and_rule_trace(hebei):
    """004 §四(五): every amount explained — the line's DecisionRecord names the pack version
    and lists every rule checked, the claim's own (completed, standard) first."""
    trainee = person("rural_migrant")
    certificate(trainee, "special_ability")
    line = claim_for(hebei, [trainee]).lines.get()
    record = line.decision
    assert (record.pack.pack_id, record.pack.version) == ("hebei-2024", 5)
    decision = decision_of(record)
    codes = [check.code for check in decision.checks]
    assert codes[:2] == ["claim.completed", "claim.standard"]
    assert {"training.outcome", "limit.count", "limit.unique"} <= set(codes)
    assert decision.amount == line.amount == Decimal("800.00") and decision.tier == "certificate"
    standard = decision.check("claim.standard")
    assert standard.evidence == {
        "region": "130100", "year": 2024, "amount": "1000.00", "cite": "SubsidyStandard",
    }  # fmt: skip
    assert "1,000.00" in standard.message_zh and "1,000.00 yuan" in standard.message_en


def test_completion_certificate_of_a_new_occupation_earns_80_percent(hebei):
    """004 §四(五): 培训合格证书仅限人力资源社会保障部发布的新职业(工种) — for a new occupation
    (健康照护师) a training completion certificate earns the certificate rate, 80%."""
    trainee = person("registered_unemployed")
    certificate(trainee, "training_completion", occupation=HEALTH_CARER)
    line = claim_for(hebei, [trainee], occupation=HEALTH_CARER).lines.get()
    assert (line.granted, line.amount) == (True, Decimal("640.00"))  # 800 × 80%


def test_outside_the_six_categories_there_is_no_outcome_rate(hebei):
    """004 §四(五): the rates are for 六类人员; an enterprise employee (eligible for training,
    004 §二) is outside them: 0 with the reason."""
    employee = person("enterprise_employee")
    certificate(employee, "skill_level")
    line = claim_for(hebei, [employee]).lines.get()
    assert (line.granted, line.amount) == (False, Decimal("0.00"))
    assert "补贴比例只适用于" in reasons(line)


def test_a_certificate_from_before_the_training_or_revoked_earns_nothing(hebei):
    """004 §四(五): 培训后取得证书 — a certificate held before the class began, or revoked, is not
    the outcome of this training."""
    old, revoked = person("rural_migrant"), person("rural_migrant")
    certificate(old, "skill_level", issued_on=date(2023, 3, 1))
    gone = certificate(revoked, "skill_level")
    gone.status, gone.revoked_on = "revoked", date(2024, 7, 1)
    gone.save()
    lines = lines_by_person(claim_for(hebei, [old, revoked]))
    assert [lines[who.pk].amount for who in (old, revoked)] == [Decimal("0.00")] * 2
    assert all("未取得证书" in reasons(lines[who.pk]) for who in (old, revoked))


def test_the_best_certificate_counts_and_the_line_names_it(hebei):
    """004 §四(五): of a completion certificate and a skill level certificate, the skill level
    certificate earns 80%, not the completion certificate's 50%."""
    trainee = person("rural_migrant")
    certificate(trainee, "training_completion")
    best = certificate(trainee, "skill_level", issued_on=date(2024, 6, 20))
    line = claim_for(hebei, [trainee]).lines.get()
    assert (line.amount, line.certificate_id) == (Decimal("800.00"), best.pk)


def test_without_a_subsidy_standard_the_line_is_refused_with_the_reason(hebei):
    """004 §四(五) pays a share of the subsidy standard (补贴标准): with none set for the
    occupation, level, region and year, the line cannot be priced and says so."""
    trainee = person("rural_migrant")
    employ(trainee, date(2024, 6, 10))
    line = claim_for(hebei, [trainee], level="2").lines.get()  # no 焊工 二级 standard in Hebei
    assert (line.granted, line.amount) == (False, Decimal("0.00"))
    assert "石家庄市未设定焊工二级/技师2024年的补贴标准" in reasons(line)  # the region by name
    assert "No subsidy standard is set for" in reasons(line, "en")
    assert decision_of(line.decision).tier == "employed"  # the rate alone would have been 100%


def test_a_zero_standard_is_refused_rather_than_granted_for_nothing(hebei):
    """004 §四(五): a standard of 0 yuan grants nothing; the line is refused with that reason
    instead of being granted 0."""
    builders_core.standard(WELDER, "5", "130100", 2024, "0")
    trainee = person("rural_migrant")
    employ(trainee, date(2024, 6, 10))
    line = claim_for(hebei, [trainee]).lines.get()
    assert (line.granted, line.amount) == (False, Decimal("0.00"))
    assert "is 0 yuan" in reasons(line, "en")


# --- submit, withdraw --------------------------------------------------------------------------


def test_submit_decides_again_totals_and_writes_each_persons_ledger(hebei):
    """004 §四(五): 培训机构要及时将补贴资金申请提交人力资源社会保障部门审核 — submitting totals
    the amounts, stores the decisions taken at submission and puts the claim on every
    trainee's ledger."""
    employed, refused = person("rural_migrant"), person("enterprise_employee")
    employ(employed, date(2024, 7, 1))
    claim = claim_for(hebei, [employed, refused])
    drafted = {line.pk: line.decision_id for line in claim.lines.all()}
    with act(hebei.username):
        claim = services.submit(claim)
    assert claim.state == ClaimState.SUBMITTED and claim.submitted_at is not None
    assert claim.requested_total == Decimal("1000.00")
    assert all(line.decision_id != drafted[line.pk] for line in claim.lines.all())
    events = LedgerEvent.objects.filter(kind="subsidy", object_type="claims.claimline")
    events = events.filter(object_id__in=[str(line.pk) for line in claim.lines.all()])
    assert set(events.values_list("person_id", flat=True)) == {employed.pk, refused.pk}
    title = events.get(person=employed).title
    assert claim.number in title and "1,000.00" in title
    assert claim.changes.get().to_state == ClaimState.SUBMITTED


def test_withdrawal_needs_a_reason_and_frees_the_class_for_a_new_claim(hebei):
    """A withdrawn claim counts for nobody; the class may then be claimed again."""
    trainee = person("rural_migrant")
    employ(trainee, date(2024, 7, 1))
    training_class = completed_class(hebei, [trainee])
    with act(hebei.username):
        claim = services.create_training_claim(training_class)
        services.submit(claim)
        with pytest.raises(ValidationError) as problem:
            services.withdraw(claim, "  ")
        assert "reason" in problem.value.message_dict
        services.withdraw(claim, "名单有误，重新申报")
        assert history_of([trainee.pk])[trainee.pk] == []
        again = services.create_training_claim(training_class)
    assert again.pk != claim.pk and again.lines.get().amount == Decimal("1000.00")
    assert Claim.objects.get(pk=claim.pk).reason == "名单有误，重新申报"
    titles = LedgerEvent.objects.filter(person=trainee, kind="subsidy").values_list("title")
    assert any(title.startswith("撤回补贴申请") for (title,) in titles)


def test_refresh_decides_a_draft_again_on_todays_facts(hebei):
    """004 §四(五): a certificate recorded after the draft was made raises the line at refresh
    (a draft, unlike a submitted claim, is decided again rather than topped up)."""
    trainee = person("rural_migrant")
    claim = claim_for(hebei, [trainee])
    assert claim.lines.get().amount == Decimal("0.00")
    certificate(trainee, "skill_level")
    with act(hebei.username):
        claim = services.refresh(claim)
    assert claim.lines.get().amount == Decimal("800.00") and claim.requested_total == 800


# --- who may claim, and requests out of order -------------------------------------------------


def test_an_institution_cannot_claim_for_another_institutions_class(hebei):
    """Claims are made by the institution that ran the class (004 §四(五): 谁组织、谁审核):
    another institution's staff and a reviewer are refused."""
    training_class = completed_class(hebei, [person("rural_migrant")])
    refusals = {
        "institution": "只有石家庄市燕赵职业培训学校可以为本单位的工作申报补贴",
        "city_reviewer": "您的角色不能申报补贴",
    }
    for username, refusal in refusals.items():
        with act(username), pytest.raises(PermissionDenied, match=refusal):
            services.create_training_claim(training_class)
    assert not Claim.objects.filter(training_class=training_class).exists()
    with act("hebei_staff"):
        claim = services.create_training_claim(training_class)
    with (
        act("institution"),
        pytest.raises(
            PermissionDenied, match="只有石家庄市燕赵职业培训学校可以为本单位的工作申报补贴"
        ),
    ):
        services.submit(claim)
    with act("finance"), pytest.raises(PermissionDenied, match="您的角色不能申报补贴"):
        services.withdraw(claim, "不是本单位的")


def test_only_a_completed_class_is_claimed_for(hebei):
    """A class is claimed for after completion (结业), never while it runs."""
    training_class = completed_class(hebei, [person("rural_migrant")])
    training_class.state = "in_progress"
    training_class.save()
    with act(hebei.username), pytest.raises(ValidationError) as problem:
        services.create_training_claim(training_class)
    assert "只有已结业的培训班" in messages(problem) and training_class.code in messages(problem)
    with translation.override("en"), act(hebei.username), pytest.raises(ValidationError) as en:
        services.create_training_claim(training_class)
    assert "Only a completed class is claimed for" in messages(en)


def test_a_second_claim_of_a_class_is_refused_naming_the_first(hebei):
    """One open claim per class: the same trainees are never claimed twice for one class."""
    training_class = completed_class(hebei, [person("rural_migrant")])
    with act(hebei.username):
        first = services.create_training_claim(training_class)
        with pytest.raises(ValidationError) as problem:
            services.create_training_claim(training_class)
    assert first.number in messages(problem)
    assert Claim.objects.filter(training_class=training_class).count() == 1


def test_states_out_of_order_are_refused_with_clear_messages(hebei):
    """Submit once; refresh only a draft; top up only a submitted claim; withdraw before
    review; each refusal says why and changes nothing."""
    trainee = person("rural_migrant")
    certificate(trainee, "skill_level")
    claim = claim_for(hebei, [trainee])
    with act(hebei.username):
        with pytest.raises(ValidationError) as early:
            services.create_top_up(claim)
        assert "只有已提交的申请可以补差" in messages(early)
        services.submit(claim)
        with pytest.raises(ValidationError) as twice:
            services.submit(claim)
        assert "已提交" in messages(twice)
        with pytest.raises(ValidationError) as late:
            services.refresh(claim)
        assert claim.number in messages(late)
        services.withdraw(claim, "重报")
        with pytest.raises(ValidationError, match="“已撤回”的申领不能变为“已撤回”"):
            services.withdraw(claim, "再撤一次")
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.WITHDRAWN


# --- top-ups (补差) -----------------------------------------------------------------------------


def test_employment_found_later_raises_the_line_through_a_top_up_claim(hebei):
    """004 §四(五): employed within 3 months → 100%. Employment recorded after the claim was
    submitted raises the 80% line by a new decision in a top-up claim, for the difference; the
    old line and its decision stay as they were."""
    trainee, other = person("rural_migrant"), person("graduate")
    certificate(trainee, "skill_level")
    certificate(other, "skill_level")
    claim = claim_for(hebei, [trainee, other])
    with act(hebei.username):
        services.submit(claim)
        assert services.create_top_up(claim) is None  # nothing on record yet
    old = claim.lines.get(person=trainee)
    old_decision = old.decision_id
    employ(trainee, date(2024, 8, 1))
    with act(hebei.username):
        top_up = services.create_top_up(claim)
        assert services.create_top_up(claim) is None  # already topped up
    line = top_up.lines.get()
    assert (top_up.top_up_of, top_up.state, line.tops_up) == (claim, ClaimState.DRAFT, old)
    assert (line.person, line.amount, line.granted) == (trainee, Decimal("200.00"), True)
    assert top_up.requested_total == Decimal("200.00")
    assert decision_of(line.decision).tier == "employed"
    assert "1,000.00" in reasons_all(line) and "800.00" in reasons_all(line)
    old.refresh_from_db()
    assert (old.amount, old.decision_id) == (Decimal("800.00"), old_decision)
    with act(hebei.username):
        services.submit(top_up)
    line.refresh_from_db()
    assert (line.granted, line.amount) == (True, Decimal("200.00"))
    assert len(history_of([trainee.pk])[trainee.pk]) == 1  # one subsidy, raised


def reasons_all(line: ClaimLine) -> str:
    return " ".join(check.message_en for check in decision_of(line.decision).checks)


def test_a_refused_line_is_raised_in_full_when_employment_is_found(hebei):
    """004 §四(五): no certificate and no employment → nothing; employment within 3 months
    recorded later → a top-up line of the whole 100%. (Beside a certified trainee: a claim
    whose every line is 0 is not submitted.)"""
    trainee, certified = person("rural_migrant"), person("rural_migrant")
    certificate(certified, "skill_level")
    claim = claim_for(hebei, [trainee, certified])
    with act(hebei.username):
        services.submit(claim)
        employ(trainee, date(2024, 6, 15))
        top_up = services.create_top_up(claim)
    assert top_up.lines.get().amount == Decimal("1000.00")


def test_employment_after_the_window_raises_nothing(hebei):
    """004 §四(五): 已实现就业的(3个月内) — employment starting after the window is no top-up."""
    trainee = person("rural_migrant")
    certificate(trainee, "skill_level")
    claim = claim_for(hebei, [trainee])
    with act(hebei.username):
        services.submit(claim)
        employ(trainee, date(2024, 9, 1))
        assert services.create_top_up(claim) is None
    assert Claim.objects.filter(top_up_of=claim).count() == 0


# --- evaluation claims (Shangqiu, 002 §四(二)1) -------------------------------------------------

EVALUATION_AMOUNTS = [  # 002 §四(二)1, 元/人
    ("special", "100.00"),  # 专项职业能力
    ("5", "200.00"),  # 初级工
    ("4", "240.00"),  # 中级工
    ("3", "280.00"),  # 高级工
    ("2", "350.00"),  # 技师
    ("1", "380.00"),  # 高级技师
]


def evaluation_claim(booking, agreement):
    with act("evaluator"):
        return services.create_evaluation_claim(booking, agreement)


@pytest.mark.parametrize(("level", "amount"), EVALUATION_AMOUNTS)
def test_evaluation_subsidy_per_level(level, amount):
    """002 §四(二)1: 专项职业能力100元, 初级工200元, 中级工240元, 高级工280元, 技师350元,
    高级技师380元 a person, paid to the evaluation organisation (给予机构评价补贴)."""
    booking = evaluated_booking(shangqiu(), [(person(), True)], level=level)
    line = evaluation_claim(booking, agreement()).lines.get()
    assert (line.granted, line.amount) == (True, Decimal(amount))
    assert decision_of(line.decision).payee == "evaluation_org"


def test_evaluation_claim_lines_and_a_fail_shown_with_0():
    """002 §四(二)1 (中级工 240 元), claimed by the evaluation organisation under its
    free-evaluation agreement (004 §四(五): 免费技能评价协议); the person who failed is shown
    with 0 and the reason."""
    passed, failed = person("rural_migrant"), person()
    booking = evaluated_booking(shangqiu(), [(passed, True), (failed, False)])
    signed = agreement()
    claim = evaluation_claim(booking, signed)
    lines = lines_by_person(claim)
    assert (lines[passed.pk].amount, lines[failed.pk].amount) == (Decimal("240"), Decimal("0"))
    assert "评价未通过" in reasons(lines[failed.pk])
    assert "Did not pass the evaluation" in reasons(lines[failed.pk], "en")
    assert claim.requested_total == Decimal("240.00") and claim.agreement == signed
    assert (claim.kind, claim.bureau.code, claim.organisation) == (
        "evaluation", "411400", booking.evaluation_org.organisation,
    )  # fmt: skip
    assert lines[passed.pk].certificate_id is not None
    with act("evaluator"):
        services.submit(claim)
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.SUBMITTED


def test_the_same_person_occupation_and_level_is_not_subsidised_twice():
    """002 §四(二)1: 同一人员同一职业同一等级不得重复申领 — a second evaluation of the same
    occupation and level is refused, naming the first claim; another level is paid."""
    evaluated = person()
    first = evaluation_claim(evaluated_booking(shangqiu(), [(evaluated, True)]), agreement())
    with act("evaluator"):
        services.submit(first)
    again = evaluated_booking(shangqiu(), [(evaluated, True)], on=date(2025, 6, 2))
    line = evaluation_claim(again, agreement_in_force(builders_core.centre(), date(2025, 6, 2)))
    line = line.lines.get()
    assert (line.granted, line.amount) == (False, Decimal("0.00"))
    assert first.number in reasons(line)
    higher = evaluated_booking(shangqiu(), [(evaluated, True)], level="3", on=date(2025, 9, 1))
    line = evaluation_claim(higher, agreement_in_force(builders_core.centre(), higher.planned_date))
    assert line.lines.get().amount == Decimal("280.00")


def test_an_evaluation_claim_needs_an_agreement_in_force_on_the_evaluation_date():
    """004 §四(五): 由考核评价机构与补贴申请人签订免费技能评价协议书 — no agreement, or one not in
    force on the evaluation date, no claim."""
    booking = evaluated_booking(shangqiu(), [(person(), True)])
    expired = agreement("XY-2024-009", start=date(2024, 1, 1), end=date(2024, 12, 31))
    with act("evaluator"):
        for signed in (None, expired):
            with pytest.raises(ValidationError) as problem:
                services.create_evaluation_claim(booking, signed)
            assert "协议" in messages(problem)
    assert agreement_in_force(booking.evaluation_org, date(2024, 6, 1)) == expired
    assert agreement_in_force(booking.evaluation_org, date(2025, 6, 1)) is None
    assert not Claim.objects.filter(booking=booking).exists()


def test_only_a_done_evaluation_is_claimed_by_its_organisation_only():
    """The subsidy is paid to the evaluation organisation (004 §四(五): 直接拨付考核评价机构) once
    the results are recorded: the class's institution cannot claim it, nor can a booking still
    waiting for results be claimed."""
    booking = evaluated_booking(shangqiu(), [(person(), True)])
    signed = agreement()
    with (
        act("institution"),
        pytest.raises(
            PermissionDenied, match="只有商丘市职业技能等级认定评价中心可以为本单位的工作申报补贴"
        ),
    ):
        services.create_evaluation_claim(booking, signed)
    booking.state = "accepted"
    booking.save()
    with act("evaluator"), pytest.raises(ValidationError) as problem:
        services.create_evaluation_claim(booking, signed)
    assert "只有已登记全部评价结果的评价" in messages(problem) and "已受理" in messages(problem)


def test_an_agreement_is_recorded_once_with_sane_dates():
    """A free-evaluation agreement has one number and ends after it starts; another
    institution's staff cannot record one."""
    agreement()
    with pytest.raises(ValidationError) as twice:
        agreement()
    assert "XY-2025-001" in messages(twice)
    with pytest.raises(ValidationError) as backwards:
        agreement("XY-2", start=date(2025, 6, 1), end=date(2025, 5, 1))
    assert "valid_to" in backwards.value.message_dict
    city = Organisation.objects.get(code="411400")
    with (
        act("institution"),
        pytest.raises(
            PermissionDenied, match="只有评价机构本身或其所属人社部门可以登记免费技能评价协议"
        ),
    ):
        record_agreement(
            builders_core.centre(), bureau=city, number="XY-3", signed_on=date(2025, 1, 1),
            valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31),
        )  # fmt: skip


# --- numbers -----------------------------------------------------------------------------------


def test_numbers_run_per_prefix_without_gaps():
    """Claim and batch numbers: the prefix, a dash, a serial of six digits per prefix."""
    with pytest.raises(ValidationError, match="不能用作编号前缀"):
        next_number("")
    first = next_number("ZZ2030")
    assert first == "ZZ2030-000001"
    assert next_number("ZZ2030") == "ZZ2030-000002"
    assert next_number("YY2030") == "YY2030-000001"


def test_claims_are_numbered_bt_year_serial(hebei):
    claim = claim_for(hebei, [person("rural_migrant")])
    assert claim.number.startswith(f"BT{date.today().year}-") and len(claim.number) == 13
    assert AuditEntry.objects.filter(object_type="claims.claim", object_id=str(claim.pk)).exists()
