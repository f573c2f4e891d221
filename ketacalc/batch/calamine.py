"""Other spreadsheet files: OpenDocument (.ods, LibreOffice's own), Excel 97-2003 (.xls) and Excel
binary (.xlsb) workbooks, read through python-calamine under the excel extra
(``pip install 'ketacalc[excel]'``). Their rows come out as ``workbook.Sheet`` rows, so the header,
units, totals rows and row locations are found as for an .xlsx.

calamine gives each cell's value but not its number format, so a cell shown as "154 lb" or
"1.250,00 €" reads as 154 or 1250: ketacalc cannot see the unit. A column whose unit the header does
not name is therefore refused for these files (``needs_named_units``), never read in a default unit.

Which sheet: the one named (a hidden one too), else for .ods the sheet open when it was saved if it
is visible, else the first visible worksheet; the sheet read is named on stderr.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from ketacalc.batch.columns import BARE_UNITS, Header
from ketacalc.batch.decoding import XLSX_BYTES, what_bytes
from ketacalc.batch.numbers import PRICE_FIELDS
from ketacalc.batch.workbook import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_PART_BYTES,
    MAX_ROWS,
    Cell,
    Sheet,
    WorkbookError,
    number_text,
)
from ketacalc.batch.xlsx import INSTALL
from ketacalc.errors import printable, shown

# The formats read here, as a message names them.
NAMES = {
    "ods": "OpenDocument spreadsheet (.ods)",
    "xls": "Excel 97-2003 workbook (.xls)",
    "xlsb": "Excel binary workbook (.xlsb)",
}
# How what_bytes starts for each format's own bytes.
_BYTES = {"ods": "an OpenDocument spreadsheet", "xls": "an Excel 97-2003 workbook", "xlsb": XLSX_BYTES}
_SAVE_AS = "save it again from its program, or as .xlsx or 'CSV UTF-8'"
_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA"})
_MAX_EXPONENT = 300


def read(binary: IO[bytes], wanted: str | None, fmt: str) -> Sheet:
    """The sheet to read (see the module) and its rows."""
    try:
        import python_calamine
    except ImportError:
        raise WorkbookError(f"an {NAMES[fmt]} needs the excel extra, which is not installed: {INSTALL}") from None
    data = binary.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(f"the workbook is over {MAX_FILE_BYTES // 1024 // 1024} MiB")
    said = what_bytes(data[:512])
    if said is not None and not said.startswith(_BYTES[fmt]):  # an .xlsx, a web page or a PDF named .xls
        raise WorkbookError(f"the input is not an {NAMES[fmt]}: it is {said}")
    active = _zip_checked(data, fmt) if fmt in ("ods", "xlsb") else None
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible, worksheet = python_calamine.SheetVisibleEnum.Visible, python_calamine.SheetTypeEnum.WorkSheet
        sheets = [(s.name, s.visible == visible, s.typ == worksheet) for s in book.sheets_metadata]
    except Exception as error:  # calamine raises its own errors, and Rust panics as BaseException subclasses
        raise WorkbookError(f"not a readable {NAMES[fmt]} ({_said(error)}): {_SAVE_AS}") from None
    name, notes = _choose(sheets, wanted, active)
    try:
        sheet = book.get_sheet_by_name(name)
        first_column = sheet.start[1] if sheet.start is not None else 0
        rows = sheet.iter_rows()
    except Exception as error:
        raise WorkbookError(f"the sheet {printable(name)!r} cannot be read ({_said(error)}): {_SAVE_AS}") from None
    return Sheet(name, _rows(rows, first_column, name), notes)


def _said(error: BaseException) -> str:
    return printable(str(error).splitlines()[0] if str(error) else type(error).__name__)[:120]


def _zip_checked(data: bytes, fmt: str) -> str | None:
    """An .ods or .xlsb is a zip: its parts' sizes are checked before calamine unpacks them (a small
    file can unpack to gigabytes; calamine has no cap), and an .ods's sheet open when it was saved is
    read from its settings."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        for info in archive.infolist():
            if info.file_size > MAX_PART_BYTES:
                raise WorkbookError(f"the workbook's part {printable(info.filename)!r} unpacks to over 64 MiB")
        if fmt != "ods" or "settings.xml" not in archive.namelist():
            return None
        with archive.open("settings.xml") as part:
            settings = part.read(MAX_PART_BYTES).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, KeyError):
        raise WorkbookError(f"not a readable {NAMES[fmt]} (not a zip file): {_SAVE_AS}") from None
    found = _ACTIVE_TABLE_RE.search(settings)
    return _xml_text(found.group(1)) if found else None


