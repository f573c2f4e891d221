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

# Both ways ketacalc is installed: pip (a virtual environment) and pipx (an application of its own).
INSTALL = "pip install 'ketacalc[excel]', or with pipx: pipx inject ketacalc openpyxl"


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

    def __init__(self, header: Sequence[str], money: Sequence[str] = ()) -> None:
        openpyxl = _openpyxl()
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        self._cell_type = WriteOnlyCell
        self._workbook = openpyxl.Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet("quotes")
        self.header = list(header)
        self._money = [index for index, name in enumerate(header) if name in money]
        self._last_column = get_column_letter(max(len(header), 1))
        self.rows = 0
        # Set before the first row (write-only): the header stays in view, each column fits its name.
        self._sheet.freeze_panes = "A2"
        for index, name in enumerate(header, start=1):
            self._sheet.column_dimensions[get_column_letter(index)].width = min(max(len(name) + 2, 10), 40)
        self._sheet.append([self._cell(name) for name in header])

    def _cell_in(self, sheet: Any, value: object) -> object:
        made = self._cell_type(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"
        return made

    def _cell(self, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXCEL_DIGITS:
            value = str(value)  # Excel keeps 15 significant digits: a 16-digit id would lose its last
        elif isinstance(value, Decimal) and value.is_finite() and len(value.as_tuple().digits) > 15:
            value = f"{value:f}"
        made = self._cell_type(self._sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # never a formula, whatever it starts with
        return made

    def append(self, row: Sequence[object], currency: str | None = None) -> None:
        if self.rows + 1 >= MAX_ROWS:
            with contextlib.suppress(Exception):  # the half-written sheet is dropped, not saved
                self._sheet.close()
            raise ExcelError(
                f"more than {MAX_ROWS - 1:,} records do not fit one sheet Excel can open; "
                "split the input, or use --output csv or jsonl"
            )
        cells = [self._cell(value) for value in row]
        if currency is not None:
            money_format = _money_format(currency)
            for index in self._money:
                cells[index].number_format = money_format  # type: ignore[attr-defined]
        self._sheet.append(cells)
        self.rows += 1

    def save(
        self, out: IO[bytes], totals: Sequence[Sequence[object]] = (), notes: Sequence[Sequence[object]] = ()
    ) -> None:
        """The workbook: the quotes (filtered by their header), a Totals sheet and a Notes sheet."""
        self._sheet.auto_filter.ref = f"A1:{self._last_column}{self.rows + 1}"
        for name, rows in (("totals", totals), ("notes", notes)):
            if rows:
                sheet = self._workbook.create_sheet(name)
                for row in rows:
                    sheet.append([self._cell_in(sheet, value) for value in row])
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        out.write(buffer.getvalue())


def _money_format(currency: str) -> str:
    """A money cell's number format: thousands and the currency's minor units, then its code
    (#,##0.00 "EUR"; #,##0 "JPY")."""
    from ketacalc.currencies import minor_units

    places = minor_units(currency)
    return "#,##0" + ("." + "0" * places if places else "") + f' "{currency}"'
