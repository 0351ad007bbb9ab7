"""Writes class-sessions.csv and class-roster.csv, the timetable (课表) and roster (花名册) of one
training class with every kind of row, good and bad; make_spreadsheets.sh then has LibreOffice
save them as .xlsx (dates and times become date and time cells, the ID and phone columns are
formatted as text, as a careful user does). The dates are fixed: tests/training/test_imports.py
makes a class from CLASS_START to CLASS_END for them. The ID numbers are synthetic, with correct
check characters; the test registers the teachers and the person already in another class."""

import csv
from pathlib import Path

from stdnum.cn import ric

HERE = Path(__file__).parent

CLASS_START, CLASS_END = "2026-12-07", "2026-12-11"


def valid(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


def masked(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def with_x(prefix: str) -> str:
    """A valid number whose check character is X (written in lowercase in the file)."""
    for sequence in range(1000):
        body = f"{prefix}{sequence:03d}"
        if ric.calc_check_digit(body + "0") == "X":
            return body + "x"
    raise AssertionError("no X found")


# The class's teachers, registered by the test: (name, ID number).
TEACHER_A = ("王建国", valid("41140219750302123"))
TEACHER_B = ("李秀兰", valid("41140319800815124"))

SESSIONS_HEADER = ["日期", "开始时间", "结束时间", "课程内容", "授课教师"]
SESSIONS = [
    ["2026-12-07", "09:00", "12:00", "焊接安全操作规程", TEACHER_A[0]],  # by name
    ["2026-12-07", "14:00", "17:30", "焊条电弧焊基本操作", masked(TEACHER_B[1])],  # masked ID
    ["2026-12-08", "8:30", "11:30", "平焊实操训练", TEACHER_A[1]],  # whole ID number
    ["2026/12/9", "下午2:00", "下午5:00", "立焊实操训练", ""],  # no teacher named
    ["2026-12-08", "14:00", "13:00", "结束早于开始", TEACHER_A[0]],
    ["2026-12-30", "09:00", "12:00", "超出班期", TEACHER_A[0]],
    ["2026-12-07", "10:00", "11:00", "与第一课重叠", TEACHER_A[0]],
    ["2026-12-10", "上午九点", "12:00", "时间写错", ""],
    ["2026-12-10", "09:00", "12:00", "不是本班教师", "赵某某"],
    ["2026-12-11", "09:00", "12:00", "", TEACHER_A[0]],  # no topic
    ["明天", "09:00", "12:00", "日期写错", ""],
    ["2026-12-07", "09:00", "12:00", "焊接安全操作规程", TEACHER_A[0]],  # row 2 again
]
SESSIONS_CREATED = 4
SESSIONS_UNCHANGED = 1
# Spreadsheet row number -> the key of the column its rejection names; "" for the row.
SESSIONS_REJECTED = {6: "ends_at", 7: "", 8: "", 9: "starts_at", 10: "teacher", 11: "topic",
                     12: "date"}  # fmt: skip

NEW_A = valid("41140219900101123")
NEW_B = with_x("41142119920202")
NEW_C = valid("41148119850505125")
WRONG_CHECK = NEW_A[:-2] + ("0" if NEW_A[-2] != "0" else "1") + NEW_A[-1]
BAD_PHONE = valid("41142219870707126")
BAD_CATEGORY = valid("41142319880808127")
# Registered and enrolled in another class of the same occupation and level by the test.
TAKEN = ("郑九", valid("41142419890909128"))

ROSTER_HEADER = ["姓名", "身份证号码", "手机号码", "人员类别"]
ROSTER = [
    ["刘一", NEW_A, "13900000001", "农村转移就业劳动者"],
    ["陈二", NEW_B, "", ""],
    ["张三三", NEW_C, "", "城镇登记失业人员、就业困难人员"],
    ["王四", WRONG_CHECK, "", ""],
    ["赵五", BAD_PHONE, "1390000000", ""],
    ["孙六", BAD_CATEGORY, "", "不存在的类别"],
    ["周七", NEW_A, "", ""],  # NEW_A's number under another name
    ["刘一", NEW_A, "13900000001", "农村转移就业劳动者"],  # row 2 again
    list(TAKEN) + ["", ""],
]
ROSTER_CREATED = {NEW_A, NEW_B.upper(), NEW_C}
ROSTER_UNCHANGED = 1
ROSTER_REJECTED = {5: "id_number", 6: "phone", 7: "categories", 8: "name", 10: ""}


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    write("class-sessions.csv", SESSIONS_HEADER, SESSIONS)
    write("class-roster.csv", ROSTER_HEADER, ROSTER)
