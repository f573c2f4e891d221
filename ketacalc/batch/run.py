"""Batch quotes: rows in, one record per row out.

Streaming: rows are read, quoted and written one at a time, so memory stays
flat however large the input. A bad row never stops the batch: it becomes an
error record in its place. Only an input that cannot be used at all (no file,
no ``weight`` column, a duplicated column) stops it, before any row is written."""

from __future__ import annotations

import contextlib
import csv
import datetime
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any, NamedTuple, cast

from ketacalc import limits
from ketacalc.batch import xlsx
from ketacalc.batch.calamine import needs_named_units
from ketacalc.batch.columns import (
    Header,
    decimal_comma_hint,
)
from ketacalc.batch.csvfile import read_csv
from ketacalc.batch.decoding import refuse_workbook_bytes, text_stream
from ketacalc.batch.fastpath import FastPath
from ketacalc.batch.jsonfile import Keys, read_jsonl
from ketacalc.batch.numbers import PRICE_FIELDS, denoised
from ketacalc.batch.progress import EVERY as PROGRESS_EVERY
from ketacalc.batch.rows import BLANK, WORKBOOKS, BatchInputError, Reading, Row, Writing, infer_format
from ketacalc.batch.sheets import read_xlsx
from ketacalc.batch.summary import Summary
from ketacalc.batch.writers import (
    Picker,
    chosen_fields,
    output_header,
    own_cells,
    spreadsheet_safe,
)
from ketacalc.clinic import ClinicLimits
from ketacalc.config import replaced
from ketacalc.documents import Document, batch_error, batch_quote, quote_record_json, record_json
from ketacalc.dosing import parse_rate_order
from ketacalc.errors import InputError, is_terminal, printable
from ketacalc.quoting import Quote, quote
from ketacalc.stdout import check_interrupt
from ketacalc.values import Given


def layered(defaults: Mapping[str, Given | None], cells: Mapping[str, Any]) -> dict[str, Any]:
    """A row's cells over the batch defaults, by the rule of flags over the
    config file (``config.replaced``): a row's price replaces a default range
    and the other way round, and a row in another currency takes no default price."""
    currency = str(defaults.get("currency") or limits.PRICE_DEFAULT.unit).strip().upper()
    merged = {
        name: value for name, value in defaults.items() if value is not None and not replaced(name, cells, currency)
    }
    merged.update(cells)
    return merged


def quote_row(
    row: Row, defaults: Mapping[str, Given | None], clinic: ClinicLimits = ClinicLimits()
) -> Quote | Document:
    """A row's quote, or its error record."""
    if row.problem is not None:
        if row.field is not None:
            return _error_record(row, row.field, row.problem)
        return _error_record(row, None, f"row {row.number} {row.problem}")
    kwargs = layered(defaults, row.cells)
    denoised(kwargs, str(kwargs.get("currency") or limits.PRICE_DEFAULT.unit).strip().upper())
    weight = kwargs.pop("weight", None)
    if weight is None:
        return _error_record(row, "weight", "weight is missing")
    try:
        plain = quote(weight, **kwargs)
        return Quote(clinic.check(plain.dose), plain.cost)
    except InputError as error:
        written = (row.written or {}).get(error.field, row.cells.get(error.field))
        if written is not None and not isinstance(written, str):
            written = str(written)  # a JSON number, as the file writes it
        if written is not None and written != str(kwargs.get(error.field)):  # echo the cell as the file has it
            error = InputError(error.field, written, error.problem, error.allowed)
        return _error_record(row, error.field, error.describe(error.field) + decimal_comma_hint(error.field, row.cells))


def _error_record(row: Row, field: str | None, message: str) -> Document:
    return batch_error(row.number, row.id, field, message, row.where)


