"""The one import pipeline: spreadsheets and CSV files in, a report naming every rejected row out.

An `ImportSpec` describes the columns of one kind of row and how to apply a chunk of rows
(through the services, so every change is audited). `run_import` reads the file in a stream,
normalises the cells (full-width digits and stray spaces from spreadsheets, Excel's floats for
codes), and hands the rows to the spec a chunk at a time, each chunk in a transaction of its own:
memory stays bounded, progress can be shown, and a run that dies half-way can simply be run
again (rows are keyed, so what was stored is found "unchanged" and nothing is stored twice).
A rejected row changes nothing and is reported with its row number, column and reason, and
kept with its original cells for the downloadable error report. `all_or_nothing` rolls the whole
file back if any row fails; `dry_run` validates everything and stores nothing.

Specs whose rows are independent and few use `row_by_row(apply)`, one savepoint per row; specs
for large files (rosters) validate a whole chunk and write it with bulk inserts.

Exports use the same columns, so an exported file imports back unchanged; the template is an
export with no rows and a sheet that explains each column.
"""

import csv
import heapq
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
MAX_REPORTED_REJECTIONS = 1000  # the page lists this many; the error file holds them all
CHUNK_ROWS = 1000
# Characters that make a spreadsheet read a cell as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What an .xlsx cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE): C0 controls but tab and newlines.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


# Every import of the project by name ("people", "employment", "occupations", ...), filled by the
# apps' ready(); the `jineng import` command and the import pages look specs up here.
SPECS: dict[str, "ImportSpec"] = {}


