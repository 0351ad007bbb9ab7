"""Institution rules of seed 000: teachers (000 §三(七)) and vocational colleges (000 §二(二)).

000 §三(七): 落实民办培训机构专职教师不得少于教师总数的1/3和兼职教师1年内任职
不得超过3家培训机构的要求.
000 §二(二): 职业院校(含技工教育,下同)…各职业院校每年开展职业技能培训人次数不得少于在校生人数的50%.
"""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jineng import policy
from jineng.policy import (
    Decision,
    RuleMissing,
    TeacherAssignment,
    check_college_training,
    check_teacher_rules,
)
from jineng.policy.codes import InstitutionType
from jineng.policy.pack import PolicyPack, load_pack

from .builders import PROPERTY_SETTINGS
from .conftest import POLICIES

PACK_IDS = ("hebei-2024", "henan-shangqiu-2022", "example-strict")
PACKS = {name: load_pack(POLICIES / f"{name}.toml") for name in PACK_IDS}
YEAR = 2024  # in effect for all three packs
INSTITUTION_TYPES = sorted(InstitutionType)


def staff(full_time: int, part_time: int) -> list[TeacherAssignment]:
    """Teachers F1..Fn (full-time) and P1..Pm (part-time): keys only, never names."""
    return [TeacherAssignment(f"F{i}", True) for i in range(1, full_time + 1)] + [
        TeacherAssignment(f"P{i}", False) for i in range(1, part_time + 1)
    ]


def teacher_rules(pack, full_time, part_time, institution_type="private_school", counts=None):
    assignments = staff(full_time, part_time)
    if counts is None:
        counts = {item.person_key: 1 for item in assignments if not item.full_time}
    return check_teacher_rules(
        pack,
        institution_type=institution_type,
        year=YEAR,
        assignments=assignments,
        part_time_counts=counts,
    )


def without_section(pack: PolicyPack, section: str) -> PolicyPack:
    rules = tuple(rule for rule in pack.rules if not rule.key.startswith(section + "."))
    return dataclasses.replace(pack, rules=rules)


def with_value(pack: PolicyPack, key: str, value) -> PolicyPack:
    rules = tuple(
        dataclasses.replace(rule, value=value) if rule.key == key else rule for rule in pack.rules
    )
    return dataclasses.replace(pack, rules=rules)


# --- the packs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_packs_state_the_000_rules_exactly(pack_id):
    """000 §三(七) 1/3 and 3 institutions a year; 000 §二(二) 50%, 职业院校 including 技工院校."""
    pack = PACKS[pack_id]
    assert pack.version >= 2  # version 1 had no [teachers] / [colleges]
    assert pack.value("teachers.min_full_time_share") == Fraction(1, 3)  # exact, not 0.33
    assert pack.value("teachers.full_time_share_applies_to") == ("private_school",)
    assert pack.value("teachers.part_time_max_institutions") == 3
    assert pack.value("teachers.part_time_window") == "calendar_year"
    assert pack.value("colleges.min_training_ratio") == Fraction(1, 2)
    assert set(pack.value("colleges.college_types")) == {"vocational_college", "technical_school"}
    for key in ("teachers.min_full_time_share", "teachers.part_time_max_institutions"):
        assert pack.rule(key).cite == "000 §三(七)"
    assert pack.rule("colleges.min_training_ratio").cite == "000 §二(二)"
    assert any(source.ref == "000" and source.seed for source in pack.sources)


@pytest.mark.parametrize("pack_id", ["hebei-2024", "henan-shangqiu-2022"])
def test_000_rules_are_assumed_outside_their_city(pack_id):
    """000 is an unnamed city's plan (XX市): in Hebei's and Shangqiu's packs its rules are
    assumptions to confirm locally, and say so."""
    pack = PACKS[pack_id]
    for rule in pack.rules:
        if rule.key.startswith(("teachers.", "colleges.")):
            assert rule.assumed, rule.key
            assert "000" in rule.note and "confirm" in rule.note, rule.key