def run_batch(
    source: str,
    reading: Reading,
    writing: Writing,
    defaults: Mapping[str, Given | None],
    out: IO[str],
    err: IO[str],
    clinic: ClinicLimits = ClinicLimits(),
) -> Summary:
    """Quote every row of ``source`` ("-" for stdin) onto ``out``. Progress goes
    to ``err`` only when it is a terminal. Raises BatchInputError (or InputError
    for a bad default) before writing anything when the input cannot be used."""
    fmt = infer_format("" if source == "-" else source, reading.format)
    # The defaults must quote on their own (with any weight), before any row is
    # read; the dosing weight basis is left out: ideal or adjusted needs each
    # row's height and sex.
    checked = {k: v for k, v in defaults.items() if v is not None and k != "dosing_weight"}
    if not any(name in checked for name in ("price", "price_min", "price_max")):
        checked["price"] = "0"  # a currency without a default price: each row must then give one
    if isinstance(checked.get("rate"), str) and parse_rate_order(str(checked["rate"])).mg_per_kg is None:
        del checked["rate"]  # an order per time is checked with each row's own duration
    quote(70, **checked)
    if reading.sheet is not None and fmt not in WORKBOOKS:
        raise InputError("sheet", reading.sheet, "is for a workbook, and the input is not one", "--input-format xlsx")
    if fmt in WORKBOOKS and (reading.encoding is not None or reading.delimiter is not None):
        option = "encoding" if reading.encoding is not None else "delimiter"
        raise InputError(option, getattr(reading, option), "is for CSV, and the input is a workbook", "no such option")
    if writing.format == "xlsx" and is_terminal(out):
        raise BatchInputError("--output xlsx writes a workbook: redirect stdout to a file (> quotes.xlsx)")
    binary = _open(source)
    name = "stdin" if source == "-" else repr(printable(source))
    try:
        header: Header | None = None
        keys: Keys | None = None  # a JSON input's: keys not read on later rows are said in the summary
        if fmt in WORKBOOKS:
            rows, header = read_xlsx(binary, reading, fmt)
            if fmt != "xlsx" and (refused := needs_named_units(header, fmt, bool(defaults.get("currency")))):
                raise BatchInputError(refused)
        else:
            refuse_workbook_bytes(binary, name)
            try:
                stream = text_stream(binary, reading.encoding, name)
            except OSError as error:
                raise BatchInputError(f"cannot read input {name}: {error.strerror or error}") from None
            if fmt == "csv":
                rows, header = read_csv(stream, reading, rereadable=source != "-")
            else:
                # A .json file may be one JSON array (pandas' orient="records"); .jsonl is one object a line.
                keys = Keys(reading)
                rows, header = read_jsonl(stream, reading, source.lower().endswith(".json"), keys)
        for note in header.notes if header is not None else ():
            with contextlib.suppress(OSError, ValueError):
                err.write(note + "\n")
        layout = _layout(writing, fmt, header, defaults)
        summary = write_rows(rows, writing, defaults, out, err, clinic, _how_much(binary, source), layout)
        summary.assumed = (
            (*header.assumed, *_currency_assumed(header, defaults, fmt == "xlsx")) if header is not None else ()
        ) + (keys.later() if keys is not None else ())
        return summary
    finally:
        if source != "-":
            binary.close()


def _layout(writing: Writing, fmt: str, header: Header | None, defaults: Mapping[str, Given | None]) -> Layout:
    """The input's own columns (a JSON input has none), then, in a CSV or workbook, ketacalc's."""
    fields: list[str] = []
    if writing.format != "jsonl":
        read = {c.field for c in header.columns} if header is not None else set()
        if header is None or not header.names:
            read.discard("id")  # no own columns (a JSON input): ketacalc's id is the row's id
        read |= {name for name, value in defaults.items() if value is not None}
        fields = chosen_fields(writing.fields, fmt, frozenset(read), writing.format)
    return Layout(header.names if header is not None else (), fields)


