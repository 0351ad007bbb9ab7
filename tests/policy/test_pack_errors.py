"""Malformed and self-contradictory packs: one case per kind of error.

Each error must name the file, the key (dotted path) and the reason, in English, both as
attributes of PackError and in its message.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from jineng.policy.errors import PackError
from jineng.policy.pack import load_pack, load_packs

# A small valid pack; each case below changes one thing in it.
VALID = """\
id = "test-pack"
version = 1
title = "测试政策"
region = "130000"
effective_from = 2024-01-01
effective_to = 2024-12-31

[[sources]]
ref = "004"
seed = true
title = "河北省2024年职业技能培训工作通知"

[[sources]]
ref = "outside"
seed = false
title = "a document that is not a seed"

[[sources]]
ref = "000"
seed = true
title = "XX市推动职业技能培训高质量发展工作方案"

[categories]
six = { value = ["graduate", "rural_migrant"], cite = "004 §二" }

[training]
eligible = { value = ["six"], cite = "004 §二" }

[training.rates]
categories = { value = ["six"], cite = "004 §四(五)" }
training_types = { value = ["employment_skills"], cite = "004 §四(五)" }
employment_window_months = { value = 3, cite = "004 §四(五)" }
employed = { value = 1.0, cite = "004 §四(五)" }
certificate = { value = 0.8, cite = "004 §四(五)" }
completion_only = { value = 0.5, cite = "004 §四(五)" }
certificate_kinds = { value = ["skill_level"], cite = "004 §四(五)" }
completion_counts_for_new_occupation = { value = true, cite = "004 §四(五)" }

[evaluation]
eligible = { value = ["six"], cite = "004 §四(五)" }
first_evaluation_only = { value = true, cite = "004 §四(五)" }
certificate_kinds = { value = ["skill_level", "special_ability"], cite = "004 §四(五)" }
payee = { value = "evaluation_org", cite = "004 §四(五)" }

[evaluation.amounts]
"3" = { value = 280, cite = "004 §四(五)" }

[limits.training]
count = { value = 3, cite = "004 §四(五)" }
window = { value = "lifetime", cite = "004 §四(五)" }
shared_with = { value = [], cite = "004 §四(五)" }
unique_by = { value = "occupation_level", cite = "004 §四(五)" }
higher_level_blocks_lower = { value = false, cite = "004 §四(五)" }

[limits.evaluation]
count = { value = 3, cite = "004 §四(五)" }
window = { value = "lifetime", cite = "004 §四(五)" }
shared_with = { value = [], cite = "004 §四(五)" }
unique_by = { value = "occupation", cite = "004 §四(五)" }
higher_level_blocks_lower = { value = false, cite = "004 §四(五)" }

[employment.sme]
amount_per_person = { value = 1000, cite = "004 §四(五)" }
min_insured_months = { value = 12, cite = "004 §四(五)" }
enterprise_cap = { value = 2000000, cite = "004 §四(五)" }
certificate_required = { value = true, cite = "004 §四(五)" }
size_classes = { value = ["small", "medium", "micro"], cite = "004 §四(五)" }
hired_in_claim_year = { value = true, cite = "004 §四(五)" }

[procedure]
notice_working_days = { value = 3, cite = "004 §四(五)" }

[teachers]
min_full_time_share = { value = "1/3", cite = "000 §三(七)" }
full_time_share_applies_to = { value = ["private_school"], cite = "000 §三(七)" }
part_time_max_institutions = { value = 3, cite = "000 §三(七)" }
part_time_window = { value = "calendar_year", cite = "000 §三(七)" }

