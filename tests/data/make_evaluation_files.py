"""Writes evaluation-results.csv, the results (评价结果) of one evaluation booking with every kind
of row, good and bad; make_spreadsheets.sh then has LibreOffice save it as .xlsx (the ID, name,
result and certificate columns formatted as text; the scores as typed, so numbers become number
cells and "90分" stays text). Also writes evaluation-results-openpyxl.xlsx, the same rows written
by openpyxl. tests/evaluation/test_imports.py registers the persons and examiners named here,
enrols TRAINEES and NOT_COMPLETED in a class that completes, books and accepts it. The ID numbers
are synthetic, with correct check characters."""

import contextlib
import csv
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric

HERE = Path(__file__).parent


def valid(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


# Trainees who complete the class: (name, ID number).
PASS_A = ("赵一鸣", valid("41140219910101123"))
PASS_B = ("钱二丽", valid("41140319920202124"))
FAIL_C = ("孙三强", valid("41142119930303125"))
TRAINEES = [PASS_A, PASS_B, FAIL_C]
NOT_COMPLETED = ("李四海", valid("41148119940404126"))  # enrolled, attends nothing
STRANGER = ("周五", valid("41142219950505127"))  # registered, not in the class

# The organisation's panel, registered by the test: (role, certificate number).
EXAMINER_1 = "KPY-TEST-0001"
EXAMINER_2 = "KPY-TEST-0002"
SUPERVISOR = "ZLDD-TEST-0001"

HEADER = ["公民身份号码", "姓名", "理论成绩", "实操成绩", "评价结果", "考评员证书编号",
          "质量督导员证书编号"]  # fmt: skip
ROWS = [
    [PASS_A[1], PASS_A[0], "86.5", "91", "合格", f"{EXAMINER_1}、{EXAMINER_2}", SUPERVISOR],
    [PASS_B[1], PASS_B[0], "８８", "90分", "pass", EXAMINER_1, SUPERVISOR],  # full-width, 分
    [FAIL_C[1], FAIL_C[0], "52", "58", "不合格", EXAMINER_1, SUPERVISOR],
    # row 2 again, its examiners in another order
    [PASS_A[1], PASS_A[0], "86.5", "91", "合格", f"{EXAMINER_2}、{EXAMINER_1}", SUPERVISOR],
    [NOT_COMPLETED[1], NOT_COMPLETED[0], "70", "70", "合格", EXAMINER_1, SUPERVISOR],
    [STRANGER[1], STRANGER[0], "70", "70", "合格", EXAMINER_1, SUPERVISOR],
    [PASS_B[1], "钱二", "88", "90", "合格", EXAMINER_1, SUPERVISOR],  # another name
    [FAIL_C[1], FAIL_C[0], "101", "58", "不合格", EXAMINER_1, SUPERVISOR],
    [FAIL_C[1], FAIL_C[0], "52", "58", "良好", EXAMINER_1, SUPERVISOR],
    [FAIL_C[1], FAIL_C[0], "52", "58", "不合格", "KPY-NOBODY", SUPERVISOR],
    [FAIL_C[1], FAIL_C[0], "52", "58", "不合格", EXAMINER_1, EXAMINER_2],  # an examiner
    [PASS_A[1], PASS_A[0], "60", "91", "合格", EXAMINER_1, SUPERVISOR],  # differs from row 2
]
CREATED = 3
UNCHANGED = 1
# Spreadsheet row number -> the key of the column its rejection names; "" for the row.
REJECTED = {6: "", 7: "id_number", 8: "name", 9: "theory", 10: "result", 11: "examiners",
            12: "supervisor", 13: ""}  # fmt: skip


def main() -> None:
    with (HERE / "evaluation-results.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        cells = list(row)
        for index in (2, 3):  # scores typed as numbers where they are plain numbers
            with contextlib.suppress(ValueError):
                cells[index] = float(cells[index]) if "." in cells[index] else int(cells[index])
        sheet.append(cells)
    book.save(HERE / "evaluation-results-openpyxl.xlsx")


if __name__ == "__main__":
    main()
