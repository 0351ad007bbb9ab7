"""Issue 20, finding 3: a small spreadsheet cannot make an import exhaust the worker's memory.
The work is bounded by the sheet's real cells (a merged range over the whole grid counts only the
rows that hold data), a sheet over the row or column limit is refused before it is read with a
message saying so, and the worker runs each import under a memory limit (JINENG_IMPORT_MEMORY_MB)
so that what slips through ends the job as failed, not the server."""

import io
import resource
import signal
import time
import zipfile
from contextlib import contextmanager

import pytest
from django.test import override_settings
from openpyxl import Workbook

from jineng.core import audit, jobs
from jineng.core.imports import ImportFileError, ImportOptions, run_import
from jineng.core.models import ImportJob, ImportStatus, Organisation
from jineng.people.imports import ROSTER
from tests.data import make_roster

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[str]], *, before_end: str = "", after_data: str = "") -> bytes:
    """A real workbook written by openpyxl, its sheet's XML then edited as an attacker would:
    `before_end` goes inside <sheetData> after the rows, `after_data` after it."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    written = io.BytesIO()
    book.save(written)
    source = zipfile.ZipFile(io.BytesIO(written.getvalue()))
    edited = io.BytesIO()
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                xml = xml.replace("</sheetData>", before_end + "</sheetData>" + after_data)
                content = xml.encode()
            target.writestr(info.filename, content)
    return edited.getvalue()


ROWS = [make_roster.HEADER[:2], ["甲", make_roster.A], ["乙", make_roster.B]]
WHOLE_GRID = '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'


@contextmanager
def within(seconds: int):
    """Fail the test rather than loop for minutes over cells that hold nothing."""

    def give_up(*_args):
        raise TimeoutError(f"still working after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def roster_import(data: bytes, **flags):
    organisation = Organisation.objects.get(code="411402")
    options = ImportOptions(context={"organisation": organisation, "source": "bomb.xlsx"}, **flags)
    with audit.system_context("test"):
        return run_import(ROSTER, data, "bomb.xlsx", options=options)


def test_a_merge_over_the_whole_grid_costs_only_the_rows_that_hold_data():
    data = xlsx(ROWS, after_data=WHOLE_GRID)
    assert len(data) < 10_000  # a 5 KB file
    started = time.monotonic()
    with within(20):
        report = roster_import(data, dry_run=True)
    assert time.monotonic() - started < 5
    assert report.rows == 2 and report.rejected_total == 2
    assert "合并" in report.rejected[0].message


@pytest.mark.parametrize("reference", ["XFD1048576", "xfd0001048576"])
def test_a_cell_far_beyond_the_data_is_refused_before_the_sheet_is_read(reference):
    """One cell at XFD1048576 would make the reader allocate the whole grid (17 billion cells)."""
    far = f'<row r="1048576"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(ImportFileError, match="1048576 行"):
        roster_import(xlsx(ROWS, before_end=far))


@override_settings(IMPORT_MAX_ROWS=2, IMPORT_MAX_COLUMNS=3)
def test_the_row_and_column_limits_are_settings():
    with pytest.raises(ImportFileError, match="最多 2 行"):
        roster_import(xlsx(ROWS))
    csv = "姓名,身份证号码\n" + "".join(f"甲,{make_roster.A}\n" for _ in range(3))
    with pytest.raises(ImportFileError, match="最多 2 行"):
        organisation = Organisation.objects.get(code="411402")
        with audit.system_context("test"):
            run_import(ROSTER, csv.encode(), "x.csv",
                       options=ImportOptions(context={"organisation": organisation}))  # fmt: skip
    wide = [[*ROWS[0], "备注", "备注2"], *ROWS[1:]]
    with pytest.raises(ImportFileError, match="最多 2 行、3 列"):
        roster_import(xlsx(wide))


def test_the_worker_runs_an_import_under_a_memory_limit(users, settings):
    """A job that needs more memory than JINENG_IMPORT_MEMORY_MB ends as failed with a message,
    and the worker's own limit is as it was after the job."""
    before = resource.getrlimit(resource.RLIMIT_AS)
    settings.IMPORT_MEMORY_MB = 1  # far less than reading 48 MB of text needs
    # Over 32 MB, glibc's largest threshold for serving an allocation from the heap, the text's
    # copies take new address space however much free heap a long-running worker holds.
    settings.IMPORT_MAX_MB = 64
    line = f"甲,{make_roster.A},13800000000,{'x' * 200}\n".encode()
    content = "姓名,身份证号码,手机号码,备注\n".encode() + line * (48 * 2**20 // len(line))
    with audit.audit_context(actor=users["admin"]):
        job = jobs.start_import(users["admin"], "people", content, "roster.csv")
        jobs.run_job(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "内存" in job.message
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).exists()
