"""Records out: CSV columns (flattened, spreadsheet-safe) and workbook cells (typed)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ketacalc.batch.rows import FORMULA_START
from ketacalc.documents import batch_quote
from ketacalc.errors import InputError, printable
from ketacalc.quoting import quote


def flatten(document: Mapping[str, Any], prefix: str = "", typed: bool = False) -> dict[str, Any]:
    """Nested keys joined with dots, for CSV; the warnings list as codes joined
    by ';'. ``typed``: as a workbook's cells (the reference ``Picker`` is held to in the tests, which
    takes only the columns written): numbers as numbers, money as Decimals, true and
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
        elif name == "id" and not typed and isinstance(value, int | float):
            flat[name] = id_text(value)
        elif isinstance(value, float):
            flat[name] = value if typed else _plain_number(value)  # a workbook's number is a double
        elif isinstance(value, str):
            money = typed and prefix.startswith(("cost.per_infusion.", "cost.total."))
            flat[name] = Decimal(value) if money else printable(value) if typed else spreadsheet_safe(value)
        else:
            flat[name] = value
    return flat


def id_text(value: object) -> str:
    """A number id as a CSV cell: its text, spreadsheet-safe (-12 is '-12) and cut as ids are."""
    text = _plain_number(value) if type(value) is float else str(value)
    return spreadsheet_safe(text[:_ID_MAX_CHARS])


_ID_MAX_CHARS = 256  # as rows.echo_id cuts an id


def spreadsheet_safe(text: str) -> str:
    """Text for a CSV cell that a spreadsheet shows as text: control characters
    (line breaks too, so each record is one line) written escaped (\\n), and a
    cell that would start a formula (=, +, -, @) prefixed with ' (OWASP)."""
    if not text.isprintable():
        text = printable(text)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _plain_number(value: float) -> str:
    """A JSON number as CSV text, by ISMP's rule as chart --csv writes it: no
    trailing zeros (35, not 35.0), no exponent, no thousands separators."""
    text = repr(value)
    if "e" in text or "n" in text:  # 1e-05, 1e+16 (and inf, nan, which no document holds)
        text = f"{Decimal(text):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return text[:-2] if text.endswith(".0") else text  # a float's repr has no other trailing zero


@functools.cache  # a quote with every block, made once a run (it is asked for by --fields and the layout)
def _every_column() -> tuple[str, ...]:
    example = quote("70", concentration="10 mg/mL", bag="100 mL", start="09:00")
    columns = list(flatten(batch_quote(1, None, example)))
    return (columns[0], *_WHERE, *columns[1:4], "error.field", "error.message", *columns[4:])


def csv_columns() -> list[str]:
    """Every column a CSV record can have, from a quote with every block."""
    return list(_every_column())


_WHERE = ("line", "sheet", "sheet_row", "date")  # where a record's row is, as each input names it (and its date)

ALL = "all"  # --fields all: every column, as csv_columns() lists them
DEFAULT = "default"  # --fields default: the short set below (the default), to add others to

# The short default set a clerk reads, in the order (--fields picks others): where the row is,
# its id, weight, rate and dose (a rate the sheet gave is seen to be read), infusions, price per
# infusion, the series totals, warnings and an error, the notice.
_DEFAULT_FIELDS = (
    "row",
    "id",
    "patient.weight_kg",
    "dose.rate_mg_per_kg",
    "dose.dose_mg",
    "series.infusions",
    "cost.currency",
    "cost.per_infusion.min",
    "cost.per_infusion.max",
    "cost.total.min",
    "cost.total.mid",
    "cost.total.max",
    "warnings",
    "error.field",
    "error.message",
    "disclaimer",
)
# Added to the default set when the input reads them (a start column, a pump's concentration or bag).
_WHERE_BY_FORMAT = {
    "csv": ("line",),
    **dict.fromkeys(("xlsx", "ods", "xls", "xlsb"), ("sheet", "sheet_row")),
}  # JSON Lines: the row is its line
_START_FIELDS = ("date", "session.start", "session.infusion_end", "session.recovery_end")
_PUMP_FIELDS = ("pump.concentration_mg_per_ml", "pump.drug_volume_ml", "pump.vtbi_ml", "pump.rate_ml_per_h")


