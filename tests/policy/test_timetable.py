"""The year's timetable (004 §四; the performance report 004 §五(五)): the [timetable] section of
the packs, its month-day values, and the checks that warn about what is late."""

from __future__ import annotations

from datetime import date

import pytest

from jineng.policy import (
    check_list_published,
    check_payment_date,
    check_training_end,
    due_on,
    payment_window,
)
from jineng.policy.errors import PackError, RuleMissing
from jineng.policy.pack import load_pack
from jineng.policy.schema import MonthDay

from .test_pack_errors import VALID, write

# key -> (value, the sub-section of 004 that states it)
SEED_DATES = {
    "timetable.plan_by": ("04-30", "004 §四(一)"),  # 各市4月底前将培训工作方案…报省
    "timetable.institutions_published_by": ("05-15", "004 §四(二)"),  # 5月15日前…向社会公布
    "timetable.evaluation_orgs_published_by": ("05-25", "004 §四(四)"),  # 5月25日前向社会公布
    "timetable.training_ends_by": ("08-31", "004 §四(三)"),  # 确保8月底前完成培训任务
    "timetable.payment_from": ("04-01", "004 §四(五)"),  # 做好资金支付(4月至10月)
    "timetable.payment_to": ("10-31", "004 §四(五)"),
    "timetable.performance_report_by": ("10-25", "004 §五(五)"),  # 10月25日前将绩效评估情况报省
}


def test_hebei_states_the_timetable_of_004_section_4(hebei):
    """004 §四: plan by 30 April (§四(一)), institutions published by 15 May (§四(二)),
    evaluation organisations by 25 May (§四(四)), training finished by 31 August (§四(三)),
    payment April to October (§四(五)); performance report by 25 October, 004 §五(五)."""
    assert hebei.version >= 5
    for key, (value, cite) in SEED_DATES.items():
        rule = hebei.require(key)
        assert (str(rule.value), rule.cite, rule.assumed) == (value, cite, False), key
    assert due_on(hebei, "timetable.training_ends_by", 2024) == date(2024, 8, 31)
    assert payment_window(hebei, 2024) == (date(2024, 4, 1), date(2024, 10, 31))


def test_shangqiu_borrows_the_timetable_of_004_section_4_as_assumed(shangqiu):
    """002 sets no yearly dates: Shangqiu's timetable is Hebei's (004 §四, §五(五)), every date
    marked assumed with a note saying so in English and in Chinese."""
    for key, (value, cite) in SEED_DATES.items():
        rule = shangqiu.require(key)
        assert (str(rule.value), rule.cite, rule.assumed) == (value, cite, True), key
        assert rule.note.startswith(f"assumed from {cite}")
        assert rule.note_zh.startswith(f"假定值，取自 {cite}")
    rows = [row for row in shangqiu.assumed_rows() if row.section == "timetable"]
    assert len(rows) == len(SEED_DATES)


def test_the_example_pack_states_004_section_4_as_cited(strict):
    """The example pack keeps the seed's dates as 004 §四 states them, cited, not assumed."""
    for key, (value, cite) in SEED_DATES.items():
        rule = strict.require(key)
        assert (str(rule.value), rule.cite, rule.assumed) == (value, cite, False), key


def test_month_days_are_shown_in_both_languages(hebei):
    rows = {row.key: row for row in hebei.describe()}
    row = rows["timetable.institutions_published_by"]
    assert (row.value, row.value_en, row.cite) == ("5月15日", "15 May", "004 §四(二)")
    assert rows["timetable.plan_by"].section_zh == "年度工作时间表"


def test_a_class_ending_after_31_august_is_late_004_section_4_3(hebei):
    """004 §四(三) 确保8月底前完成培训任务: ending on 31 August passes, 1 September does not; a
    class starting in the year and running into the next is measured against its first year."""
    assert check_training_end(hebei, date(2024, 7, 1), date(2024, 8, 31)).passed
    late = check_training_end(hebei, date(2024, 7, 1), date(2024, 9, 1))
    assert not late.passed
    assert late.code == "timetable.training_end"
    assert late.message_zh == (
        "计划于2024-09-01结束，晚于2024年完成培训任务的截止日期2024-08-31（依据 004 §四(三)）"
    )
    assert "after the deadline for 2024's training, 2024-08-31" in late.message_en
    assert late.evidence["cite"] == "004 §四(三)"


def test_lists_published_late_004_sections_4_2_and_4_4(hebei):
    """004 §四(二) institutions by 15 May, §四(四) evaluation organisations by 25 May: a list of
    the year published later is late, even when published in the next year."""
    assert check_list_published(hebei, "institutions", 2024, date(2024, 5, 15)).passed
    late = check_list_published(hebei, "institutions", 2024, date(2024, 5, 20))
    assert not late.passed
    assert late.message_zh == (
        "2024年承担培训任务的机构于2024-05-20向社会公布，晚于规定的2024-05-15（依据 004 §四(二)）"
    )
    assert check_list_published(hebei, "evaluation_orgs", 2024, date(2024, 5, 25)).passed
    late = check_list_published(hebei, "evaluation_orgs", 2024, date(2024, 5, 26))
    assert not late.passed and late.code == "timetable.evaluation_orgs_published"
    assert "（依据 004 §四(四)）" in late.message_zh