def test_example_pack_states_000_rules_plainly():
    pack = PACKS["example-strict"]
    for rule in pack.rules:
        if rule.key.startswith(("teachers.", "colleges.")):
            assert not rule.assumed, rule.key


def test_describe_shows_the_new_rows_in_zh_and_en():
    """000 §三(七), 000 §二(二): the pack's page shows the rules with their cites."""
    rows = {row.key: row for row in PACKS["hebei-2024"].describe()}
    share = rows["teachers.min_full_time_share"]
    assert share.value == "1/3（约33.33%）" and share.value_en == "1/3 (about 33.33%)"
    assert share.label_zh == "专职教师占教师总数的最低比例" and share.label_en
    assert share.section_zh == "培训机构师资" and share.section_en
    assert (share.cite, share.assumed) == ("000 §三(七)", True)
    applies = rows["teachers.full_time_share_applies_to"]
    assert applies.value == "民办职业培训学校"
    assert applies.value_en == "private vocational training school"
    most = rows["teachers.part_time_max_institutions"]
    assert (most.value, most.unit, most.unit_en) == ("3", "家", "institutions")
    assert rows["teachers.part_time_window"].value == "每个自然年度"
    assert rows["colleges.min_training_ratio"].value == "50%"
    colleges = rows["colleges.college_types"]
    assert colleges.value == "职业院校、技工院校"
    assert colleges.value_en == "vocational college, technical school"
    assert colleges.cite == "000 §二(二)"


def test_public_api_exports_the_new_names():
    for name in ("check_teacher_rules", "check_college_training", "TeacherAssignment"):
        assert name in policy.__all__ and hasattr(policy, name)


# --- teachers: full-time share (000 §三(七)) ---------------------------------------------------


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_private_school_with_1_full_time_of_3_passes_exactly(pack_id):
    """000 §三(七): 专职教师不得少于教师总数的1/3 — exactly 1/3 is enough."""
    decision = teacher_rules(PACKS[pack_id], full_time=1, part_time=2)
    assert decision.granted and decision.outcome == "granted"
    assert decision.kind == "teacher_rules"
    share = decision.check("teachers.full_time_share")
    assert share.passed
    assert share.evidence["full_time"] == 1 and share.evidence["total"] == 3
    assert share.evidence["share"] == "1/3" and share.evidence["minimum"] == "1/3"
    assert share.evidence["cite"] == "000 §三(七)"
    assert "1/3" in share.message_zh and "1 of 3" in share.message_en


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_private_school_with_1_full_time_of_4_fails(pack_id):
    """000 §三(七): 1/4 is less than 1/3."""
    decision = teacher_rules(PACKS[pack_id], full_time=1, part_time=3)
    assert decision.outcome == "refused"
    assert decision.failed_codes == ("teachers.full_time_share",)
    share = decision.check("teachers.full_time_share")
    assert share.evidence["share"] == "1/4"
    assert "低于" in share.message_zh and "25%" in share.message_zh
    assert "below the minimum" in share.message_en
    assert decision.reasons("en") == [share.message_en]


def test_one_third_is_not_rounded_to_0_33():
    """000 §三(七): 333 full-time of 1000 is below 1/3 (it would pass against 0.33)."""
    pack = PACKS["example-strict"]
    assert not teacher_rules(pack, full_time=333, part_time=667).granted
    assert teacher_rules(pack, full_time=334, part_time=666).granted
    assert teacher_rules(pack, full_time=2, part_time=4).granted  # 2/6 == 1/3


def test_technical_school_with_no_full_time_teacher_passes_as_not_private(hebei):
    """000 §三(七) binds 民办培训机构 only: a technical school with 0 of 4 full-time passes."""
    decision = teacher_rules(hebei, full_time=0, part_time=4, institution_type="technical_school")
    assert decision.granted
    share = decision.check("teachers.full_time_share")
    assert share.passed and share.evidence["applies_to"] == ["private_school"]
    assert "技工院校不适用" in share.message_zh
    assert "does not apply" in share.message_en and "technical school" in share.message_en


