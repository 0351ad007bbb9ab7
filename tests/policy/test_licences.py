"""Occupations that need a practising licence (004 §五(一)): 对保安员、电工、焊工等有从业资格要求的
职业(工种),人力资源社会保障部门可依规定对已取得从业资格的符合条件劳动者开展补贴性职业技能培训.

The packs list the occupations and the licence each needs (training.licence_required); the
engine checks, for such an occupation only, that the trainee holds it on the pack's day, in the
enrolment decision and the training subsidy decision, on the single and the batch path alike."""

from __future__ import annotations

from datetime import date

import pytest

from jineng.policy.batch import decide_training_batch
from jineng.policy.engine import decide_enrolment, decide_training_subsidy
from jineng.policy.errors import PackError
from jineng.policy.pack import parse_pack
from jineng.policy.records import EnrolmentRequest

from .builders import TRAINING_END, training_line
from .conftest import POLICIES

WELDER, ELECTRICIAN, GUARD = "6-18-02-04", "6-31-01-03", "4-07-05-01"
CLASS_START = date(2024, 6, 1)


def test_hebei_lists_guards_electricians_and_welders_as_004_states(hebei):
    """004 §五(一) names 保安员、电工、焊工: Hebei's pack lists the three with their licences,
    cited and not assumed (the licence types are its reading, said in the note)."""
    assert dict(hebei.value("training.licence_required")) == {
        GUARD: "security_guard",
        ELECTRICIAN: "electrical_work",
        WELDER: "welding_work",
    }
    rule = hebei.rule("training.licence_required")
    assert rule.cite == "004 §五(一)" and not rule.assumed
    assert "特种作业操作证" in rule.note_zh and "保安员证" in rule.note_zh
    assert hebei.licence_required(WELDER) == "welding_work"
    assert hebei.licence_required("4-10-01-05") is None  # 养老护理员: no licence needed


def test_shangqiu_states_no_occupation_and_asks_the_bureau(shangqiu):
    """004 §五(一) is Hebei's; 002 has no such rule (§三(八) is 持证上岗 at work): Shangqiu
    lists no occupation, marked assumed so that the bureau confirms it."""
    rule = shangqiu.rule("training.licence_required")
    assert rule.value == () and rule.assumed and rule.cite == "002 §三(八)"
    assert "004 §五(一)" in rule.note_zh and "004 §五(一)" in rule.note
    assert shangqiu.licence_required(WELDER) is None
    assert "training.licence_required" in {row.key for row in shangqiu.assumed_rows()}


def test_the_example_pack_keeps_004s_list(strict):
    """004 §五(一) as the example pack states it, cited."""
    assert strict.licence_required(ELECTRICIAN) == "electrical_work"
    assert strict.rule("training.licence_required").cite == "004 §五(一)"


def test_the_pack_page_names_the_licences(hebei):
    """004 §五(一): the pack's page shows each occupation with its licence by name."""
    row = next(r for r in hebei.describe() if r.key == "training.licence_required")
    assert "6-18-02-04：特种作业操作证（焊接与热切割作业）" in row.value
    assert "4-07-05-01: security guard certificate" in row.value_en
    assert row.cite == "004 §五(一)"


def _with_licences(value: str) -> str:
    text = (POLICIES / "hebei-2024.toml").read_text(encoding="utf-8")
    start = text.index("licence_required = ")
    end = text.index("\n", start)
    return (
        text[:start]
        + f'licence_required = {{ value = {value}, cite = "004 §五(一)" }}'
        + text[end:]
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('{ "6-18-0204" = "welding_work" }', "is not an occupation code"),
        ('{ "6-18-02-04" = "welding" }', "unknown licence type 'welding'"),
        ('["6-18-02-04"]', "must be a table of occupation codes and licence types"),
    ],
)
def test_a_malformed_licence_list_is_refused_when_loaded(value, reason):
    """004 §五(一): a pack naming an occupation code of the wrong shape or a licence nobody
    knows is refused with the key and the reason, never half-read."""
    with pytest.raises(PackError, match=reason) as refused:
        parse_pack(_with_licences(value), "hebei-2024.toml")
    assert refused.value.key == "training.licence_required"


