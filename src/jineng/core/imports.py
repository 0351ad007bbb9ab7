"""The one import pipeline: spreadsheets and CSV files in, a report naming every rejected row out.

An `ImportSpec` describes the columns of one kind of row and how to apply a row (through the
services, so every change is audited). `run_import` reads the file in a stream, normalises the
cells (full-width digits and stray spaces from spreadsheets, Excel's floats for codes), and
applies each row in a savepoint of its own: a bad row changes nothing and is reported with its
row number, column and reason. With `all_or_nothing`, one bad row rolls the whole file back.
Rows are keyed, so importing the same file twice changes nothing the second time.

Exports use the same columns, so an exported file imports back unchanged; the template is an
export with no rows and a sheet that explains each column.
"""

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
MAX_REPORTED_REJECTIONS = 1000  # a file of garbage should not produce a report of garbage


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong columns): nothing was changed."""


class _RollBack(Exception):
    """Leaves the all-or-nothing transaction when a row was rejected."""


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # the header in zh-hans (lazy translation of the English source)
    required: bool = True
    example: str = ""
    help: Any = ""

    def headers(self) -> set[str]:
        """Headers accepted for this column: its label in either language, or its key."""
        from django.utils import translation

        names = {self.key}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(self.label))
        return {normalise_header(name) for name in names}


@dataclass(frozen=True)
class ImportSpec:
    name: str
    title: Any
    columns: tuple[Column, ...]
    apply: Callable[[dict[str, str]], str]  # returns CREATED, UPDATED or UNCHANGED
    export_rows: Callable[[], Iterable[dict[str, Any]]]


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
    rolled_back: bool = False

    @property
    def ok(self) -> bool:
        return self.rejected_total == 0

    def reject(self, row: int, column: str, message: str) -> None:
        self.rejected_total += 1
        if len(self.rejected) < MAX_REPORTED_REJECTIONS:
            self.rejected.append(Rejection(row, column, message))

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
        if self.rolled_back:
            text += "; " + _("nothing was saved (all or nothing)")
        return text


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


def read_rows(data: bytes, filename: str) -> Iterator[list[Any]]:
    """Rows of the first sheet of an xlsx/xls/ods file, or of a CSV file (UTF-8 or GB18030)."""
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        yield from _read_csv(data)
        return
    if not lowered.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise ImportFileError(_("Unsupported file type: use .xlsx, .xls, .ods or .csv."))
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except Exception as problem:  # calamine raises its own error types for broken files
        raise ImportFileError(
            _("The file cannot be read as a spreadsheet: %(reason)s") % {"reason": problem}
        ) from None


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
        if column is not None:
            mapping[index] = column
    missing = [str(c.label) for c in spec.columns if c.required and c not in mapping.values()]
    if missing:
        raise ImportFileError(
            _("Missing columns: %(columns)s. Download the template to see the expected columns.")
            % {"columns": "、".join(missing)}
        )
    return mapping


def run_import(
    spec: ImportSpec, data: bytes, filename: str, *, all_or_nothing: bool = False
) -> ImportReport:
    """Import a file; never raises for bad rows, only ImportFileError for a bad file."""
    rows = read_rows(data, filename)
    header = next((row for row in rows if any(normalise_cell(c) for c in row)), None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    mapping = _map_header(spec, header)
    report = ImportReport()
    try:
        with transaction.atomic():
            _apply_rows(spec, rows, mapping, report)
            if all_or_nothing and not report.ok:
                raise _RollBack
    except _RollBack:
        report.rolled_back = True
        report.counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
    return report


def _apply_rows(spec, rows, mapping: dict[int, Column], report: ImportReport) -> None:
    # Row numbers as the spreadsheet shows them: the header is row 1 (or later if rows
    # above it were blank; calamine and csv both skip nothing, so count from the header).
    for number, row in enumerate(rows, start=2):
        values = {column.key: "" for column in mapping.values()}
        for index, column in mapping.items():
            if index < len(row):
                values[column.key] = normalise_cell(row[index])
        if not any(values.values()):
            continue  # blank lines between blocks are common in hand-made sheets
        missing = [c for c in mapping.values() if c.required and not values[c.key]]
        if missing:
            report.reject(number, str(missing[0].label), _("This column is required."))
            continue
        try:
            with transaction.atomic():
                outcome = spec.apply(values)
        except ValidationError as problem:
            for column, message in _messages(problem, mapping):
                report.reject(number, column, message)
            continue
        report.counts[outcome] += 1


def _messages(problem: ValidationError, mapping: dict[int, Column]):
    labels = {column.key: str(column.label) for column in mapping.values()}
    if hasattr(problem, "error_dict"):
        for key, errors in problem.message_dict.items():
            for message in errors:
                yield labels.get(key, key if key != "__all__" else ""), message
    else:
        for message in problem.messages:
            yield "", message


def _bold_row(sheet, texts) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for text in texts:
        cell = WriteOnlyCell(sheet, value=str(text))
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
        sheet.append([row.get(column.key, "") for column in spec.columns])
    if template:
        guide = workbook.create_sheet(_("How to fill in"))
        _bold_row(guide, [_("Column"), _("Required"), _("Example"), _("Notes")])
        for column in spec.columns:
            required = _("yes") if column.required else _("no")
            guide.append([str(column.label), required, column.example, str(column.help)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
