"""A batch's rows and its options: what a reader yields (``Row``), how the input is read
(``Reading``) and written (``Writing``), the option parsers, and the cells shared by every reader
(totals rows, ids echoed back)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from ketacalc.errors import InputError, KetacalcError

FORMATS = ("csv", "jsonl", "xlsx", "ods", "xls", "xlsb")
WORKBOOKS = ("xlsx", "ods", "xls", "xlsb")  # spreadsheet files: a sheet of cells, not text
OUTPUTS = ("jsonl", "csv", "xlsx")
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}


@dataclass(frozen=True)
class Reading:
    """How to read a batch input (the batch command's input options)."""

    format: str | None = None  # csv, jsonl, or a workbook (WORKBOOKS); None: from the file's extension
    encoding: str | None = None  # None: UTF-8 (with or without a BOM) or UTF-16 with a BOM
    delimiter: str | None = None  # None: from the header
    decimal_comma: bool | None = None  # None: not given (a ; or tab CSV file settles it, or refuses)
    columns: Mapping[str, str] = field(default_factory=dict)  # field -> header, from --column
    sheet: str | None = None  # xlsx: None is the active visible sheet
    ignored: tuple[str, ...] = ()  # headers left unread, from --ignore-column
    header_row: int | None = None  # --header-row: the header's line; None: found in the first 20 rows


@dataclass(frozen=True)
class Writing:
    """How to write a batch's records."""

    format: str = "jsonl"
    bom: bool = False  # a UTF-8 BOM first, so Excel reads a CSV as UTF-8
    excel: bool = False  # a CSV as Excel on Windows opens it: the BOM, CRLF line ends and a sep= line
    fields: tuple[str, ...] | None = None  # --fields: ketacalc's columns in a CSV or workbook; None: the default set
    quiet: bool = False  # no progress on stderr


# A row can be long (a pasted note in a cell), but a row over 1 MiB is not a
# patient: it becomes that row's error, read to its end without being kept.
RECORD_MAX_CHARS = 1024 * 1024
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
    written: Mapping[str, Any] | None = None  # cells as the file has them, where reading them changed them
    own: Sequence[Any] = ()  # every cell of the row as the file has it, for a CSV or workbook output


BLANK = "blank"  # Row.skipped of a row of empty cells (,,,): counted in the summary, never listed


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
            raise InputError("input_format", given, "is not a batch format", "csv, jsonl, xlsx, ods, xls or xlsb")
        return fmt
    lower = path.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    for fmt in ("ods", "xls", "xlsb"):
        if lower.endswith(f".{fmt}"):
            return fmt
    return "jsonl" if lower.endswith((".jsonl", ".ndjson", ".json")) else "csv"


UNDECODABLE_RE = re.compile("[\udc00-\udcff]")
QUOTED_RE = re.compile(r'"(?:[^"]|"")*"?')
# Formula-starting characters a spreadsheet would run (OWASP, "CSV injection");
# tab and CR, OWASP's other two, are escaped as control characters first.
FORMULA_START = ("=", "+", "-", "@")


def bytes_shown(text: str) -> str:
    """Text with its undecodable bytes shown as \\xNN."""
    return UNDECODABLE_RE.sub(lambda found: f"\\x{ord(found.group()) - 0xDC00:02x}", text)


def _json_number(value: object) -> object:
    """A Decimal inside a JSON id (a list, an object) as the number it was."""
    return float(value) if isinstance(value, Decimal) and math.isfinite(float(value)) else str(value)


def echo_id(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):  # a JSON number with a fraction or an exponent, read exactly
        as_float = float(value)
        exact = math.isfinite(as_float) and Decimal(repr(as_float)) == value
        return as_float if exact and len(repr(as_float)) <= _ID_MAX_CHARS else f"{value}"[:_ID_MAX_CHARS]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return json.dumps(value, default=_json_number)[:_ID_MAX_CHARS]  # a list or object of exact Decimals too
    if isinstance(value, str):
        if UNDECODABLE_RE.search(value):
            value = bytes_shown(value)
        return value[:_ID_MAX_CHARS]
    if len(text := repr(value)) > _ID_MAX_CHARS:  # a long JSON number: cut, as text
        return text[:_ID_MAX_CHARS]
    return value
