"""Entry levels (申报等级), 002 §四(二)1: 中等职业学校毕业生可直接参加中级工评价，高等职业学校、
本科院校应用型专业毕业生可参加高级工评价 - and the national ladder everyone else climbs (五级/初级工
without a certificate, each level above needs the certificate of the level below), as the packs
state them.
"""

from __future__ import annotations

from datetime import date

import pytest

from jineng.policy import HeldCertificate, Schooling, check_entry_level, entry_level
from jineng.policy.errors import PackError, RuleMissing
from jineng.policy.pack import parse_pack

from .conftest import POLICIES

WELDER, ELECTRICIAN = "6-18-02-04", "6-31-01-03"
ON = date(2025, 6, 1)


def held(level, *, kind="skill_level", occupation=WELDER, issued=date(2024, 3, 1), number="C1"):
    return HeldCertificate(number, kind, occupation, level, issued)


def school(kind, graduated=date(2024, 6, 30)):
    return Schooling(kind, "商丘市第一中等职业学校", "焊接技术应用", graduated)


# --- the packs ----------------------------------------------------------------------------------


def test_shangqiu_states_002_section_4_2_1_graduates(shangqiu):
    """002 §四(二)1: 中等职业学校 → 中级工 (四级); 高等职业学校、本科院校应用型专业 → 高级工 (三级),
    cited plainly; 技工学校 and 技师学院 are readings (002 §四(二)3), marked assumed."""
    stated = {
        kind: shangqiu.rule(f"entry_levels.graduates.{kind}")
        for kind in ("secondary_vocational", "higher_vocational", "undergraduate_applied")
    }
    assert {kind: rule.value for kind, rule in stated.items()} == {
        "secondary_vocational": "4",
        "higher_vocational": "3",
        "undergraduate_applied": "3",
    }
    assert all(rule.cite == "002 §四(二)1" and not rule.assumed for rule in stated.values())
    for kind, level in (("technical_school", "4"), ("senior_technical_school", "3")):
        rule = shangqiu.rule(f"entry_levels.graduates.{kind}")
        assert (rule.value, rule.assumed) == (level, True)
        assert "002 §四(二)3" in rule.cite and "002 §四(二)3" in rule.note_zh
    assert shangqiu.rule("entry_levels.graduates.undergraduate") is None  # not named by 002


@pytest.mark.parametrize("pack_name", ["shangqiu", "hebei", "strict"])
def test_every_pack_states_the_national_ladder_as_assumed(pack_name, request):
    """002 §四(二)1 names only the graduates' exceptions: the ladder (五级 without a certificate,
    one level above the certificate held, 职业资格证书 or 职业技能等级证书) is the national
    standards', marked assumed with a note in both languages."""
    pack = request.getfixturevalue(pack_name)
    values = {
        "without_certificate": "5",
        "levels_above_certificate": 1,
        "certificate_kinds": ("qualification", "skill_level"),
    }
    for name, value in values.items():
        rule = pack.rule(f"entry_levels.{name}")
        assert rule.value == value
        assert rule.assumed and rule.cite == "国家职业技能标准" and rule.note and rule.note_zh


def test_hebei_states_no_graduates_exception(hebei):
    """004 names no graduates' exception: Hebei's graduates climb the ladder."""
    assert not hebei.has_section("entry_levels.graduates")
    rows = {row.key: row for row in hebei.describe()}
    assert not rows["entry_levels.graduates"].stated
    assert "一般申报等级" in rows["entry_levels.graduates"].value


def test_the_pack_page_rows_name_the_levels(shangqiu):
    rows = {row.key: row for row in shangqiu.describe()}
    assert rows["entry_levels.without_certificate"].value == "五级/初级工"
    assert rows["entry_levels.levels_above_certificate"].unit == "个等级"
    assert rows["entry_levels.graduates.secondary_vocational"].value == "四级/中级工"
    assert rows["entry_levels.graduates.secondary_vocational"].label_zh.startswith("中等职业学校")
    assert "entry_levels.graduates.undergraduate" not in rows  # only the stated kinds


# --- the rule -----------------------------------------------------------------------------------


def test_without_a_certificate_everyone_starts_at_level_5(shangqiu):
    entry = entry_level(shangqiu, WELDER, ON)
    assert (entry.level, entry.basis) == ("5", "start")
    assert check_entry_level(shangqiu, "5", WELDER, ON).passed
    refused = check_entry_level(shangqiu, "4", WELDER, ON)
    assert not refused.passed
    assert "最高可申报五级/初级工评价，不能申报四级/中级工" in refused.message_zh
    assert "may take at most the level 5 (junior) evaluation" in refused.message_en
    assert refused.evidence["assumed"] and refused.evidence["cite"] == "国家职业技能标准"