def parse_fields(given: str) -> tuple[str, ...]:
    """--fields: ketacalc's columns to write, by name, comma-separated; ``default`` (the short set)
    and ``all`` may stand among them. Each name once, in the order given."""
    names = [name.strip() for name in given.split(",")]
    known = frozenset(csv_columns())
    for name in names:
        if name not in known and name not in (ALL, DEFAULT):
            shown = printable(name)[:60] if name else "(empty)"
            raise InputError(
                "fields",
                given if len(names) == 1 else shown,
                "is not a column ketacalc writes",
                "column names as --fields all writes them (e.g. id,dose.dose_mg,cost.total.mid), default, or all",
            )
    return tuple(dict.fromkeys(names))


def chosen_fields(fields: tuple[str, ...] | None, input_format: str, read: frozenset[str], output: str) -> list[str]:
    """ketacalc's columns for a CSV or workbook: ``fields`` as --fields gave them (None: the default
    set, with the row's place as ``input_format`` gives it and the start's or the pump's columns when
    ``read`` (the fields the input or the defaults give) has them, and no id when the input's own
    columns have it). A workbook says the notice once,
    on its notes sheet, so its default set has no disclaimer column."""
    every = csv_columns()
    chosen: list[str] = []
    for name in fields or (DEFAULT,):
        if name == ALL:
            chosen += every if output == "csv" else [c for c in every if c != "disclaimer"]
        elif name == DEFAULT:
            start = _START_FIELDS if "start" in read else ()
            pump = _PUMP_FIELDS if read & {"concentration", "bag", "final_concentration"} else ()
            where = _WHERE_BY_FORMAT.get(input_format, ())
            default = [_DEFAULT_FIELDS[0], *where, *_DEFAULT_FIELDS[1:5], *start, *pump, *_DEFAULT_FIELDS[5:]]
            if "id" in read:
                default.remove("id")  # the input's own id column is written first: not repeated
            chosen += default if output == "csv" else default[:-1]
        else:
            chosen.append(name)
    return list(dict.fromkeys(chosen))


def output_header(own: Sequence[str], fields: Sequence[str]) -> list[str]:
    """The input's own columns first, unchanged, then ketacalc's; one of ketacalc's whose name the
    input already has is written ``ketacalc.NAME``."""
    taken = set(own)
    header = list(own)
    for name in fields:
        written, number = name, 1
        while written in taken:  # ketacalc.row taken too: ketacalc.row.2
            number += 1
            written = f"ketacalc.{name}" if number == 2 else f"ketacalc.{name}.{number - 1}"
        taken.add(written)
        header.append(written)
    return header


def own_cells(cells: Sequence[Any], width: int, typed: bool = False) -> list[Any]:
    """A row's own cells as the output holds them, padded or cut to the header's width: for a CSV
    text made safe for a spreadsheet; for a workbook (``typed``) numbers as numbers."""
    if not typed and len(cells) == width and _printable_text(cells):
        return [f"'{v}" if v.startswith(FORMULA_START) else v for v in cells]  # a CSV's row, the common case
    out: list[Any] = []
    for value in cells[:width]:
        if isinstance(value, Decimal):
            out.append(kept(value) if typed else f"{value:f}")
        elif typed:
            out.append(kept(as_number(value)))
        else:
            out.append(spreadsheet_safe(str(value)))
    out += [None if typed else ""] * (width - len(out))
    return out


def _printable_text(cells: Sequence[Any]) -> bool:
    """Every cell text, and printable (one join: a row's hot path)."""
    try:
        return "".join(cells).isprintable()
    except TypeError:  # a number, a Decimal or None among them
        return False


_NUMBER_TEXT_RE = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")


def as_number(value: Any) -> Any:
    """For a workbook cell: text that is a plain number (1002, 82.5) as that number, as a spreadsheet
    opening a CSV would read it; 007, 1e3 and 16 digits stay text, and control characters are escaped."""
    if isinstance(value, str):
        if _NUMBER_TEXT_RE.fullmatch(value) and len(value.replace("-", "").replace(".", "")) <= 15:
            return Decimal(value) if "." in value else int(value)
        return printable(value)
    return value


_EXCEL_DIGITS = 10**15  # Excel keeps 15 significant digits of a number


def kept(value: Any) -> Any:
    """A workbook cell a spreadsheet holds exactly: a number its float cannot hold (an id of 20
    digits, a decimal of 16) as text, so no digit is lost."""
    if type(value) is int and abs(value) >= _EXCEL_DIGITS:
        return str(value)
    if type(value) is Decimal and (not value.is_finite() or len(value.as_tuple().digits) > 15):
        return f"{value:f}"
    return value


_SHARED_BLOCKS = 256  # cost blocks remembered by a Picker (documents.cost_block keeps as many)

