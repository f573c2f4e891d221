"""Batch quotes: rows from CSV or JSON Lines in, one record per row out.

Streaming: rows are read, quoted and written one at a time, so memory stays
flat however large the input. A bad row never stops the batch: it becomes an
error record in its place. Only an input that cannot be used at all (no file,
no ``weight`` column, a duplicated column) stops it, before any row is written.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, NamedTuple, cast

from ketacalc.clinic import ClinicLimits
from ketacalc.config import price_overridden
from ketacalc.documents import Document, quote_document, quote_record_json
from ketacalc.errors import InputError, KetacalcError
from ketacalc.series import Quote, quote
from ketacalc.values import Given

COLUMNS = (
    "id",
    "weight",
    "rate",
    "duration",
    "infusions",
    "price",
    "price_min",
    "price_max",
    "currency",
    "dosing_weight",
    "height",
    "sex",
    "concentration",
    "bag",
    "start",
)
_KNOWN = frozenset(COLUMNS)
FORMATS = ("csv", "jsonl")
# A CSV cell can be long (a pasted note); csv's default limit of 128 KiB would
# stop the batch, so the limit is raised and an over-long cell is a row error.
_CSV_FIELD_LIMIT = 16 * 1024 * 1024
# Longest id echoed back; an id is an identifier, not a document.
_ID_MAX_CHARS = 256


class BatchInputError(KetacalcError):
    """The input as a whole cannot be used (exit 2)."""


class Row(NamedTuple):  # a tuple: one is made per input row
    number: int  # 1-based data-row number
    id: Any
    cells: dict[str, Any]  # known column -> non-empty value
    problem: str | None = None  # the row could not even be read


def normalize(name: str) -> str:
    """Header spellings from spreadsheets: ' Price Min ' -> 'price_min'."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def parse_output_format(given: str) -> str:
    fmt = given.strip().lower()
    if fmt not in FORMATS:
        raise InputError("output", given, "is not an output format", "jsonl or csv")
    return fmt


def infer_format(path: str, given: str | None) -> str:
    if given is not None:
        fmt = given.strip().lower()
        if fmt not in FORMATS:
            raise InputError("input_format", given, "is not a batch format", "csv or jsonl")
        return fmt
    return "jsonl" if path.lower().endswith((".jsonl", ".ndjson", ".json")) else "csv"


def text_stream(binary: IO[bytes]) -> io.TextIOWrapper:
    """Text from bytes as spreadsheets export them: UTF-8 with or without a BOM,
    or UTF-16 with a BOM. Undecodable bytes become U+FFFD (a cell holding them
    is then rejected; nothing is silently dropped)."""
    buffered = binary if isinstance(binary, io.BufferedReader) else io.BufferedReader(cast(Any, binary))
    head = buffered.peek(4)[:4]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")


