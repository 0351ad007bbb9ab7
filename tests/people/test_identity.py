"""jineng.people.identity: document numbers, phones and credit codes as people type them.

No database: the module is pure Python. Valid ID numbers are built here with the check character
computed by an independent implementation (stdnum.cn.ric), not by the module under test.
Rules: GB 11643-1999 (18 characters, MOD 11-2), GB 11643-1989 (15 digits), DOMAIN.md
"The closed loop" step 1 and "Reference codes" (abolished region 412301), GB 32100-2015 (USCC).
"""

import ast
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from jineng.people import identity
from jineng.people.identity import (
    CreditCodeError,
    Document,
    IdentityError,
    IdNumberError,
    PhoneError,
    check_against_typed,
    check_document,
    check_id_number,
    check_not_mangled,
    check_phone,
    check_uscc,
    mask_id,
    mask_phone,
    normalise,
    upgrade_15_to_18,
)

TODAY = date(2025, 6, 1)
# Shangqiu and its counties (DOMAIN.md "Reference codes"), a few others, and 412301
# 商丘地区商丘市, abolished in 1997 but still in valid ID numbers.
REGIONS = ["411400", "411402", "411403", "411421", "411481", "110101", "310104", "440305"]
ABOLISHED = "412301"


def with_check(body: str) -> str:
    """17 digits + the check character, computed by stdnum (GB 11643-1999 §7)."""
    assert len(body) == 17
    return body + ric.calc_check_digit(body + "0")


def make_id(region: str, birth: date, sequence: int) -> str:
    return with_check(f"{region}{birth:%Y%m%d}{sequence:03d}")


