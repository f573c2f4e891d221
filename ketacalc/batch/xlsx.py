"""Excel workbooks (.xlsx) out, through openpyxl: the optional extra
``ketacalc[excel]`` (``pip install 'ketacalc[excel]'``). Without it, asking for
a workbook is exit 2 saying how to install it. (Reading a workbook is
``ketacalc.batch.workbook``'s, and needs no extra.)

Written workbooks hold numbers as numbers, money as exact decimals in the
currency's minor units, and text always as text (a cell that starts with = is
never a formula).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from ketacalc.errors import KetacalcError

INSTALL = "pip install 'ketacalc[excel]'"


class ExcelError(KetacalcError):
    """A workbook that cannot be used, or no openpyxl (exit 2)."""


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise ExcelError(f".xlsx needs the excel extra, which is not installed: {INSTALL}") from None
    return openpyxl


MAX_ROWS = 1_048_576  # Excel opens no sheet longer: the header and 1,048,575 records
_EXCEL_DIGITS = 10**15  # Excel keeps 15 significant digits of a number


class WorkbookWriter:
    """A workbook of one sheet, "quotes", written row by row with constant
    memory (openpyxl's write-only mode keeps rows in a temporary file), and
    saved whole at the end. Text cells are always text, never formulas; a
    number a spreadsheet's float cannot hold (an id of 20 digits) is text."""

    def __init__(self, header: Sequence[str]) -> None:
        openpyxl = _openpyxl()
        from openpyxl.cell import WriteOnlyCell

        self._cell_type = WriteOnlyCell
        self._workbook = openpyxl.Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet("quotes")
        self.rows = 0
        self._sheet.append([self._cell(name) for name in header])

    def _cell(self, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXCEL_DIGITS:
            value = str(value)  # Excel keeps 15 significant digits: a 16-digit id would lose its last
        elif isinstance(value, Decimal) and value.is_finite() and len(value.as_tuple().digits) > 15:
            value = f"{value:f}"
        made = self._cell_type(self._sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # never a formula, whatever it starts with
        return made

    def append(self, row: Sequence[object]) -> None:
        if self.rows + 1 >= MAX_ROWS:
            with contextlib.suppress(Exception):  # the half-written sheet is dropped, not saved
                self._sheet.close()
            raise ExcelError(
                f"more than {MAX_ROWS - 1:,} records do not fit one sheet Excel can open; "
                "split the input, or use --output csv or jsonl"
            )
        self._sheet.append([self._cell(value) for value in row])
        self.rows += 1

    def save(self, out: IO[bytes]) -> None:
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        out.write(buffer.getvalue())
