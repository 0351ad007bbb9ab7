"""The replay of a period under a draft (issue 22), on the hand-made Hebei year of
tests.whatif.builders: the exact change of the budget, the fourth subsidies a higher cap grants,
a refused draft, and no real row written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jineng.catalog.models import DecisionRecord
from jineng.claims.models import Claim, ClaimLine, Payment
from jineng.people.models import LedgerEvent
from jineng.targets import services as targets
from jineng.whatif import drafts, services
from jineng.whatif.models import ScenarioState
from tests.actors import act
from tests.claims import builders_core
from tests.whatif.builders import YEAR_END, YEAR_START, four_subsidies, hebei_draft, hebei_year

pytestmark = pytest.mark.django_db
hebei = builders_core.hebei  # fixture, used by name


def replayed(bureau, revision):
    with act(None):
        scenario = services.create_scenario(bureau, YEAR_START, YEAR_END, revision)
        return services.run_scenario(scenario)


def test_lowering_the_80_percent_tier_to_70_changes_the_budget_exactly(hebei):
    """004 §四(五): 取得证书的按80%. The year pays 800 + 1200 + 960 (80% of 1000, 1500, 1200)
    and 1000 (100%, employed): 3960. At 70% the three certified lines pay 700 + 1050 + 840:
    the budget falls by exactly 10% of 3700 = 370.00; the employed line is unchanged."""
    hebei_year(hebei)
    draft = hebei_draft(hebei.bureau)
    with act(None):
        revision = drafts.set_value(draft, "training.rates.certificate", "0.70")
    scenario = replayed(hebei.bureau, revision)
    assert scenario.state == ScenarioState.DONE, scenario.error
    assert scenario.lines == 4 and scenario.changed == 3
    assert scenario.before_total == Decimal("3960.00")
    assert scenario.after_total == Decimal("3590.00")
    assert scenario.difference == Decimal("-370.00")
    assert sorted(line.after_amount for line in scenario.changes.all()) == [
        Decimal("700.00"), Decimal("840.00"), Decimal("1050.00"),
    ]  # fmt: skip
    county = scenario.summary["groups"]["county"]["130100"]
    assert county[:2] == ["3960.00", "3590.00"]
    # nobody gains or loses a subsidy: the amounts change, the grants do not
    assert scenario.summary["people"]["gain"] == scenario.summary["people"]["lose"] == 0


def test_the_pack_in_force_replays_the_year_as_decided(hebei):
    """Without a draft the year is replayed under hebei-2024 as loaded: nothing changes."""
    hebei_year(hebei)
    scenario = replayed(hebei.bureau, None)
    assert scenario.state == ScenarioState.DONE, scenario.error
    assert scenario.lines == 4 and scenario.changed == 0
    assert scenario.before_total == scenario.after_total == Decimal("3960.00")


def test_raising_the_cap_from_3_to_4_grants_exactly_the_fourth_subsidies(hebei):
    """004 §四(五): 每人累计最多享受3次. The person's fourth certified training (养老护理员五级,
    900 × 80% = 720) was refused by the cap; with a cap of 4 it is granted, in order, and
    nothing else changes."""
    who, made = four_subsidies(hebei)
    fourth = ClaimLine.objects.get(claim=made[3], person=who)
    assert not fourth.granted
    draft = hebei_draft(hebei.bureau)
    with act(None):
        revision = drafts.set_value(draft, "limits.training.count", "4")
    scenario = replayed(hebei.bureau, revision)
    assert scenario.lines == 5 and scenario.changed == 1
    change = scenario.changes.get()
    assert change.line_id == fourth.pk and change.after_granted and not change.before_granted
    assert change.after_amount == Decimal("720.00")
    assert scenario.difference == Decimal("720.00")
    failed = [c["code"] for c in change.before["checks"] if not c["passed"]]
    assert failed == ["limit.count"]
    assert all(c["passed"] for c in change.after["checks"])
    people = scenario.summary["people"]
    assert people["gain"] == 1 and people["lose"] == 0
    assert people["by_category"]["rural_migrant"] == [1, 0]


def test_lowering_the_cap_to_2_refuses_the_third_in_order(hebei):
    """The cap replays in the order decided: with 2, the third subsidy (电工五级, 960) is lost
    and the fourth stays refused; the certificate is a risk to the bureau's certificate target
    of the year (002 §二(二) 取证), not a lost certificate."""
    four_subsidies(hebei)
    with act(None):
        targets.ensure_measures()
        targets.create_plan(
            bureau=hebei.bureau, start_year=2024, end_year=2024, title="2024年目标任务",
            reason="测试", document_number="石人社〔2024〕1号", totals={"certified": 5000},
        )  # fmt: skip
    draft = hebei_draft(hebei.bureau)
    with act(None):
        revision = drafts.set_value(draft, "limits.training.count", "2")
    scenario = replayed(hebei.bureau, revision)
    assert scenario.difference == Decimal("-960.00")
    assert scenario.summary["people"]["lose"] == 1
    assert scenario.summary["at_risk"] == [["130100", builders_core.ELECTRICIAN, 1]]
    assert services.target_rows(scenario) == [["2024年目标任务", "certified", 5000, 1]]


def test_a_draft_the_loader_refuses_cannot_be_replayed(hebei):
    draft = hebei_draft(hebei.bureau)
    with act(None):
        refused = drafts.set_value(draft, "training.rates.certificate", "80%")
        assert not refused.valid
        with pytest.raises(ValidationError, match="政策包校验未通过"):
            services.create_scenario(hebei.bureau, YEAR_START, YEAR_END, refused)


def test_a_replay_writes_no_claim_line_decision_or_ledger_entry(hebei):
    hebei_year(hebei)
    four_subsidies(hebei)
    models = (Claim, ClaimLine, DecisionRecord, LedgerEvent, Payment)
    before = {model: model.objects.count() for model in models}
    columns = ("id", "granted", "amount", "state", "decision_id")
    lines = list(ClaimLine.objects.order_by("id").values_list(*columns))
    draft = hebei_draft(hebei.bureau)
    with act(None):
        revision = drafts.set_value(draft, "training.rates.certificate", "0.60")
    scenario = replayed(hebei.bureau, revision)
    assert scenario.changed > 0
    assert {model: model.objects.count() for model in models} == before
    assert list(ClaimLine.objects.order_by("id").values_list(*columns)) == lines


def test_a_stored_decision_the_replay_cannot_read_fails_the_scenario_with_its_reason(hebei):
    """A decision whose stored facts name a training type no pack knows: the scenario ends
    failed with a message, not left running with the error in the worker's log."""
    hebei_year(hebei)
    line = ClaimLine.objects.exclude(decision__facts="").order_by("id").first()
    record = line.decision  # the decision the line stands on (earlier ones are superseded)
    fields = record.facts.split("|")
    fields[2] = "not_a_training_type"
    DecisionRecord.objects.filter(pk=record.pk).update(facts="|".join(fields))
    scenario = replayed(hebei.bureau, None)
    assert scenario.state == ScenarioState.FAILED
    assert "无法读取" in scenario.error and "not_a_training_type" in scenario.error
    assert not scenario.changes.exists()