# A float whose repr is its plain text (48.53, not 1e-05, 35.0 or inf): a CSV writer may take it as is.
_PLAIN_FLOAT_LOW, _PLAIN_FLOAT_HIGH = 0.0001, 1e16

Member = tuple[int, str, tuple[str, ...], bool, bool]  # position, key, keys below it, money, id


class Picker:
    """ketacalc's columns taken from a record as ``flatten`` gives them (a test holds the two equal,
    as a CSV writer writes them), without flattening the whole record: a CSV or workbook of the
    short default set reads a fifth of it. ``typed``: workbook cells (numbers as numbers, money as
    Decimals, a plain number id as a number, and one a spreadsheet's float cannot hold as text).

    Columns are taken a block at a time (``cost``, ``session`` ...), and a cost block seen before (the
    fast path and ``documents.cost_block`` share one between the rows of a price setting) gives the
    same cells again without reading it. It is the CSV output's hot loop: the common cells (a whole
    number, a float whose text is plain, printable text) are taken inline, the rest by ``_cell``."""

    def __init__(self, columns: Sequence[str], typed: bool = False) -> None:
        self._width = len(columns)
        self._typed = typed
        self._empty = None if typed else ""
        top: list[Member] = []
        blocks: dict[str, list[Member]] = {}
        for position, name in enumerate(columns):
            first, *rest = name.split(".")
            money = name.startswith(("cost.per_infusion.", "cost.total."))
            if rest:
                blocks.setdefault(first, []).append((position, rest[0], tuple(rest[1:]), money, False))
            else:
                top.append((position, first, (), False, name == "id"))
        self._top = top
        self._blocks = [(first, members, first == "cost") for first, members in blocks.items()]
        self._seen: dict[int, tuple[object, list[tuple[int, object]]]] = {}

    # Long because it is the hot loop of a CSV's rows, inlined: a call per cell costs measurably.
    def __call__(self, record: Mapping[str, Any]) -> list[object]:  # noqa: C901
        empty, typed, cell_of = self._empty, self._typed, self._cell
        cells: list[object] = [empty] * self._width
        for position, key, _, _, is_id in self._top:
            value = record.get(key)
            kind = type(value)
            if value is None:
                continue
            if kind is int and not is_id:
                cells[position] = value
            elif (
                kind is str and not typed and not is_id and value.isprintable() and not value.startswith(FORMULA_START)
            ):
                cells[position] = value
            elif kind is list and key == "warnings":
                cells[position] = ";".join([warning["code"] for warning in value])
            else:
                cells[position] = cell_of(value, False, is_id, False)
        seen = self._seen
        for first, members, remember in self._blocks:
            block = record.get(first)
            if type(block) is not dict:
                continue  # no such block (an error's record): every cell empty
            if remember and (shared := seen.get(id(block))) is not None and shared[0] is block:
                for position, cell in shared[1]:
                    cells[position] = cell
                continue
            for position, key, below, money, _ in members:
                value = block.get(key)
                for deeper in below:
                    value = value.get(deeper) if type(value) is dict else None
                kind = type(value)
                if value is None:
                    continue
                if kind is int:
                    cells[position] = value
                elif (
                    kind is float
                    and not typed
                    and not value.is_integer()
                    and (
                        _PLAIN_FLOAT_LOW <= value < _PLAIN_FLOAT_HIGH or -_PLAIN_FLOAT_HIGH < value <= -_PLAIN_FLOAT_LOW
                    )
                ):
                    cells[position] = value  # the writer's str() of it is its plain text
                elif kind is str and not typed and value.isprintable() and not value.startswith(FORMULA_START):
                    cells[position] = value
                else:
                    cells[position] = cell_of(value, money, False, True)
            if remember and len(seen) < _SHARED_BLOCKS:
                # the block is held, so its id is never reused
                seen[id(block)] = (block, [(member[0], cells[member[0]]) for member in members])
        return cells

    def _cell(self, value: Any, money: bool, is_id: bool, codes: bool) -> object:
        typed = self._typed
        kind = type(value)
        if kind is str:
            if typed:
                return Decimal(value) if money else kept(as_number(value)) if is_id else printable(value)
            return spreadsheet_safe(value)
        if is_id and kind in (int, float):  # a JSON number id: a number in a workbook; in a CSV, safe text, cut
            return kept(value) if typed else id_text(value)
        if kind is float:
            return value if typed else _plain_number(value)
        if kind is bool:
            return value if typed else ("true" if value else "false")
        if kind is list and codes:  # the warnings: their codes
            return ";".join(w["code"] for w in value)
        return value
