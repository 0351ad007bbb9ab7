"""The compact facts kept beside each training decision (catalog.DecisionRecord.facts,
jineng.policy.facts), which the replay reads instead of walking the trace (issue 22's benchmark):
they agree with the trace on records the claims app made, a record without them (stored before
they were kept) is read from its trace with the same result, and the data migration fills them."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from jineng.catalog.models import DecisionRecord
from jineng.claims.models import ClaimLine
from jineng.policy import facts
from jineng.policy.decision import TRAINING_SUBSIDY
from jineng.whatif import drafts, replay, services
from jineng.whatif.models import ScenarioState
from tests.actors import act
from tests.claims import builders_core
from tests.whatif.builders import YEAR_END, YEAR_START, four_subsidies, hebei_draft, hebei_year

pytestmark = pytest.mark.django_db
hebei = builders_core.hebei  # fixture, used by name


def rows(bureau):
    found = services.lines_of(bureau, YEAR_START, YEAR_END)
    return list(found.values_list(*services.COLUMNS.values()))


def test_the_columns_read_are_the_replays_row():
    assert tuple(services.COLUMNS) == replay.ROW


def test_the_facts_kept_agree_with_the_trace_on_the_claims_apps_records(hebei):
    """Every training decision the claims app stores keeps its facts, equal to those its trace
    gives; read with the claim line, they give the engine the same line as the trace does."""
    hebei_year(hebei)
    four_subsidies(hebei)
    records = DecisionRecord.objects.filter(kind=TRAINING_SUBSIDY)
    assert records.count() >= 9
    for record in records:
        assert record.facts.startswith(replay.SHAPED)
        assert record.facts == facts.training_facts(record.detail)
    found = rows(hebei.bureau)
    assert len(found) == 9
    for row in found:
        assert not replay.needs_trace(row)
        detail = DecisionRecord.objects.get(pk=row[replay.RECORD]).detail
        from_record = replay.case_of(row)
        from_trace = replay.case_of(row, detail)
        assert from_record.engine_line == from_trace.engine_line
        assert from_record.claim_ok == from_trace.claim_ok
        assert from_record.categories == from_trace.categories == ("rural_migrant",)
        assert from_record.certified == from_trace.certified
        line = from_record.engine_line
        assert line.standard in {Decimal("1000.00"), Decimal("1500.00"), Decimal("1200.00"),
                                 Decimal("900.00")}  # fmt: skip
        assert replay.as_training_line(line).training_end == line.training_end
        # the claim's own checks are read from the trace only when the decision is shown
        assert from_record.claim_checks is None
        assert [check["code"] for check in from_trace.claim_checks][:1] == ["claim.completed"]


def replayed(bureau, revision):
    with act(None):
        scenario = services.create_scenario(bureau, YEAR_START, YEAR_END, revision)
        return services.run_scenario(scenario)


def test_records_stored_before_the_facts_replay_the_same_from_their_traces(hebei):
    """004 §四(五) 取得证书的按80%, at 70% under a draft: the same figures and changed lines
    (with both traces) whether the facts are kept or the traces walked (records made before)."""
    hebei_year(hebei)
    four_subsidies(hebei)
    draft = hebei_draft(hebei.bureau)
    with act(None):
        revision = drafts.set_value(draft, "training.rates.certificate", "0.70")
    kept = replayed(hebei.bureau, revision)
    DecisionRecord.objects.filter(kind=TRAINING_SUBSIDY).update(facts="")
    assert all(replay.needs_trace(row) for row in rows(hebei.bureau))
    walked = replayed(hebei.bureau, revision)
    assert kept.state == walked.state == ScenarioState.DONE, (kept.error, walked.error)
    assert kept.lines == walked.lines == 9
    assert kept.changed == walked.changed > 0
    assert (kept.before_total, kept.after_total) == (walked.before_total, walked.after_total)
    assert kept.summary == walked.summary

    def changes(scenario):
        return [
            (line.line_id, line.after_amount, line.before, line.after)
            for line in scenario.changes.order_by("line_id")
        ]

    assert changes(kept) == changes(walked)
    # the claim's own checks stand first in the draft's trace, as read from the stored one
    first = kept.changes.order_by("line_id").first()
    assert first.after["checks"][0]["code"] == "claim.completed"


def test_the_migration_fills_the_facts_of_records_stored_before(hebei):
    hebei_year(hebei)
    records = DecisionRecord.objects.filter(kind=TRAINING_SUBSIDY)
    kept = dict(records.values_list("pk", "facts"))
    records.update(facts="")
    migration = importlib.import_module("jineng.catalog.migrations.0003_fill_decision_facts")
    migration.fill(django_apps, None)
    assert dict(records.values_list("pk", "facts")) == kept
    assert ClaimLine.objects.filter(decision__facts="").filter(subsidy_type="training").count() == 0


def trace(*checks, kind=TRAINING_SUBSIDY):
    return {"kind": kind, "checks": [{"code": code, "passed": passed, "evidence": evidence}
                                     for code, passed, evidence in checks]}  # fmt: skip


ROW = dict.fromkeys(replay.ROW) | {
    "claim_number": "C1", "person_id": 7, "subsidy_type": "training", "occupation": "6-18-02-04",
    "level": "5", "training_end": date(2024, 5, 31), "training_type": "employment_skills",
    "new_occupation": True, "certificate": "skill_level",
}  # fmt: skip


def test_a_trace_that_never_looked_at_the_certificate_leaves_the_claim_lines_own():
    """A stored "no certificate" (None in training.outcome's evidence) is not the same as a
    trace without the outcome check: there the claim line's certificate and novelty count."""
    row = tuple(ROW.values())
    none = facts.training_facts(trace(
        ("training.outcome", True, {"certificate": None, "is_new_occupation": False,
                                    "employment_start": "2024-06-07"}),
    ))  # fmt: skip
    line, ok = replay.from_facts(none, row)
    assert (line.certificate, line.is_new_occupation) == (None, False)
    assert line.employment_start == date(2024, 6, 7) and ok
    silent = facts.training_facts(trace(("pack.period", True, {"date": "2024-05-30"})))
    line, ok = replay.from_facts(silent, row)
    assert (line.certificate, line.is_new_occupation) == ("skill_level", True)
    assert line.training_end == date(2024, 5, 30) and line.employment_start is None


def test_licences_categories_standard_and_claim_checks_are_kept():
    record = facts.training_facts(trace(
        ("claim.completed", True, {}),
        ("claim.standard", False, {"amount": "1500.00"}),
        ("training.category", True, {"person_categories": ["rural_migrant", "graduate"]}),
        ("training.rate_scope", True, {"person_categories": ["graduate"],
                                       "training_type": "entrepreneurship"}),
        ("training.licence", True, {"licences_held": ["welding_work"], "day": "2024-05-31"}),
    ))  # fmt: skip
    assert record.split(";")[0].split("|")[facts.CATEGORIES] == "graduate,rural_migrant"
    line, ok = replay.from_facts(record, tuple(ROW.values()))
    assert not ok  # claim.standard failed
    assert line.categories == frozenset({"graduate", "rural_migrant"})
    assert line.training_type == "entrepreneurship" and line.standard == Decimal("1500.00")
    assert line.licences == frozenset({"welding_work"})
    assert line.licence_day == date(2024, 5, 31)


def test_only_training_decisions_keep_facts_and_an_odd_value_falls_back_to_the_trace():
    assert facts.facts_of(trace(kind="evaluation_subsidy")) == ""
    odd = trace(("training.rate_scope", True, {"training_type": "a|b"}))
    assert facts.training_facts(odd) == ""
    assert facts.training_facts(trace(("pack.period", True, {"date": "2024;05"}))) == ""
    with pytest.raises(ValueError):
        replay.training_line(odd, tuple(ROW.values()))