def _echo_id(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return json.dumps(value)[:_ID_MAX_CHARS]
    if isinstance(value, str) and len(value) > _ID_MAX_CHARS:
        return value[:_ID_MAX_CHARS]
    return value


def read_csv(stream: IO[str]) -> Iterator[Row]:
    """CSV rows. The header names the columns (any case and spacing); the
    delimiter is a comma, or a semicolon or tab when the header uses one."""
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    header_line = stream.readline()
    while header_line and not header_line.strip():
        header_line = stream.readline()
    if not header_line:
        raise BatchInputError("the input is empty: it needs a header row with a 'weight' column")
    delimiter = max((",", ";", "\t"), key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    names = [normalize(name) for name in header]
    if "weight" not in names:
        shown = ", ".join(repr(n[:20]) for n in names[:10]) or "none"
        raise BatchInputError(f"the header has no 'weight' column (columns: {shown})")
    seen: set[str] = set()
    for name in names:
        if name in _KNOWN and name in seen:
            raise BatchInputError(f"the column {name!r} appears twice in the header")
        seen.add(name)
    positions = [(i, name) for i, name in enumerate(names) if name in _KNOWN]
    width = len(names)
    reader = csv.reader(stream, delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            yield Row(number, None, {}, f"unreadable CSV row ({error})")
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line is not a row
        number += 1
        values = {name: cells[i] for i, name in positions if i < len(cells) and cells[i].strip()}
        row_id = _echo_id(values.pop("id", None))
        if len(cells) > width:
            problem = f"has {len(cells)} cells but the header has {width} (an unquoted comma?)"
            yield Row(number, row_id, {}, problem)
        else:
            yield Row(number, row_id, values)


def _not_json(constant: str) -> float:
    # json.loads takes NaN and Infinity, which are not JSON and could not be
    # written back out as JSON: such a line is an invalid row.
    raise ValueError(f"{constant} is not JSON")


def read_jsonl(stream: IO[str]) -> Iterator[Row]:
    """JSON Lines: one object per line; values are strings or numbers; null or
    "" takes the default."""
    number = 0
    for line in stream:
        if not line.strip():
            continue
        number += 1
        try:
            record = json.loads(line, parse_constant=_not_json)
        except (ValueError, RecursionError):
            yield Row(number, None, {}, "is not valid JSON")
            continue
        if not isinstance(record, dict):
            yield Row(number, None, {}, "is not a JSON object")
            continue
        values = {}
        for key, value in record.items():
            name = normalize(str(key))
            if name in _KNOWN and value is not None and value != "":
                values[name] = value
        yield Row(number, _echo_id(values.pop("id", None)), values)


def layered(defaults: Mapping[str, Given | None], cells: Mapping[str, Any]) -> dict[str, Any]:
    """A row's cells over the batch defaults, with the same price rule as flags
    over config: a row's price replaces a default range, and the other way round."""
    price_given = "price" in cells
    range_given = "price_min" in cells or "price_max" in cells
    merged = {
        name: value
        for name, value in defaults.items()
        if value is not None and not price_overridden(name, price_given, range_given)
    }
    merged.update(cells)
    return merged


def quote_row(
    row: Row, defaults: Mapping[str, Given | None], clinic: ClinicLimits = ClinicLimits()
) -> Quote | Document:
    """A row's quote, or its error record."""
    if row.problem is not None:
        return _error_record(row, None, f"row {row.number} {row.problem}")
    kwargs = layered(defaults, row.cells)
    weight = kwargs.pop("weight", None)
    if weight is None:
        return _error_record(row, "weight", "weight is missing")
    try:
        plain = quote(weight, **kwargs)
        return Quote(clinic.check(plain.dose), plain.cost)
    except InputError as error:
        return _error_record(row, error.field, error.describe(error.field))


def _error_record(row: Row, field: str | None, message: str) -> Document:
    return {"row": row.number, "id": row.id, "error": {"field": field, "message": message}}


def flatten(document: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested keys joined with dots, for CSV; the warnings list as codes joined by ';'."""
    flat: dict[str, Any] = {}
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif key == "warnings" and isinstance(value, list):
            flat[name] = ";".join(w["code"] for w in value)
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        elif isinstance(value, float):
            flat[name] = _plain_number(value)
        else:
            flat[name] = value
    return flat


def _plain_number(value: float) -> str:
    """A JSON number as CSV text, by ISMP's rule as chart --csv writes it: no
    trailing zeros (35, not 35.0), no exponent, no thousands separators."""
    text = f"{Decimal(repr(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def csv_columns() -> list[str]:
    """Every column a CSV record can have, from a quote with every block."""
    example = quote("70", concentration="10 mg/mL", bag="100 mL", start="09:00")
    columns = list(flatten({"row": 1, "id": None, **quote_document(example)}))
    return [*columns[:2], "error.field", "error.message", *columns[2:]]


@dataclass
class Summary:
    rows: int = 0
    quoted: int = 0
    rejected: int = 0
    warned: int = 0

    def line(self) -> str:
        return f"{self.rows} rows: {self.quoted} quoted, {self.rejected} rejected"


_PROGRESS_EVERY = 2000


def run_batch(
    source: str,
    input_format: str | None,
    output: str,
    defaults: Mapping[str, Given | None],
    out: IO[str],
    err: IO[str],
    clinic: ClinicLimits = ClinicLimits(),
) -> Summary:
    """Quote every row of ``source`` ("-" for stdin) onto ``out``. Progress goes
    to ``err`` only when it is a terminal. Raises BatchInputError (or InputError
    for a bad default) before writing anything when the input cannot be used."""
    fmt = infer_format("" if source == "-" else source, input_format)
    output = parse_output_format(output)
    # The defaults must quote on their own (with any weight), before any row is
    # read; the dosing weight basis is left out: ideal or adjusted needs each
    # row's height and sex.
    quote(70, **{k: v for k, v in defaults.items() if v is not None and k != "dosing_weight"})
    binary = _open(source)
    try:
        stream = text_stream(binary)
        rows = read_csv(stream) if fmt == "csv" else read_jsonl(stream)
        return _write(rows, output, defaults, out, err, clinic)
    finally:
        if source != "-":
            binary.close()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


def _open(source: str) -> IO[bytes]:
    if source == "-":
        if sys.stdin is None:
            raise BatchInputError("no input: stdin is closed; give a file, or - with a pipe")
        if _isatty(sys.stdin):
            raise BatchInputError("stdin is a terminal: give a file, or pipe one in (see 'ketacalc batch --help')")
        return sys.stdin.buffer
    try:
        return open(source, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as error:
        raise BatchInputError(f"cannot open input {source!r}: {error.strerror or error}") from None


def _write(
    rows: Iterator[Row],
    output: str,
    defaults: Mapping[str, Given | None],
    out: IO[str],
    err: IO[str],
    clinic: ClinicLimits,
) -> Summary:
    summary = Summary()
    progress = err.isatty()
    dumps = json.dumps
    if output == "csv":
        writer = csv.DictWriter(out, fieldnames=csv_columns(), restval="", lineterminator="\n")
        writer.writeheader()
    for row in rows:
        result = quote_row(row, defaults, clinic)
        summary.rows += 1
        if isinstance(result, Quote):
            summary.quoted += 1
            summary.warned += bool(result.warnings)
            if output == "csv":
                writer.writerow(flatten({"row": row.number, "id": row.id, **quote_document(result)}))
            else:
                out.write(quote_record_json(row.number, row.id, result) + "\n")
        else:
            summary.rejected += 1
            if output == "csv":
                writer.writerow(flatten(result))
            else:
                out.write(dumps(result) + "\n")
        if progress and summary.rows % _PROGRESS_EVERY == 0:
            err.write(f"\r{summary.rows:,} rows")
            err.flush()
    out.flush()
    if progress and summary.rows >= _PROGRESS_EVERY:
        err.write("\r\033[K")
        err.flush()
    return summary