def test_private_school_with_no_teachers_fails(strict):
    """000 §三(七): no teachers at all cannot meet the 1/3 share."""
    decision = teacher_rules(strict, full_time=0, part_time=0)
    assert decision.failed_codes == ("teachers.full_time_share",)
    share = decision.check("teachers.full_time_share")
    assert share.evidence["total"] == 0 and share.evidence["share"] is None
    assert "未报告任何教师" in share.message_zh and "no teachers" in share.message_en
    other = teacher_rules(strict, full_time=0, part_time=0, institution_type="enterprise")
    assert other.granted  # the share rule does not apply to an enterprise


# --- teachers: part-time limit (000 §三(七)) ---------------------------------------------------


def test_part_time_teacher_at_4_institutions_fails_with_their_key(hebei):
    """000 §三(七): 兼职教师1年内任职不得超过3家培训机构 — 4 is too many."""
    counts = {"P1": 2, "P2": 4, "P3": 3}
    decision = teacher_rules(hebei, full_time=2, part_time=3, counts=counts)
    assert decision.outcome == "refused"
    assert decision.failed_codes == ("teachers.part_time_limit",)
    limit = decision.check("teachers.part_time_limit")
    assert limit.evidence["over_limit"] == [{"person_key": "P2", "institutions": 4}]
    assert limit.evidence["max_institutions"] == 3
    assert limit.evidence["window"] == "calendar_year" and limit.evidence["year"] == YEAR
    assert limit.evidence["cite"] == "000 §三(七)" and limit.evidence["assumed"] is True
    assert "P2（4家）" in limit.message_zh and "P2 (4 institutions)" in limit.message_en
    assert "假定值" in limit.message_zh


def test_part_time_teacher_at_3_institutions_passes(hebei):
    """000 §三(七): 3 institutions in the year is allowed."""
    decision = teacher_rules(hebei, full_time=2, part_time=3, counts={"P1": 3, "P2": 3, "P3": 1})
    assert decision.granted
    limit = decision.check("teachers.part_time_limit")
    assert limit.passed and limit.evidence["over_limit"] == []
    assert limit.evidence["part_time_teachers"] == 3


def test_part_time_limit_applies_to_every_institution_type(hebei):
    """000 §三(七): 3家培训机构 — read for part-time teachers of any institution."""
    decision = teacher_rules(
        hebei, full_time=0, part_time=1, institution_type="vocational_college", counts={"P1": 5}
    )
    assert decision.failed_codes == ("teachers.part_time_limit",)


def test_counts_of_other_people_are_ignored_and_full_time_teachers_not_counted(hebei):
    counts = {"P1": 1, "F1": 9, "SOMEONE-ELSE": 12}
    assert teacher_rules(hebei, full_time=1, part_time=1, counts=counts).granted


def test_evidence_names_keys_only(hebei):
    decision = teacher_rules(hebei, full_time=1, part_time=2, counts={"P1": 4, "P2": 5})
    over = decision.check("teachers.part_time_limit").evidence["over_limit"]
    assert over == [
        {"person_key": "P1", "institutions": 4},
        {"person_key": "P2", "institutions": 5},
    ]
    assert set().union(*(item.keys() for item in over)) == {"person_key", "institutions"}


def test_no_part_time_teachers(hebei):
    limit = teacher_rules(hebei, full_time=3, part_time=0).check("teachers.part_time_limit")
    assert limit.passed and "无兼职教师" in limit.message_zh


# --- teachers: pack period, errors, determinism -----------------------------------------------


def test_a_year_outside_the_pack_is_refused(hebei):
    decision = check_teacher_rules(
        hebei,
        institution_type="private_school",
        year=2025,
        assignments=staff(1, 1),
        part_time_counts={"P1": 1},
    )
    assert decision.failed_codes == ("pack.period",)
    assert "2025" in decision.check("pack.period").message_zh


def test_pack_without_teachers_section_raises_rule_missing(hebei):
    pack = without_section(hebei, "teachers")
    with pytest.raises(RuleMissing, match="teachers"):
        teacher_rules(pack, full_time=1, part_time=2)


