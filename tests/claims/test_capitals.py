"""Amounts in Chinese capitals by the People's Bank rules for 票据 (《支付结算办法》附件一
《正确填写票据和结算凭证的基本规定》), as the payment export writes them (issue 8: 1280.50 →
壹仟贰佰捌拾元伍角, 20000 → 贰万元整)."""

from decimal import Decimal

import pytest

from jineng.claims.capitals import amount_in_capitals

# (amount, capitals, the rule or the case it shows)
CASES = [
    # The cases.
    ("1280.50", "壹仟贰佰捌拾元伍角", "issue: 角 and no 分, no 整 after 角 (规定 三)"),
    ("20000", "贰万元整", "issue: to 元, then 整 (规定 三)"),
    ("1005.07", "壹仟零伍元零柒分", "issue: zeros inside, 零 after 元 (规定 五(二), 五(四))"),
    ("0.50", "伍角", "issue: below one yuan, no 元"),
    ("100.00", "壹佰元整", "whole yuan written with cents"),
    # The rules' own examples.
    ("1409.50", "壹仟肆佰零玖元伍角", "规定 五(一): 中间有0, 写零"),
    ("6007.14", "陆仟零柒元壹角肆分", "规定 五(二): 连续几个0, 只写一个零"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分", "规定 五(三): 元位是0, 角位不是0, 可以不写零"),
    ("107000.53", "壹拾万柒仟元伍角叁分", "规定 五(三): 万位、元位是0, 可以不写零"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分", "规定 五(四): 角位是0, 分位不是0, 元后写零"),
    ("325.04", "叁佰贰拾伍元零肆分", "规定 五(四)"),
    # 分 without 角, 角 without 分, 分 alone.
    ("12.05", "壹拾贰元零伍分", "规定 五(四)"),
    ("12.50", "壹拾贰元伍角", "规定 三: 角之后可以不写整"),
    ("12.55", "壹拾贰元伍角伍分", "规定 三: 分后面不写整"),
    ("0.05", "伍分", "below one yuan: no 元, no 零"),
    ("0.01", "壹分", "the smallest amount"),
    ("0.99", "玖角玖分", ""),
    ("0", "零元整", "nothing to pay"),
    # 壹拾: 拾 always has its digit.
    ("10", "壹拾元整", "壹拾, never 拾"),
    ("10.50", "壹拾元伍角", ""),
    ("110", "壹佰壹拾元整", ""),
    ("100010", "壹拾万零壹拾元整", "壹拾 after a 零"),
    ("100000", "壹拾万元整", ""),
    # Zeros inside and across the groups of four digits.
    ("1000001.01", "壹佰万零壹元零壹分", "zeros across the 万 group are one 零"),
    ("1001", "壹仟零壹元整", ""),
    ("1010", "壹仟零壹拾元整", ""),
    ("1100", "壹仟壹佰元整", "trailing zeros are not read"),
    ("10000000", "壹仟万元整", ""),
    ("20000500", "贰仟万零伍佰元整", ""),
    ("100000000", "壹亿元整", ""),
    ("100010000", "壹亿零壹万元整", "an empty 万 group is one 零, no 万"),
    ("100100000", "壹亿零壹拾万元整", ""),
    ("100001000", "壹亿零壹仟元整", ""),
    ("105000300", "壹亿零伍佰万零叁佰元整", ""),
    ("1000000000", "壹拾亿元整", ""),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分", "the largest"),
]


@pytest.mark.parametrize(("amount", "capitals", "why"), CASES, ids=[c[0] for c in CASES])
def test_amount_in_capitals(amount, capitals, why):
    """《正确填写票据和结算凭证的基本规定》 三 and 五: the issue's cases and the rules' examples."""
    assert amount_in_capitals(Decimal(amount)) == capitals, why


def test_ints_strings_and_trailing_zeros_are_amounts_too():
    assert amount_in_capitals(20000) == "贰万元整"
    assert amount_in_capitals("1280.5") == "壹仟贰佰捌拾元伍角"
    assert amount_in_capitals(Decimal("1005.0700")) == "壹仟零伍元零柒分"
    assert amount_in_capitals(Decimal("-0.00")) == "零元整"


def test_only_the_characters_of_the_rules_are_used():
    """规定 二: 壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分零整 (never 一二三, 十百千, 两)."""
    allowed = set("壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分零整")
    for amount, _capitals, _why in CASES:
        assert set(amount_in_capitals(amount)) <= allowed


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-1"), "negative"),
        ("-0.01", "negative"),
        (Decimal("1.005"), "at most 2 decimals"),
        ("0.001", "at most 2 decimals"),
        (Decimal("NaN"), "finite"),
        (float("nan"), "finite"),
        (Decimal("Infinity"), "finite"),
        (Decimal("1000000000000"), "not supported"),
        ("1e12", "not supported"),
        ("一百", "not an amount"),
        ("", "not an amount"),
        (True, "must be a number"),
    ],
)
def test_refused_amounts(amount, message):
    with pytest.raises(ValueError, match=message):
        amount_in_capitals(amount)
