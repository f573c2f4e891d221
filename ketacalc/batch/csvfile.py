"""CSV input: the header found (lines above it, ``sep=``, a units row), then one ``Row`` per record."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import IO, Any

from ketacalc.batch.columns import (
    NUMERIC,
    Header,
    HeaderError,
    normalize,
    prepare,
    read_header,
    recognize,
)
from ketacalc.batch.numbers import (
    DECIMAL_ADVICE,
    PRICE_FIELDS,
    decimal_evidence,
    has_marked_money,
    read_two_ways,
    two_ways,
)
from ketacalc.batch.rows import (
    BLANK,
    DELIMITERS,
    RECORD_MAX_CHARS,
    UNDECODABLE_RE,
    BatchInputError,
    Reading,
    Row,
    bytes_shown,
    echo_id,
    is_totals,
)
from ketacalc.batch.splitter import Record, ends_in_quote, read_chunks, sniff_delimiter, split_records
from ketacalc.batch.unitsrow import units_row
from ketacalc.errors import printable, shown
from ketacalc.units import WEIGHT


def read_csv(stream: IO[str], reading: Reading = Reading(), rereadable: bool = True) -> tuple[Iterator[Row], Header]:
    """CSV rows, and the header they are read by. The header is read and
    checked now (so an unusable input stops before anything is written); the
    rows are read as they are asked for. The delimiter is --delimiter, or a
    comma, semicolon, tab or bar as the header uses most (outside quotes)."""
    chunks = read_chunks(stream)
    header_line, delimiter_given, notes, header_number = _find_header(chunks, reading)
    if not header_line.strip():
        raise BatchInputError("the input is empty: it needs a header row with a 'weight' column")
    if len(header_line) >= RECORD_MAX_CHARS and not header_line.endswith(("\n", "\r")):
        # Said at once, before reading on: the input could be endless (/dev/zero).
        raise BatchInputError(f"the header row is over {RECORD_MAX_CHARS:,} characters: not a header")
    header_line = header_line.removeprefix("\ufeff")  # a BOM that a named encoding kept
    if "\x00" in header_line:
        raise BatchInputError(
            "the header row holds NUL characters: UTF-16 without a BOM? give --encoding utf-16-le or utf-16-be"
        )
    csv.field_size_limit(RECORD_MAX_CHARS)
    delimiter = reading.delimiter or delimiter_given or sniff_delimiter(header_line)
    # A header wrapped in its cells is given back a physical line at a time, so the lines keep their numbers.
    header_lines = io.StringIO(header_line, newline="").readlines()
    records = split_records(itertools.chain(header_lines, chunks), delimiter, header_number)
    header_record = next(records)
    if header_record.text is None:
        raise BatchInputError(f"the header row {header_record.problem}")
    try:
        names = next(csv.reader([header_record.text], delimiter=delimiter, strict=True), [])
    except csv.Error as error:
        raise BatchInputError(f"the header row is not readable CSV ({error}; a stray quote?)") from None
    for name in names:  # rows a stray quote swallowed into a header cell: "Notes / P1,70,x / P2,80"
        if any(delimiter in line for line in name.splitlines()[1:]):
            raise BatchInputError(
                f"the header's {shown(name)} cell holds lines with the delimiter (a stray quote?), so lines "
                f"{header_record.first_line}–{header_record.last_line} could not be read as a header"
            )
    names = [bytes_shown(name) for name in names]
    # A second header row holding only units ("", "(lb)", "USD") gives the units of the columns above it.
    records, names, reading = _units_row(records, names, delimiter, notes, reading)
    header = header_of(names, reading)
    header = replace(header, notes=(*notes, *header.notes), names=tuple(names))
    # A units row is not a data row: the records' own line count still starts at the header.
    settle = reading.decimal_comma is None and delimiter in DECIMAL_COMMA_DELIMITERS
    if settle and rereadable and stream.seekable():  # the cells as written, read once for their marks
        return _settled(stream, _csv_rows(records, header, len(names), delimiter, False, False), reading)
    rows = _csv_rows(records, header, len(names), delimiter, bool(reading.decimal_comma))
    if settle:
        rows = _refusing_either(rows)  # stdin: read once, so each row that could be read two ways is an error
    return rows, header


# Files delimited so that a decimal comma can stand unquoted: Excel's and LibreOffice's in much of Europe.
DECIMAL_COMMA_DELIMITERS = (";", "\t")


def _settled(stream: IO[str], rows: Iterator[Row], reading: Reading) -> tuple[Iterator[Row], Header]:
    """A ; or tab file, no --decimal: read once for what its numbers say of its decimal mark, then
    again in that mark. A cell such as 1.250 (1.25 or 1250) with no cell that settles it (82,5,
    1.250,00, 82.5) is exit 2, before anything is written; cells that disagree are too."""
    either: tuple[int, str, str] | None = None
    shown: dict[str, tuple[int, str, str]] = {}
    for row in rows:
        line = dict(row.where).get("line", row.number)
        for field in NUMERIC & row.cells.keys():
            value = row.cells[field]
            kind = decimal_evidence(value) if isinstance(value, str) else None
            if kind == "either":
                either = either or (line, field, value)
            elif kind is not None:
                shown.setdefault(kind, (line, field, value))
    if either is None:
        stream.seek(0)
        return read_csv(stream, replace(reading, decimal_comma=False))
    line, field, value = either
    if len(shown) != 1:
        said = " and ".join(f"line {n} {f} {printable(v)!r}" for n, f, v in shown.values())
        raise BatchInputError(
            f"line {line} {field} {printable(value)!r} {two_ways(value)}"
            + (f", and {said} disagree" if said else "")
            + f": {DECIMAL_ADVICE}"
        )
    ((kind, (shown_line, shown_field, shown_value)),) = shown.items()
    stream.seek(0)
    again, header = read_csv(stream, replace(reading, decimal_comma=kind == "comma"))
    note = (
        f"note: numbers read with a decimal {kind}, as line {shown_line} {shown_field} "
        f"{printable(shown_value)!r} shows (give --decimal to say so)"
    )
    return again, replace(header, notes=(*header.notes, note))


def _refusing_either(rows: Iterator[Row]) -> Iterator[Row]:
    """stdin's rows, each one whose number could be read two ways made that row's error."""
    for row in rows:
        found = read_two_ways(row.cells, NUMERIC, row.written)
        yield row if found is None else row._replace(cells={}, problem=found[1], field=found[0])


HEADER_SEARCH_ROWS = 20  # where the header is looked for: the first row that names a weight column


def _find_header(chunks: Iterator[str], reading: Reading) -> tuple[str, str | None, list[str], int]:
    """The header line, the delimiter a ``sep=`` line gave, and what was said about them. Lines above
    the header are skipped: a title, Excel's ``sep=;`` line, ``#`` comments, blank rows (``,,,``).
    The header is the first of the first 20 rows that names a weight column, or ``--header-row N``."""
    delimiter: str | None = None
    seen: list[str] = []
    lines = _HeaderRecords(chunks, reading)
    for number, line in lines:
        text = line.removeprefix("\ufeff").strip()
        if number == 1 and reading.header_row != 1 and (sep := _sep_line(line, reading)) is not None:
            delimiter = lines.delimiter = sep  # Excel's own line naming the delimiter (with --header-row too)
            continue
        if reading.header_row is not None:
            if number == reading.header_row:
                return line, delimiter, [f"note: the header is line {number} (--header-row)"], number
            continue
        if not text or text.startswith("#") or not text.strip(",;\t|"):
            continue
        if len(line) >= RECORD_MAX_CHARS:
            return line, delimiter, [], number  # said as too long by the caller
        cells = next(csv.reader([text], delimiter=reading.delimiter or delimiter or sniff_delimiter(text)), [])
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


class _HeaderRecords:
    """The lines above and at the header, a record at a time with its first line's number: a header
    cell wrapped in its cell (Alt+Enter: "Age" over "(years)") is one record, so the header is never
    taken from its second line (which read every row a column to the left: an age as the weight).
    A record is joined over at most HEADER_SEARCH_ROWS lines, and each line is one chunk."""

    def __init__(self, chunks: Iterator[str], reading: Reading) -> None:
        self._chunks = chunks
        self._reading = reading
        self.delimiter: str | None = None
        self.number = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for line in self._chunks:
            self.number += 1
            first, joined = self.number, line
            if len(line) < RECORD_MAX_CHARS and '"' in line:
                delimiter = self._reading.delimiter or self.delimiter or sniff_delimiter(line)
                while ends_in_quote(joined, delimiter) and self.number - first < HEADER_SEARCH_ROWS:
                    more = next(self._chunks, None)
                    if more is None:
                        break
                    self.number += 1
                    joined += more
            yield first, joined


def _sep_line(line: str, reading: Reading) -> str | None:
    """The delimiter Excel's ``sep=;`` line names (``sep=`` then a tab too), or None for another
    line. One ketacalc does not read (``sep=x``) is refused unless --delimiter settles it."""
    text = line.removeprefix("\ufeff").rstrip("\r\n")
    if not text.lower().startswith("sep=") or len(text.rstrip(" ")) != 5:
        return None
    if text[4] not in DELIMITERS.values() and reading.delimiter is None:
        raise BatchInputError(
            f"line 1 ({shown(text)}) names a delimiter ketacalc does not read; "
            "allowed: , ; tab or |; or give --delimiter"
        )
    return reading.delimiter or text[4]


def _units_row(
    records: Iterator[Record], names: list[str], delimiter: str, notes: list[str], reading: Reading
) -> tuple[Iterator[Record], list[str], Reading]:
    """A row under the header that gives units (``columns.units_row``) gives them to the columns
    above it; any other row is the first data row, put back."""
    first = next(records, None)
    if first is None:
        return iter(()), names, reading
    rest = itertools.chain([first], records)
    if first.text is None:
        return rest, names, reading
    cells = next(csv.reader([first.text], delimiter=delimiter), [])
    try:
        found = units_row(names, cells, reading.columns)
    except HeaderError as error:
        raise BatchInputError(str(error)) from None
    if found is None:
        return rest, names, reading
    notes.append(found.note)
    return records, found.names, replace(reading, columns=found.mappings)


def header_of(names: list[str], reading: Reading) -> Header:
    try:
        return read_header(names, reading.columns, reading.ignored)
    except HeaderError as error:
        raise BatchInputError(str(error)) from None


def _csv_rows(
    records: Iterator[Record],
    header: Header,
    width: int,
    delimiter: str,
    decimal_comma: bool,
    as_written: bool | None = None,
) -> Iterator[Row]:
    """The data rows; ``as_written=False`` leaves each cell as the file has it (no unit, no mark applied)."""
    positions = [(column.index, column.field) for column in header.columns]
    weight_at = next((index for index, field in positions if field == "weight"), None)
    adjust = decimal_comma or not header.plain  # most exports need neither: no per-row call then
    priced = any(column.field in PRICE_FIELDS for column in header.columns)  # money cells to look at
    if as_written is False:
        adjust = priced = False
    number = 0
    for record in records:
        where = (("line", record.first_line),)  # the physical line the record starts on
        if record.text is None:
            number += 1
            yield _unreadable(record, number, positions, delimiter, where)
            continue
        if not record.text.strip():
            continue  # an empty line is not a row
        try:
            cells = _cells(record.text, delimiter)
        except csv.Error as error:
            number += 1
            head = record.text.partition('"')[0].split(delimiter)  # the cells before the first quote are whole
            head_id = next((head[i] for i, name in positions if name == "id" and i < len(head) - 1), None)
            yield Row(number, echo_id(head_id), {}, _unreadable_problem(record, str(error)), where=where)
            continue
        if not "".join(cells).strip():
            yield Row(number, None, {}, skipped=BLANK, where=where)  # ,,,, as spreadsheets pad a sheet: counted
            continue
        number += 1
        if is_totals(cells):
            yield Row(number, None, {}, skipped="a totals row", where=where)
            continue
        values = {name: cells[i] for i, name in positions if i < len(cells) and cells[i].strip()}
        row_id = echo_id(values.pop("id", None))
        if (len(cells) != width or record.last_line > record.first_line or UNDECODABLE_RE.search(record.text)) and (
            problem := _framing_problem(record, cells, values, header, delimiter, weight_at)
        ) is not None:
            yield Row(number, row_id, {}, problem[0], where=where, own=problem[1])
        elif adjust or (priced and has_marked_money(values)):
            written = dict(values)
            if unusable := prepare(values, header, decimal_comma):
                yield Row(number, row_id, {}, unusable[1], unusable[0], where=where, own=cells)
            else:
                yield Row(number, row_id, values, where=where, written=written, own=cells)
        else:
            yield Row(number, row_id, values, where=where, own=cells)


def _framing_problem(
    record: Record, cells: list[str], values: Mapping[str, Any], header: Header, delimiter: str, weight_at: int | None
) -> tuple[str, list[str]] | None:
    """Why a record cannot be one row as read (a stray quote, a delimiter unquoted, bytes the
    encoding does not hold), with the cells to write for it; None when it is one."""
    assert record.text is not None
    names, width = header.names, len(header.names)
    if record.last_line > record.first_line and (
        broken := _line_break_in(values) or _rows_inside(cells, names, delimiter, weight_at)
    ):
        lines = f"lines {record.first_line}–{record.last_line}"
        return (
            f"has a line break inside its {broken!r} cell (a stray quote?), so {lines} could not be split into rows",
            cells,
        )
    if (
        weight_at is not None
        and len(cells) < width
        and any(delimiter in cell for cell in cells[:weight_at])
        and sum(len(cell.split(delimiter)) for cell in cells) >= width
    ):
        # A short row whose quoted cells hold the delimiters that would make it whole: a stray quote pair
        # ("R0,70,note",40) moved a later column's value into the weight's place.
        return (
            f"has {len(cells)} cells but the header has {width}, and a quoted cell before its weight holds the "
            "delimiter (a stray quote?): its cells would be read in the wrong columns"
        ), cells
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        # Empty cells past the header (70,,) are how spreadsheets pad a row: not an error.
        return f"has {len(cells)} cells but the header has {width} (an unquoted delimiter?)", cells
    if UNDECODABLE_RE.search(record.text):
        return undecodable_problem(record.text), _shown(cells)
    return None


def _cells(text: str, delimiter: str) -> list[str]:
    """A record's cells, as Python's csv reads them. A line without a quote (most are) is split
    without it, a reader a row costing more than the split: a property test holds the two equal."""
    if '"' not in text:
        return text.rstrip("\r\n").split(delimiter)
    # Strict: a quote that closes a cell before its end ("Bob,"70) is an error, not glued on: it is
    # how a stray quote swallows a line or shifts a row's cells (found by a clerk's review).
    return next(csv.reader([text], delimiter=delimiter, strict=True), [])


def _unreadable_problem(record: Record, error: str) -> str:
    """A record csv cannot read: what it says, and the lines it spans."""
    if "expected after" in error:  # ',' expected after '"'
        error = f"a quote closes a cell before its end: {error}; a stray quote?"
    said = f"is not a readable CSV row ({error})"
    if record.last_line > record.first_line:
        said += f", so lines {record.first_line}–{record.last_line} could not be split into rows"
    return said


def _shown(cells: list[str]) -> list[str]:
    """Cells with their undecodable bytes shown as \\xNN, for the output."""
    return [bytes_shown(cell) for cell in cells]


def _unreadable(
    record: Record, number: int, positions: list[tuple[int, str]], delimiter: str, where: tuple[tuple[str, Any], ...]
) -> Row:
    """A record that could not be split (a quote never closed, a row over the limit): its error, with
    the id when the cells before the quote hold it (they are whole)."""
    head = next(csv.reader([record.head], delimiter=delimiter), []) if record.head else []
    head_id = next((head[i] for i, name in positions if name == "id" and i < len(head) - 1), None)
    return Row(number, echo_id(head_id), {}, f"on line {record.first_line} {record.problem}", where=where)


def _line_break_in(values: Mapping[str, Any]) -> str | None:
    """The first known column (other than id) whose cell holds a line break:
    no value of one does, so it is a quote opened by mistake."""
    for name, value in values.items():
        if name != "id" and ("\n" in value or "\r" in value):
            return name
    return None


def _rows_inside(cells: list[str], names: Sequence[str], delimiter: str, weight_at: int | None) -> str | None:
    """The first cell (the id, or one ketacalc does not read) holding rows a stray quote swallowed
    ("A1,70 / A2,71 / A3",72): its lines have the shape of the rows around it (the first the rest of
    its row, a middle one a whole row, the last a row's start up to this cell) and one of them has a
    weight, or nothing, where the weight column is. A note on two lines ("Call back, Monday /
    allergic: latex"), an address or a list has neither. Its column's name, or None."""
    width = len(names)
    if weight_at is None:
        return None
    for index, cell in enumerate(cells):
        if "\n" not in cell and "\r" not in cell:
            continue
        lines = cell.splitlines()
        for number, line in enumerate(lines):
            pieces = line.split(delimiter)
            first, last = number == 0, number == len(lines) - 1
            shape = width - index if first else index + 1 if last else width
            at = weight_at - index if first else weight_at
            if len(pieces) == shape > 1 and 0 <= at < len(pieces) and _weight_or_none(pieces[at]):
                return names[index] if index < len(names) and names[index].strip() else f"column {index + 1}"
    return None


def _weight_or_none(cell: str) -> bool:
    """What a row's weight cell holds: nothing, a weight, or a word standing for one not yet known."""
    return _WEIGHT_OR_NONE_RE.fullmatch(cell) is not None or cell.strip().lower() in _NOT_KNOWN


_NOT_KNOWN = frozenset({"tbd", "tba", "n/a", "na", "unknown", "?", "-", "—", "pending", "x", "none", "nil"})
# What a row's weight cell holds: nothing, or a number with a weight unit (70, 82.5 kg, 11 st 4 lb).
_WEIGHT_UNIT = "|".join(sorted(WEIGHT.spellings, key=len, reverse=True))
_WEIGHT_OR_NONE_RE = re.compile(
    rf"[ \t]*(?:[+-]?[0-9]+(?:[.,][0-9]+)?[ \t]*(?:(?:{_WEIGHT_UNIT})\.?[ \t]*(?:[0-9]+(?:[.,][0-9]+)?[ \t]*"
    rf"(?:{_WEIGHT_UNIT})\.?[ \t]*)?)?)?",
    re.IGNORECASE,
)


def undecodable_problem(text: str) -> str:
    found = UNDECODABLE_RE.search(text)
    assert found is not None
    byte = bytes_shown(found.group())
    return f"has bytes that are not valid in the input's encoding ({byte}); check --encoding, or save it as CSV UTF-8"