def wrong_check(number: str) -> str:
    """The same number with a different, wrong check character."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def check(text, region_exists=None):
    return check_id_number(text, today=TODAY, region_exists=region_exists)


def assert_private(error: IdentityError, *numbers: str) -> None:
    """Both messages exist, message(lang) picks them, and no message reveals a whole number."""
    assert error.message_zh and error.message_en
    assert error.message("zh") == error.message("zh-hans") == error.message_zh
    assert error.message("en") == error.message_en
    for message in (error.message_zh, error.message_en, str(error)):
        for number in numbers:
            assert number not in message
            assert number[:17] not in message
        # Only a check character, a birth date (8 digits) or a region code (6) may appear.
        assert not re.search(r"[0-9X]{9,}", message), message


VALID = make_id("411402", date(1990, 1, 1), 123)  # 41140219900101123 + check
X_NUMBER = next(
    number
    for sequence in range(1000)
    if (number := make_id("411402", date(1985, 7, 9), sequence)).endswith("X")
)


# --- normalise ----------------------------------------------------------------------------------


def test_normalise_full_width_and_whitespace():
    typed = "\u3000４１１４０２ １９９０\u00a0０１０１\u200b１２３\t" + VALID[-1] + "\n"
    assert normalise(typed) == VALID


def test_normalise_lowercase_x_only_at_the_end_of_a_mainland_number():
    assert normalise(X_NUMBER.lower()) == X_NUMBER
    assert normalise("ｘ".join([X_NUMBER[:17], ""])) == X_NUMBER  # full-width x
    # Nothing else is "fixed": letters elsewhere, passports, short numbers stay as typed.
    assert normalise("e1234567x") == "e1234567x"
    assert normalise("4114021990x") == "4114021990x"
    assert normalise("1-2") == "1-2"
    assert normalise(None) == ""


@given(st.text())
def test_normalise_is_idempotent_and_leaves_no_whitespace(text):
    once = normalise(text)
    assert normalise(once) == once
    assert not any(ch.isspace() for ch in once)


def test_normalise_refuses_non_text():
    with pytest.raises(TypeError):
        normalise(411402)


# --- valid mainland numbers ---------------------------------------------------------------------


def test_valid_number():
    result = check(VALID)
    assert result == identity.IdNumber(VALID, date(1990, 1, 1), "M", "411402")
    assert result.masked == "4114**********" + VALID[-4:]


@given(
    region=st.sampled_from(REGIONS),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 999),
)
def test_valid_numbers_property(region, birth, sequence):
    number = make_id(region, birth, sequence)
    seen = []
    result = check(number, region_exists=lambda code: seen.append(code) or True)
    assert result.number == number
    assert result.birth_date == birth
    assert result.sex == ("M" if sequence % 2 else "F")
    assert result.region_code == region
    assert seen == [region]
    assert check_document("id_card", number, today=TODAY).number == number


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 999),
    position=st.integers(0, 16),
    shift=st.integers(1, 9),
)
def test_any_single_digit_error_is_caught_without_echoing_the_number(
    birth, sequence, position, shift
):
    number = make_id("411402", birth, sequence)
    digit = (int(number[position]) + shift) % 10
    typo = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(IdNumberError) as caught:
        check(typo)
    assert caught.value.code == "check_character"
    assert_private(caught.value, number, typo)


def test_lowercase_x_accepted_and_stored_as_x():
    result = check(X_NUMBER[:17] + "x")
    assert result.number == X_NUMBER
    assert result.number.endswith("X")


def test_full_width_digits_and_spaces():
    typed = " ".join(VALID[i : i + 6] for i in range(0, 18, 6)).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert check("\u3000" + typed + "\u00a0").number == VALID


def test_female_number():
    assert check(make_id("411402", date(1990, 1, 1), 122)).sex == "F"


def test_abolished_region_accepted_when_the_table_has_it():
    """412301 商丘地区商丘市, abolished 1997 (DOMAIN.md "Reference codes")."""
    number = make_id(ABOLISHED, date(1968, 3, 15), 27)
    table = {*REGIONS, ABOLISHED}
    result = check(number, region_exists=table.__contains__)
    assert result.region_code == ABOLISHED
    with pytest.raises(IdNumberError) as caught:
        check(number, region_exists=set(REGIONS).__contains__)
    assert caught.value.code == "region"
    assert_private(caught.value, number)


def test_region_callback_none_still_checks_the_province():
    assert check(make_id("419999", date(1990, 1, 1), 1)).region_code == "419999"
    with pytest.raises(IdNumberError) as caught:
        check(make_id("001234", date(1990, 1, 1), 1))
    assert caught.value.code == "region"


def test_birth_date_today_and_1900_accepted():
    assert check(make_id("411402", TODAY, 1)).birth_date == TODAY
    assert check(make_id("411402", date(1900, 1, 1), 1)).birth_date == date(1900, 1, 1)


# --- every error code ---------------------------------------------------------------------------

FEB_30 = with_check("41140219900230123")
BEFORE_1900 = with_check("41140218991231123")
FUTURE = make_id("411402", TODAY + timedelta(days=1), 123)
HONG_KONG = make_id("810000", date(1990, 1, 1), 123)
FOREIGN_NEW = with_check("91184019900101011")

ERRORS = [
    ("", "empty"),
    (" \u3000 ", "empty"),
    (VALID[:17], "length"),
    (VALID + "1", "length"),
    ("4114021990010112", "length"),
    (VALID[:10] + "A" + VALID[11:], "characters"),
    (VALID[:10] + "-" + VALID[11:], "characters"),
    ("41140290010112X", "characters"),  # 15 digits have no check character
    ("911402900101123", "region"),  # 15 digits: first-generation, never a foreign card
    (wrong_check(VALID), "check_character"),
    (FEB_30, "birth_date"),
    (BEFORE_1900, "birth_date"),
    (FUTURE, "future_birth_date"),
    (HONG_KONG, "kind"),
    (FOREIGN_NEW, "kind"),
    ("4.11402E+17", "spreadsheet_number"),
]


@pytest.mark.parametrize(("text", "code"), ERRORS)
def test_error_codes_with_messages_in_both_languages(text, code):
    with pytest.raises(IdNumberError) as caught:
        check(text)
    assert caught.value.code == code
    assert isinstance(caught.value, IdentityError)
    assert_private(caught.value, *(t for t in [normalise(text)] if len(t) >= 15))


def test_region_error_from_callback():
    with pytest.raises(IdNumberError) as caught:
        check(VALID, region_exists=lambda code: False)
    assert caught.value.code == "region"
    assert "411402" in caught.value.message_zh  # the region code alone is not identifying
    assert_private(caught.value, VALID)


def test_30_february():
    with pytest.raises(IdNumberError) as caught:
        check(FEB_30)
    assert caught.value.code == "birth_date"
    assert "1990年2月30日" in caught.value.message_zh
    assert "1990-02-30" in caught.value.message_en


def test_birth_date_after_today():
    with pytest.raises(IdNumberError) as caught:
        check(FUTURE)
    assert caught.value.code == "future_birth_date"
    assert (TODAY + timedelta(days=1)).isoformat() in caught.value.message_en
    # The same number is fine once that day has come.
    later = check_id_number(FUTURE, today=TODAY + timedelta(days=1), region_exists=None)
    assert later.birth_date == TODAY + timedelta(days=1)


def test_check_character_message_names_the_expected_character():
    with pytest.raises(IdNumberError) as caught:
        check(X_NUMBER[:17] + "1")
    assert "应为 X" in caught.value.message_zh
    assert "give X" in caught.value.message_en


# --- 15-digit first-generation numbers ----------------------------------------------------------


def test_15_digit_number():
    result = check("411402900101123")
    assert result == identity.IdNumber("411402900101123", date(1990, 1, 1), "M", "411402")
    assert result.number_18 == VALID


@given(
    region=st.sampled_from([*REGIONS, ABOLISHED]),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    sequence=st.integers(0, 999),
)
def test_upgrade_round_trip(region, birth, sequence):
    old = f"{region}{birth:%y%m%d}{sequence:03d}"
    new = upgrade_15_to_18(old)
    assert new == make_id(region, birth, sequence)
    assert new[:6] + new[8:17] == old  # drop "19" and the check character: the old number
    first, second = check(old), check(new)
    assert (first.birth_date, first.sex, first.region_code) == (
        second.birth_date,
        second.sex,
        second.region_code,
    )
    assert first.number_18 == second.number_18 == new


def test_upgrade_refuses_what_is_not_15_digits():
    for text, code in [(VALID, "length"), ("41140290010112A", "characters")]:
        with pytest.raises(IdNumberError) as caught:
            upgrade_15_to_18(text)
        assert caught.value.code == code


# --- spreadsheet damage -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        4.11402e17,
        411402199001011231,
        Decimal("411402199001011231"),
        "4.11402E+17",
        "4.11402e17",
        "411402199001011000.0",
        "４.１１４０２Ｅ＋１７",
    ],
)
def test_spreadsheet_numbers_refused(cell):
    with pytest.raises(IdNumberError) as caught:
        check_not_mangled(cell)
    error = caught.value
    assert error.code == "spreadsheet_number"
    assert "文本" in error.message_zh and "Text" in error.message_en
    assert_private(error, "411402199001011231")


def test_spreadsheet_number_refused_by_every_entry_point():
    with pytest.raises(IdNumberError, match="spreadsheet_number"):
        check(4.11402e17)
    for kind in identity.DOCUMENT_KINDS:
        with pytest.raises(IdNumberError) as caught:
            check_document(kind, "4.11402E+17", today=TODAY)
        assert caught.value.code == "spreadsheet_number"


@pytest.mark.parametrize("cell", [None, VALID, "E12345678", ""])
def test_text_cells_pass_the_spreadsheet_check(cell):
    check_not_mangled(cell)


# --- other documents ----------------------------------------------------------------------------


def doc(kind, text):
    return check_document(kind, text, today=TODAY)


def test_hong_kong_and_macao_residence_permits():
    macao = make_id("820000", date(2001, 12, 31), 42)
    assert doc("hk_macao_residence", HONG_KONG) == Document(
        "hk_macao_residence", HONG_KONG, date(1990, 1, 1), "M", "810000"
    )
    assert doc("hk_macao_residence", macao.lower()).sex == "F"
    taiwan = make_id("830000", date(1990, 1, 1), 123)
    for text, code in [
        (taiwan, "prefix"),
        (VALID, "prefix"),
        (wrong_check(HONG_KONG), "check_character"),
        (HONG_KONG[:17], "length"),
        (with_check("81000019900230123"), "birth_date"),
        (make_id("810000", TODAY + timedelta(days=1), 1), "future_birth_date"),
        ("", "empty"),
    ]:
        with pytest.raises(IdNumberError) as caught:
            doc("hk_macao_residence", text)
        assert caught.value.code == code, text
        assert_private(caught.value, *[text] * bool(text))


def test_taiwan_residence_permit():
    taiwan = make_id("830000", date(1979, 5, 20), 8)
    result = doc("taiwan_residence", taiwan)
    assert (result.birth_date, result.sex, result.region_code) == (date(1979, 5, 20), "F", "830000")
    with pytest.raises(IdNumberError) as caught:
        doc("taiwan_residence", HONG_KONG)
    assert caught.value.code == "prefix"
    with pytest.raises(IdNumberError) as caught:
        doc("id_card", taiwan)
    assert caught.value.code == "kind"
    assert "台湾居民居住证" in caught.value.message_zh


def test_foreign_permanent_residence_2023_format():
    """9, issuing province 11, nationality 840, born 1990-01-01, sequence 01, sex digit 1."""
    result = doc("foreign_permanent", FOREIGN_NEW)
    assert result == Document(
        "foreign_permanent", FOREIGN_NEW, date(1990, 1, 1), "M", "110000", "840"
    )
    for text, code in [
        (wrong_check(FOREIGN_NEW), "check_character"),
        (with_check("81184019900101011"), "prefix"),  # not 9
        (with_check("90084019900101011"), "prefix"),  # no province 00
        (with_check("93184019900230011"), "birth_date"),
        (FOREIGN_NEW[:16], "length"),
    ]:
        with pytest.raises(IdNumberError) as caught:
            doc("foreign_permanent", text)
        assert caught.value.code == code, text
        assert_private(caught.value, text)


def test_foreign_permanent_residence_2017_format():
    result = doc("foreign_permanent", "usa 110 790 915 001")
    assert result == Document("foreign_permanent", "USA110790915001", nationality="USA")
    for text, code in [
        ("US1110790915001", "characters"),
        ("USA11079091500A", "characters"),
        ("USA11079091500", "length"),
    ]:
        with pytest.raises(IdNumberError) as caught:
            doc("foreign_permanent", text)
        assert caught.value.code == code, text


def test_passports():
    assert doc("passport", "E12345678") == Document("passport", "E12345678")
    assert doc("passport", " g 1234 5678 ").number == "G12345678"
    assert doc("passport", "12345").number == "12345"
    for text, code in [
        ("ABCDEFGH", "no_digit"),
        ("E123", "length"),
        ("E" + "1" * 17, "length"),
        ("E1234-5678", "characters"),
        ("E1234５６７８/", "characters"),
        ("", "empty"),
    ]:
        with pytest.raises(IdNumberError) as caught:
            doc("passport", text)
        assert caught.value.code == code, text
        assert_private(caught.value)


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown document kind"):
        doc("driving_licence", VALID)


# --- what was typed beside the number -----------------------------------------------------------


def test_typed_values_that_agree():
    person = doc("id_card", VALID)
    assert check_against_typed(person, birth_date=date(1990, 1, 1), sex="M") == []
    assert check_against_typed(person, birth_date=datetime(1990, 1, 1, 0, 0), sex="男") == []
    for typed in ["1990-01-01", "1990/1/1", "1990.01.01", "19900101", "1990年1月1日"]:
        assert check_against_typed(person, birth_date=typed, sex="1") == [], typed
    assert check_against_typed(person) == []
    assert check_against_typed(check(VALID), birth_date="", sex="") == []


def test_typed_birth_date_and_sex_mismatch():
    person = doc("id_card", VALID)
    problems = check_against_typed(person, birth_date=date(1990, 1, 2), sex="女")
    assert [p.code for p in problems] == ["birth_date_mismatch", "sex_mismatch"]
    birth, sex = problems
    assert "1990-01-02" in birth.message_zh and "1990-01-01" in birth.message_zh
    assert "女" in sex.message_zh and "男" in sex.message_zh
    assert "female" in sex.message_en and "male" in sex.message_en
    for problem in problems:
        assert_private(problem, VALID)


def test_typed_values_unreadable():
    problems = check_against_typed(doc("id_card", VALID), birth_date="1990-02-30", sex="unknown")
    assert [p.code for p in problems] == ["birth_date_unreadable", "sex_unreadable"]


def test_passport_has_nothing_to_compare():
    assert check_against_typed(doc("passport", "E12345678"), birth_date=TODAY, sex="F") == []


# --- masking ------------------------------------------------------------------------------------


def test_mask_id():
    assert mask_id("41140219900101123X") == "4114**********123X"
    assert mask_id("411402900101123") == "4114*******1123"
    assert mask_id("E12345678") == "E1*****78"
    assert mask_id("E1234567") == "********"


@given(birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY), sequence=st.integers(0, 999))
def test_mask_id_hides_birth_date_and_sequence(birth, sequence):
    number = make_id("411402", birth, sequence)
    masked = mask_id(number)
    assert masked[:4] + masked[-4:] == number[:4] + number[-4:]
    assert masked[4:14] == "*" * 10


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0370-3221234") == "0370-***1234"
    assert mask_phone("010-12345678") == "010-****5678"


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("0370-3221234", "0370-3221234"),
        ("03703221234", "0370-3221234"),
        ("(0370)3221234", "0370-3221234"),
        ("（0370）3221234", "0370-3221234"),
        ("+86 370 3221234", "0370-3221234"),
        ("010-12345678", "010-12345678"),
        ("02112345678", "021-12345678"),
        ("0370 – 32212345", "0370-32212345"),
    ],
)
def test_valid_phones(typed, clean):
    assert check_phone(typed) == clean


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1381234567", "mobile_length"),  # 10 digits
        ("138123456789", "mobile_length"),
        ("12012345678", "mobile_prefix"),
        ("0370-32212", "landline_length"),
        ("0370-322123456", "landline_length"),
        ("6543210", "area_code"),
        ("4008123123", "format"),
        ("+1 202 555 0123", "country"),
        ("001 202 555 0123", "country"),
        ("138-1234-567a", "characters"),
        ("  ", "empty"),
    ],
)
def test_invalid_phones(typed, code):
    with pytest.raises(PhoneError) as caught:
        check_phone(typed)
    assert caught.value.code == code
    assert_private(caught.value)
    digits = re.sub(r"\D", "", typed)
    if len(digits) >= 7:
        assert digits not in caught.value.message_zh + caught.value.message_en


# --- 统一社会信用代码 (GB 32100-2015) --------------------------------------------------


def test_valid_uscc():
    assert check_uscc("91110000600037341L") == "91110000600037341L"
    assert check_uscc(" 9111 0000 6000 3734 1l ") == "91110000600037341L"
    assert check_uscc("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"
    # A letter as registering authority (GB 32100 allows it; stdnum's validate does not).
    body = "N2411402MA1234567"
    assert check_uscc(body + uscc.calc_check_digit(body)) == body + uscc.calc_check_digit(body)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("91110000600037341M", "check_character"),
        ("91110000600037341", "length"),
        ("9111000060003734IL", "characters"),
        ("911100A0600037341L", "characters"),
        ("", "empty"),
    ],
)
def test_invalid_uscc(typed, code):
    with pytest.raises(CreditCodeError) as caught:
        check_uscc(typed)
    assert caught.value.code == code
    assert caught.value.message("zh") and caught.value.message("en")


# --- purity -------------------------------------------------------------------------------------


def test_module_imports_no_django():
    """Pure Python: no Django, and of jineng only the pure masking module."""
    tree = ast.parse(Path(identity.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    outside = {name for name in imported if name.split(".")[0] in {"django", "jineng"}}
    assert outside <= {"jineng.core.personal"}
