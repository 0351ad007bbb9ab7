"""The roster import (花名册) on files written by LibreOffice, openpyxl and as GB18030 CSV, each
holding every kind of bad row: each is reported with its reason, none is stored, the valid rows
are; the same file twice creates nothing; a dry run stores nothing."""

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jineng.core import audit
from jineng.core.imports import ImportOptions, run_import, write_error_report
from jineng.core.models import Organisation
from jineng.people import services
from jineng.people.imports import ROSTER
from jineng.people.models import Person
from tests.data import make_roster
from tests.live import jineng, prepared_environment

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[1] / "data"

# Row number → the column its rejection names (000/004 aside: these are data-quality rules).
EXPECTED_REJECTIONS = {
    4: "公民身份号码",  # wrong check character (GB 11643)
    5: "公民身份号码",  # 30 February
    6: "公民身份号码",  # region 999999 does not exist
    7: "公民身份号码",  # the same person as row 3
    8: "姓名",  # empty name
    9: "手机号码",  # 10-digit phone
    10: "姓名",  # merged cells
    11: "姓名",  # merged cells
    12: "公民身份号码",  # a formula
    13: "公民身份号码",  # Excel's float 4.11402E+17
}


def roster(name: str, **options):
    organisation = Organisation.objects.get(code="411402")
    with audit.system_context("test"):
        return run_import(
            ROSTER,
            (DATA / name).read_bytes(),
            name,
            options=ImportOptions(
                context={"organisation": organisation, "source": name}, **options
            ),
        )


def stored(numbers) -> set[str]:
    return {n.upper() for n in numbers if services.find_by_id_number(n) is not None}


@pytest.mark.parametrize("name", ["roster-bad.xlsx", "roster-openpyxl.xlsx"])
def test_every_bad_row_is_reported_and_only_valid_rows_stored(name):
    report = roster(name)
    rejected = {r.row: r.column for r in report.rejected}
    assert rejected == EXPECTED_REJECTIONS, report.rejected
    assert report.counts["created"] == 3
    candidates = [row[1] for row in make_roster.ROWS]
    assert stored(candidates) == make_roster.EXPECTED_CREATED


def test_the_same_file_twice_creates_nothing():
    roster("roster-bad.xlsx")
    again = roster("roster-bad.xlsx")
    assert again.counts["created"] == 0 and again.counts["unchanged"] == 3


def test_a_dry_run_stores_nothing():
    before = Person.objects.count()
    report = roster("roster-bad.xlsx", dry_run=True)
    assert report.counts["created"] == 3 and report.dry_run
    assert Person.objects.count() == before


def test_gb18030_csv():
    report = roster("roster-gb18030.csv")
    assert report.counts["created"] == 3


def test_error_report_has_the_original_rows_and_a_reason():
    report = roster("roster-bad.xlsx")
    sheet = load_workbook(io.BytesIO(write_error_report(report)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] in ("原因", "Reason")
    assert len(rows) == 1 + len(EXPECTED_REJECTIONS)
    assert all(row[-1] for row in rows[1:])


def test_messages_never_carry_the_whole_number():
    report = roster("roster-bad.xlsx")
    for rejection in report.rejected:
        assert make_roster.WRONG_CHECK not in rejection.message
        assert make_roster.FEB_30 not in rejection.message


def test_sqlite_file_holds_no_id_number_or_phone_in_clear(tmp_path):
    """Personal data is encrypted at rest: read the raw database file of a real server."""
    with prepared_environment(tmp_path, "setup") as env:  # the bureau of 411402
        if "DATABASE_URL" in env:
            pytest.skip("this check reads the SQLite file")
        result = jineng(env, "import", "people", str(DATA / "roster-bad.xlsx"), "--org", "411402")
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        assert summary == {"rows": 13, "created": 3, "updated": 0, "unchanged": 0, "rejected": 10}
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("jineng.sqlite3*"))
    for number in make_roster.EXPECTED_CREATED:
        assert number.encode() not in raw
    assert b"13800000001" not in raw


@pytest.mark.django_db
def test_a_formula_in_a_rejected_row_comes_back_as_text():
    """Formula injection: a cell like =HYPERLINK(...) or =cmd|... in an uploaded roster is kept
    in the error report as the text it was, never as a live formula (and reads back the same)."""
    payloads = ['=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0"]
    quoted = [payload.replace('"', '""') for payload in payloads]
    data = "姓名,身份证号码\n" + "".join(f'"{name}",4114\n' for name in quoted)
    organisation = Organisation.objects.get(code="411402")
    with audit.system_context("test"):
        report = run_import(ROSTER, data.encode(), "evil.csv",
                            options=ImportOptions(context={"organisation": organisation,
                                                           "source": "evil.csv"}))  # fmt: skip
    assert len(report.rejected_rows) == 2
    sheet = load_workbook(io.BytesIO(write_error_report(report))).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in names] == payloads
    assert {cell.data_type for cell in names} == {"s"}  # text, not "f" (a formula)


@pytest.mark.django_db
def test_a_formula_in_the_header_or_a_reason_comes_back_as_text():
    """Issue 20, finding 2: the error report writes the uploaded header and each row through the
    one escape (core.imports.spreadsheet_safe): a header cell =HYPERLINK(...) stays text too."""
    payload = '=HYPERLINK("http://evil.example","点我")'
    quoted = payload.replace('"', '""')
    data = f'姓名,身份证号码,"{quoted}"\n甲,4114,@SUM(1)\n'
    organisation = Organisation.objects.get(code="411402")
    with audit.system_context("test"):
        report = run_import(ROSTER, data.encode(), "evil.csv",
                            options=ImportOptions(context={"organisation": organisation,
                                                           "source": "evil.csv"}))  # fmt: skip
    sheet = load_workbook(io.BytesIO(write_error_report(report))).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert payload in [cell.value for cell in cells]
    assert "f" not in {cell.data_type for cell in cells}  # no live formula anywhere


def test_every_spreadsheet_and_csv_writer_goes_through_the_one_escape():
    """Issue 20, finding 2: each module that writes a workbook or a CSV file escapes its cells
    with core.imports.spreadsheet_safe (the demo's roster CSV is an import's input, not output)."""
    source = Path(__file__).parents[2] / "src" / "jineng"
    writers = [
        path
        for path in source.rglob("*.py")
        if any(mark in path.read_text() for mark in ("Workbook(", "csv.writer", "csv.DictWriter"))
    ]
    assert writers
    unsafe = [
        str(path.relative_to(source))
        for path in writers
        if "spreadsheet_safe" not in path.read_text() and path.name != "demo.py"
    ]
    assert unsafe == []