@pytest.mark.parametrize(
    ("assignments", "counts", "institution_type", "words"),
    [
        (staff(1, 1), {}, "private_school", "no institution count"),
        (staff(1, 1), {"P1": 0}, "private_school", "at least 1"),
        (staff(1, 0) + staff(1, 0), {}, "private_school", "listed twice"),
        (staff(1, 0), {}, "charity", "unknown institution type"),
    ],
)
def test_bad_input_is_an_error(hebei, assignments, counts, institution_type, words):
    with pytest.raises(ValueError, match=words):
        check_teacher_rules(
            hebei,
            institution_type=institution_type,
            year=YEAR,
            assignments=assignments,
            part_time_counts=counts,
        )


def test_teacher_assignment_checks_itself():
    with pytest.raises(ValueError, match="person_key"):
        TeacherAssignment("", True)
    with pytest.raises(ValueError, match="full_time"):
        TeacherAssignment("T1", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        TeacherAssignment("T1", True).full_time = False


def test_teacher_decision_is_order_independent_and_round_trips(hebei):
    assignments = staff(2, 4)
    counts = {"P1": 4, "P2": 1, "P3": 5, "P4": 2}
    kwargs = {"institution_type": "private_school", "year": YEAR, "part_time_counts": counts}
    first = check_teacher_rules(hebei, assignments=assignments, **kwargs)
    again = check_teacher_rules(hebei, assignments=list(reversed(assignments)), **kwargs)
    assert first == again
    assert json.dumps(first.to_dict(), sort_keys=True) == json.dumps(
        again.to_dict(), sort_keys=True
    )
    assert Decision.from_dict(json.loads(json.dumps(first.to_dict()))) == first
    assert first.pack_version == hebei.version and first.amount == 0


def test_institution_key_is_the_subject(hebei):
    decision = check_teacher_rules(
        hebei,
        institution_type="private_school",
        year=YEAR,
        assignments=staff(1, 0),
        part_time_counts={},
        institution_key="INST-42",
    )
    assert decision.subject == "INST-42"


# --- colleges (000 §二(二)) ---------------------------------------------------------------------


def college(pack, enrolled, person_times, institution_type="vocational_college"):
    return check_college_training(
        pack,
        institution_type=institution_type,
        enrolled=enrolled,
        training_person_times=person_times,
    )


@pytest.mark.parametrize("pack_id", PACK_IDS)
@pytest.mark.parametrize("institution_type", ["vocational_college", "technical_school"])
def test_college_500_person_times_for_1000_students_passes(pack_id, institution_type):
    """000 §二(二): 培训人次数不得少于在校生人数的50% — 500 of 1,000 is enough."""
    decision = college(PACKS[pack_id], 1000, 500, institution_type)
    assert decision.granted and decision.kind == "college_training"
    result = decision.check("colleges.training_ratio")
    assert result.evidence["required_person_times"] == 500
    assert result.evidence["min_ratio"] == "1/2"
    assert result.evidence["cite"] == "000 §二(二)"
    assert "50%" in result.message_zh and "500" in result.message_en


@pytest.mark.parametrize("pack_id", PACK_IDS)
@pytest.mark.parametrize("institution_type", ["vocational_college", "technical_school"])
def test_college_499_person_times_for_1000_students_fails(pack_id, institution_type):
    """000 §二(二): 499 is less than 50% of 1,000."""
    decision = college(PACKS[pack_id], 1000, 499, institution_type)
    assert decision.outcome == "refused"
    assert decision.failed_codes == ("colleges.training_ratio",)
    result = decision.check("colleges.training_ratio")
    assert "少于" in result.message_zh and "500 needed" in result.message_en


def test_college_with_an_odd_enrolment_needs_the_rounded_up_half(strict):
    """000 §二(二): 50% of 1,001 students is 500.5, so 501 person-times are needed."""
    assert not college(strict, 1001, 500).granted
    assert college(strict, 1001, 501).granted


@pytest.mark.parametrize("institution_type", ["private_school", "enterprise", "public_centre"])
def test_college_rule_does_not_apply_to_other_types(strict, institution_type):
    """000 §二(二) binds 职业院校 (含技工教育) only."""
    decision = college(strict, 1000, 0, institution_type)
    assert decision.granted
    result = decision.check("colleges.training_ratio")
    assert result.passed and "不适用" in result.message_zh
    assert "does not apply" in result.message_en


def test_college_with_no_enrolment_fails_clearly(strict):
    """000 §二(二): the ratio needs the number of enrolled students."""
    decision = college(strict, 0, 200)
    assert decision.failed_codes == ("colleges.training_ratio",)
    result = decision.check("colleges.training_ratio")
    assert "no enrolment reported" in result.message_en and "未报告在校生人数" in result.message_zh
    assert result.evidence["required_person_times"] is None


def test_pack_without_colleges_section_raises_rule_missing(shangqiu):
    with pytest.raises(RuleMissing, match="colleges"):
        college(without_section(shangqiu, "colleges"), 1000, 500)


@pytest.mark.parametrize(
    ("enrolled", "person_times", "institution_type"),
    [(-1, 0, "vocational_college"), (10, -1, "vocational_college"), (10, 5, "university")],
)
def test_college_bad_input_is_an_error(strict, enrolled, person_times, institution_type):
    with pytest.raises(ValueError):
        college(strict, enrolled, person_times, institution_type)


# --- properties: exact fraction arithmetic -----------------------------------------------------

fractions = st.builds(
    Fraction, st.integers(min_value=0, max_value=50), st.integers(min_value=1, max_value=50)
).filter(lambda value: value <= 1)


@PROPERTY_SETTINGS
@given(
    pack_id=st.sampled_from(PACK_IDS),
    institution_type=st.sampled_from(INSTITUTION_TYPES),
    full_time=st.integers(min_value=0, max_value=60),
    part_time=st.integers(min_value=0, max_value=60),
    minimum=st.one_of(st.none(), fractions),
)
def test_share_check_agrees_with_exact_fractions(
    pack_id, institution_type, full_time, part_time, minimum
):
    """000 §三(七): the share check is full_time / total ≥ minimum in exact arithmetic."""
    pack = PACKS[pack_id]
    if minimum is not None:
        pack = with_value(pack, "teachers.min_full_time_share", minimum)
    stated = pack.value("teachers.min_full_time_share")
    decision = teacher_rules(pack, full_time, part_time, institution_type)
    total = full_time + part_time
    if institution_type not in pack.value("teachers.full_time_share_applies_to"):
        expected = True
    else:
        # integer cross-multiplication: full_time / total ≥ p / q  ⇔  full_time·q ≥ p·total
        expected = total > 0 and full_time * stated.denominator >= stated.numerator * total
    assert decision.check("teachers.full_time_share").passed is expected
    assert decision.granted is expected  # every part-time count here is 1


@PROPERTY_SETTINGS
@given(
    institution_type=st.sampled_from(INSTITUTION_TYPES),
    enrolled=st.integers(min_value=0, max_value=100_000),
    person_times=st.integers(min_value=0, max_value=100_000),
    ratio=st.one_of(st.none(), fractions),
)
def test_college_check_agrees_with_exact_fractions(institution_type, enrolled, person_times, ratio):
    """000 §二(二): person-times ≥ ratio × enrolled, exactly; no enrolment fails."""
    pack = PACKS["example-strict"]
    if ratio is not None:
        pack = with_value(pack, "colleges.min_training_ratio", ratio)
    stated = pack.value("colleges.min_training_ratio")
    decision = college(pack, enrolled, person_times, institution_type)
    if institution_type not in pack.value("colleges.college_types"):
        expected = True
    else:
        expected = enrolled > 0 and person_times * stated.denominator >= stated.numerator * enrolled
    assert decision.granted is expected
    if expected and enrolled and institution_type in pack.value("colleges.college_types"):
        assert (
            person_times
            >= decision.check("colleges.training_ratio").evidence["required_person_times"]
        )
