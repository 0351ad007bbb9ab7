"""Amounts in Chinese capitals (中文大写金额) as the People's Bank of China wants them on 票据 and
结算凭证 (《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》), for the payment export.

The rules it follows, quoted:

- 二: 中文大写金额数字应用正楷或行书填写, 如壹、贰、叁、肆、伍、陆、柒、捌、玖、拾、佰、仟、万、亿、
  元、角、分、零、整 (正) 等字样。
- 三: 中文大写金额数字到"元"为止的, 在"元"之后, 应写"整" (或"正") 字, 在"角"之后可以不写
  "整" (或"正") 字。大写金额数字有"分"的, "分"后面不写"整" (或"正") 字。
  → 20000 is 贰万元整; 1280.50 is 壹仟贰佰捌拾元伍角: after 角 we write no 整, the form the rule
  allows and the one most textbooks and the issue use (0.50 is 伍角).
- 五(一): 阿拉伯数字中间有"0"时, 中文大写金额要写"零"字 (￥1,409.50: 壹仟肆佰零玖元伍角).
- 五(二): 阿拉伯数字中间连续有几个"0"时, 中文大写金额中间可以只写一个"零"字
  (￥6,007.14: 陆仟零柒元壹角肆分).
- 五(三): 阿拉伯金额数字万位或元位是"0", 或者数字中间连续有几个"0", 万位、元位也是"0", 但千位、
  角位不是"0"时, 中文大写金额中可以只写一个零字, 也可以不写"零"字。
  → we write none there: a group's trailing zeros are not read (as in 1280.50 → 捌拾元伍角, and
  107,000.53 → 壹拾万柒仟元伍角叁分), while zeros before a digit inside or across groups are read
  once (1,000,001.01 → 壹佰万零壹元零壹分).
- 五(四): 阿拉伯金额数字角位是"0", 而分位不是"0"时, 中文大写金额"元"后面应写"零"字
  (￥16,409.02: 壹万陆仟肆佰零玖元零贰分; ￥325.04: 叁佰贰拾伍元零肆分).
- 10 is 壹拾元整, never 拾元整: the 壹 before 拾 keeps anyone from writing a digit in front.

Amounts below one yuan have no 元 (0.50 → 伍角, 0.05 → 伍分); zero is 零元整. Amounts from
one 万亿 (10^12) up are refused: no claim reaches them, and their writing (万亿 or 兆) is not
settled by these rules.
"""

from decimal import Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")  # inside a group of four digits
GROUPS = ("", "万", "亿")  # the groups of four digits, from the right
CENT = Decimal("0.01")
LIMIT = Decimal(10) ** (4 * len(GROUPS))  # 1 万亿


def _checked(amount) -> Decimal:
    """The amount as a Decimal of yuan with at most 2 decimals, or a ValueError saying why not."""
    if isinstance(amount, bool):
        raise ValueError(f"an amount must be a number, not {amount!r}")
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite():
        raise ValueError(f"an amount must be finite, not {amount!r}")
    if value < 0:
        raise ValueError(f"a negative amount has no capitals: {amount!r}")
    if value != value.quantize(CENT):
        raise ValueError(f"an amount has at most 2 decimals (fen): {amount!r}")
    if value >= LIMIT:
        raise ValueError(f"amounts from one 万亿 (10^12 yuan) up are not supported: {amount!r}")
    return value.quantize(CENT)


def _yuan(number: int) -> str:
    """The whole yuan: digits from the left; a run of zeros before a digit is one 零, a group's
    trailing zeros are not read, and a group's name (万, 亿) follows it unless it is all zeros."""
    text, zero_waiting = "", False
    digits = f"{number:0{4 * len(GROUPS)}d}"
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        if char == "0":
            zero_waiting = zero_waiting or bool(text)
        else:
            text += ("零" if zero_waiting else "") + DIGITS[int(char)] + PLACES[position % 4]
            zero_waiting = False
        if position % 4 == 0 and position and digits[index - 3 : index + 1].strip("0"):
            text, zero_waiting = text + GROUPS[position // 4], False
    return text


def _fraction(jiao: int, fen: int, after_yuan: bool) -> str:
    """角 and 分; 五(四): 零 after 元 when 角 is zero and 分 is not."""
    if not fen:
        return f"{DIGITS[jiao]}角" if jiao else ""
    if not jiao:
        return f"零{DIGITS[fen]}分" if after_yuan else f"{DIGITS[fen]}分"
    return f"{DIGITS[jiao]}角{DIGITS[fen]}分"


def amount_in_capitals(amount) -> str:
    """The amount (yuan: a Decimal, an int or a numeric string) in Chinese capitals.

    >>> amount_in_capitals(Decimal("1005.07"))
    '壹仟零伍元零柒分'
    """
    value = _checked(amount)
    number = int(value)
    cents = int((value - number) * 100)
    jiao, fen = divmod(cents, 10)
    if not cents:
        return f"{_yuan(number) or '零'}元整"
    yuan = f"{_yuan(number)}元" if number else ""
    return yuan + _fraction(jiao, fen, after_yuan=bool(number))
