"""Writes past-classes.xlsx with openpyxl: training done under another system that the bureau
records as history (历史导入, tests/training/test_history.py). One row per trainee with the
class's columns; two classes, their rows interleaved as a hand-made sheet may have them. Dates
are date cells, the ID number column text. The institutions are the demo's (鸿鹄 of the city and
启航 of 梁园区); the people are registered by the test (born 1958: no demo or factory person)."""

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric, uscc

HERE = Path(__file__).parent
FILE = HERE / "past-classes.xlsx"

HEADER = ["机构统一社会信用代码", "职业编码", "等级", "培训类型", "开始日期", "结束日期", "地点",
          "身份证号码", "姓名", "结果", "学时", "享受补贴"]  # fmt: skip


def valid_id(serial: int) -> str:
    body = f"41140219580701{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


def demo_credit_code(region: str, serial: int) -> str:
    body = f"52{region}MJ{serial:07d}"  # as jineng.core.demo.demo_uscc
    return body + uscc.calc_check_digit(body)


# (name, ID number) of the people the test registers first.
PEOPLE = [
    (name, valid_id(900 + n)) for n, name in enumerate(["史甲", "史乙", "史丙", "史丁", "史戊"])
]
CITY = demo_credit_code("411400", 1)  # 商丘市鸿鹄职业技能培训学校
LIANGYUAN = demo_credit_code("411402", 2)  # 梁园区启航职业培训学校
CLASS_A = [CITY, "6-18-02-04", "5", "employment_skills", date(2024, 5, 6), date(2024, 5, 17),
           "鸿鹄培训学校实训楼"]  # fmt: skip
CLASS_B = [LIANGYUAN, "6-18-02-04", "4", "就业技能培训", date(2024, 9, 2), date(2024, 9, 13),
           "启航培训学校二楼"]  # fmt: skip


def rows() -> list[list]:
    """The trainees' rows: class A has three (one 不合格), class B two; interleaved."""
    (a1, b1, a2, b2, a3) = PEOPLE
    return [
        [*CLASS_A, a1[1], a1[0], "合格", 80, "是"],
        [*CLASS_B, b1[1], b1[0], "合格", "", "否"],
        [*CLASS_A, a2[1], a2[0], "不合格", 80, "是"],
        [*CLASS_B, b2[1], b2[0], "合格", "", "否"],
        [*CLASS_A, a3[1], a3[0], "合格", 80, "是"],
    ]


def workbook(data_rows: list[list]) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in data_rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        cells[7].number_format = "@"  # the ID number as text, as a careful user formats it
        cells[4].number_format = cells[5].number_format = "yyyy-mm-dd"
    return book


if __name__ == "__main__":
    workbook(rows()).save(FILE)
