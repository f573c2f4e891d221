"""Excel workbooks (.xlsx) out, through XlsxWriter: the optional extra ``ketacalc[excel]``
(``pip install 'ketacalc[excel]'``). Without it, asking for a workbook is exit 2 saying how to
install it. (Reading an .xlsx is ``ketacalc.batch.workbook``'s, and needs no extra.)

Written workbooks hold numbers as numbers, money as exact decimals in the currency's minor units,
and text always as text (a cell that starts with = is never a formula).

*Chosen by measurement* (100,000 rows of 23 columns, this machine): openpyxl's write-only mode took
25-29 s (with lxml or without: it builds an object and an XML element per cell), XlsxWriter's
constant-memory mode 7.5 s, at 27 MB; the batch's own work is about 4 s, so on Linux XlsxWriter
runs in a second process beside it (``WorkbookWriter``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import IO, Any

from ketacalc.errors import KetacalcError

# Both ways ketacalc is installed: pip (a virtual environment) and pipx (an application of its own).
INSTALL = "pip install 'ketacalc[excel]', or with pipx: pipx inject ketacalc xlsxwriter python-calamine"


class ExcelError(KetacalcError):
    """A workbook that cannot be used, or no XlsxWriter (exit 2)."""


def _xlsxwriter() -> Any:
    try:
        import xlsxwriter
    except ImportError:
        raise ExcelError(f".xlsx needs the excel extra, which is not installed: {INSTALL}") from None
    return xlsxwriter


MAX_ROWS = 1_048_576  # Excel opens no sheet longer: the header and 1,048,575 records
MAX_COLUMNS = 16_384  # nor one wider
CELL_MAX_CHARS = 32_767  # nor a cell of more characters
# Never read a string as anything but text: no formulas, numbers or links made of a patient's cell.
_AS_WRITTEN = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


class _Book:
    """The workbook itself, written by XlsxWriter into ``path``: the quotes sheet row by row with
    constant memory (each row goes to a temporary file in ``folder`` as it comes), the Totals and
    Notes sheets at the end. Text cells are always text, never formulas. Rows come as ``prepared``
    makes them (in the batch's process: this one's time is the workbook's)."""

    def __init__(self, path: str, folder: str, header: Sequence[str], money: Sequence[str]) -> None:
        xlsxwriter = _xlsxwriter()
        options = {"constant_memory": True, "tmpdir": folder, **_AS_WRITTEN}
        self._workbook = xlsxwriter.Workbook(path, options)
        self._sheet = self._workbook.add_worksheet("quotes")
        self.header = list(header)
        self._widths = [min(max(len(name) + 2, 10), 40) for name in header]
        # Runs of neighbouring money columns: a row in another currency than the columns' writes each in one call.
        self._money_runs: list[tuple[int, int]] = []
        for index, name in enumerate(header):
            if name not in money:
                continue
            if self._money_runs and self._money_runs[-1][1] == index:
                self._money_runs[-1] = (self._money_runs[-1][0], index + 1)
            else:
                self._money_runs.append((index, index + 1))
        self._column_currency: str | None = None  # the money columns' own format is this currency's
        self._formats: dict[str, Any] = {}
        self.rows = 0
        # Set before the first row: the header stays in view, in bold (so never in a money column's
        # format), and each column fits its name.
        self._sheet.freeze_panes(1, 0)
        for index, width in enumerate(self._widths):
            self._sheet.set_column(index, index, width)
        self._write(self._sheet, 0, header, 0, self._workbook.add_format({"bold": True}))

    @staticmethod
    def _write(sheet: Any, row: int, values: Sequence[object], start: int = 0, cell_format: Any = None) -> None:
        """Cells from ``start`` (XlsxWriter's write_row: text as text, numbers as numbers, None and ""
        as no cell). Cells come as ``writers.kept`` makes them: a number a float cannot hold is text."""
        if code := sheet.write_row(row, start, values, cell_format):
            raise ExcelError(f"record {row:,} could not be written to the workbook (XlsxWriter: {code})")

    def append(self, row: Sequence[object], currency: str | None) -> None:
        """A record's row. Its money cells take their currency's format from their columns (set
        from the first row with a currency) or, in a row of another currency, a run at a time."""
        self.rows += 1
        if currency is not None and currency != self._column_currency:
            if self._column_currency is None:
                self._column_currency = currency
                for start, end in self._money_runs:
                    for index in range(start, end):
                        self._sheet.set_column(index, index, self._widths[index], self._money_format(currency))
            else:
                self._write_in(row, self._money_format(currency))
                return
        self._write(self._sheet, self.rows, row)

    def _write_in(self, row: Sequence[object], money_format: Any) -> None:
        """A row whose money is in another currency than its columns': each run in its format."""
        done = 0
        for start, end in self._money_runs:
            if start >= len(row):
                break
            self._write(self._sheet, self.rows, row[done:start], done)
            self._write(self._sheet, self.rows, row[start:end], start, money_format)
            done = end
        self._write(self._sheet, self.rows, row[done:], done)

    def _money_format(self, currency: str) -> Any:
        found = self._formats.get(currency)
        if found is None:
            found = self._formats[currency] = self._workbook.add_format({"num_format": _money_format(currency)})
        return found

    def close(self, totals: Sequence[Sequence[object]], notes: Sequence[Sequence[object]]) -> None:
        """The quotes filtered by their header, a Totals sheet and a Notes sheet, and the file written."""
        self._sheet.autofilter(0, 0, self.rows, max(len(self.header) - 1, 0))
        if totals:  # a header (bold), then a row per currency, its totals in that currency's format
            sheet = self._workbook.add_worksheet("totals")
            self._write(sheet, 0, prepared(totals[0]), 0, self._workbook.add_format({"bold": True}))
            money = [index for index, name in enumerate(totals[0]) if str(name).startswith("total ")]
            for number, row in enumerate(totals[1:], start=1):
                money_format = self._money_format(str(row[0]))
                for index, value in enumerate(row):
                    sheet.write(number, index, value, money_format if index in money else None)
        if notes:
            sheet = self._workbook.add_worksheet("notes")
            for number, row in enumerate(notes):
                self._write(sheet, number, prepared(row))
        self._workbook.close()


def prepared(values: Sequence[object]) -> Sequence[object]:
    """A row as a sheet takes it: a text longer than a cell holds cut, saying so, and the row's empty
    end (no warnings, no error) left off, so it is not written cell by cell."""
    if any(type(value) is str and len(value) > CELL_MAX_CHARS for value in values):
        values = [_cut(value) if type(value) is str else value for value in values]
    last = len(values)
    while last and (values[last - 1] is None or values[last - 1] == ""):
        last -= 1
    return values if last == len(values) else values[:last]


# Rows go to the writing process in blocks: a pipe's message costs far more than a row.
_BLOCK = 1000


def _serve(connection: Any, path: str, folder: str, header: Sequence[str], money: Sequence[str]) -> None:
    """The writing process: rows in blocks until "save", then the workbook closed and its error (or
    None) sent back. An error stops the writing but not the reading, so the batch never waits on a
    full pipe. Ctrl-C is the batch's to handle: it ends this process by discarding the workbook."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    error: str | None = None
    book = None
    try:
        book = _Book(path, folder, header, money)
    except (KetacalcError, OSError) as failed:
        error = str(failed)
    while True:
        kind, payload = connection.recv()
        if kind == "rows" and error is None and book is not None:
            try:
                for row, currency in payload:
                    book.append(row, currency)
            except (KetacalcError, OSError) as failed:
                error = str(failed)
        elif kind == "save":
            if error is None and book is not None:
                try:
                    book.close(*payload)
                except (KetacalcError, OSError) as failed:
                    error = str(failed)
            connection.send(error)
            return


class WorkbookWriter:
    """A workbook of quotes, written as the rows come and saved whole at the end. On Linux a second
    process writes it (XlsxWriter serialises each cell in Python, 2 µs a number and 3.6 µs a text:
    longer than the batch's own work), fed rows in blocks through a pipe, so the two run side by side;
    elsewhere, and where a process cannot be started, it is written in this one."""

    def __init__(self, header: Sequence[str], money: Sequence[str] = ()) -> None:
        import os
        import tempfile

        _xlsxwriter()  # no extra: exit 2 before anything starts
        if len(header) > MAX_COLUMNS:
            raise ExcelError(
                f"{len(header):,} columns do not fit one sheet Excel can open ({MAX_COLUMNS:,}); "
                "use --output csv, or --fields to write fewer of ketacalc's"
            )
        # XlsxWriter's row files (a patient's cells) go in a folder of ours, removed however the run ends.
        self._folder = tempfile.TemporaryDirectory(prefix="ketacalc-")
        self._path = os.path.join(self._folder.name, "quotes.xlsx")
        self.rows = 0
        self._block: list[tuple[Sequence[object], str | None]] = []
        self._process: Any = None
        self._connection: Any = None
        self._book: _Book | None = None
        if not self._start(header, money):
            self._book = _Book(self._path, self._folder.name, header, money)

    def _start(self, header: Sequence[str], money: Sequence[str]) -> bool:
        """The writing process, forked (a spawned one would import ketacalc again); False where there is none."""
        import multiprocessing
        import sys

        if sys.platform != "linux":
            return False
        try:
            context = multiprocessing.get_context("fork")
            ours, theirs = context.Pipe()
            for stream in (sys.stdout, sys.stderr):  # nothing buffered here is written twice by the child
                stream.flush()
            process = context.Process(
                target=_serve, args=(theirs, self._path, self._folder.name, list(header), list(money)), daemon=True
            )
            process.start()
        except (OSError, ValueError):
            return False
        theirs.close()
        self._process, self._connection = process, ours
        return True

    def _send(self, message: tuple[str, Any]) -> None:
        try:
            self._connection.send(message)
        except (OSError, EOFError):  # a BrokenPipeError here is the writer's, never stdout's
            self.discard()
            raise ExcelError("the workbook could not be written: its writing process stopped") from None

    def discard(self) -> None:
        """The half-written workbook dropped, its files removed (a Ctrl-C, an error)."""
        if self._process is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            with contextlib.suppress(Exception):
                self._process.kill()
                self._process.join(5)
            self._process = None
        with contextlib.suppress(Exception):
            self._folder.cleanup()

    def append(self, row: Sequence[object], currency: str | None = None) -> None:
        if self.rows + 1 >= MAX_ROWS:
            self.discard()
            raise ExcelError(
                f"more than {MAX_ROWS - 1:,} records do not fit one sheet Excel can open; "
                "split the input, or use --output csv or jsonl"
            )
        self.rows += 1
        row = prepared(row)
        if self._book is not None:
            self._book.append(row, currency)
            return
        self._block.append((row, currency))
        if len(self._block) >= _BLOCK:
            self._send(("rows", self._block))
            self._block = []

    def save(
        self, out: IO[bytes], totals: Sequence[Sequence[object]] = (), notes: Sequence[Sequence[object]] = ()
    ) -> None:
        """The workbook: the quotes (filtered by their header), a Totals sheet and a Notes sheet."""
        try:
            if self._book is not None:
                self._book.close(totals, notes)
            else:
                if self._block:
                    self._send(("rows", self._block))
                    self._block = []
                self._send(("save", ([list(row) for row in totals], [list(row) for row in notes])))
                try:
                    error = self._connection.recv()
                except (OSError, EOFError):
                    error = "its writing process stopped"
                if error is not None:
                    raise ExcelError(f"the workbook could not be written: {error}")
            with open(self._path, "rb") as written:
                while chunk := written.read(1024 * 1024):
                    out.write(chunk)
        finally:
            self.discard()


def _cut(text: str) -> str:
    """A text longer than a cell holds, cut so that it says so (never cut without a word)."""
    if len(text) <= CELL_MAX_CHARS:
        return text
    tail = f" … [cut by ketacalc: {len(text):,} characters]"
    return text[: CELL_MAX_CHARS - len(tail)] + tail


def _money_format(currency: str) -> str:
    """A money cell's number format: thousands and the currency's minor units, then its code
    (#,##0.00 "EUR"; #,##0 "JPY")."""
    from ketacalc.currencies import minor_units

    places = minor_units(currency)
    return "#,##0" + ("." + "0" * places if places else "") + f' "{currency}"'