def register(spec: "ImportSpec") -> None:
    SPECS[spec.name] = spec


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong columns): nothing was changed."""


class _RollBack(Exception):
    """Leaves the outer transaction of a dry run, or of an all-or-nothing run that failed."""


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # the header in zh-hans (lazy translation of the English source)
    required: bool = True
    example: str = ""
    help: Any = ""
    aliases: tuple[str, ...] = ()  # other headers people write (身份证号码 for 公民身份号码)

    def headers(self) -> set[str]:
        """Headers accepted for this column: its label in either language, its key, aliases."""
        from django.utils import translation

        names = {self.key, *self.aliases}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(self.label))
        return {normalise_header(name) for name in names}


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]  # normalised text of the mapped columns
    raw: dict[str, Any]  # the cells as the file stored them (floats, dates, ...)
    cells: list[Any]  # the whole original row, for the error report


@dataclass
class ImportOptions:
    all_or_nothing: bool = False
    dry_run: bool = False
    update: bool = False  # change existing records; without it they are reported, not merged
    context: dict[str, Any] = field(default_factory=dict)  # e.g. the organisation importing


@dataclass(frozen=True)
class ImportSpec:
    name: str
    title: Any
    columns: tuple[Column, ...]
    apply_chunk: Callable[[list[Row], "ImportRun"], None]
    export_rows: Callable[[], Iterable[dict[str, Any]]]
    capability: str = "catalogs.manage"  # who may import it (jineng.core.roles.Capability)
    # For a kind that imports into one record (?target=<id>): that record as the user reads it
    # on the import page, or None when it is not in their scope.
    target_label: Callable[[Any, int], str | None] | None = None
    # For a kind whose rows are stored together (a past class and its trainees, which may lie
    # anywhere in the file): called once after the last chunk, in a transaction of its own, to
    # store what the chunks gathered in `run.state`.
    finish: Callable[["ImportRun"], None] | None = None


@dataclass
class Rejection:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0})
    rejected: list[Rejection] = field(default_factory=list)
    rejected_total: int = 0
    rejected_rows: list[tuple[int, list[Any], str]] = field(default_factory=list)  # row, cells, why
    header: list[Any] = field(default_factory=list)
    rows: int = 0
    rolled_back: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.rejected_total == 0

    def as_dict(self) -> dict[str, int]:
        return {"rows": self.rows, **self.counts, "rejected": self.rejected_total}

    def summary(self) -> str:
        text = _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(rejected)d rejected"
        ) % {
            "created": self.counts[CREATED],
            "updated": self.counts[UPDATED],
            "unchanged": self.counts[UNCHANGED],
            "rejected": self.rejected_total,
        }
        if self.dry_run:
            text += "; " + _("a trial run: nothing was saved")
        elif self.rolled_back:
            text += "; " + _("nothing was saved (all or nothing)")
        return text


class ImportRun:
    """What a spec sees while it applies rows: the options, the report, the column labels."""

    def __init__(self, options: ImportOptions, report: ImportReport, labels: dict[str, str]):
        self.options = options
        self.report = report
        self.labels = labels
        self.state: dict[str, Any] = {}  # the spec's own memory across chunks (duplicates, ...)

    def count(self, outcome: str) -> None:
        self.report.counts[outcome] += 1

    def reject(self, row: Row, column: str, message: str) -> None:
        """Reject a row; `column` is a column key (or "" for the row as a whole)."""
        report = self.report
        report.rejected_total += 1
        label = self.labels.get(column, column)
        if len(report.rejected) < MAX_REPORTED_REJECTIONS:
            report.rejected.append(Rejection(row.number, label, str(message)))
        reason = f"{label}: {message}" if label else str(message)
        report.rejected_rows.append((row.number, row.cells, reason))

    def reject_error(self, row: Row, problem: ValidationError) -> None:
        if hasattr(problem, "error_dict"):
            first = next(iter(problem.message_dict.items()))
            key, messages = first
            self.reject(row, "" if key == "__all__" else key, messages[0])
        else:
            self.reject(row, "", problem.messages[0])


def row_by_row(apply: Callable[[dict[str, str]], str]):
    """A chunk applier for specs whose rows stand alone: each row in its own savepoint."""

    def apply_chunk(rows: list[Row], run: ImportRun) -> None:
        for row in rows:
            try:
                with transaction.atomic():
                    outcome = apply(row.values)
            except ValidationError as problem:
                run.reject_error(row, problem)
                continue
            run.count(outcome)

    return apply_chunk


def normalise_header(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def normalise_cell(value: Any) -> str:
    """Text as a person typed it: NFKC folds full-width digits and letters, spaces trimmed,
    and 411400.0 (Excel's number for a typed code) back to 411400."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if not hasattr(value, "hour") else value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


@dataclass
class Sheet:
    """The first sheet of a file: rows with their spreadsheet row numbers, and the cells that
    cannot be trusted as typed values (merged across rows, or computed by a formula)."""

    rows: Iterator[tuple[int, list[Any]]]
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, index)
    # (top row, bottom row, first index, last index), cut to the cells that hold data: one
    # range over the whole grid (A1:XFD1048576) costs no more than the rows that are there.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


MERGED, FORMULA = "merged", "formula"


def read_sheet(data: bytes, filename: str) -> Sheet:
    """The first sheet of an xlsx/xls/ods file, or a CSV file (UTF-8 or GB18030), refused when
    it holds more rows or columns than an import reads (settings.IMPORT_MAX_ROWS, _COLUMNS)."""
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        rows = list(_read_csv(data))
        _check_extent(len(rows), max((len(row) for row in rows), default=0))
        return Sheet(enumerate(rows, start=1))
    if not lowered.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise ImportFileError(_("Unsupported file type: use .xlsx, .xls, .ods or .csv."))
    from python_calamine import CalamineWorkbook

    try:
        if lowered.endswith((".xlsx", ".xlsm")):
            # before the reader, which makes room for every cell up to the farthest one
            _check_extent(*_xlsx_extent(data))
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        _check_extent(sheet.height, sheet.width)
        first_row, first_column = sheet.start or (0, 0)
        last_row, last_column = first_row + sheet.height, first_column + sheet.width - 1
        merged = [
            (top + 1, min(bottom, last_row) + 1, left - first_column,
             min(right, last_column) - first_column)
            for (top, left), (bottom, right) in sheet.merged_cell_ranges or []
            if top <= last_row and left <= last_column
        ]  # fmt: skip
        formulas = set()
        if lowered.endswith((".xlsx", ".xlsm")):
            formulas = {(row, column - first_column) for row, column in _xlsx_formula_cells(data)}
        rows = enumerate(sheet.iter_rows(), start=1)
    except ImportFileError:
        raise
    except Exception as problem:  # calamine and zipfile raise their own types for broken files
        raise ImportFileError(
            _("The file cannot be read as a spreadsheet: %(reason)s") % {"reason": problem}
        ) from None
    return Sheet(rows, formulas, merged)