_ACTIVE_TABLE_RE = re.compile(r'config:name="ActiveTable"[^>]*>([^<]{1,200})<')


def _xml_text(text: str) -> str:
    import html

    return html.unescape(text)


def _choose(
    sheets: list[tuple[str, bool, bool]], wanted: str | None, active: str | None
) -> tuple[str, tuple[str, ...]]:
    names = ", ".join(repr(printable(name)) for name, _, _ in sheets)
    if wanted is not None:
        for name, _visible, table in sheets:
            if name == wanted:
                if not table:
                    raise WorkbookError(f"the sheet {shown(wanted)} is a chart, not a table (sheets: {names})")
                return name, (f"note: reading sheet {printable(name)!r}",)
        raise WorkbookError(f"the workbook has no sheet {shown(wanted)} (sheets: {names})")
    visible = [name for name, shown, table in sheets if shown and table]
    if not visible:
        raise WorkbookError(f"the workbook has no visible worksheet; name one with --sheet (sheets: {names})")
    name = active if active in visible else visible[0]
    notes = [f"note: reading sheet {printable(name)!r}"]
    index = next(i for i, (n, _, _) in enumerate(sheets) if n == name)
    skipped = [n for n, shown, table in sheets[:index] if not (shown and table)]
    if skipped:
        notes.append("note: not read: " + ", ".join(repr(printable(n)) for n in skipped) + " (hidden or a chart)")
    return name, tuple(notes)


def _rows(rows: Iterator[list[Any]], first_column: int, sheet: str) -> Iterator[tuple[int, dict[int, Cell]]]:
    """calamine's rows (the first is the sheet's row 1; a row's first value is in ``first_column``)
    as a CSV export of them would hold them."""
    try:
        for number, values in enumerate(rows, start=1):
            if number > MAX_ROWS:
                raise WorkbookError(f"the sheet has more than {MAX_ROWS:,} rows")
            yield (
                number,
                {
                    first_column + index: _cell(value)
                    for index, value in enumerate(values[:MAX_COLUMNS])
                    if value != "" and value is not None
                },
            )
    except WorkbookError:
        raise
    except Exception as error:
        raise WorkbookError(f"the sheet {printable(sheet)!r} cannot be read ({_said(error)}): {_SAVE_AS}") from None


def _cell(value: Any) -> Cell:  # noqa: PLR0911 - one return per kind of value calamine gives
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE")
    if isinstance(value, int):
        return Cell(str(value), typed=True)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, datetime.datetime):
        return Cell(value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" "))
    if isinstance(value, datetime.date):
        return Cell(value.isoformat())
    if isinstance(value, datetime.time):
        return Cell(f"{value.hour:02d}:{value.minute:02d}" + (f":{value.second:02d}" if value.second else ""))
    if isinstance(value, datetime.timedelta):
        minutes, rest = divmod(value.total_seconds(), 60)
        if rest or minutes < 0:
            return Cell("", problem=f"holds a duration of {value}, which is not whole minutes")
        return Cell(f"{int(minutes)} min")
    text = str(value)
    if text in _ERRORS:
        return Cell("", problem=f"is a spreadsheet error ({text})")
    return Cell(text)


def _number(value: float) -> Cell:
    """A float cell as its shortest decimal (70.5, not 70.5000000000000001), as the .xlsx reader
    writes a number cell (``workbook.number_text``)."""
    number = Decimal(repr(value))
    if not number.is_finite() or (number and abs(number.adjusted()) > _MAX_EXPONENT):
        return Cell("", problem=f"holds {printable(repr(value))[:20]!r} in a number cell")
    return Cell(number_text(number), typed=True)


def needs_named_units(header: Header, fmt: str, currency_given: bool) -> str | None:
    """For a file whose number formats ketacalc cannot see, the refusal of a column whose header names
    no unit (a weight, a height, a duration ...) or no currency (a price, when no currency column
    or --currency names it), or None."""
    fields = {column.field for column in header.columns}
    for column in header.columns:
        unit_missing = column.field in BARE_UNITS and column.unit is None
        currency_missing = (
            column.field in PRICE_FIELDS and column.currency is None and "currency" not in fields and not currency_given
        )
        if unit_missing or currency_missing:
            kind, example = ("unit", "'Weight (kg)'") if unit_missing else ("currency", "'Price (EUR)'")
            return (
                f"the column {printable(column.header)!r} names no {kind}, and an {NAMES[fmt]} does not show "
                f"ketacalc its cells' number formats (154 shown as '154 lb' reads as 154): name the {kind} in "
                f"the header (e.g. {example}), or save the sheet as .xlsx"
            )
    return None