def _open(source: str) -> IO[bytes]:
    if source == "-":
        if sys.stdin is None:
            raise BatchInputError("no input: stdin is closed; give a file, or - with a pipe")
        if is_terminal(sys.stdin):
            raise BatchInputError("stdin is a terminal: give a file, or pipe one in (see 'ketacalc batch --help')")
        return sys.stdin.buffer
    try:
        return open(source, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as error:
        raise BatchInputError(f"cannot open input {source!r}: {error.strerror or error}") from None


# Long because it is the batch's one loop: each row read, quoted or refused, written and counted, in order.
def write_rows(  # noqa: C901
    rows: Iterator[Row],
    writing: Writing,
    defaults: Mapping[str, Given | None],
    out: IO[str],
    err: IO[str],
    clinic: ClinicLimits,
    read: tuple[int | None, Callable[[], int] | None] = (None, None),
    layout: Layout | None = None,
) -> Summary:
    """Each row quoted (or its error) written in order; ``read`` is the input's size and a way to
    ask how much of it is read, for the progress bar on a terminal; ``layout`` the columns of a CSV
    or workbook (the input's own, then ketacalc's)."""
    summary = Summary()
    progress = None
    if not writing.quiet and is_terminal(err):  # not when stderr is closed (2>&-)
        from ketacalc.batch.progress import Progress

        progress = Progress(err, *read)
    output = writing.format
    layout = layout or Layout((), chosen_fields(writing.fields, "csv", frozenset(), output))
    columns, width = layout.fields, len(layout.own)
    book = _workbook(layout) if output == "xlsx" else None
    if output == "csv":
        if writing.bom or writing.excel:
            out.write("\ufeff")
        if writing.excel:
            out.write("sep=,\r\n")  # Excel's own line: read with commas, whatever the list separator
        writer = csv.writer(out, lineterminator="\r\n" if writing.excel else "\n")
        writer.writerow([spreadsheet_safe(name) for name in output_header(layout.own, columns)])
    as_json = output == "jsonl"
    pick = Picker(columns, typed=output == "xlsx")
    no_header = [index for index, name in enumerate(layout.own) if not name.strip()]

    def emit(row: Row, record: Mapping[str, Any]) -> None:
        """A CSV's or workbook's row: the input's own cells, then ketacalc's columns of the record."""
        if book is None:
            writer.writerow(own_cells(row.own, width) + pick(record))
        else:
            book.append(own_cells(row.own, width, typed=True) + pick(record), record.get("cost", {}).get("currency"))

    # Plain rows of a batch without clinic limits take the fast path (ketacalc.batch.fastpath), pinned
    # to this one by a property test.
    fast = FastPath.for_batch(defaults) if clinic == ClinicLimits() else None
    with_session = as_json or any(name.startswith("session.") for name in columns)
    try:
        for row in rows:
            if row.skipped is not None:
                if row.skipped == BLANK:
                    summary.blank += 1
                else:
                    summary.skipped.append(f"row {row.number}{_where_said(row.where)}, {row.skipped}")
                continue
            if (no_header or len(row.own) > width) and (cell := _under_no_header(row.own, no_header, width)):
                summary.unheaded += 1
                if summary.unheaded == 1:
                    summary.first_unheaded = f"row {row.number}{_where_said(row.where)}, {cell}"
            if row.problem is None and "start" in row.cells:
                row = dated(row)
            if (
                fast is not None
                and row.problem is None
                and (done := fast.record(row.number, row.id, row.cells, row.where, as_json, with_session))
            ):
                summary.add(done.cost, done.total_dose_centi_mg, done.codes)
                if done.document is None:
                    out.write(done.line + "\n")  # one write: a record and its newline are never apart
                else:
                    emit(row, done.document)
            else:
                result = quote_row(row, defaults, clinic)
                if isinstance(result, Quote):
                    summary.add(
                        result.cost, int(result.total_dose_mg.scaleb(2)), tuple(w.code for w in result.warnings)
                    )
                    record = batch_quote(row.number, row.id, result, row.where) if output != "jsonl" else None
                else:
                    summary.rows += 1
                    summary.rejected += 1
                    record = result
                if not as_json:
                    emit(row, cast(Document, record))
                elif isinstance(result, Quote):
                    out.write(quote_record_json(row.number, row.id, result, row.where) + "\n")
                else:
                    out.write(record_json(result) + "\n")
            check_interrupt()  # a Ctrl-C during a write stops here, after a whole record
            if progress is not None and summary.rows % PROGRESS_EVERY == 0:
                progress.update(summary.rows)
        if output == "xlsx":
            out.flush()
            assert book is not None
            book.save(out.buffer, *_workbook_sheets(summary, defaults))  # type: ignore[attr-defined]
            out.buffer.flush()  # type: ignore[attr-defined]  # a reader gone mid-workbook is a broken pipe, not success
    except BaseException:
        if book is not None:
            book.discard()  # a Ctrl-C or an error: the half-written workbook's files are removed
        raise
    out.flush()
    if progress is not None:
        progress.close()
    return summary


# A start cell as a spreadsheet writes a date and a time: 2025-12-08 09:30 (ISO, or an Excel date-time
# cell as the workbook reader gives it), 2025-12-08T09:30:00, or day first with dots (08.12.2025 09:30).
_ISO_START_RE = re.compile(
    r"[ \t]*([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ \t]*[AaPp][Mm])?)[ \t]*"
)
_DOTTED_START_RE = re.compile(r"[ \t]*([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})[ \t]+([0-9]{1,2}:[0-9]{2}.*)")
_SLASHED_START_RE = re.compile(r"[ \t]*[0-9]{1,4}/[0-9]{1,2}/[0-9]{1,4}[ \t]+[0-9]{1,2}:[0-9]{2}.*")


def dated(row: Row) -> Row:
    """A start cell holding a date and a time gives the time to quote, and its date to the record
    (``date``). A date with slashes reads two ways (12/8 is 8 December or 12 August): the row's error."""
    start = row.cells["start"]
    if not isinstance(start, str) or ":" not in start or len(start) > 40:
        return row
    date = time = None
    if found := _ISO_START_RE.fullmatch(start):
        date, time = found.groups()
    elif found := _DOTTED_START_RE.fullmatch(start):
        day, month, year, time = found.groups()
        date = f"{year}-{int(month):02d}-{int(day):02d}"
    elif _SLASHED_START_RE.fullmatch(start):
        problem = (
            f"start {printable(start)!r} has a date that reads two ways (day/month or month/day): "
            "write it as 2025-12-08 09:30, or the time alone"
        )
        return row._replace(cells={}, problem=problem, field="start")
    if date is None or time is None:
        return row
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        return row._replace(cells={}, problem=f"start {printable(start)!r} has no such date", field="start")
    written = {**(row.written or {}), "start": start}  # an error echoes the cell as written
    return row._replace(cells={**row.cells, "start": time}, where=(*row.where, ("date", date)), written=written)


def _under_no_header(own: Sequence[Any], no_header: list[int], width: int) -> str | None:
    """A cell under a header cell that is empty, or past the header's last (a workbook's row reaches
    further): shown, or None."""
    for index in [*no_header, *range(width, len(own))]:
        value = own[index] if index < len(own) else None
        if value is not None and str(value).strip():
            return repr(printable(str(value))[:40])
    return None


def _where_said(where: tuple[tuple[str, Any], ...]) -> str:
    """Where a skipped row is, as the clerk finds it: " (line 7)" or " (sheet 'March' row 7)"."""
    found = dict(where)
    if "line" in found:
        return f" (line {found['line']})"
    if "sheet_row" in found:
        return f" (sheet {printable(str(found.get('sheet', '')))!r} row {found['sheet_row']})"
    return ""


def _currency_assumed(header: Header, defaults: Mapping[str, Given | None], formats: bool) -> tuple[str, ...]:
    """Said once, as a unit read where a column names none: the currency of price cells that name
    none (650, not €650), when neither the header nor a currency column names one."""
    fields = {column.field for column in header.columns}
    if "currency" in fields:
        return ()
    bare = [c for c in header.columns if c.field in PRICE_FIELDS and c.currency is None]
    if not bare:
        return ()
    currency = str(defaults.get("currency") or limits.PRICE_DEFAULT.unit).strip().upper()
    named = ", ".join(repr(printable(c.header)) for c in bare)
    given = "" if defaults.get("currency") else " (the default; give --currency or a currency column)"
    seen = " (a cell whose money format names a currency is read in it)" if formats else ""
    return (f"prices that name no currency read as {currency}{given}: the column {named} names none{seen}",)


def _how_much(binary: IO[bytes], source: str) -> tuple[int | None, Callable[[], int] | None]:
    """A regular file's size and its read position (for the share read); stdin's is unknown."""
    if source == "-":
        return None, None
    try:
        size = os.fstat(binary.fileno()).st_size
    except (OSError, ValueError, AttributeError):
        return None, None
    return (size, binary.tell) if size else (None, None)


def _workbook_sheets(
    summary: Summary, defaults: Mapping[str, Given | None]
) -> tuple[list[list[object]], list[list[object]]]:
    """The workbook's Totals sheet (per currency, never added together) and Notes sheet (the notice,
    the version, and the defaults the rows took)."""
    from ketacalc import __version__

    totals: list[list[object]] = [["currency", "quoted", "total min", "total mid", "total max", "drug mg"]]
    for entry in summary.by_currency():
        total = entry["total"]
        totals.append(
            [entry["currency"], entry["quoted"], total["min"], total["mid"], total["max"], entry["total_dose_mg"]]
        )
    notes: list[list[object]] = [["notice", limits.DISCLAIMER], ["written by", f"ketacalc {__version__}"]]
    given = {name: value for name, value in defaults.items() if value is not None}
    notes += [[f"default {name}", str(value)] for name, value in given.items()]
    # The built-in defaults the rows took where neither a cell, an option nor the config gave one.
    built_in = {
        "rate": limits.RATE_DEFAULT_MG_PER_KG.text(),
        "duration": limits.DURATION_DEFAULT_MINUTES.text(),
        "infusions": limits.INFUSIONS_DEFAULT.text(),
    }
    notes += [[f"default {name} (built-in)", text] for name, text in built_in.items() if name not in given]
    if not any(name in given for name in PRICE_FIELDS) and given.get("currency", "USD") == "USD":
        price = limits.PRICE_DEFAULT
        notes.append(["default price (built-in)", f"{price.low}–{price.high} {price.unit} per infusion"])
    notes += [["rows", summary.rows], ["quoted", summary.quoted], ["rejected", summary.rejected]]
    return totals, notes


class Layout(NamedTuple):
    """A CSV's or workbook's columns: the input's own (its header as written), then ketacalc's."""

    own: tuple[str, ...]
    fields: list[str]


def _workbook(layout: Layout) -> xlsx.WorkbookWriter:
    """xlsx: rows go to a write-only workbook as they come (constant memory), saved whole at the end
    with a Totals and a Notes sheet; the disclaimer is said once there, not on every row."""
    header = output_header(layout.own, layout.fields)
    money = [
        name
        for name, field in zip(header[len(layout.own) :], layout.fields, strict=True)
        if field.startswith("cost.") and field != "cost.currency"
    ]
    return xlsx.WorkbookWriter([printable(name) for name in header], money=[printable(name) for name in money])
