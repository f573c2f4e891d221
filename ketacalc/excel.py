"""Excel workbooks (.xlsx) in and out, through openpyxl: the optional extra
``ketacalc[excel]`` (``pip install 'ketacalc[excel]'``). Without it, asking for
a workbook is exit 2 saying how to install it.

Typed cells are read as what they are: a number cell 82.5 is "82.5" (70.0 is
"70"), a time cell 09:00 is "09:00". Written workbooks hold numbers as numbers, money as exact
decimals in the currency's minor units, and text always as text (a cell that
starts with = is never a formula).
"""

from __future__ import annotations

import datetime
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any, NamedTuple

from ketacalc.errors import KetacalcError, printable

INSTALL = "pip install 'ketacalc[excel]'"
MAX_BYTES = 256 * 1024 * 1024  # a workbook from stdin is held in memory: bounded


class ExcelError(KetacalcError):
    """A workbook that cannot be used, or no openpyxl (exit 2)."""


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise ExcelError(f".xlsx needs the excel extra, which is not installed: {INSTALL}") from None
    return openpyxl


class Cell(NamedTuple):
    text: str  # as a CSV export would hold it
    typed: bool  # a number cell: it has no decimal mark to read
    unsaved_formula: bool  # a formula with no value saved (a workbook not written by a spreadsheet program)


def read_rows(binary: IO[bytes], sheet: str | None) -> Iterator[list[Cell]]:
    """The rows of the sheet (the first, or ``sheet``), cell by cell."""
    openpyxl = _openpyxl()
    data = binary.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ExcelError(f"the workbook is over {MAX_BYTES // 1024 // 1024} MiB")
    try:
        # Twice: the values a spreadsheet saved, and the formulas, to tell an
        # empty cell from a formula whose value was never saved.
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ExcelError(f"not a readable .xlsx workbook ({type(error).__name__})") from None
    names = values.sheetnames
    if sheet is not None and sheet not in names:
        shown = ", ".join(repr(printable(name)) for name in names)
        raise ExcelError(f"the workbook has no sheet {printable(sheet)!r} (sheets: {shown})")
    index = names.index(sheet) if sheet is not None else 0
    return _rows(
        (values, formulas),
        values.worksheets[index].iter_rows(values_only=True),
        formulas.worksheets[index].iter_rows(values_only=True),
    )


def _rows(
    books: tuple[Any, Any], rows: Iterable[Sequence[object]], formulas: Iterable[Sequence[object]]
) -> Iterator[list[Cell]]:
    try:
        for row, formula_row in zip(rows, formulas, strict=False):
            yield [
                Cell(
                    cell_text(value),
                    isinstance(value, int | float | Decimal) and not isinstance(value, bool),
                    value is None and isinstance(formula, str) and formula.startswith("="),
                )
                for value, formula in itertools.zip_longest(row, formula_row)
            ]
    finally:
        for book in books:
            book.close()


def cell_text(value: object) -> str:
    """A typed cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        text = f"{Decimal(repr(value)):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.time):
        return f"{value.hour:02d}:{value.minute:02d}" + (f":{value.second:02d}" if value.second else "")
    if isinstance(value, datetime.timedelta):
        return f"{Decimal(value.total_seconds()) / 60:f} min"
    return str(value)


def write_workbook(header: Sequence[str], rows: Iterable[Sequence[object]], out: IO[bytes]) -> None:
    """A workbook of one sheet, "quotes": the header, then the rows. Text cells
    are always text, never formulas."""
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("quotes")

    def cell(value: object) -> object:
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # never a formula, whatever it starts with
        return made

    sheet.append([cell(name) for name in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    out.write(buffer.getvalue())