def _check_extent(rows: int, columns: int) -> None:
    most_rows, most_columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
    if rows > most_rows or columns > most_columns:
        raise ImportFileError(
            _("The sheet reaches row %(rows)d and column %(columns)d; an import reads at most "
              "%(max_rows)d rows and %(max_columns)d columns: split the file, or delete what "
              "lies beyond the data.")
            % {"rows": rows, "columns": columns, "max_rows": most_rows,
               "max_columns": most_columns}
        )  # fmt: skip


# The reference of a cell (<c r="XFD1048576">) or a row (<row r="1048576">): no other element of a
# worksheet has an attribute named r.
CELL_REFERENCE = re.compile(rb'\sr="([A-Za-z]{0,3})0*(\d{1,9})"')  # leading zeros read past


def _xlsx_extent(data: bytes) -> tuple[int, int]:
    """The farthest row and column that any cell of the first worksheet names, streaming. The
    largest is found by length, then text, per chunk (no number made per cell: a roster of
    50,000 rows is scanned in about 0.3 s)."""
    import zipfile

    rows = columns = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        path = _worksheet_path(archive)
        if path is None:
            return 0, 0
        tail = b""
        with archive.open(path) as handle:
            while chunk := handle.read(1 << 20):
                window = tail + chunk
                found = CELL_REFERENCE.findall(window)
                if found:
                    longest = max((number for _letters, number in found), key=_by_length)
                    rows = max(rows, int(longest))
                    widest = max((letters for letters, _number in found), key=_by_length)
                    if widest:
                        column = _cell_position(widest.decode().upper() + "1")[1] + 1
                        columns = max(columns, column)
                tail = window[-200:]  # a reference cut between two chunks is read whole next
    return rows, columns


def _by_length(text: bytes) -> tuple[int, bytes]:
    return len(text), text.upper()


def _worksheet_path(archive) -> str | None:
    names = sorted(n for n in archive.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n))
    return (_first_sheet_path(archive) or names[0]) if names else None


def _xlsx_formula_cells(data: bytes) -> Iterator[tuple[int, int]]:
    """(row number, 0-based column) of each formula cell in the first worksheet, streaming."""
    import zipfile

    from defusedxml.ElementTree import iterparse  # a spreadsheet is untrusted input

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_path = _worksheet_path(archive)
        if sheet_path is None:
            return
        namespace = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        if not _contains_formula(archive, sheet_path):
            return  # most rosters have none: skip parsing the whole sheet's XML
        with archive.open(sheet_path) as handle:
            for _event, element in iterparse(handle):
                if element.tag == namespace + "c":
                    if element.find(namespace + "f") is not None:
                        yield _cell_position(element.get("r", ""))
                    element.clear()


def _contains_formula(archive, path: str) -> bool:
    """A quick byte scan for a formula element (<f> or <f ...>), chunk by chunk."""
    tail = b""
    with archive.open(path) as handle:
        while chunk := handle.read(1 << 20):
            window = tail + chunk
            if b"<f>" in window or b"<f " in window or b"<x:f" in window:
                return True
            tail = window[-8:]
    return False


def _first_sheet_path(archive) -> str | None:
    """The worksheet that is first in the workbook's order (not necessarily sheet1.xml)."""

    try:
        workbook = archive.read("xl/workbook.xml").decode()
        relations = archive.read("xl/_rels/workbook.xml.rels").decode()
    except KeyError:
        return None
    first = re.search(r"<sheet\b[^>]*\br:id=\"([^\"]+)\"", workbook)
    if not first:
        return None
    target = re.search(
        rf'Id="{re.escape(first.group(1))}"[^>]*Target="([^"]+)"', relations
    ) or re.search(rf'Target="([^"]+)"[^>]*Id="{re.escape(first.group(1))}"', relations)
    if not target:
        return None
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def _cell_position(reference: str) -> tuple[int, int]:
    letters = "".join(ch for ch in reference if ch.isalpha())
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter.upper()) - 64
    return int(reference[len(letters) :] or 0), column - 1


