"""JSON Lines input (one object a line) and ``.json`` arrays (pandas' ``orient="records"``)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import IO, Any

from ketacalc.batch.columns import (
    Header,
    HeaderError,
    normalize,
    prepare,
    read_header,
)
from ketacalc.batch.csvfile import undecodable_problem
from ketacalc.batch.numbers import has_marked_money
from ketacalc.batch.rows import RECORD_MAX_CHARS, UNDECODABLE_RE, BatchInputError, Reading, Row, echo_id, is_totals
from ketacalc.batch.splitter import physical_lines
from ketacalc.errors import printable


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


def read_jsonl(
    stream: IO[str], reading: Reading = Reading(), array: bool = False, keys: Keys | None = None
) -> tuple[Iterator[Row], Header | None]:
    """JSON Lines: one object per line; values are strings or numbers, read
    exactly (0.75000000000000000001 is not 0.75); null or "" takes the default.
    With ``array`` (a .json file), input that starts with [ is one JSON array of objects.
    The first line is looked for now, so an empty input stops before anything
    is written; so are the first object's keys (``Keys``): its header, whose notes name the keys not
    read, or exit 2 when a key cannot be mapped."""
    lines = physical_lines(stream)
    decimal_comma = bool(reading.decimal_comma)
    keys = keys or Keys(reading)
    for first in lines:
        if first is not None:
            first = first.removeprefix("\ufeff")  # a BOM that a named encoding kept
        if array and first is not None and first.lstrip().startswith("["):
            rows, objects = _json_array_rows(itertools.chain([first], lines), decimal_comma, keys)
            return rows, _first_header(keys, objects[0] if objects else None)
        if first is None or first.strip():
            try:
                head = parse_json(first) if first is not None else None
            except (ValueError, RecursionError):
                head = None  # the row's own error, in its place
            return _jsonl_rows(itertools.chain([first], lines), decimal_comma, keys), _first_header(keys, head)
    raise BatchInputError("the input is empty: it needs one JSON object per line, with a 'weight'")


JSON_ARRAY_MAX_CHARS = 256 * 1024 * 1024  # a JSON array is read whole: bounded


def _first_header(keys: Keys, first: object) -> Header | None:
    """The first object's header (its notes are said before the rows), or exit 2 when its keys
    cannot be read; None when it is no object (its row's error says so)."""
    if not isinstance(first, dict):
        return None
    header = keys.header(tuple(str(key) for key in first))
    if isinstance(header, str):
        raise BatchInputError(header)
    keys.said_first()
    said = [line.replace("the column", "the key") for line in header.assumed]
    return replace(header, assumed=tuple(said), notes=tuple(note.replace("columns", "keys") for note in header.notes))


def _json_array_rows(lines: Iterator[str | None], decimal_comma: bool, keys: Keys) -> tuple[Iterator[Row], list[Any]]:
    """A JSON array of objects, as pandas ``to_json(orient="records")`` writes it (indented or not):
    read whole (the file is one value), each object a row as a JSON line's would be."""
    parts: list[str] = []
    size = 0
    for line in lines:
        if line is None:
            raise BatchInputError(f"the JSON array has a line over {RECORD_MAX_CHARS:,} characters")
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
    rows = (_json_row(number, record, decimal_comma, keys) for number, record in enumerate(array, start=1))
    return rows, array


class Keys:
    """An object's keys read as a header row is (``columns.read_header``): "Weight (lb)" is the
    weight in pounds, "No. of infusions" the infusions, a key that looks like a field but cannot be
    mapped is refused, and the keys not read are named. Objects with the same keys share one."""

    def __init__(self, reading: Reading) -> None:
        self._reading = reading
        self._headers: dict[tuple[str, ...], Header | str] = {}
        self._unread: dict[str, int] = {}  # keys not read, each with the first row it is on
        self._said = 0  # how many of them the first object's notes said

    def header(self, keys: tuple[str, ...], number: int = 1) -> Header | str:
        """The header of these keys (``number``: the row they are first on), or what is wrong."""
        found = self._headers.get(keys)
        if found is None:
            try:
                found = read_header(list(keys), self._reading.columns, _present(self._reading.ignored, keys), False)
            except HeaderError as error:
                found = str(error).replace("the header", "the object's keys").replace("the column", "the key")
            else:
                read = {column.index for column in found.columns}
                for index, key in enumerate(keys):
                    if index not in read and key.strip() and len(self._unread) < _UNREAD_MAX:
                        self._unread.setdefault(key, number)
            if len(self._headers) < _HEADERS_MAX and len(keys) <= _CACHED_KEYS_MAX:
                self._headers[keys] = found
        return found

    def said_first(self) -> None:
        """The first object's keys not read are said now, before the rows."""
        self._said = len(self._unread)

    def later(self) -> tuple[str, ...]:
        """For the summary: keys not read that first appear after the first object."""
        later = list(self._unread.items())[self._said :]
        if not later:
            return ()
        named = ", ".join(f"{printable(key)[:40]} (row {number:,})" for key, number in later[:20])
        more = f" and {len(later) - 20:,} more" if len(later) > 20 else ""
        return (f"not read: keys on later rows: {named}{more}",)


_HEADERS_MAX = 1024  # distinct key sets remembered (an export has one)
_CACHED_KEYS_MAX = 256  # a header of more keys is read again for each object: memory stays flat
_UNREAD_MAX = 1000  # keys not read, remembered to be named


_JSON_KINDS = {bool: "JSON true or false", list: "a JSON list", dict: "a JSON object"}


def _present(ignored: tuple[str, ...], keys: tuple[str, ...]) -> tuple[str, ...]:
    """--ignore-column names a key some objects lack: ignored where it is, not refused where it is not."""
    names = {normalize(key) for key in keys}
    return tuple(name for name in ignored if normalize(name) in names)


def _json_row(number: int, record: object, decimal_comma: bool, keys: Keys) -> Row:
    """One JSON object as a row (JSON Lines and JSON arrays alike)."""
    if not isinstance(record, dict):
        return Row(number, None, {}, "is not a JSON object")
    header = keys.header(tuple(str(key) for key in record), number)
    if isinstance(header, str):
        row_id = next((value for key, value in record.items() if normalize(str(key)) == "id"), None)
        return Row(number, echo_id(row_id), {}, f"has keys that cannot be read: {header}")
    values = list(record.values())
    if is_totals(values):
        return Row(number, None, {}, skipped="a totals row")
    cells = {
        column.field: value for column in header.columns if (value := values[column.index]) is not None and value != ""
    }
    row_id = echo_id(cells.pop("id", None))
    for field, value in cells.items():
        if isinstance(value, bool | list | dict):  # JSON true, [0.5], {"value": 70}: no number nor text
            kind = _JSON_KINDS[type(value)]
            shown = json.dumps(value, default=float)[:60]
            return Row(number, row_id, {}, f"{field} {shown!r} is {kind}, not a number or text", field)
    adjust = decimal_comma or not header.plain or has_marked_money(cells)
    if adjust and (problem := prepare(cells, header, decimal_comma)):
        return Row(number, row_id, {}, problem[1], problem[0])
    return Row(number, row_id, cells)


def _jsonl_rows(lines: Iterator[str | None], decimal_comma: bool, keys: Keys) -> Iterator[Row]:
    number = 0
    for line in lines:
        if line is None:
            number += 1
            yield Row(number, None, {}, f"is over {RECORD_MAX_CHARS:,} characters")
            continue
        if not line.strip():
            continue
        number += 1
        if UNDECODABLE_RE.search(line):
            yield Row(number, None, {}, undecodable_problem(line))
            continue
        try:
            record = parse_json(line)
        except _DuplicateKey as duplicate:
            yield Row(number, None, {}, f"has the key {str(duplicate)!r} twice (keys match in any case and spacing)")
            continue
        except (ValueError, RecursionError):
            yield Row(number, None, {}, "is not valid JSON")
            continue
        yield _json_row(number, record, decimal_comma, keys)


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