[colleges]
min_training_ratio = { value = 0.5, cite = "000 §二(二)" }
college_types = { value = ["vocational_college", "technical_school"], cite = "000 §二(二)" }
"""


SOURCES_BLOCK = VALID[VALID.index("[[sources]]") : VALID.index("[categories]")]


def write(tmp_path, text: str, name: str = "test-pack"):
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def changed(old: str, new: str) -> str:
    assert old in VALID, f"the test's anchor {old!r} is not in the valid pack"
    return VALID.replace(old, new, 1)


def test_the_valid_pack_loads(tmp_path):
    """The base of every case below is itself valid, so each case fails for its own reason."""
    pack = load_pack(write(tmp_path, VALID))
    assert pack.id == "test-pack"
    assert pack.value("training.rates.employed") == 1
    assert pack.value("teachers.min_full_time_share") == Fraction(1, 3)


# (case id, text of the pack, expected key, words expected in the reason)
CASES = [
    ("toml-syntax", VALID + "\nbroken = [1, 2\n", "", "not valid TOML"),
    ("missing-required", changed("version = 1\n", ""), "version", "required key is missing"),
    ("wrong-type-int", changed("version = 1", 'version = "1"'), "version", "whole number"),
    (
        "wrong-type-date",
        changed("effective_from = 2024-01-01", 'effective_from = "2024-01-01"'),
        "effective_from",
        "a date",
    ),
    (
        "wrong-type-region",
        changed('region = "130000"', "region = 130000"),
        "region",
        "text in quotes",
    ),
    ("bad-region", changed('region = "130000"', 'region = "13"'), "region", "six-digit"),
    ("id-not-file-name", changed('id = "test-pack"', 'id = "other"'), "id", "file name"),
    (
        "unknown-top-level",
        VALID.replace("version = 1", "version = 1\ncolour = 1"),
        "colour",
        "unknown key",
    ),
    (
        "unknown-key-in-section",
        changed(
            "[training.rates]\n", '[training.rates]\nbonus = { value = 1, cite = "004 §四(五)" }\n'
        ),
        "training.rates.bonus",
        "unknown key",
    ),
    (
        "unknown-key-in-rule",
        changed(
            'employed = { value = 1.0, cite = "004 §四(五)" }',
            'employed = { value = 1.0, cite = "004 §四(五)", source = "x" }',
        ),
        "training.rates.employed.source",
        "unknown key",
    ),
    (
        "value-without-cite-table",
        changed('employed = { value = 1.0, cite = "004 §四(五)" }', "employed = 1.0"),
        "training.rates.employed",
        "every rule value carries its cite",
    ),
    (
        "wrong-type-in-rule",
        changed(
            "employment_window_months = { value = 3,", 'employment_window_months = { value = "3",'
        ),
        "training.rates.employment_window_months",
        "whole number",
    ),
    (
        "rate-above-one",
        changed("employed = { value = 1.0,", "employed = { value = 1.2,"),
        "training.rates.employed",
        "from 0 to 1",
    ),
    (
        "rate-below-zero",
        changed("completion_only = { value = 0.5,", "completion_only = { value = -0.5,"),
        "training.rates.completion_only",
        "from 0 to 1",
    ),
    (
        "employed-rate-below-certificate-rate",
        changed("employed = { value = 1.0,", "employed = { value = 0.7,"),
        "training.rates.employed",
        "lower than the certificate rate",
    ),
    (
        "certificate-rate-below-completion-rate",
        changed("certificate = { value = 0.8,", "certificate = { value = 0.4,"),
        "training.rates.certificate",
        "lower than the completion-only rate",
    ),
    (
        "period-ends-before-it-starts",
        changed("effective_to = 2024-12-31", "effective_to = 2023-12-31"),
        "effective_to",
        "before effective_from",
    ),
    (
        "unknown-category",
        changed(
            'eligible = { value = ["six"], cite = "004 §二" }',
            'eligible = { value = ["six", "astronaut"], cite = "004 §二" }',
        ),
        "training.eligible",
        "unknown person category code 'astronaut'",
    ),
    (
        "unknown-level",
        changed('"3" = { value = 280,', '"6" = { value = 280,'),
        "evaluation.amounts.6",
        "unknown key",
    ),
    (
        "unknown-subsidy-type",
        VALID + '\n[limits.pension]\ncount = { value = 1, cite = "004 §四(五)" }\n',
        "limits.pension",
        "unknown key",
    ),
    (
        "unknown-training-type",
        changed('value = ["employment_skills"]', 'value = ["yoga"]'),
        "training.rates.training_types",
        "unknown training type code 'yoga'",
    ),
    (
        "cap-shared-with-unknown-type",
        changed(
            'shared_with = { value = [], cite = "004 §四(五)" }',
            'shared_with = { value = ["pension"], cite = "004 §四(五)" }',
        ),
        "limits.training.shared_with",
        "unknown subsidy type code 'pension'",
    ),
    (
        "cap-shared-one-way",
        changed(
            'shared_with = { value = [], cite = "004 §四(五)" }',
            'shared_with = { value = ["evaluation"], cite = "004 §四(五)" }',
        ),
        "limits.training.shared_with",
        "does not share it back",
    ),
    (
        "cap-shared-with-itself",
        changed(
            'shared_with = { value = [], cite = "004 §四(五)" }',
            'shared_with = { value = ["training"], cite = "004 §四(五)" }',
        ),
        "limits.training.shared_with",
        "its own type",
    ),
    (
        "missing-key-in-section",
        changed('payee = { value = "evaluation_org", cite = "004 §四(五)" }\n', ""),
        "evaluation.payee",
        "required key is missing",
    ),
    (
        "missing-limits-for-a-subsidy",
        changed(
            '[limits.evaluation]\ncount = { value = 3, cite = "004 §四(五)" }\n',
            "[limits.evaluation]\n",
        ),
        "limits.evaluation.count",
        "required key is missing",
    ),
    (
        "window-with-unlimited-count",
        changed(
            'count = { value = 3, cite = "004 §四(五)" }',
            'count = { value = "unlimited", cite = "004 §四(五)" }',
        ),
        "limits.training.window",
        "unlimited",
    ),
    (
        "completion-listed-as-certificate",
        changed(
            'certificate_kinds = { value = ["skill_level"]',
            'certificate_kinds = { value = ["skill_level", "training_completion"]',
        ),
        "training.rates.certificate_kinds",
        "must not list training_completion",
    ),
    (
        "six-used-but-not-stated",
        changed(
            '[categories]\nsix = { value = ["graduate", "rural_migrant"], cite = "004 §二" }\n', ""
        ),
        "training.eligible",
        "categories.six",
    ),
    (
        "rates-for-ineligible-category",
        changed(
            'categories = { value = ["six"], cite = "004 §四(五)" }',
            'categories = { value = ["veteran"], cite = "004 §四(五)" }',
        ),
        "training.rates.categories",
        "not eligible",
    ),
    (
        "sme-cap-below-one-person",
        changed("enterprise_cap = { value = 2000000,", "enterprise_cap = { value = 500,"),
        "employment.sme.enterprise_cap",
        "less than the amount for one person",
    ),
    (
        "money-with-three-decimals",
        changed("amount_per_person = { value = 1000,", "amount_per_person = { value = 1000.125,"),
        "employment.sme.amount_per_person",
        "decimal places",
    ),
    (
        "missing-cite",
        changed(
            'notice_working_days = { value = 3, cite = "004 §四(五)" }',
            "notice_working_days = { value = 3 }",
        ),
        "procedure.notice_working_days.cite",
        "needs a cite",
    ),
    (
        "cite-names-no-source",
        changed(
            'notice_working_days = { value = 3, cite = "004 §四(五)" }',
            'notice_working_days = { value = 3, cite = "009 §一" }',
        ),
        "procedure.notice_working_days.cite",
        "names no source",
    ),
    (
        "seed-cite-without-section",
        changed(
            'notice_working_days = { value = 3, cite = "004 §四(五)" }',
            'notice_working_days = { value = 3, cite = "004" }',
        ),
        "procedure.notice_working_days.cite",
        "name the section",
    ),
    (
        "assumed-without-note",
        changed(
            'notice_working_days = { value = 3, cite = "004 §四(五)" }',
            "notice_working_days = { value = 3, assumed = true }",
        ),
        "procedure.notice_working_days.note",
        "needs a note",
    ),
    (
        "outside-source-not-marked-assumed",
        changed(
            'notice_working_days = { value = 3, cite = "004 §四(五)" }',
            'notice_working_days = { value = 3, cite = "outside" }',
        ),
        "procedure.notice_working_days.cite",
        "assumed = true",
    ),
    (
        "section-not-a-table",
        VALID.replace("[procedure]\n", "")
        .replace('notice_working_days = { value = 3, cite = "004 §四(五)" }\n', "")
        .replace("version = 1\n", "version = 1\nprocedure = 3\n"),
        "procedure",
        "must be a table",
    ),
    # 000 §三(七) and 000 §二(二): the teacher and college rules.
    (
        "teacher-share-above-one",
        changed('min_full_time_share = { value = "1/3"', 'min_full_time_share = { value = "4/3"'),
        "teachers.min_full_time_share",
        "from 0 to 1",
    ),
    (
        "teacher-share-negative",
        changed('min_full_time_share = { value = "1/3"', "min_full_time_share = { value = -0.1"),
        "teachers.min_full_time_share",
        "from 0 to 1",
    ),
    (
        "teacher-share-as-a-percentage",
        changed('min_full_time_share = { value = "1/3"', "min_full_time_share = { value = 33"),
        "teachers.min_full_time_share",
        "from 0 to 1",
    ),
    (
        "teacher-share-rounded-decimal",
        changed('min_full_time_share = { value = "1/3"', "min_full_time_share = { value = 0.33333"),
        "teachers.min_full_time_share",
        "decimal places",
    ),
    (
        "teacher-share-zero-denominator",
        changed('min_full_time_share = { value = "1/3"', 'min_full_time_share = { value = "1/0"'),
        "teachers.min_full_time_share",
        "zero denominator",
    ),
    (
        "teacher-share-not-a-fraction",
        changed(
            'min_full_time_share = { value = "1/3"', 'min_full_time_share = { value = "one third"'
        ),
        "teachers.min_full_time_share",
        'a fraction such as "1/3"',
    ),
    (
        "teacher-share-true",
        changed('min_full_time_share = { value = "1/3"', "min_full_time_share = { value = true"),
        "teachers.min_full_time_share",
        "not bool",
    ),
    (
        "teacher-share-without-cite-table",
        changed(
            'min_full_time_share = { value = "1/3", cite = "000 §三(七)" }',
            'min_full_time_share = "1/3"',
        ),
        "teachers.min_full_time_share",
        "every rule value carries its cite",
    ),
    (
        "part-time-max-zero",
        changed(
            "part_time_max_institutions = { value = 3,", "part_time_max_institutions = { value = 0,"
        ),
        "teachers.part_time_max_institutions",
        "from 1 to 100, not 0",
    ),
    (
        "part-time-max-not-a-number",
        changed(
            "part_time_max_institutions = { value = 3,",
            'part_time_max_institutions = { value = "3",',
        ),
        "teachers.part_time_max_institutions",
        "whole number",
    ),
    (
        "part-time-window-unknown",
        changed('value = "calendar_year", cite = "000', 'value = "rolling_year", cite = "000'),
        "teachers.part_time_window",
        'one of "calendar_year"',
    ),
    (
        "teachers-key-missing",
        changed('part_time_window = { value = "calendar_year", cite = "000 §三(七)" }\n', ""),
        "teachers.part_time_window",
        "required key is missing",
    ),
    (
        "teachers-unknown-key",
        changed("[teachers]\n", '[teachers]\nmax_share = { value = 1, cite = "000 §三(七)" }\n'),
        "teachers.max_share",
        "unknown key",
    ),
    (
        "teacher-share-unknown-institution-type",
        changed('value = ["private_school"]', 'value = ["private_school", "charity"]'),
        "teachers.full_time_share_applies_to",
        "unknown institution type code 'charity'",
    ),
    (
        "teacher-share-type-twice",
        changed('value = ["private_school"]', 'value = ["private_school", "private_school"]'),
        "teachers.full_time_share_applies_to",
        "twice",
    ),
    (
        "teachers-cite-without-section",
        changed(
            'part_time_max_institutions = { value = 3, cite = "000 §三(七)" }',
            'part_time_max_institutions = { value = 3, cite = "000" }',
        ),
        "teachers.part_time_max_institutions.cite",
        "name the section",
    ),
    (
        "college-ratio-negative",
        changed("min_training_ratio = { value = 0.5,", "min_training_ratio = { value = -0.5,"),
        "colleges.min_training_ratio",
        "from 0 to 10",
    ),
    (
        "college-ratio-absurd",
        changed("min_training_ratio = { value = 0.5,", "min_training_ratio = { value = 50,"),
        "colleges.min_training_ratio",
        "from 0 to 10",
    ),
    (
        "college-unknown-institution-type",
        changed(
            '["vocational_college", "technical_school"]', '["vocational_college", "university"]'
        ),
        "colleges.college_types",
        "unknown institution type code 'university'",
    ),
    (
        "college-types-empty",
        changed('["vocational_college", "technical_school"]', "[]"),
        "colleges.college_types",
        "at least one institution type",
    ),
    (
        "college-ratio-missing-cite",
        changed(
            'min_training_ratio = { value = 0.5, cite = "000 §二(二)" }',
            "min_training_ratio = { value = 0.5 }",
        ),
        "colleges.min_training_ratio.cite",
        "needs a cite",
    ),
    (
        "no-sources",
        changed(SOURCES_BLOCK, "sources = []\n\n"),
        "sources",
        "at least one source",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "reason"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_pack_error_names_file_key_and_reason(tmp_path, text, key, reason):
    path = write(tmp_path, text)
    with pytest.raises(PackError) as raised:
        load_pack(path)
    error = raised.value
    assert error.file == str(path)
    assert error.key == key
    assert reason in error.reason
    assert str(path) in str(error) and reason in str(error)
    if key:
        assert key in str(error)


def test_not_utf8_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "test-pack.toml"
    path.write_bytes(VALID.encode("gb18030"))
    with pytest.raises(PackError) as raised:
        load_pack(path)
    assert raised.value.file == str(path)
    assert raised.value.key == ""
    assert "UTF-8" in raised.value.reason


def test_missing_file_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(PackError) as raised:
        load_pack(path)
    assert raised.value.file == str(path)
    assert "cannot be read" in raised.value.reason


def test_overlapping_periods_for_one_region_are_rejected(tmp_path):
    write(tmp_path, VALID, "test-pack")
    second = VALID.replace('id = "test-pack"', 'id = "test-pack-b"').replace(
        "effective_from = 2024-01-01", "effective_from = 2024-06-01"
    )
    path_b = write(tmp_path, second, "test-pack-b")
    with pytest.raises(PackError) as raised:
        load_packs(tmp_path)
    assert raised.value.file == str(path_b)
    assert raised.value.key == "effective_from"
    assert "overlaps" in raised.value.reason and "test-pack" in raised.value.reason
