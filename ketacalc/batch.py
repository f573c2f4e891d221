"""Batch quotes: rows from CSV or JSON Lines in, one record per row out.

Streaming: rows are read, quoted and written one at a time, so memory stays
flat however large the input. A bad row never stops the batch: it becomes an
error record in its place. Only an input that cannot be used at all (no file,
no ``weight`` column, a duplicated column) stops it, before any row is written.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import json
import math
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, NamedTuple, cast

from ketacalc import excel, limits, places, workbook
from ketacalc.clinic import ClinicLimits
from ketacalc.columns import (
    KNOWN,
    Header,
    HeaderError,
    decimal_comma_hint,
    is_unit_of,
    normalize,
    prepare,
    read_header,
    recognize,
    same_unit,
)
from ketacalc.config import replaced
from ketacalc.documents import Document, batch_error, batch_quote, envelope, money_text, quote_record_json, record_json
from ketacalc.dosing import parse_rate_order
from ketacalc.errors import InputError, KetacalcError, is_terminal, printable
from ketacalc.fastpath import FastPath
from ketacalc.formatting import money, with_unit
from ketacalc.pricing import Cost
from ketacalc.series import Quote, quote
from ketacalc.stdout import check_interrupt
from ketacalc.values import Given

FORMATS = ("csv", "jsonl", "xlsx")
OUTPUTS = ("jsonl", "csv", "xlsx")
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}


@dataclass(frozen=True)
class Reading:
    """How to read a batch input (the batch command's input options)."""

    format: str | None = None  # csv, jsonl or xlsx; None: from the file's extension
    encoding: str | None = None  # None: UTF-8 (with or without a BOM) or UTF-16 with a BOM
    delimiter: str | None = None  # None: from the header
    decimal_comma: bool = False
    columns: Mapping[str, str] = field(default_factory=dict)  # field -> header, from --column
    sheet: str | None = None  # xlsx: None is the active visible sheet
    ignored: tuple[str, ...] = ()  # headers left unread, from --ignore-column
    header_row: int | None = None  # --header-row: the header's line; None: found in the first 20 rows


@dataclass(frozen=True)
class Writing:
    """How to write a batch's records."""

    format: str = "jsonl"
    bom: bool = False  # a UTF-8 BOM first, so Excel reads a CSV as UTF-8
    quiet: bool = False  # no progress on stderr


# A row can be long (a pasted note in a cell), but a row over 1 MiB is not a
# patient: it becomes that row's error, read to its end without being kept.
_RECORD_MAX_CHARS = 1024 * 1024
# Longest id echoed back; an id is an identifier, not a document.
_ID_MAX_CHARS = 256


class BatchInputError(KetacalcError):
    """The input as a whole cannot be used (exit 2)."""


class Row(NamedTuple):  # a tuple: one is made per input row
    number: int  # 1-based data-row number
    id: Any
    cells: dict[str, Any]  # known column -> non-empty value
    problem: str | None = None  # the row could not even be read, or a cell not used
    field: str | None = None  # the column at fault, when there is one
    skipped: str | None = None  # a row that is no patient (a totals row): said in the summary, never quoted
    where: tuple[tuple[str, Any], ...] = ()  # where a clerk finds it: ("line", 7) or ("sheet", ..), ("sheet_row", 6)


# A totals or footer row, by its id or its first text cell, in any case (English, German, French, Italian).
TOTAL_WORDS = frozenset(
    {"total", "totals", "sum", "subtotal", "grand total", "summe", "gesamt", "total général", "totale"}
)


_TOTAL_INITIALS = frozenset("tsgTSG")  # total, sum, subtotal, summe, gesamt, grand total


def is_totals(texts: Iterable[object]) -> bool:
    """Whether a row's first text cell (not a number) names a total."""
    for text in texts:
        if isinstance(text, str) and text:
            if text[0] not in _TOTAL_INITIALS and text[0] not in " \t" and not text[0].isdigit():
                return False  # the common case, a patient's id: decided by its first letter
            if not text.strip():
                continue
            word = " ".join(text.strip().lower().rstrip(":").split())
            if word in TOTAL_WORDS:
                return True
            if not _NUMBER_LIKE_RE.fullmatch(text.strip()):
                return False
    return False


_NUMBER_LIKE_RE = re.compile(r"[0-9.,\s$€£%+-]+")


def parse_output_format(given: str) -> str:
    fmt = given.strip().lower()
    if fmt not in OUTPUTS:
        raise InputError("output", given, "is not an output format", "jsonl, csv or xlsx")
    return fmt


def parse_delimiter(given: str) -> str:
    delimiter = DELIMITERS.get(given.strip().lower() if given.strip() else given)
    if delimiter is None:
        raise InputError("delimiter", given, "is not a delimiter", "',', ';', tab or '|'")
    return delimiter


def parse_decimal(given: str) -> bool:
    """--decimal point (the default) or comma: whether numbers have a decimal comma."""
    word = given.strip().lower()
    if word not in ("point", "comma"):
        raise InputError("decimal", given, "is not a decimal mark", "point (82.5) or comma (82,5)")
    return word == "comma"


def infer_format(path: str, given: str | None) -> str:
    if given is not None:
        fmt = given.strip().lower()
        if fmt not in FORMATS:
            raise InputError("input_format", given, "is not a batch format", "csv, jsonl or xlsx")
        return fmt
    lower = path.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "jsonl" if lower.endswith((".jsonl", ".ndjson", ".json")) else "csv"


def text_stream(binary: IO[bytes], encoding: str | None = None, name: str = "the input") -> io.TextIOWrapper:
    """Text from bytes as spreadsheets export them: UTF-8 with or without a BOM,
    UTF-16 or UTF-32 with a BOM, or the ``encoding`` named (--encoding; a BOM
    for another encoding is exit 2).

    Without --encoding, bytes that are not UTF-8 are never guessed at (a
    wrong guess garbles names without a word): a file is checked whole before
    anything is written, and stdin's first MiB, and such an input stops with
    exit 2 naming the first bad line and suggesting --encoding. Bad bytes later
    on stdin, or not valid in the named encoding, are kept as lone surrogates
    (surrogateescape) and the row holding them is that row's error."""
    buffered = binary if isinstance(binary, io.BufferedReader) else io.BufferedReader(cast(Any, binary))
    head = buffered.peek(4)[:4]
    bom = next((codec for codec, mark in _BOMS if head.startswith(mark)), None)
    if encoding is not None and bom is not None and not codecs.lookup(encoding).name.startswith(bom):
        # A BOM says what the file is: the name given is the wrong one.
        raise BatchInputError(f"{name} starts with a {bom.upper()} BOM, so it is not {encoding}: leave out --encoding")
    if encoding is None:
        encoding = "utf-8-sig" if bom in (None, "utf-8") else bom
        if bom is None:
            _check_utf8(buffered, name)
    return io.TextIOWrapper(buffered, encoding=encoding, errors=_KEEP_BYTES, newline="")


# The marks a file's encoding can start with; UTF-32's before UTF-16's (FF FE 00 00 starts with FF FE).
_BOMS = (
    ("utf-8", codecs.BOM_UTF8),
    ("utf-32", codecs.BOM_UTF32_LE),
    ("utf-32", codecs.BOM_UTF32_BE),
    ("utf-16", codecs.BOM_UTF16_LE),
    ("utf-16", codecs.BOM_UTF16_BE),
)
_KEEP_BYTES = "ketacalc-keep-bytes"


def _keep_bytes(error: UnicodeError) -> tuple[str, int]:
    """A decoding error handler like surrogateescape, for any encoding and any
    byte (UTF-16's too): each byte that cannot be decoded becomes the lone
    surrogate U+DC00 + byte, so the row holding it is that row's error,
    naming it, and nothing is replaced with U+FFFD."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(_KEEP_BYTES, _keep_bytes)


def parse_encoding(given: str) -> str:
    """--encoding: a codec Python knows, for text."""
    allowed = "e.g. utf-8, cp1252, latin-1, utf-16"
    sample = "id,weight\r\nZ-1,70 kg\r\n"
    try:
        name = codecs.lookup(given.strip()).name
        # A text encoding that reads a CSV: base64 and rot13 are no text
        # encodings (LookupError), idna and punycode cannot hold one.
        if sample.encode(name).decode(name) != sample:
            raise ValueError
    except (LookupError, ValueError):
        raise InputError("encoding", given, "is not a text encoding for a CSV file", allowed) from None
    return "utf-8-sig" if name == "utf-8" else name


_CHECK_CHUNK_BYTES = 1024 * 1024


def _check_utf8(buffered: io.BufferedReader, name: str) -> None:
    """BatchInputError naming the first line that is not UTF-8: all of a file
    (seekable), or the first MiB of a pipe. The stream is left where it was."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        seekable = stat.S_ISREG(os.fstat(buffered.fileno()).st_mode)  # a file, not /dev/zero or a pipe
    except (OSError, ValueError, io.UnsupportedOperation):
        seekable = False
    start = buffered.tell() if seekable else 0
    chunks = (
        iter(lambda: buffered.read(_CHECK_CHUNK_BYTES), b"") if seekable else iter([buffered.peek(_CHECK_CHUNK_BYTES)])
    )
    line = 1
    try:
        for chunk in chunks:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # The decoder's own bytes: a character split across two chunks starts in the earlier one.
                data = error.object
                bad = data[error.start : error.start + 1]
                line += data.count(b"\n", 0, error.start)
                if data[:4] == b"PK\x03\x04":
                    raise BatchInputError(f"{name} looks like a workbook (.xlsx): give --input-format xlsx") from None
                hint = (
                    "--encoding utf-16-le or utf-16-be: it looks like UTF-16 without a BOM"
                    if b"\x00" in data[:200]
                    else "e.g. --encoding cp1252, which Excel's 'CSV (Comma delimited)' writes on Windows; "
                    "or save it as 'CSV UTF-8'"
                )
                raise BatchInputError(
                    f"{name} is not UTF-8: line {line} has the byte \\x{bad.hex().upper()}; give its encoding, {hint}"
                ) from None
            line += chunk.count(b"\n")
    finally:
        if seekable:
            buffered.seek(start)


_UNDECODABLE_RE = re.compile("[\udc00-\udcff]")
_QUOTED_RE = re.compile(r'"(?:[^"]|"")*"?')
# Formula-starting characters a spreadsheet would run (OWASP, "CSV injection");
# tab and CR, OWASP's other two, are escaped as control characters first.
_FORMULA_START = ("=", "+", "-", "@")


def _bytes_shown(text: str) -> str:
    """Text with its undecodable bytes shown as \\xNN."""
    return _UNDECODABLE_RE.sub(lambda found: f"\\x{ord(found.group()) - 0xDC00:02x}", text)


def _json_number(value: object) -> object:
    """A Decimal inside a JSON id (a list, an object) as the number it was."""
    return float(value) if isinstance(value, Decimal) and math.isfinite(float(value)) else str(value)


def _echo_id(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):  # a JSON number with a fraction or an exponent, read exactly
        as_float = float(value)
        exact = math.isfinite(as_float) and Decimal(repr(as_float)) == value
        return as_float if exact and len(repr(as_float)) <= _ID_MAX_CHARS else f"{value}"[:_ID_MAX_CHARS]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return json.dumps(value, default=_json_number)[:_ID_MAX_CHARS]  # a list or object of exact Decimals too
    if isinstance(value, str):
        if _UNDECODABLE_RE.search(value):
            value = _bytes_shown(value)
        return value[:_ID_MAX_CHARS]
    if len(text := repr(value)) > _ID_MAX_CHARS:  # a long JSON number: cut, as text
        return text[:_ID_MAX_CHARS]
    return value


def _lines(stream: IO[str]) -> Iterator[str | None]:
    """Physical lines (for JSON Lines); None stands for a line of
    _RECORD_MAX_CHARS or more, read in pieces and dropped, so memory stays flat."""
    too_long = False
    for chunk in _chunks(stream):
        if chunk.endswith(("\n", "\r")):
            yield None if too_long else chunk
            too_long = False
        elif too_long or len(chunk) >= _RECORD_MAX_CHARS:
            too_long = True  # a piece of a longer line
        else:
            yield chunk  # the last line, without a line end
    if too_long:
        yield None


def _chunks(stream: IO[str]) -> Iterator[str]:
    """The text in pieces of at most _RECORD_MAX_CHARS, each a whole line or
    part of a longer one, so no line is ever held whole. A failure to read is
    the input's fault, not the output's."""
    try:
        while chunk := stream.readline(_RECORD_MAX_CHARS):
            yield chunk
    except OSError as error:
        raise BatchInputError(f"cannot read input: {error.strerror or error}") from None
    except UnicodeError as error:  # a codec that fails other than byte by byte (idna, punycode)
        raise BatchInputError(f"cannot decode the input: {error}; check --encoding") from None


class _Quotes(NamedTuple):
    """Where CSV parsing stands at the end of a piece of text."""

    open: bool = False  # inside a quoted cell
    field_start: bool = True  # at the start of a cell (where a quote opens one)
    pending: bool = False  # the piece ended on a quote inside a quoted cell: "" or the cell's end?


def _after(text: str, delimiter: str, state: _Quotes) -> _Quotes:
    """The state after ``text``, as Python's csv reads it: a quote opens a
    quoted cell only at the start of a cell, and "" inside one is a quote
    (also when a piece ends between the two)."""
    in_quote, field_start, pending = state
    index, size = 0, len(text)
    if pending:
        if text.startswith('"'):
            index = 1  # "" across two pieces: a quote inside the cell
        else:
            in_quote = False  # the quote closed the cell
    while index < size:
        char = text[index]
        if in_quote:
            if char == '"':
                if index + 1 == size:
                    return _Quotes(True, False, True)  # the next piece decides
                if text[index + 1] == '"':
                    index += 2
                    continue
                in_quote = False
            field_start = False
        elif char == '"' and field_start:
            in_quote, field_start = True, False
        else:
            field_start = char in (delimiter, "\r", "\n")
        index += 1
    return _Quotes(in_quote, field_start)


class _Record(NamedTuple):
    first_line: int  # the physical lines it spans
    last_line: int
    text: str | None  # None: it could not be read (see problem)
    problem: str | None = None
    head: str = ""  # an unreadable record's text before its first quote: the cells that can still be read


def _records(chunks: Iterator[str], delimiter: str) -> Iterator[_Record]:
    """Logical CSV records: lines joined while a quoted cell is open. No
    record ever starts inside a cell: a record over _RECORD_MAX_CHARS is read
    to its end (quotes still followed, nothing kept) and reported, and a quote
    never closed is reported with the line it opened on."""
    parts: list[str] = []
    too_long_problem = f"has a cell or line over {_RECORD_MAX_CHARS:,} characters"
    size, line, first = 0, 1, 1
    state = _Quotes()
    too_long = line_ended = False
    for chunk in chunks:
        if state.open or '"' in chunk:
            state = _after(chunk, delimiter, state)
        elif chunk:
            state = _Quotes(False, chunk[-1] in (delimiter, "\r", "\n"))
        if not too_long:
            size += len(chunk)
            if size > _RECORD_MAX_CHARS:
                too_long, parts = True, []
            else:
                parts.append(chunk)
        line_ended = chunk.endswith(("\n", "\r"))
        if state.open or not line_ended:
            line += line_ended
            continue
        if too_long:
            yield _Record(first, line, None, too_long_problem)
        else:
            yield _Record(first, line, "".join(parts))
        parts, size, too_long, state = [], 0, False, _Quotes()
        line += 1
        first = line
    line -= line_ended  # the count ran one past a last line that ended
    if state.pending:  # a quote at the very end of the input closes its cell
        state = _Quotes()
    if state.open:
        opening = "".join(parts)[: _RECORD_MAX_CHARS if not too_long else 0]
        yield _Record(
            first,
            line,
            None,
            f"opens a quote that is never closed, so lines {first}–{line} could not be split into rows",
            opening.partition('"')[0],
        )
    elif too_long:  # the last line, without a line end
        yield _Record(first, line, None, too_long_problem)
    elif parts:
        yield _Record(first, line, "".join(parts))


def _delimiter(header_line: str) -> str:
    """A comma, or a semicolon, tab or bar when the header uses more of one,
    counted outside quoted names ("Name, last";"Name, first" is semicolons)."""
    bare = _QUOTED_RE.sub("", header_line)
    return max((",", ";", "\t", "|"), key=bare.count)


def read_csv(stream: IO[str], reading: Reading = Reading()) -> tuple[Iterator[Row], Header]:
    """CSV rows, and the header they are read by. The header is read and
    checked now (so an unusable input stops before anything is written); the
    rows are read as they are asked for. The delimiter is --delimiter, or a
    comma, semicolon, tab or bar as the header uses most (outside quotes)."""
    chunks = _chunks(stream)
    header_line, delimiter_given, notes, header_number = _find_header(chunks, reading)
    if not header_line.strip():
        raise BatchInputError("the input is empty: it needs a header row with a 'weight' column")
    if len(header_line) >= _RECORD_MAX_CHARS and not header_line.endswith(("\n", "\r")):
        # Said at once, before reading on: the input could be endless (/dev/zero).
        raise BatchInputError(f"the header row is over {_RECORD_MAX_CHARS:,} characters: not a header")
    header_line = header_line.removeprefix("\ufeff")  # a BOM that a named encoding kept
    if "\x00" in header_line:
        raise BatchInputError(
            "the header row holds NUL characters: UTF-16 without a BOM? give --encoding utf-16-le or utf-16-be"
        )
    csv.field_size_limit(_RECORD_MAX_CHARS)
    delimiter = reading.delimiter or delimiter_given or _delimiter(header_line)
    records = _records(itertools.chain([header_line], chunks), delimiter)
    header_record = next(records)
    if header_record.text is None:
        raise BatchInputError(f"the header row {header_record.problem}")
    try:
        names = next(csv.reader([header_record.text], delimiter=delimiter), [])
    except csv.Error as error:
        raise BatchInputError(f"the header row is not readable CSV ({error})") from None
    names = [_bytes_shown(name) for name in names]
    # A second header row holding only units ("", "(lb)", "USD") gives the units of the columns above it.
    records, names = _units_row(records, names, delimiter, notes)
    header = _header(names, reading)
    header = Header(header.columns, (*notes, *header.notes), header.assumed)
    # A units row is not a data row: the records' own line count still starts at the header.
    return _csv_rows(records, header, len(names), delimiter, reading.decimal_comma, header_number - 1), header


HEADER_SEARCH_ROWS = 20  # where the header is looked for: the first row that names a weight column


def _find_header(chunks: Iterator[str], reading: Reading) -> tuple[str, str | None, list[str], int]:
    """The header line, the delimiter a ``sep=`` line gave, and what was said about them. Lines above
    the header are skipped: a title, Excel's ``sep=;`` line, ``#`` comments, blank rows (``,,,``).
    The header is the first of the first 20 rows that names a weight column, or ``--header-row N``."""
    delimiter: str | None = None
    seen: list[str] = []
    for number, line in enumerate(chunks, start=1):
        text = line.removeprefix("\ufeff").strip()
        if reading.header_row is not None:
            if number == reading.header_row:
                return line, delimiter, [f"note: the header is line {number} (--header-row)"], number
            continue
        if number == 1 and text.lower().startswith("sep=") and len(text) == 5:
            delimiter = text[4]  # Excel's own line naming the delimiter
            continue
        if not text or text.startswith("#") or not text.strip(",;\t|"):
            continue
        if len(line) >= _RECORD_MAX_CHARS:
            return line, delimiter, [], number  # said as too long by the caller
        cells = next(csv.reader([text], delimiter=reading.delimiter or delimiter or _delimiter(text)), [])
        mapped = normalize(reading.columns.get("weight", "")) or None
        if any((found := recognize(cell)) is not None and found[0] == "weight" for cell in cells) or any(
            normalize(cell) == mapped for cell in cells
        ):
            notes = [f"note: the header is line {number}"] if seen else []
            return line, delimiter, notes, number
        seen.append(line)
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if reading.header_row is not None:
        raise BatchInputError(f"--header-row {reading.header_row}: the input has fewer lines")
    # No row names a weight column: the first one is the header, and says what is missing.
    return (seen[0] if seen else ""), delimiter, [], 1


_UNIT_CELL_RE = re.compile(r"[ \t]*[(\[]?[ \t]*([A-Za-zµ/$€£.]{1,10})[ \t]*[)\]]?[ \t]*")


def _units_row(
    records: Iterator[_Record], names: list[str], delimiter: str, notes: list[str]
) -> tuple[Iterator[_Record], list[str]]:
    """A row under the header that holds only units gives them to the columns above it; any other
    row is the first data row, put back."""
    first = next(records, None)
    if first is None:
        return iter(()), names
    rest = itertools.chain([first], records)
    if first.text is None:
        return rest, names
    cells = next(csv.reader([first.text], delimiter=delimiter), [])
    units = [_UNIT_CELL_RE.fullmatch(cell) if cell.strip() else None for cell in cells]
    if not any(units) or any(cell.strip() and unit is None for cell, unit in zip(cells, units, strict=False)):
        return rest, names
    # Every unit must be one its column's field takes ("abc" under weight is a patient's bad cell, not a unit).
    for index, unit in enumerate(units):
        found = recognize(names[index]) if unit is not None and index < len(names) else None
        if unit is not None and (found is None or not is_unit_of(found[0], unit.group(1))):
            return rest, names
    merged = [
        f"{name} ({unit.group(1)})" if index < len(units) and (unit := units[index]) is not None else name
        for index, name in enumerate(names)
    ]
    notes.append(f"note: the second header row gives units: {', '.join(n for n in merged if '(' in n)}")
    return records, merged


def _header(names: list[str], reading: Reading) -> Header:
    try:
        return read_header(names, reading.columns, reading.ignored)
    except HeaderError as error:
        raise BatchInputError(str(error)) from None


def _csv_rows(
    records: Iterator[_Record], header: Header, width: int, delimiter: str, decimal_comma: bool, line_offset: int = 0
) -> Iterator[Row]:
    positions = [(column.index, column.field) for column in header.columns]
    adjust = decimal_comma or not header.plain  # most exports need neither: no per-row call then
    number = 0
    for record in records:
        where = (("line", record.first_line + line_offset),)  # the physical line the record starts on
        if record.text is None:
            number += 1
            head = next(csv.reader([record.head], delimiter=delimiter), []) if record.head else []
            # The cells before the cell the quote opened in are whole: the id among them is the row's.
            head_id = next((head[i] for i, name in positions if name == "id" and i < len(head) - 1), None)
            yield Row(number, _echo_id(head_id), {}, f"on line {record.first_line} {record.problem}", where=where)
            continue
        if not record.text.strip():
            continue  # a blank line is not a row
        try:
            cells = next(csv.reader([record.text], delimiter=delimiter), [])
        except csv.Error as error:
            number += 1
            yield Row(number, None, {}, f"is not a readable CSV row ({error})", where=where)
            continue
        if not any(cell.strip() for cell in cells):
            continue  # an empty row (,,,, as spreadsheets write one) is not a row
        number += 1
        if is_totals(cells):
            yield Row(number, None, {}, skipped="a totals row", where=where)
            continue
        values = {name: cells[i] for i, name in positions if i < len(cells) and cells[i].strip()}
        row_id = _echo_id(values.pop("id", None))
        if record.last_line > record.first_line and (broken := _line_break_in(values)):
            yield Row(
                number,
                row_id,
                {},
                f"has a line break inside its {broken!r} cell (a stray quote?), so lines "
                f"{record.first_line}–{record.last_line} could not be split into rows",
                where=where,
            )
        elif len(cells) > width and any(cell.strip() for cell in cells[width:]):
            # Empty cells past the header (70,,) are how spreadsheets pad a row: not an error.
            yield Row(
                number,
                row_id,
                {},
                f"has {len(cells)} cells but the header has {width} (an unquoted delimiter?)",
                where=where,
            )
        elif _UNDECODABLE_RE.search(record.text):
            yield Row(number, row_id, {}, _undecodable(record.text), where=where)
        elif adjust and (unusable := prepare(values, header, decimal_comma)) is not None:
            yield Row(number, row_id, {}, unusable[1], unusable[0], where=where)
        else:
            yield Row(number, row_id, values, where=where)


def _line_break_in(values: Mapping[str, Any]) -> str | None:
    """The first known column (other than id) whose cell holds a line break:
    no value of one does, so it is a quote opened by mistake."""
    for name, value in values.items():
        if name != "id" and ("\n" in value or "\r" in value):
            return name
    return None


def _undecodable(text: str) -> str:
    found = _UNDECODABLE_RE.search(text)
    assert found is not None
    byte = _bytes_shown(found.group())
    return f"has bytes that are not valid in the input's encoding ({byte}); check --encoding, or save it as CSV UTF-8"


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys stay distinct as header names would (case,
    spaces, hyphens); a key given twice is as ambiguous as a duplicated column."""
    seen: dict[str, str] = {}
    for key, _ in pairs:
        name = normalize(str(key))
        if name in seen:
            raise _DuplicateKey(name)
        seen[name] = key
    return dict(pairs)


def _json_int(text: str) -> int | str:
    # A number of more digits than any value has is kept as its text: an id is
    # echoed cut, and a value is refused as too long (never the int-string limit).
    return int(text) if len(text) <= _MAX_INT_DIGITS else text


_MAX_INT_DIGITS = 300


def read_jsonl(stream: IO[str], decimal_comma: bool = False, array: bool = False) -> Iterator[Row]:
    """JSON Lines: one object per line; values are strings or numbers, read
    exactly (0.75000000000000000001 is not 0.75); null or "" takes the default.
    With ``array`` (a .json file), input that starts with [ is one JSON array of objects.
    The first line is looked for now, so an empty input stops before anything
    is written."""
    lines = _lines(stream)
    for first in lines:
        if first is not None:
            first = first.removeprefix("\ufeff")  # a BOM that a named encoding kept
        if array and first is not None and first.lstrip().startswith("["):
            return _json_array_rows(itertools.chain([first], lines), decimal_comma)
        if first is None or first.strip():
            return _jsonl_rows(itertools.chain([first], lines), decimal_comma)
    raise BatchInputError("the input is empty: it needs one JSON object per line, with a 'weight'")


JSON_ARRAY_MAX_CHARS = 256 * 1024 * 1024  # a JSON array is read whole: bounded


def _json_array_rows(lines: Iterator[str | None], decimal_comma: bool) -> Iterator[Row]:
    """A JSON array of objects, as pandas ``to_json(orient="records")`` writes it (indented or not):
    read whole (the file is one value), each object a row as a JSON line's would be."""
    parts: list[str] = []
    size = 0
    for line in lines:
        if line is None:
            raise BatchInputError(f"the JSON array has a line over {_RECORD_MAX_CHARS:,} characters")
        size += len(line)
        if size > JSON_ARRAY_MAX_CHARS:
            raise BatchInputError(f"the JSON array is over {JSON_ARRAY_MAX_CHARS // 1024 // 1024} MiB")
        parts.append(line)
    try:
        array = parse_json("".join(parts))
    except _DuplicateKey as duplicate:
        raise BatchInputError(f"the JSON array has an object with the key {str(duplicate)!r} twice") from None
    except (ValueError, RecursionError):
        raise BatchInputError(
            "the input starts with [ but is not a JSON array (JSON Lines has one object a line)"
        ) from None
    if not isinstance(array, list):
        raise BatchInputError("the input is not a JSON array of objects")
    return (_json_row(number, record, decimal_comma) for number, record in enumerate(array, start=1))


def _json_row(number: int, record: object, decimal_comma: bool) -> Row:
    """One JSON object as a row (JSON Lines and JSON arrays alike)."""
    if not isinstance(record, dict):
        return Row(number, None, {}, "is not a JSON object")
    values = {}
    for key, value in record.items():
        name = normalize(str(key))
        if name in KNOWN and value is not None and value != "":
            values[name] = value
    row_id = _echo_id(values.pop("id", None))
    if decimal_comma and (problem := prepare(values, None, decimal_comma)) is not None:
        return Row(number, row_id, {}, problem[1], problem[0])
    return Row(number, row_id, values)


def _jsonl_rows(lines: Iterator[str | None], decimal_comma: bool) -> Iterator[Row]:
    number = 0
    for line in lines:
        if line is None:
            number += 1
            yield Row(number, None, {}, f"is over {_RECORD_MAX_CHARS:,} characters")
            continue
        if not line.strip():
            continue
        number += 1
        if _UNDECODABLE_RE.search(line):
            yield Row(number, None, {}, _undecodable(line))
            continue
        try:
            record = parse_json(line)
        except _DuplicateKey as duplicate:
            yield Row(number, None, {}, f"has the key {str(duplicate)!r} twice (keys match in any case and spacing)")
            continue
        except (ValueError, RecursionError):
            yield Row(number, None, {}, "is not valid JSON")
            continue
        yield _json_row(number, record, decimal_comma)


def parse_json(text: str) -> Any:
    """JSON read exactly (Decimal numbers, long integers kept as text), with no NaN or Infinity and
    no key given twice: for JSON Lines and JSON arrays alike."""
    return json.loads(
        text, parse_constant=_not_json, parse_float=Decimal, parse_int=_json_int, object_pairs_hook=_unique_keys
    )


def _not_json(constant: str) -> float:
    # json.loads takes NaN and Infinity, which are not JSON and could not be
    # written back out as JSON: such a line is an invalid row.
    raise ValueError(f"{constant} is not JSON")


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
    weight = kwargs.pop("weight", None)
    if weight is None:
        return _error_record(row, "weight", "weight is missing")
    try:
        plain = quote(weight, **kwargs)
        return Quote(clinic.check(plain.dose), plain.cost)
    except InputError as error:
        return _error_record(row, error.field, error.describe(error.field) + decimal_comma_hint(error.field, row.cells))


def _error_record(row: Row, field: str | None, message: str) -> Document:
    return batch_error(row.number, row.id, field, message, row.where)


def flatten(document: Mapping[str, Any], prefix: str = "", typed: bool = False) -> dict[str, Any]:
    """Nested keys joined with dots, for CSV; the warnings list as codes joined
    by ';'. ``typed`` (for a workbook): numbers and money as Decimals, true and
    false as booleans, text with control characters escaped."""
    flat: dict[str, Any] = {}
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}.", typed))
        elif key == "warnings" and isinstance(value, list):
            flat[name] = ";".join(w["code"] for w in value)
        elif isinstance(value, bool):
            flat[name] = value if typed else ("true" if value else "false")
        elif isinstance(value, float):
            flat[name] = Decimal(_plain_number(value)) if typed else _plain_number(value)
        elif isinstance(value, str):
            money = typed and prefix.startswith(("cost.per_infusion.", "cost.total."))
            flat[name] = Decimal(value) if money else printable(value) if typed else _spreadsheet_safe(value)
        else:
            flat[name] = value
    return flat


def _spreadsheet_safe(text: str) -> str:
    """Text for a CSV cell that a spreadsheet shows as text: control characters
    (line breaks too, so each record is one line) written escaped (\\n), and a
    cell that would start a formula (=, +, -, @) prefixed with ' (OWASP)."""
    text = printable(text)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _plain_number(value: float) -> str:
    """A JSON number as CSV text, by ISMP's rule as chart --csv writes it: no
    trailing zeros (35, not 35.0), no exponent, no thousands separators."""
    text = f"{Decimal(repr(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def csv_columns() -> list[str]:
    """Every column a CSV record can have, from a quote with every block."""
    example = quote("70", concentration="10 mg/mL", bag="100 mL", start="09:00")
    columns = list(flatten(batch_quote(1, None, example)))
    return [columns[0], *_WHERE, *columns[1:4], "error.field", "error.message", *columns[4:]]


_WHERE = ("line", "sheet", "sheet_row")  # where a record's row is, as each input names it


@dataclass
class Summary:
    """What a batch did, and its totals per currency: each quoted row's cost
    is counted (a batch repeats a few), so the sums are made once, exactly,
    at the end; mixed currencies are never added together."""

    rows: int = 0
    quoted: int = 0
    rejected: int = 0
    warned: int = 0
    costs: dict[Cost, int] = field(default_factory=dict)  # rows quoted at each cost
    dose_centi_mg: dict[str, int] = field(default_factory=dict)  # drug per currency, in 0.01 mg
    assumed: tuple[str, ...] = ()  # units read where a column named none ("weight read as kg: ...")
    skipped: list[str] = field(default_factory=list)  # rows that are no patient ("row 14, a totals row")

    def add(self, cost: Cost, total_dose_centi_mg: int, warned: bool) -> None:
        self.rows += 1
        self.quoted += 1
        self.warned += warned
        costs = self.costs
        costs[cost] = costs.get(cost, 0) + 1
        doses = self.dose_centi_mg
        doses[cost.currency] = doses.get(cost.currency, 0) + total_dose_centi_mg

    def by_currency(self) -> list[dict[str, Any]]:
        """Per currency: the rows quoted, the series totals (min, mid, max)
        added up, and the drug over every series in mg."""
        totals: dict[str, list[Any]] = {}
        for cost, count in self.costs.items():
            entry = totals.setdefault(cost.currency, [0, Decimal(0), Decimal(0), Decimal(0)])
            entry[0] += count
            entry[1] += cost.total_min * count
            entry[2] += cost.total_mid * count
            entry[3] += cost.total_max * count
        return [
            {
                "currency": currency,
                "quoted": quoted,
                "total": {"min": low, "mid": mid, "max": high},
                "total_dose_mg": Decimal(self.dose_centi_mg[currency]).scaleb(-2),
            }
            for currency, (quoted, low, mid, high) in sorted(totals.items())
        ]

    def lines(self) -> list[str]:
        """The stderr summary: the counts, then a line per currency, then the units read where a column
        named none."""
        out = [f"{self.rows} {'row' if self.rows == 1 else 'rows'}: {self.quoted} quoted, {self.rejected} rejected"]
        for entry in self.by_currency():
            currency, total = entry["currency"], entry["total"]
            series = " / ".join(money(total[name], currency) for name in ("min", "mid", "max"))
            drug = with_unit(entry["total_dose_mg"], places.MG, "mg")
            out.append(f"{currency}: {entry['quoted']:,} quoted, series total {series} (min / mid / max), drug {drug}")
        out += [f"skipped: {skipped}" for skipped in self.skipped[:_SKIPPED_SHOWN]]
        if len(self.skipped) > _SKIPPED_SHOWN:
            out.append(f"skipped: {len(self.skipped) - _SKIPPED_SHOWN:,} more rows")
        return out + [f"note: {assumed}" for assumed in self.assumed]

    def document(self) -> Document:
        """The same as a JSON document (``--summary-json``), kind ``batch_summary``."""
        return {
            **envelope("batch_summary"),
            "rows": self.rows,
            "quoted": self.quoted,
            "rejected": self.rejected,
            "warned": self.warned,
            "skipped": len(self.skipped),
            "by_currency": [
                {
                    "currency": entry["currency"],
                    "quoted": entry["quoted"],
                    "total": {name: money_text(value, entry["currency"]) for name, value in entry["total"].items()},
                    "total_dose_mg": float(entry["total_dose_mg"]),
                }
                for entry in self.by_currency()
            ],
        }


_PROGRESS_EVERY = 2000
_SKIPPED_SHOWN = 10  # skipped rows named in the summary; more are counted


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
    if reading.sheet is not None and fmt != "xlsx":
        raise InputError("sheet", reading.sheet, "is for a workbook, and the input is not one", "--input-format xlsx")
    if fmt == "xlsx" and (reading.encoding is not None or reading.delimiter is not None):
        option = "encoding" if reading.encoding is not None else "delimiter"
        raise InputError(option, getattr(reading, option), "is for CSV, and the input is a workbook", "no such option")
    if writing.format == "xlsx" and is_terminal(out):
        raise BatchInputError("--output xlsx writes a workbook: redirect stdout to a file (> quotes.xlsx)")
    binary = _open(source)
    name = "stdin" if source == "-" else repr(printable(source))
    try:
        header: Header | None = None
        if fmt == "xlsx":
            rows, header = read_xlsx(binary, reading)
        else:
            try:
                stream = text_stream(binary, reading.encoding, name)
            except OSError as error:
                raise BatchInputError(f"cannot read input {name}: {error.strerror or error}") from None
            if fmt == "csv":
                rows, header = read_csv(stream, reading)
            else:
                # A .json file may be one JSON array (pandas' orient="records"); .jsonl is one object a line.
                rows = read_jsonl(stream, reading.decimal_comma, array=source.lower().endswith(".json"))
        for note in header.notes if header is not None else ():
            with contextlib.suppress(OSError, ValueError):
                err.write(note + "\n")
        summary = _write(rows, writing, defaults, out, err, clinic)
        summary.assumed = header.assumed if header is not None else ()
        return summary
    finally:
        if source != "-":
            binary.close()


def read_xlsx(binary: IO[bytes], reading: Reading) -> tuple[Iterator[Row], Header]:
    """The rows of a workbook's sheet, read as a CSV export of it would be (``ketacalc.workbook``:
    bounded by the cells present, rows placed by their references)."""
    try:
        sheet = workbook.read(binary, reading.sheet)
        rows = sheet.rows
        first: list[workbook.Cell] | None = None
        seen = 0
        mapped = normalize(reading.columns.get("weight", "")) or None
        for number, present in rows:
            cells = [present.get(i, _EMPTY_CELL) for i in range(max(present, default=-1) + 1)] if present else []
            texts = [cell.text for cell in cells]
            if not any(text.strip() for text in texts):
                continue
            seen += 1
            names_weight = any((found := recognize(t)) is not None and found[0] == "weight" for t in texts)
            if first is None:
                first = cells  # the header when no row names a weight column: the error says what is missing
            if names_weight or any(normalize(t) == mapped for t in texts) or number == reading.header_row:
                first = cells
                notes = [f"note: the header is row {number} of the sheet"] if seen > 1 else []
                break
            if seen >= HEADER_SEARCH_ROWS:
                break
        else:
            notes = []
        if first is None:
            raise BatchInputError(f"the sheet {sheet.name!r} is empty: it needs a header row with a 'weight' column")
    except workbook.WorkbookError as error:
        raise BatchInputError(str(error)) from None
    header = _header([cell.text for cell in first], reading)
    header = Header(header.columns, (*sheet.notes, *notes, *header.notes), header.assumed)
    return _sheet_rows(rows, header, reading.decimal_comma, sheet.name), header


_EMPTY_CELL = workbook.Cell("")


def _sheet_rows(
    sheet_rows: Iterator[tuple[int, dict[int, workbook.Cell]]], header: Header, decimal_comma: bool, sheet: str = ""
) -> Iterator[Row]:
    number = 0
    units = {c.field: c.unit for c in header.columns}
    for sheet_row, present in sheet_rows:
        cells = [present[k] for k in sorted(present)]  # the cells present, in column order
        where = (("sheet", sheet), ("sheet_row", sheet_row))  # the spreadsheet's own row number
        if not any(cell.text.strip() or cell.unsaved_formula or cell.problem for cell in cells):
            continue
        number += 1
        if is_totals(cell.text for cell in cells):
            yield Row(number, None, {}, skipped="a totals row", where=where)
            continue
        mine = [(c.field, present[c.index]) for c in header.columns if c.index in present]
        values = {name: cell.text for name, cell in mine if cell.text.strip()}
        row_id = _echo_id(values.pop("id", None))
        unsaved = [name for name, cell in mine if cell.unsaved_formula]
        broken = [(name, cell.problem) for name, cell in mine if cell.problem]
        if unsaved:
            problem = (
                f"{unsaved[0]} is a formula with no value saved in the workbook "
                "(open and save it in a spreadsheet program, or export CSV)"
            )
            yield Row(number, row_id, {}, problem, unsaved[0], where=where)
            continue
        if broken:
            yield Row(number, row_id, {}, f"{broken[0][0]} cell {broken[0][1]}", broken[0][0], where=where)
            continue
        shown = _format_units(mine, units, values)
        if shown is not None:
            yield Row(number, row_id, {}, shown[1], shown[0], where=where)
            continue
        typed = frozenset(name for name, cell in mine if cell.typed and values.get(name) == cell.text)
        found = prepare(values, header, decimal_comma, typed)
        yield (
            Row(number, row_id, {}, found[1], found[0], where=where)
            if found
            else Row(number, row_id, values, where=where)
        )


def _format_units(
    mine: list[tuple[str, workbook.Cell]], header_units: Mapping[str, str | None], values: dict[str, Any]
) -> tuple[str, str] | None:
    """A number cell whose format shows a unit (154 shown as "154 lb") is read in that unit; one that
    disagrees with its column's header, or whose format shows different units by value, is the row's
    error (field, problem)."""
    for name, cell in mine:
        if cell.unit is None or not cell.typed or name not in values or name == "id":
            continue
        if cell.unit == "?":
            return name, f"{name} cell's number format shows different units by value; give the unit in the header"
        header_unit = header_units.get(name)
        if header_unit is not None:
            if not same_unit(name, header_unit, cell.unit):
                return name, (
                    f"{name} cell shows {cell.text} {cell.unit!r}, but the column's header says {header_unit!r}"
                )
            continue
        values[name] = f"{cell.text} {cell.unit}"
    return None


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


def _write(
    rows: Iterator[Row],
    writing: Writing,
    defaults: Mapping[str, Given | None],
    out: IO[str],
    err: IO[str],
    clinic: ClinicLimits,
) -> Summary:
    summary = Summary()
    progress = not writing.quiet and is_terminal(err)  # not when stderr is closed (2>&-)
    output = writing.format
    columns = csv_columns()
    known = frozenset(columns)
    # xlsx: rows go to a write-only workbook as they come (constant memory); it is saved whole at the end.
    book = excel.WorkbookWriter(columns) if output == "xlsx" else None
    if output == "csv":
        if writing.bom:
            out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=columns, restval="", lineterminator="\n")
        writer.writeheader()
    # Plain rows of a JSON Lines batch without clinic limits take the fast
    # path (ketacalc.fastpath), pinned to this one by a property test.
    fast = FastPath.for_batch(defaults) if output == "jsonl" and clinic == ClinicLimits() else None
    for row in rows:
        if row.skipped is not None:
            summary.skipped.append(f"row {row.number}, {row.skipped}")
            continue
        if fast is not None and row.problem is None and (done := fast.record(row.number, row.id, row.cells, row.where)):
            summary.add(done.cost, done.total_dose_centi_mg, done.warned)
            out.write(done.line + "\n")  # one write: a record and its newline are never apart
        else:
            result = quote_row(row, defaults, clinic)
            if isinstance(result, Quote):
                summary.add(result.cost, int(result.total_dose_mg.scaleb(2)), bool(result.warnings))
                record = batch_quote(row.number, row.id, result, row.where) if output != "jsonl" else None
            else:
                summary.rows += 1
                summary.rejected += 1
                record = result
            if output == "csv":
                # A block that is null here (a premixed bag has no syringe) leaves its columns empty.
                flat = flatten(cast(Document, record))
                writer.writerow({k: v for k, v in flat.items() if v is not None or k in known})
            elif output == "xlsx":
                assert book is not None
                book.append(_typed_row(cast(Document, record), columns))
            elif isinstance(result, Quote):
                out.write(quote_record_json(row.number, row.id, result, row.where) + "\n")
            else:
                out.write(record_json(result) + "\n")
        check_interrupt()  # a Ctrl-C during a write stops here, after a whole record
        if progress and summary.rows % _PROGRESS_EVERY == 0:
            err.write(f"\r{summary.rows:,} rows")
            err.flush()
    if output == "xlsx":
        out.flush()
        assert book is not None
        book.save(out.buffer)  # type: ignore[attr-defined]
        out.buffer.flush()  # type: ignore[attr-defined]  # a reader gone mid-workbook is a broken pipe, not success
    out.flush()
    if progress and summary.rows >= _PROGRESS_EVERY:
        err.write("\r\033[K")
        err.flush()
    return summary


def _typed_row(record: Document, columns: list[str]) -> list[object]:
    """A record as workbook cells: numbers as numbers, money as exact
    decimals, the rest as text (as the CSV has it: control characters escaped)."""
    flat = flatten(record, typed=True)
    return [flat.get(name) for name in columns]