def _read_csv(data: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    yield from csv.reader(io.StringIO(text))


def _map_header(spec: ImportSpec, header: list[Any]) -> dict[int, Column]:
    by_header = {name: column for column in spec.columns for name in column.headers()}
    mapping = {}
    for index, cell in enumerate(header):
        column = by_header.get(normalise_header(normalise_cell(cell)))
        if column is not None and column not in mapping.values():
            mapping[index] = column
    missing = [str(c.label) for c in spec.columns if c.required and c not in mapping.values()]
    if missing:
        raise ImportFileError(
            _("Missing columns: %(columns)s. Download the template to see the expected columns.")
            % {"columns": "、".join(missing)}
        )
    return mapping


def run_import(
    spec: ImportSpec,
    data: bytes,
    filename: str,
    *,
    options: ImportOptions | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    **flags: bool,
) -> ImportReport:
    """Import a file; never raises for bad rows, only ImportFileError for an unusable file.

    `flags` are shorthands for the options (all_or_nothing=True, dry_run=True, update=True).
    `progress` is called with the number of rows read after each chunk.
    """
    options = options or ImportOptions(**flags)
    sheet = read_sheet(data, filename)
    rows = sheet.rows
    header = next((cells for _n, cells in rows if any(normalise_cell(c) for c in cells)), None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    mapping = _map_header(spec, header)
    report = ImportReport(header=list(header), dry_run=options.dry_run)
    run = ImportRun(options, report, {c.key: str(c.label) for c in mapping.values()})
    whole_file = options.dry_run or options.all_or_nothing
    try:
        with transaction.atomic() if whole_file else _no_transaction():
            doubtful = _DoubtfulCells(sheet, mapping)
            for chunk in _chunks(rows, doubtful, mapping, run, chunk_rows):
                with transaction.atomic():
                    spec.apply_chunk(chunk, run)
                if progress:
                    progress(report.rows)
            if spec.finish is not None:
                with transaction.atomic():
                    spec.finish(run)
            if options.dry_run or (options.all_or_nothing and not report.ok):
                raise _RollBack
    except _RollBack:
        report.rolled_back = True
        if options.all_or_nothing and not options.dry_run:
            report.counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
    # Rows rejected before a chunk was applied were noted first: report in the file's order.
    report.rejected.sort(key=lambda rejection: rejection.row)
    report.rejected_rows.sort(key=lambda rejected: rejected[0])
    return report


class _no_transaction:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


UNTRUSTED = {
    MERGED: gettext_lazy("merged cells: unmerge them and fill in every row"),
    FORMULA: gettext_lazy("a formula: paste the values instead"),
}


class _DoubtfulCells:
    """The mapped cells of a row that cannot be trusted as typed, asked row after row in the
    file's order. Merged ranges are swept as the rows go by, counting for each mapped column the
    ranges that cover it: a range costs its mapped columns once, never each of its cells."""

    def __init__(self, sheet: Sheet, columns: Iterable[int]):
        self.columns = sorted(columns)
        self.formulas = sheet.formulas
        self.waiting = sorted(sheet.merged)
        self.next = 0
        self.open: list[tuple[int, int, list[int]]] = []  # a heap by bottom row
        self.covered = dict.fromkeys(self.columns, 0)

    def of(self, number: int) -> dict[int, str]:
        while self.next < len(self.waiting) and self.waiting[self.next][0] <= number:
            _top, bottom, left, right = self.waiting[self.next]
            spanned = [column for column in self.columns if left <= column <= right]
            heapq.heappush(self.open, (bottom, self.next, spanned))
            self.next += 1
            for column in spanned:
                self.covered[column] += 1
        while self.open and self.open[0][0] < number:
            for column in heapq.heappop(self.open)[2]:
                self.covered[column] -= 1
        found = {column: MERGED for column in self.columns if self.covered[column]}
        found.update({c: FORMULA for c in self.columns if (number, c) in self.formulas})
        return found


def _chunks(rows, doubtful: _DoubtfulCells, mapping: dict[int, Column], run: ImportRun,
            size: int):  # fmt: skip
    """Rows in chunks of `size`, after rejecting those that cannot be read as typed."""
    chunk: list[Row] = []
    for number, cells in rows:
        row = _row(number, list(cells), mapping)
        if row is None:
            continue  # blank lines between blocks are common in hand-made sheets
        run.report.rows += 1
        flagged = doubtful.of(number)
        if flagged:
            index, why = min(flagged.items())
            run.reject(row, mapping[index].key, str(UNTRUSTED[why]))
            continue
        missing = [c for c in mapping.values() if c.required and not row.values[c.key]]
        if missing:
            run.reject(row, missing[0].key, _("This column is required."))
            continue
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _row(number: int, cells: list[Any], mapping: dict[int, Column]) -> Row | None:
    values, raw = {}, {}
    for index, column in mapping.items():
        cell = cells[index] if index < len(cells) else None
        raw[column.key] = cell
        values[column.key] = normalise_cell(cell)
    if not any(values.values()):
        return None
    return Row(number, values, raw, cells)


def write_error_report(report: ImportReport) -> bytes:
    """The rejected rows as they were in the file, with a column saying why."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows"))
    _bold_row(sheet, [*(normalise_cell(cell) for cell in report.header), _("Reason")])
    width = len(report.header)
    for _number, cells, reason in report.rejected_rows:
        padded = [_plain(cell) for cell in cells[:width]] + [""] * (width - len(cells))
        sheet.append([spreadsheet_safe(value, sheet) for value in [*padded, reason]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(cell: Any) -> Any:
    """A cell as openpyxl can write it back (calamine may hand over dates, times, floats)."""
    return cell if isinstance(cell, (str, int, float)) or cell is None else str(cell)


def _bold_row(sheet, texts) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for text in texts:
        cell = spreadsheet_safe(str(text), sheet)
        if isinstance(cell, str):  # not made a cell: a text that is no formula
            cell = WriteOnlyCell(sheet, value=cell)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def write_xlsx(
    spec: ImportSpec, rows: Iterable[dict[str, Any]], *, template: bool = False
) -> bytes:
    """An xlsx file with the spec's columns; the template adds a sheet explaining each column.
    Written in openpyxl's streaming mode, so a large export stays small in memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(spec.title)[:31])
    _bold_row(sheet, [column.label for column in spec.columns])
    for row in rows:
        sheet.append([spreadsheet_safe(row.get(column.key, ""), sheet) for column in spec.columns])
    if template:
        guide = workbook.create_sheet(_("How to fill in"))
        _bold_row(guide, [_("Column"), _("Required"), _("Example"), _("Notes")])
        for column in spec.columns:
            required = _("yes") if column.required else _("no")
            texts = [str(column.label), required, column.example, str(column.help)]
            guide.append([spreadsheet_safe(text, guide) for text in texts])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def spreadsheet_safe(value: Any, sheet=None) -> Any:
    """The one guard of every spreadsheet and CSV file the platform writes against a text that a
    spreadsheet would run as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`, `@SUM(...)`,
    from an uploaded file or a typed name). Numbers and other texts pass unchanged.

    Given the write-only sheet the value goes into (exports and error reports, which must import
    back unchanged), such a text becomes a cell typed as text, holding its exact characters: a
    text cell in an .xlsx is never calculated. Without one (CSV, or an ordinary sheet whose
    `append` would store "=..." as a formula) it is prefixed with an apostrophe, which
    spreadsheets show as text.

    A control character that a workbook cannot hold (a stray U+0001 in an uploaded cell) becomes
    U+FFFD, so that one odd byte in a rejected row does not stop the error report."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS.sub("\ufffd", value)
    if not value.startswith(FORMULA_STARTS):
        return value
    if sheet is None:
        return "'" + value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_table(title: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """One sheet for people to read and annotate (a report, not an import file): a bold header,
    then the rows, every text cell made safe from running as a formula."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    _bold_row(sheet, header)
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