def test_an_empty_list_needs_no_licence():
    """004 §五(一): an empty table names no occupation: no check, no refusal."""
    pack = parse_pack(_with_licences("{}"), "hebei-2024.toml")
    decision = decide_training_subsidy(pack, training_line(occupation=WELDER), [])
    assert decision.granted and "training.licence" not in {c.code for c in decision.checks}


def test_a_welder_without_the_licence_gets_no_training_subsidy(hebei):
    """004 §五(一): 焊工 trained with a subsidy only when the trainee already holds the
    special operation certificate for welding, valid on the class's first day."""
    line = training_line(occupation=WELDER, licence_day=CLASS_START)
    decision = decide_training_subsidy(hebei, line, [])
    assert not decision.granted and decision.amount == 0
    found = decision.check("training.licence")
    assert not found.passed
    assert found.message_zh == (
        "职业（工种）6-18-02-04有从业资格要求，补贴性培训只面向已取得从业资格的劳动者；"
        "本人未登记2024-06-01有效的特种作业操作证（焊接与热切割作业）（依据 004 §五(一)）"
    )
    assert "special operation certificate (welding and thermal cutting)" in found.message_en
    assert found.evidence["licence_required"] == "welding_work"
    assert found.evidence["day"] == "2024-06-01" and found.evidence["cite"] == "004 §五(一)"

    held = training_line(occupation=WELDER, licence_day=CLASS_START,
                         licences=frozenset({"welding_work"}))  # fmt: skip
    granted = decide_training_subsidy(hebei, held, [])
    assert granted.granted and granted.check("training.licence").passed
    assert "本人持有2024-06-01有效的特种作业操作证（焊接与热切割作业）" in (
        granted.check("training.licence").message_zh
    )


def test_another_licence_does_not_do(hebei):
    """004 §五(一): an electrician's certificate does not open a welders' class."""
    line = training_line(occupation=WELDER, licences=frozenset({"electrical_work"}))
    decision = decide_training_subsidy(hebei, line, [])
    assert not decision.check("training.licence").passed
    assert decision.check("training.licence").evidence["day"] == TRAINING_END.isoformat()


def test_an_occupation_without_a_licence_rule_is_not_checked(hebei):
    """004 §五(一) lists some occupations only: 养老护理员 is trained without any licence."""
    decision = decide_training_subsidy(hebei, training_line(occupation="4-10-01-05"), [])
    assert decision.granted
    assert "training.licence" not in {c.code for c in decision.checks}


def test_the_batch_path_refuses_the_same_lines(hebei):
    """004 §五(一): the claim's batch path marks the licence rule like the single path."""
    lines = [
        training_line(claim_id="L1", person_key="P1", occupation=WELDER),
        training_line(claim_id="L2", person_key="P2", occupation=WELDER,
                      licences=frozenset({"welding_work"})),
        training_line(claim_id="L3", person_key="P3", occupation="4-10-01-05"),
    ]  # fmt: skip
    batch = decide_training_batch(hebei, lines, {})
    assert [batch.outcome(i) for i in range(3)] == ["refused", "granted", "granted"]
    assert batch.failed_codes(0) == ("training.licence",)
    for index, line in enumerate(lines):
        assert batch.decision(index) == decide_training_subsidy(hebei, line, [])


def test_enrolment_is_decided_with_the_licence_held_on_the_packs_day(hebei):
    """004 §五(一): the roster's enrolment decision checks the licence on the pack's day."""
    request = EnrolmentRequest(
        person_key="P1", categories=frozenset({"rural_migrant"}), occupation=GUARD, level="5",
        enrol_on=date(2024, 5, 20), licence_day=CLASS_START,
    )  # fmt: skip
    refused = decide_enrolment(hebei, request, [])
    assert not refused.granted
    assert "保安员证" in refused.check("training.licence").message_zh
    holder = EnrolmentRequest(
        person_key="P1", categories=frozenset({"rural_migrant"}), occupation=GUARD, level="5",
        enrol_on=date(2024, 5, 20), licences=frozenset({"security_guard"}),
        licence_day=CLASS_START,
    )  # fmt: skip
    assert decide_enrolment(hebei, holder, []).granted


def test_unknown_licence_codes_are_refused_by_the_records():
    """004 §五(一): the facts name licences by the codes the packs use, nothing else."""
    with pytest.raises(ValueError, match="unknown licence type codes"):
        training_line(licences=frozenset({"driving"}))