def test_payment_outside_april_to_october_004_section_4_5(hebei):
    """004 §四(五) 做好资金支付(4月至10月): 1 April and 31 October are inside, 31 March and
    1 November outside."""
    assert check_payment_date(hebei, date(2024, 4, 1)).passed
    assert check_payment_date(hebei, date(2024, 10, 31)).passed
    for day in (date(2024, 3, 31), date(2024, 11, 1)):
        outside = check_payment_date(hebei, day)
        assert not outside.passed
        window = "不在资金支付期（2024-04-01至2024-10-31）内（依据 004 §四(五)）"
        assert window in outside.message_zh


def test_an_assumed_date_says_so_in_the_warning(shangqiu):
    """Shangqiu's dates are assumed from 004 §四: the warning reads 假定值 and carries the note."""
    late = check_training_end(shangqiu, date(2026, 6, 1), date(2026, 9, 10))
    assert "（依据 004 §四(三)，假定值）" in late.message_zh
    assert late.evidence["assumed"] is True and "assumed from 004 §四(三)" in late.evidence["note"]


def test_a_pack_without_a_timetable_states_no_date(tmp_path):
    """A pack without [timetable]: the date is missing, never guessed (004 §四 is a Hebei
    notice), and the platform warns about nothing."""
    pack = load_pack(write(tmp_path, VALID))
    assert not pack.has_section("timetable")
    for key in SEED_DATES:
        with pytest.raises(RuleMissing, match=key):
            due_on(pack, key, 2024)
    row = next(row for row in pack.describe() if row.section == "timetable")
    assert not row.stated and row.value == "本政策未规定（不提示年度时限）"


# --- loading: 004 §四 dates as "MM-DD" -------------------------------------------------------

TIMETABLE = """
[timetable]
plan_by = { value = "04-30", cite = "004 §四(一)" }
payment_from = { value = "04-01", cite = "004 §四(五)" }
payment_to = { value = "10-31", cite = "004 §四(五)" }
"""


def test_a_timetable_loads_as_month_days(tmp_path):
    """004 §四: month-day values load as MonthDay, the same date in every year."""
    pack = load_pack(write(tmp_path, VALID + TIMETABLE))
    assert pack.value("timetable.plan_by") == MonthDay(4, 30)
    assert due_on(pack, "timetable.plan_by", 2025) == date(2025, 4, 30)
    assert pack.rule("timetable.training_ends_by") is None


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        ('"04-30"', "2024-04-30", "timetable.plan_by", "month and day in quotes"),
        ('"04-30"', '"4-30"', "timetable.plan_by", '"MM-DD"'),
        ('"04-30"', '"04/30"', "timetable.plan_by", '"MM-DD"'),
        ('"04-30"', '"13-01"', "timetable.plan_by", "no month 13"),
        ('"04-30"', '"04-31"', "timetable.plan_by", "month 4 has no day 31"),
        ('"04-30"', '"02-29"', "timetable.plan_by", "not a day of every year"),
        ('"10-31"', '"03-31"', "timetable.payment_to", "before payment_from"),
        (
            'payment_to = { value = "10-31", cite = "004 §四(五)" }\n',
            "",
            "timetable.payment_to",
            "both payment_from and payment_to",
        ),
        (
            'plan_by = { value = "04-30", cite = "004 §四(一)" }',
            'plan_by = { value = "04-30" }',
            "timetable.plan_by.cite",
            "needs a cite",
        ),
        (
            '"04-30", cite = "004 §四(一)"',
            '"04-30", cite = "004"',
            "timetable.plan_by.cite",
            "name the section",
        ),  # fmt: skip
    ],
)
def test_a_malformed_timetable_is_refused_004_section_4(tmp_path, old, new, key, reason):
    """004 §四 dates are month and day ("04-30"); anything else names the key and why."""
    assert old in TIMETABLE
    path = write(tmp_path, VALID + TIMETABLE.replace(old, new, 1))
    with pytest.raises(PackError) as raised:
        load_pack(path)
    assert raised.value.key == key
    assert reason in raised.value.reason


def test_an_empty_timetable_is_refused(tmp_path):
    path = write(tmp_path, VALID + "\n[timetable]\n")
    with pytest.raises(PackError, match="must state at least one of: .*plan_by") as raised:
        load_pack(path)
    assert raised.value.key == "timetable"


def test_an_unknown_timetable_key_is_refused(tmp_path):
    text = VALID + TIMETABLE + 'evaluations_by = { value = "08-31", cite = "004 §四(四)" }\n'
    with pytest.raises(PackError, match="unknown key") as raised:
        load_pack(write(tmp_path, text))
    assert raised.value.key == "timetable.evaluations_by"
