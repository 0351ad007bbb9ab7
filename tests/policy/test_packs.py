"""The shipped packs: their values against the seeds, selection, identity, description."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
from datetime import date
from decimal import Decimal

import pytest

from jineng.policy import schema
from jineng.policy.errors import AmbiguousPacks, RuleMissing
from jineng.policy.pack import gbt2260_ancestors, load_pack, load_packs, select_pack

from .conftest import POLICIES, ROOT

SIX = {
    "poverty_monitoring",
    "graduate",
    "school_leaver",
    "rural_migrant",
    "registered_unemployed",
    "employment_difficulty",
}


@pytest.fixture(scope="module")
def packs():
    return load_packs(POLICIES)


def test_policies_directory_holds_the_four_packs(packs):
    assert sorted(p.id for p in packs) == [
        "chongqing-2022",
        "example-strict",
        "hebei-2024",
        "henan-shangqiu-2022",
    ]
    assert all(p.version >= 1 for p in packs)


def test_hebei_pack_header(hebei):
    """004: Hebei 2024, region 130000, the calendar year 2024."""
    assert (hebei.region, hebei.effective_from, hebei.effective_to) == (
        "130000",
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
    # 000: [teachers], [colleges]; the national standards: [entry_levels] (assumed)
    assert [s.ref for s in hebei.sources] == ["004", "000", "国家职业技能标准"]
    assert not hebei.example


def test_shangqiu_pack_header(shangqiu):
    """002: Shangqiu, region 411400, in effect from 2022-04-15 (生效日期)."""
    assert shangqiu.region == "411400"
    assert shangqiu.effective_from == date(2022, 4, 15)
    assert shangqiu.sources[0].ref == "002" and shangqiu.sources[0].seed


def test_six_categories_004_section_2(hebei):
    """004 §二: the six categories (六类人员)."""
    assert set(hebei.value("categories.six")) == SIX
    assert hebei.rule("categories.six").cite == "004 §二"
    # 004 §二: ... 以及符合条件的企业职工 are trained too.
    assert hebei.categories("training.eligible") == SIX | {"enterprise_employee"}


def test_training_rates_004_section_4_5(hebei):
    """004 §四(五): 100% employed within 3 months, 80% certified, 50% completion only."""
    assert hebei.value("training.rates.employed") == Decimal("1")
    assert hebei.value("training.rates.certificate") == Decimal("0.8")
    assert hebei.value("training.rates.completion_only") == Decimal("0.5")
    assert hebei.value("training.rates.employment_window_months") == 3
    assert hebei.value("training.rates.completion_counts_for_new_occupation") is True
    assert "training_completion" not in hebei.value("training.rates.certificate_kinds")
    assert hebei.categories("training.rates.categories") == SIX


def test_training_limits_004_section_4_5(hebei):
    """004 §四(五): 每人累计最多享受3次，同一职业(工种)同一等级不可重复享受."""
    limit = hebei.limit("training")
    assert (limit.count, limit.window, limit.unique_by) == (3, "lifetime", "occupation_level")
    assert limit.counted_types == {"training"}
    assert limit.higher_level_blocks_lower is False


def test_evaluation_rules_004_section_4_5(hebei):
    """004 §四(五): six categories, first evaluation, no 培训合格证, 3 times, occupation once,
    paid to the evaluation organisation; 004 states no amounts, so none are in the pack."""
    assert hebei.categories("evaluation.eligible") == SIX
    assert hebei.value("evaluation.first_evaluation_only") is True
    assert "training_completion" not in hebei.value("evaluation.certificate_kinds")
    assert hebei.value("evaluation.payee") == "evaluation_org"
    limit = hebei.limit("evaluation")
    assert (limit.count, limit.window, limit.unique_by) == (3, "lifetime", "occupation")
    assert not hebei.has_section("evaluation.amounts")


def test_procedure_004_sections_4_4_and_4_5(hebei):
    """004 §四(四): evaluation within 7 days; 004 §四(五): 3 working days of public notice."""
    assert hebei.value("procedure.evaluation_deadline_days") == 7
    assert hebei.rule("procedure.evaluation_deadline_days").cite == "004 §四(四)"
    assert hebei.value("procedure.notice_working_days") == 3
    assert hebei.rule("procedure.notice_working_days").cite == "004 §四(五)"


def test_values_004_does_not_state_are_absent(hebei):
    """004 states no voucher validity, attendance threshold, evaluation amounts or employment
    subsidies: they are absent, never invented."""
    for key in ("procedure.voucher_validity_days", "procedure.attendance_min_ratio"):
        assert hebei.rule(key) is None
        with pytest.raises(RuleMissing, match=key):
            hebei.require(key)
    assert not hebei.has_section("employment.sme")
    assert not hebei.has_section("employment.agency")


def test_training_eligibility_002_sections_3_and_4(shangqiu):
    """002 §三(二) 农村转移就业劳动者、初高中毕业生、高校毕业生、下岗失业人员、退役军人、残疾人;
    §三(四) 已脱贫劳动力; §三(五) 灵活就业人员; §四(一)1 企业职工; §四(一)3 防返贫监测对象."""
    assert shangqiu.categories("training.eligible") == {
        "rural_migrant",
        "school_leaver",
        "graduate",
        "registered_unemployed",
        "veteran",
        "disabled",
        "lifted_from_poverty",
        "poverty_monitoring",
        "enterprise_employee",
        "flexible",
    }
    assert shangqiu.rule("categories.six") is None  # 六类人员 is Hebei's term (004 §二)


def test_evaluation_amounts_002_section_4_2_1(shangqiu):
    """002 §四(二)1: 专项职业能力100, 初级工200, 中级工240, 高级工280, 技师350, 高级技师380 元."""
    amounts = {
        level: shangqiu.value(f"evaluation.amounts.{level}")
        for level in ("special", "5", "4", "3", "2", "1")
    }
    assert amounts == {
        "special": 100,
        "5": 200,
        "4": 240,
        "3": 280,
        "2": 350,
        "1": 380,
    }
    assert shangqiu.limit("evaluation").unique_by == "occupation_level"
    assert shangqiu.limit("evaluation").count is None  # 002 sets no count cap
    assert shangqiu.categories("evaluation.eligible") is None  # 符合条件的劳动者均可


def test_employment_subsidies_002_section_4_3_1(shangqiu):
    """002 §四(三)1: SME 1000 元/人, ≥ 1 year insured, at most 200万; agency 300 元, ≥ 6 months."""
    assert shangqiu.value("employment.sme.amount_per_person") == 1000
    assert shangqiu.value("employment.sme.min_insured_months") == 12
    assert shangqiu.value("employment.sme.enterprise_cap") == 2_000_000
    assert shangqiu.value("employment.agency.amount_per_person") == 300
    assert shangqiu.value("employment.agency.min_insured_months") == 6
    assert shangqiu.value("employment.agency.within_province_only") is True


def test_shangqiu_marks_what_002_does_not_state(shangqiu):
    """002 states no training rates, no notice period, no training cap and no voucher validity:
    each is present but marked assumed, with a note."""
    for key in (
        "training.rates.employed",
        "training.rates.certificate",
        "training.rates.completion_only",
        "procedure.notice_working_days",
        "limits.training.count",
        "limits.training.window",
        "procedure.voucher_validity_days",
    ):
        rule = shangqiu.rule(key)
        assert rule.assumed and rule.note
    assert shangqiu.rule("evaluation.amounts.3").assumed is False


@pytest.mark.parametrize(
    "pack_id", ["hebei-2024", "henan-shangqiu-2022", "example-strict", "chongqing-2022"]
)
def test_every_value_cites_a_seed_or_is_marked_assumed(packs, pack_id):
    pack = next(p for p in packs if p.id == pack_id)
    seeds = {s.ref for s in pack.sources if s.seed}
    for rule in pack.rules:
        cited_seeds = {part.strip().split(" ")[0] for part in (rule.cite or "").split(";")} & seeds
        assert cited_seeds or (rule.assumed and rule.note), rule.key


def test_content_hash_is_sha256_of_the_file(hebei):
    assert (
        hebei.content_hash
        == hashlib.sha256((POLICIES / "hebei-2024.toml").read_bytes()).hexdigest()
    )


def test_changed_file_under_unchanged_version_changes_the_hash(tmp_path, hebei):
    copy = tmp_path / "hebei-2024.toml"
    shutil.copy(POLICIES / "hebei-2024.toml", copy)
    assert load_pack(copy) == hebei  # same bytes: equal (the path is not part of equality)
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = load_pack(copy)
    assert edited.version == hebei.version
    assert edited.content_hash != hebei.content_hash
    assert edited != hebei


def test_packs_are_frozen_hashable_and_sortable(packs, hebei):
    with pytest.raises(dataclasses.FrozenInstanceError):
        hebei.version = 2
    assert len({*packs, *packs}) == 4
    assert hebei in set(packs)
    # Sorted by region, then period: 130000, 410000, 411400, 500000.
    assert [p.id for p in sorted(packs)] == [
        "hebei-2024",
        "example-strict",
        "henan-shangqiu-2022",
        "chongqing-2022",
    ]


def test_gbt2260_ancestors():
    assert gbt2260_ancestors("411402") == ["411402", "411400", "410000"]
    assert gbt2260_ancestors("411400") == ["411400", "410000"]
    assert gbt2260_ancestors("410000") == ["410000"]


@pytest.mark.parametrize(
    ("region", "on_date", "examples", "expected"),
    [
        ("411402", date(2023, 5, 1), False, "henan-shangqiu-2022"),  # a county below the city
        ("411400", date(2022, 4, 15), False, "henan-shangqiu-2022"),  # first day in effect
        ("411400", date(2022, 4, 14), False, None),  # the day before
        ("130102", date(2024, 5, 1), False, "hebei-2024"),
        ("130102", date(2025, 1, 1), False, None),  # Hebei 2024 has ended
        ("410100", date(2024, 5, 1), False, None),  # the example is left out by default
        ("410100", date(2024, 5, 1), True, "example-strict"),
        ("411402", date(2024, 5, 1), True, "henan-shangqiu-2022"),  # the city beats the province
        ("411402", date(2036, 1, 1), True, None),  # Shangqiu's (to 2035) and the province's ended
        ("500103", date(2022, 6, 1), False, "chongqing-2022"),  # 渝中区, a district of Chongqing
        ("500243", date(2022, 1, 1), False, "chongqing-2022"),  # 彭水县, the first day
        ("500243", date(2023, 1, 1), False, None),  # 003 is the 2022 work plan
    ],
)
def test_select_pack_most_specific_region_in_effect(packs, region, on_date, examples, expected):
    chosen = select_pack(
        packs, region, on_date, gbt2260_ancestors(region), include_examples=examples
    )
    assert (chosen.id if chosen else None) == expected


def test_select_pack_refuses_to_choose_between_overlapping_packs(hebei):
    twin = dataclasses.replace(hebei, id="hebei-2024-twin")
    with pytest.raises(AmbiguousPacks, match="hebei-2024"):
        select_pack([hebei, twin], "130100", date(2024, 5, 1), ["130100", "130000"])


def test_describe_rows_show_rules_in_zh_with_cites(hebei):
    rows = {row.key: row for row in hebei.describe()}
    employed = rows["training.rates.employed"]
    assert (employed.value, employed.cite, employed.assumed) == ("100%", "004 §四(五)", False)
    assert employed.label_zh == "已实现就业的补贴比例" and employed.label_en
    assert employed.section == "training.rates" and employed.section_zh
    assert rows["procedure.notice_working_days"].unit == "个工作日"
    assert rows["categories.six"].value.startswith("防止返贫监测对象")
    assert rows["training.rates.training_types"].assumed  # an interpretation, flagged
    unstated = rows["evaluation.amounts"]
    assert not unstated.stated and "未规定" in unstated.value
    assert not rows["procedure.voucher_validity_days"].stated
    assert set(employed.as_dict()) >= {
        "section",
        "key",
        "value",
        "unit",
        "cite",
        "assumed",
        "label_zh",
        "label_en",
    }


def test_describe_shangqiu_amounts_and_assumptions(shangqiu):
    rows = {row.key: row for row in shangqiu.describe()}
    assert rows["evaluation.amounts.3"].value == "280"
    assert rows["evaluation.amounts.3"].unit == "元"
    assert rows["employment.sme.enterprise_cap"].value == "2,000,000"
    assert rows["limits.evaluation.count"].value == "不限"
    assert rows["limits.training.count"].assumed
    assert "not in 002" in rows["limits.training.count"].note.lower()


def test_docs_describe_every_key_and_pack():
    """docs/policy-packs.md documents every key of the schema and the shipped packs."""
    text = (ROOT / "docs" / "policy-packs.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9.]+)`", text))
    section_keys = {f"{s.path}.{f.name}" for s in schema.SECTIONS for f in s.fields}
    missing = []
    for key in section_keys:
        section, name = key.rsplit(".", 1)
        if "amounts" in section:
            continue  # the level codes are documented as a list
        if key not in documented and name not in documented:
            missing.append(key)
    top = set(schema.TOP_LEVEL_REQUIRED) | set(schema.TOP_LEVEL_OPTIONAL)
    top |= set(schema.SOURCE_REQUIRED) | set(schema.SOURCE_OPTIONAL) | schema.RULE_KEYS
    missing += sorted(name for name in top if name not in documented)
    assert not missing, f"undocumented keys: {missing}"
    for pack_id in ("hebei-2024", "henan-shangqiu-2022", "example-strict", "chongqing-2022"):
        assert pack_id in text


CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}")  # three English words in a row
SEED_CITE = re.compile(r"\b00\d §[一二三四五六七八九十]+(?:\([一二三四五六七八九十]+\))?\d*")


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.toml")), ids=lambda path: path.stem)
def test_every_note_has_a_chinese_note_keeping_its_seed_cites(path):
    """Chinese pages show only note_zh (never the English note): every rule with a note has a
    note_zh in Chinese, with no English sentence left in it, naming the same seed sections."""
    noted = [rule for rule in load_pack(path).rules if rule.note]
    assert noted  # every shipped pack explains some of its values
    for rule in noted:
        note_zh = (rule.note_zh or "").strip()
        assert CJK.search(note_zh), rule.key
        assert not ENGLISH_PHRASE.search(note_zh), (rule.key, note_zh)
        assert set(SEED_CITE.findall(rule.note)) <= set(SEED_CITE.findall(note_zh)), rule.key


MATRIX_PACKS = ("hebei-2024", "henan-shangqiu-2022", "chongqing-2022", "example-strict")


def assumed_matrix(packs) -> str:
    """The docs' table of sections by pack: stated, assumed, partly assumed (which keys), or —."""
    by_id = {pack.id: pack for pack in packs}
    lines = [
        "| section | " + " | ".join(f"`{pack_id}`" for pack_id in MATRIX_PACKS) + " |",
        "| --- |" + " --- |" * len(MATRIX_PACKS),
    ]
    for section in schema.SECTIONS:
        cells = []
        for pack_id in MATRIX_PACKS:
            rules = [
                rule for rule in by_id[pack_id].rules if rule.key.rsplit(".", 1)[0] == section.path
            ]
            assumed = [rule.key.rsplit(".", 1)[1] for rule in rules if rule.assumed]
            if not rules:
                cells.append("—")
            elif len(assumed) == len(rules):
                cells.append("assumed")
            elif assumed:
                cells.append(f"partly assumed ({', '.join(assumed)})")
            else:
                cells.append("stated")
        lines.append(f"| `{section.path}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_docs_table_of_assumed_sections_matches_the_packs(packs):
    """docs/policy-packs.md says, section by section, which pack states, assumes or leaves out
    its values (003, 004, 002 and the example): the table is the files' own."""
    text = (ROOT / "docs" / "policy-packs.md").read_text(encoding="utf-8")
    start = text.index("<!-- assumed-matrix:start -->\n") + len("<!-- assumed-matrix:start -->\n")
    table = text[start : text.index("\n<!-- assumed-matrix:end -->")]
    expected = assumed_matrix(packs)
    assert table == expected, f"replace the table in docs/policy-packs.md with:\n{expected}"