def test_each_level_needs_the_certificate_of_the_level_below(shangqiu):
    """The ladder: a 五级 certificate of the occupation lets one take 四级, not 三级; a
    certificate of another occupation, a revoked one (the caller leaves it out), a 专项职业能力
    or 培训合格 certificate, or one issued after the evaluation date does not count."""
    five = held("5", number="S5")
    assert entry_level(shangqiu, WELDER, ON, [five]).level == "4"
    assert check_entry_level(shangqiu, "4", WELDER, ON, [five]).passed
    three = check_entry_level(shangqiu, "3", WELDER, ON, [five])
    assert not three.passed and "S5" in three.message_zh and "S5" in three.message_en
    assert three.evidence["certificate"] == "S5" and three.evidence["basis"] == "certificate"
    ignored = [
        held("5", occupation=ELECTRICIAN),
        held(None, kind="special_ability"),
        held("5", kind="training_completion"),
        held("5", issued=date(2025, 6, 2)),
    ]
    assert entry_level(shangqiu, WELDER, ON, ignored).level == "5"
    assert entry_level(shangqiu, WELDER, ON, [held("5", kind="qualification")]).level == "4"
    # The highest certificate counts; the ladder ends at its top.
    assert entry_level(shangqiu, WELDER, ON, [five, held("3", number="S3")]).level == "2"
    assert entry_level(shangqiu, WELDER, ON, [held("chief")]).level == "chief"


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        ("secondary_vocational", "4"),
        ("technical_school", "4"),
        ("senior_technical_school", "3"),
        ("higher_vocational", "3"),
        ("undergraduate_applied", "3"),
        ("undergraduate", "5"),  # not named by 002: the ladder
    ],
)
def test_graduates_go_straight_to_their_level_002_section_4_2_1(shangqiu, kind, level):
    """002 §四(二)1: a 中职 graduate may take 中级工, a 高职 or 本科应用型 graduate 高级工, with no
    certificate; the message names the school, the major and the day of graduation."""
    entry = entry_level(shangqiu, WELDER, ON, schooling=[school(kind)])
    assert entry.level == level
    if level == "5":
        return
    passed = check_entry_level(shangqiu, level, WELDER, ON, schooling=[school(kind)])
    assert passed.passed and "商丘市第一中等职业学校" in passed.message_zh
    assert "焊接技术应用" in passed.message_zh and "2024-06-30" in passed.message_zh
    above = str(int(level) - 1)
    refused = check_entry_level(shangqiu, above, WELDER, ON, schooling=[school(kind)])
    assert not refused.passed and "002 §四(二)1" in refused.message_zh


def test_a_graduation_after_the_evaluation_date_does_not_count(shangqiu):
    later = school("secondary_vocational", graduated=date(2025, 7, 1))
    assert entry_level(shangqiu, WELDER, ON, schooling=[later]).level == "5"


def test_the_highest_basis_wins(shangqiu):
    """A 中职 graduate who also holds a 四级 certificate may take 三级 (the certificate); a 高职
    graduate with a 五级 certificate 三级 (the school)."""
    four = held("4", number="S4")
    both = entry_level(shangqiu, WELDER, ON, [four], [school("secondary_vocational")])
    assert (both.level, both.basis) == ("3", "certificate")
    college = entry_level(shangqiu, WELDER, ON, [held("5")], [school("higher_vocational")])
    assert (college.level, college.basis) == ("3", "graduate")


def test_hebei_graduates_climb_the_ladder(hebei):
    assert entry_level(hebei, WELDER, ON, schooling=[school("secondary_vocational")]).level == "5"


def test_special_ability_has_no_level_and_is_never_refused(shangqiu):
    check = check_entry_level(shangqiu, "special", WELDER, ON)
    assert check.passed and "不分等级" in check.message_zh


def test_a_pack_without_the_ladder_refuses_saying_so():
    """A pack that states no [entry_levels] refuses every skill level, never guesses."""
    text = (POLICIES / "henan-shangqiu-2022.toml").read_text(encoding="utf-8")
    start = text.index("\n[entry_levels]") + 1
    text = text[:start] + text[text.index("# ----", start) :]
    silent = parse_pack(text, "henan-shangqiu-2022.toml")
    refused = check_entry_level(silent, "5", WELDER, ON)
    assert not refused.passed and "未规定职业技能等级评价的申报等级" in refused.message_zh
    with pytest.raises(RuleMissing, match="entry_levels.without_certificate"):
        entry_level(silent, WELDER, ON)


# --- loading ------------------------------------------------------------------------------------


def pack_with(entry_levels: str) -> str:
    text = (POLICIES / "henan-shangqiu-2022.toml").read_text(encoding="utf-8")
    start = text.index("\n[entry_levels]") + 1
    return text[:start] + entry_levels + "\n" + text[text.index("# ----", start) :]


LADDER = """[entry_levels]
without_certificate = { value = "5", cite = "002 §四(二)1" }
levels_above_certificate = { value = 1, cite = "002 §四(二)1" }
certificate_kinds = { value = ["skill_level"], cite = "002 §四(二)1" }
"""


@pytest.mark.parametrize(
    ("section", "key", "reason"),
    [
        (LADDER.replace('"5"', '"special"'), "entry_levels.without_certificate", "must be one of"),
        (LADDER.replace("value = 1", "value = 0"), "entry_levels.levels_above_certificate",
         "from 1 to 3"),
        (LADDER.replace('["skill_level"]', '["special_ability"]'),
         "entry_levels.certificate_kinds", "with a level"),
        (LADDER + "[entry_levels.graduates]\n", "entry_levels.graduates", "at least one"),
        (LADDER + '[entry_levels.graduates]\nsecondary_vocational = { value = "5", cite = '
         '"002 §四(二)1" }\n', "entry_levels.graduates.secondary_vocational", "not above"),
        (LADDER + '[entry_levels.graduates]\nkindergarten = { value = "4", cite = '
         '"002 §四(二)1" }\n', "entry_levels.graduates.kindergarten", "unknown key"),
        (LADDER.replace('cite = "002 §四(二)1" }\nlevels', 'cite = "国家职业技能标准" }\nlevels'),
         "entry_levels.without_certificate.cite", "assumed"),
        ('[entry_levels.graduates]\nsecondary_vocational = { value = "4", cite = '
         '"002 §四(二)1" }\n', "entry_levels.without_certificate", "required key is missing"),
    ],
)  # fmt: skip
def test_a_malformed_entry_level_section_is_refused(section, key, reason):
    with pytest.raises(PackError) as refused:
        parse_pack(pack_with(section), "henan-shangqiu-2022.toml")
    assert refused.value.key == key and reason in refused.value.reason
