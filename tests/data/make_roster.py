"""Writes roster-bad.fods, a LibreOffice flat spreadsheet holding every kind of bad roster row
(merged cells and a formula included, which CSV cannot carry); make_spreadsheets.sh then has
LibreOffice save it as .xlsx and .xls. Also writes roster-openpyxl.xlsx (the same rows, written by
openpyxl) and roster-gb18030.csv. The ID numbers are synthetic, with correct check characters."""

import csv
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from stdnum.cn import ric

HERE = Path(__file__).parent


def valid(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


def with_x(prefix: str) -> str:
    """A valid number whose check character is X (written in lowercase in the file)."""
    for sequence in range(1000):
        body = f"{prefix}{sequence:03d}"
        if ric.calc_check_digit(body + "0") == "X":
            return body + "x"
    raise AssertionError("no X found")


A = valid("41140219900307123")
B = with_x("41140319851120")
WRONG_CHECK = A[:-1] + ("0" if A[-1] != "0" else "1")
FEB_30 = valid("41140219900230123")
NO_REGION = valid("41999819900307123")  # Henan, but no such county
C, D, E, F = (valid(f"411421198801{n:02d}123") for n in range(1, 5))
FORMULA_VALUE = valid("41142219920505321")
OLD_REGION = valid("41230119650101231")  # 412301 商丘地区商丘市, abolished 1997

HEADER = ["姓名", "身份证号码", "手机号码", "人员类别"]
# (name, id cell, phone, category, kind of cell for the ID: text / formula / float / merged)
ROWS = [
    ("王伟", A, "13800000001", "农村转移就业劳动者", "text"),
    ("李娜", B, "", "", "text"),
    ("张三", WRONG_CHECK, "", "", "text"),
    ("赵六", FEB_30, "", "", "text"),
    ("钱七", NO_REGION, "", "", "text"),
    ("孙八", B.upper(), "", "", "text"),  # the same person as row 3
    ("", C, "", "", "text"),  # empty name
    ("周九", D, "1380000000", "", "text"),  # a 10-digit phone
    ("吴十", E, "", "", "merged"),  # the name merged over this row and the next
    ("", F, "", "", "text"),
    ("郑十一", FORMULA_VALUE, "", "", "formula"),
    ("冯十二", "411402199003071000", "", "", "float"),  # Excel's 4.11402E+17
    ("陈十三", OLD_REGION, "", "城镇登记失业人员", "text"),
]
EXPECTED_CREATED = {A, B.upper(), OLD_REGION}


def text_cell(value: str, extra: str = "") -> str:
    return (
        f'<table:table-cell office:value-type="string"{extra}><text:p>{escape(value)}'
        "</text:p></table:table-cell>"
    )


def fods() -> str:
    rows = ["<table:table-row>" + "".join(text_cell(h) for h in HEADER) + "</table:table-row>"]
    for index, (name, number, phone, category, kind) in enumerate(ROWS):
        if kind == "merged":
            name_cell = text_cell(name, ' table:number-rows-spanned="2"')
        elif index > 0 and ROWS[index - 1][4] == "merged":
            name_cell = "<table:covered-table-cell/>"
        else:
            name_cell = text_cell(name)
        if kind == "formula":
            left, right = number[:9], number[9:]
            id_cell = (
                f'<table:table-cell table:formula="of:=&quot;{left}&quot;&amp;&quot;{right}'
                f'&quot;" office:value-type="string"><text:p>{number}</text:p>'
                "</table:table-cell>"
            )
        elif kind == "float":
            id_cell = (
                f'<table:table-cell office:value-type="float" office:value="{number}">'
                f"<text:p>4.11402E+17</text:p></table:table-cell>"
            )
        else:
            id_cell = text_cell(number)
        cells = name_cell + id_cell + text_cell(phone) + text_cell(category)
        rows.append(f"<table:table-row>{cells}</table:table-row>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet><table:table table:name="花名册">
{"".join(rows)}
</table:table></office:spreadsheet></office:body></office:document>
"""


def openpyxl_file() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for number, (name, value, phone, category, kind) in enumerate(ROWS, start=2):
        if kind == "formula":
            value = f'="{value[:9]}"&"{value[9:]}"'
        elif kind == "float":
            value = float(value)
        sheet.append([name, value, phone, category])
        if kind == "merged":
            sheet.merge_cells(f"A{number}:A{number + 1}")
    workbook.save(HERE / "roster-openpyxl.xlsx")


def gb18030_csv() -> None:
    with (HERE / "roster-gb18030.csv").open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for name, value, phone, category, kind in ROWS:
            if kind == "text":
                writer.writerow([name, value, phone, category])


if __name__ == "__main__":
    (HERE / "roster-bad.fods").write_text(fods(), encoding="utf-8")
    openpyxl_file()
    gb18030_csv()
