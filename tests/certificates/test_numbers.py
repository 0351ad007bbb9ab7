"""Certificate numbers: the national format of 职业技能等级证书, the others' own, serials."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from jineng.certificates import numbers
from jineng.certificates.models import CertificateKind, NumberSequence


def test_a_national_number_is_taken_apart():
    parsed = numbers.parse("S0231 41 411001 26 4 000123")
    assert parsed.kind == CertificateKind.SKILL_LEVEL
    assert (parsed.org_type, parsed.register_code, parsed.province) == ("S", "0231", "41")
    assert (parsed.station_code, parsed.year, parsed.level_digit) == ("411001", 2026, "4")
    assert parsed.serial == 123 and parsed.number == "S023141411001264000123"
    assert len(parsed.number) == 22


def test_full_width_and_lower_case_are_folded():
    assert numbers.parse("ｙ０２３１４１４１１００２２６３０００００１").org_type == "Y"
    assert numbers.parse("zx202600000001").kind == CertificateKind.SPECIAL_ABILITY
    assert numbers.parse("PX202600000007").kind == CertificateKind.TRAINING_COMPLETION
    assert numbers.parse("ZG202600000007").kind == CertificateKind.QUALIFICATION


NOT_OURS = "不是本平台的证书编号"


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("", NOT_OURS),
        ("X023141411001264000123", NOT_OURS),  # neither Y nor S
        ("S02314141100126400012", NOT_OURS),  # 21 characters
        ("S023199411001264000123", "省份代码无效（“99”）"),  # 99 is no province
        ("S023141411001266000123", NOT_OURS),  # level digit 6
        ("S023141411001264000000", "流水号不能为 000000"),  # serial 0
        ("ZX20260000001", NOT_OURS),  # 7-digit serial
        ("AB202600000001", NOT_OURS),
        ("S023141411001264000123'; DROP TABLE x", NOT_OURS),
    ],
)
def test_malformed_numbers_are_refused(text, refusal):
    with pytest.raises(ValidationError, match=refusal):
        numbers.parse(text)
    assert not numbers.is_wellformed(text)


def test_the_prefix_follows_the_organisation_and_the_level(centre, station, db):
    from jineng.catalog.models import SkillLevel

    four = SkillLevel.objects.get(code="4")
    assert numbers.skill_level_prefix(centre, four, 2026) == "S02314141100126" + "4"
    three = SkillLevel.objects.get(code="3")
    assert numbers.skill_level_prefix(station, three, 2027) == "Y02324141100227" + "3"


def test_an_organisation_without_codes_cannot_number_skill_level_certificates(centre, db):
    from jineng.catalog.models import SkillLevel

    centre.station_code = ""
    with pytest.raises(ValidationError) as refused:
        numbers.skill_level_prefix(centre, SkillLevel.objects.get(code="4"), 2026)
    assert refused.value.message_dict["evaluation_org"] == [
        f"{centre} 尚无备案代码和站点代码：由人社部门登记后方可颁发职业技能等级证书。"
    ]


@pytest.mark.parametrize("code", ["special", "apprentice", "principal", "chief"])
def test_levels_without_a_digit_are_refused(centre, code, db):
    from jineng.catalog.models import SkillLevel

    level = SkillLevel.objects.get(code=code)
    with pytest.raises(ValidationError, match="仅颁发五级至一级") as refused:
        numbers.skill_level_prefix(centre, level, 2026)
    assert "level" in refused.value.message_dict


def test_serials_count_per_prefix_and_never_repeat(centre, db):
    from jineng.catalog.models import SkillLevel

    four, five = SkillLevel.objects.get(code="4"), SkillLevel.objects.get(code="5")
    day = date(2031, 3, 1)  # a year no demo certificate uses
    with transaction.atomic():
        first = [
            numbers.allocate(CertificateKind.SKILL_LEVEL, evaluation_org=centre, level=four,
                             issued_on=day)
            for _ in range(3)
        ]  # fmt: skip
        other_level = numbers.allocate(
            CertificateKind.SKILL_LEVEL, evaluation_org=centre, level=five, issued_on=day
        )
        own = [numbers.allocate(CertificateKind.SPECIAL_ABILITY, issued_on=day) for _ in range(2)]
    assert [n[-6:] for n in first] == ["000001", "000002", "000003"]
    assert other_level == "S023141411001315000001"
    assert own == ["ZX203100000001", "ZX203100000002"]
    assert all(numbers.is_wellformed(n) for n in [*first, other_level, *own])
    assert NumberSequence.objects.get(prefix="S02314141100131" + "4").last == 3
