"""A batch input's columns as spreadsheets name them, and its cells as they write them.

- Header names match in any case and spacing (``Price Min`` is ``price_min``).
- A unit in brackets after a quantity's name (``Weight (lb)``, ``Height [in]``)
  applies to the bare numbers in that column; a cell with another unit of its
  own is that row's error, never a silent conversion. A currency code after a
  price's name (``Price (EUR)``) is the currency of the rows that name none.
- ``Patient ID``, ``MRN`` and ``Patient`` are the id when there is no ``id``; ``--column`` maps any header.
- With ``--decimal comma``, numbers are read as ``82,5`` and ``1.250,00``;
  without it, a number like ``82,5`` is an error that says so. Never guessed:
  a wrong guess is a weight off by 10x or a price off by 1000x.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ketacalc import units
from ketacalc.batch.numbers import PRICE_FIELDS, Problem, from_decimal_comma, money_cells
from ketacalc.currencies import ISO_4217
from ketacalc.errors import InputError, KetacalcError, printable

# Every column a row can have.
FIELDS = (
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
    "final_concentration",
    "start",
)
KNOWN = frozenset(FIELDS)

# Columns whose header may carry a unit, and the unit's kind.
_UNIT_KINDS: dict[str, units.Kind] = {
    "weight": units.WEIGHT,
    "height": units.HEIGHT,
    "rate": units.RATE,
    "duration": units.DURATION,
    "concentration": units.CONCENTRATION,
    "bag": units.VOLUME,
    "final_concentration": units.CONCENTRATION,
}
# Columns that hold numbers (a decimal comma applies to them).
NUMERIC = frozenset({*_UNIT_KINDS, *PRICE_FIELDS, "infusions"})
# Headers that are the id when no column is named id (normalised).
ID_ALIASES = ("patient_id", "mrn", "patient", "patient_number", "patient_no", "record_id", "chart_number")

# A unit hint in matching brackets: "(lb)" or "[lb]", never "(lb]" (a typo is not a unit).
_HINT_RE = re.compile(r"^(.*?)[ \t]*(?:\([ \t]*([^()\[\]]{1,20}?)[ \t]*\)|\[[ \t]*([^()\[\]]{1,20}?)[ \t]*\])[ \t]*$")
_BARE_NUMBER_RE = re.compile(r"[ \t]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t]*")
# 1.250,00 and 82,5: thousands separated by points in threes, a decimal comma.
# What a decimal comma looks like when --decimal comma was not given: 82,5
# (a thousands comma has three digits after it, and a price reads 1,250 so).
_LOOKS_LIKE_DECIMAL_COMMA_RE = re.compile(
    r"[ \t]*[0-9]+,[0-9]{1,2}(?![0-9]).*|[ \t]*[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+.*"
)


def _hint(found: re.Match[str] | None) -> str | None:
    """The unit in a header's brackets, round or square."""
    return None if found is None else found.group(2) or found.group(3)


class HeaderError(KetacalcError):
    """The header cannot be used (exit 2)."""


def normalize(name: str) -> str:
    """Header spellings from spreadsheets: ' Price Min ' -> 'price_min'."""
    return "_".join(name.strip().lower().replace("-", " ").split())


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the input that ketacalc reads."""

    index: int
    field: str
    header: str  # as written
    unit: str | None = None  # the unit from the header, for bare numbers
    currency: str | None = None  # a price column's currency from the header


@dataclass(frozen=True, slots=True)
class Header:
    columns: tuple[Column, ...]
    notes: tuple[str, ...]  # said on stderr before the rows: columns left unread
    assumed: tuple[str, ...] = ()  # said in the summary: units read where the column names none
    names: tuple[str, ...] = ()  # every column's header as written (a units row's units added), for the output

    @property
    def plain(self) -> bool:
        """No unit or currency hints: the cells are read as they are."""
        return all(c.unit is None and c.currency is None for c in self.columns)


def parse_mappings(given: Iterable[str]) -> dict[str, str]:
    """``--column FIELD=HEADER`` options: {field: header as written}."""
    mappings: dict[str, str] = {}
    for option in given:
        field_text, equals, header = option.partition("=")
        field = normalize(field_text)
        if not equals or not header.strip():
            raise InputError("column", option, "is not FIELD=HEADER", 'e.g. --column weight="Body weight"')
        if field not in KNOWN:
            raise InputError("column", option, f"names no field {field_text.strip()!r}", ", ".join(FIELDS))
        if field in mappings:
            raise InputError("column", option, f"maps {field} a second time", "each field once")
        mappings[field] = header
    return mappings


# Headers as people write them: a name (in any case and spacing, punctuation
# dropped) and the field it is. A unit may follow in brackets or after a
# separator (see ``recognize``). The table in docs/spreadsheet.md
# is made from this one table.
HEADER_NAMES: dict[str, str] = {
    **{field: field for field in FIELDS},
    "wt": "weight",
    "body_weight": "weight",
    "patient_weight": "weight",
    "dose_per_kg": "rate",
    "dose_rate": "rate",
    "mg/kg": "rate",
    "mg_per_kg": "rate",
    "sessions": "infusions",
    "no_of_infusions": "infusions",
    "number_of_infusions": "infusions",
    "no_of_sessions": "infusions",
    "number_of_sessions": "infusions",
    "price_per_infusion": "price",
    "price_per_session": "price",
    "cost_per_infusion": "price",
    "cost_per_session": "price",
    "infusion_time": "duration",
    "infusion_duration": "duration",
    "minutes": "duration",
    "start_time": "start",
    "dosing_weight_basis": "dosing_weight",
}
# A name that is a field only with a unit of that field: "Dose (mg/kg)" is a rate; "Dose" alone could be mg.
_WITH_A_UNIT = {"dose": "rate"}
# Names whose unit is in the name itself.
_NAMED_UNITS = {"minutes": "min", "mg/kg": "mg/kg", "mg_per_kg": "mg/kg"}
# What a header mentions when it looks like a field ketacalc reads: such a column is mapped with
# certainty, or the batch is refused until --column or --ignore-column settles it.
_LOOKS_READ_RE = re.compile(
    r"dose|rate|mg/?kg|session|infusion|price|cost|duration|minute|time|weight|\bwt\b|height|\bsex\b|gender",
    re.IGNORECASE,
)
# A unit after a separator: "Weight in lbs", "Weight, lb", "Weight_lb", "Weight - lb", "Weight/lb".
# A unit after the name: "Weight in lbs", "Weight, lb", "Weight_lb", "Weight - lb", "Weight/lb", "Weight: lb",
# "Weight-lb" or "Weight lbs" (taken as a unit only when it is one of the field's).
_SEPARATED_RE = re.compile(r"^(.*?)[ \t]*(?:[ \t]in[ \t]|,|_|[ \t]-[ \t]|/|:|-|[ \t])[ \t]*([A-Za-zµ.]{1,10})[ \t]*$")


def recognize(header: str) -> tuple[str, str | None] | None:
    """The field a header names and the unit it gives, or None: "Weight in lbs" is (weight, lbs),
    "Dose (mg/kg)" is (rate, mg/kg), "Minutes" is (duration, min)."""
    text = " ".join(header.split())  # a header wrapped in its cell (Alt+Enter: "Weight\n(lb)") is one line
    name = normalize(text).replace(".", "")  # "No. of infusions"
    if name in HEADER_NAMES:
        return HEADER_NAMES[name], _NAMED_UNITS.get(name)
    for pattern in (_HINT_RE, _SEPARATED_RE):
        found = pattern.match(text)
        if found is None:
            continue
        base = normalize(found.group(1)).replace(".", "")
        unit = (_hint(found) if pattern is _HINT_RE else found.group(2)) or ""
        field = HEADER_NAMES.get(base) or _WITH_A_UNIT.get(base)
        if field is None:
            continue
        if pattern is _SEPARATED_RE and not is_unit_of(field, unit):
            continue  # "Price per infusion" is a name, not a price in "infusion"
        if base in _WITH_A_UNIT and not is_unit_of(field, unit):
            continue
        return field, unit.strip()
    return None


def _mapped_unit(field: str, header: str) -> str | None:
    """The unit a column mapped by --column names, whatever its name: "Body mass (lb)" and "Mass,
    lb" are in pounds as "Weight (lb)" is. A bracketed hint that is no unit of the field is refused
    (``_column``); a separated word that is none is part of the name. A header that names two
    units ("Weight (kg) (lb)", "Weight lb/kg") is refused; one whose only unit stands apart from
    the forms above ("Weight (lbs) *", "Price €") is in that unit, never the default."""
    text = " ".join(header.split())
    said = f"the header {printable(header)!r} names"
    if field in PRICE_FIELDS and (sign := _OTHER_MONEY_RE.search(text)) is not None:
        raise HeaderError(f"{said} {sign.group(1)!r}, a currency ketacalc cannot tell: name its code ('Price (SEK)')")
    named = {_unit_key(field, word): word for word in _WORD_RE.findall(text) if is_unit_of(field, word)}
    if len(named) > 1:
        raise HeaderError(f"{said} more than one unit ({', '.join(map(repr, named.values()))}): rename it to name one")
    found = recognize(header)
    if found is not None and found[1]:
        return found[1]
    if is_unit_of(field, text):
        return text  # the header is the unit itself: "Pounds", "lbs"
    hinted = _HINT_RE.match(text)
    if hinted is not None:
        return _hint(hinted)
    separated = _SEPARATED_RE.match(text)
    if separated is not None and is_unit_of(field, separated.group(2)):
        return separated.group(2)
    return next(iter(named.values()), None)


# Currency signs other than $ € £ (kr: SEK, NOK, DKK or ISK; CA$ is no USD; ¥: JPY or CNY), refused.
_OTHER_MONEY_RE = re.compile(r"(?<![A-Za-z])((?:kr|zł|s?fr)(?![A-Za-z])|(?!US\$)[A-Za-z]{1,3}\$|[¥₹₩₽₺₪₫₱฿])", re.I)
# A header's words (not the "st" of "1st") and currency signs: each a unit it may name.
_WORD_RE = re.compile(r"(?<![0-9A-Za-zµ])[A-Za-zµ]+|[€£$]")


def _unit_key(field: str, word: str) -> str:
    """What a unit word means, to tell two spellings of one unit (lb, lbs) from two units."""
    if field in PRICE_FIELDS:
        return currency_code(word)
    spelling, kind = word.lower().rstrip("."), _UNIT_KINDS.get(field)
    return kind.spellings.get(spelling, spelling) if kind is not None else spelling


def has_units(field: str) -> bool:
    """Whether a field's column may carry a unit or a currency (weight, rate, price ...)."""
    return field in _UNIT_KINDS or field in PRICE_FIELDS


def currency_code(text: str) -> str:
    """A currency as a header or units row writes it, as its ISO code: € is EUR, eur is EUR."""
    return _CURRENCY_SIGNS.get(text.strip(), text.strip().upper())


def is_unit_of(field: str, unit: str) -> bool:
    """Whether ``unit`` is a unit (or a currency) a field's column may carry."""
    spelling = "".join(unit.split()).lower().rstrip(".")
    if field in PRICE_FIELDS:
        return _CURRENCY_SIGNS.get(unit.strip(), unit.strip().upper()) in ISO_4217
    kind = _UNIT_KINDS.get(field)
    return kind is not None and spelling in kind.spellings


# Long because it holds every header rule (read, mapped, refused, named) in the order they apply.
def read_header(  # noqa: C901
    names: list[str], mappings: Mapping[str, str], ignored: Iterable[str] = (), needs_weight: bool = True
) -> Header:
    """The columns to read from a header row, or HeaderError. Every column is read, mapped with
    --column, ignored with --ignore-column, or, when it looks like a field ketacalc reads but
    cannot be mapped with certainty, refused naming it."""
    normalized = [normalize(name) for name in names]
    skipped = {normalize(name) for name in ignored}
    missing = skipped - set(normalized)
    if missing:
        raise HeaderError(
            f"--ignore-column {sorted(missing)[0]!r}: the header has no such column (columns: {_shown(names)})"
        )
    columns: dict[str, Column] = {}
    mapped_indexes: set[int] = set()
    for field, wanted in mappings.items():
        matches = [i for i, name in enumerate(normalized) if name == normalize(wanted)]
        if not matches:
            raise HeaderError(f"--column {field}={wanted!r}: the header has no such column (columns: {_shown(names)})")
        columns[field] = _column(matches[0], field, names[matches[0]], _mapped_unit(field, names[matches[0]]))
        mapped_indexes.add(matches[0])
    unread: list[str] = []
    for index, name in enumerate(normalized):
        if index in mapped_indexes or not name or name in skipped:
            continue
        found = recognize(names[index])
        if found is None:
            if _LOOKS_READ_RE.search(names[index]) and not _id_like(name):
                raise HeaderError(
                    f"the column {printable(names[index])!r} looks like a field ketacalc reads but cannot be mapped "
                    f"with certainty: --column FIELD={printable(names[index])!r} reads it "
                    f"(fields: {', '.join(FIELDS)}), --ignore-column {printable(names[index])!r} leaves it"
                )
            unread.append(names[index])
            continue
        base, hint = found
        if base in mappings:
            continue  # a field mapped by --column is read from that column only
        if base in columns:
            raise HeaderError(f"the column {base!r} appears twice in the header (--column {base}=... chooses one)")
        columns[base] = _column(index, base, names[index], hint)
    notes = []
    if "id" not in columns:
        for alias in ID_ALIASES:
            if alias in normalized:
                index = normalized.index(alias)
                columns["id"] = Column(index, "id", names[index])
                break
    for index, name in enumerate(normalized):
        if index not in {c.index for c in columns.values()} and _id_like(name):
            notes.append(
                f"note: the column {printable(names[index])!r} looks like an id but is not read "
                f"(the id is {printable(columns['id'].header)!r}; --column id=... chooses another)"
                if "id" in columns
                else f"note: the column {printable(names[index])!r} looks like an id but is not read "
                f"(use --column id={printable(names[index])!r})"
            )
    if "weight" not in columns and needs_weight:  # a JSON object without one is its row's error
        raise HeaderError(f"the header has no 'weight' column (columns: {_shown(names)}; --column weight=... maps one)")
    read = {c.index for c in columns.values()}
    by_index = {c.index: c.field for c in columns.values()}
    for index, name in enumerate(names):
        before = by_index.get(index - 1)
        if index not in read and name.strip() and before is not None and is_unit_of(before, name.strip()):
            # "Weight, lb" written unquoted: the header split in two, and the unit would be lost.
            raise HeaderError(
                f"the header cell {printable(name)!r} is only a unit, after the column "
                f"{printable(names[index - 1])!r}: a comma inside a header name? write it as "
                f"'{printable(names[index - 1].strip())} ({printable(name.strip())})' or quote it"
            )
    shown_unread = [
        printable(n) for i, n in enumerate(names) if n.strip() and i not in read and not _id_like(normalized[i])
    ]
    if shown_unread:
        notes.append("note: not read: " + ", ".join(shown_unread))
    assumed = []
    for column in sorted(columns.values(), key=lambda c: c.index):
        default = BARE_UNITS.get(column.field)
        if default is not None and column.unit is None:
            named = printable(column.header)
            assumed.append(f"{column.field} read as {default}: the column {named!r} names no unit")
    ordered = tuple(sorted(columns.values(), key=lambda c: c.index))
    return Header(ordered, tuple(notes), tuple(assumed))


# What a bare number in a column that names no unit is read as (said once, on stderr).
BARE_UNITS = {"weight": "kg", "rate": "mg/kg", "duration": "min", "bag": "mL"}


# Currency signs a price header may carry; ¥ is left out (yen or yuan?).
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}


def _column(index: int, field: str, header: str, hint: str | None) -> Column:
    if hint is None or field not in (*_UNIT_KINDS, *PRICE_FIELDS):
        return Column(index, field, header)  # Sex (M/F), ID (MRN), Start (24h): a description, not a unit
    if field in PRICE_FIELDS:
        code = _CURRENCY_SIGNS.get(hint.strip(), hint.strip().upper())
        if code not in ISO_4217:
            raise HeaderError(
                f"the header {printable(header)!r} names {hint!r}, which is not an ISO 4217 currency code"
            )
        return Column(index, field, header, currency=code)
    kind = _UNIT_KINDS.get(field)
    spelling = "".join(hint.split()).lower().rstrip(".")  # "(lbs.)" as people abbreviate
    hint = hint.strip().rstrip(".")
    if kind is None or spelling not in kind.spellings:
        allowed = f" ({kind.allowed_units})" if kind is not None else ""
        raise HeaderError(
            f"the header {printable(header)!r} names {hint!r}, which is not a unit of {field}{allowed}: "
            "write the unit there (e.g. 'Weight (lb)'), or rename the column"
        )
    return Column(index, field, header, unit=hint.strip())


def _id_like(name: str) -> bool:
    return name in ID_ALIASES or name == "id" or "id" in name.split("_") or name.endswith("_id")


def _shown(names: list[str]) -> str:
    return ", ".join(repr(printable(name[:20])) for name in names[:10]) or "none"


def prepare(
    cells: dict[str, Any], header: Header | None, decimal_comma: bool, typed: frozenset[str] = frozenset()
) -> Problem | None:
    """Apply the header's units and currencies and the decimal comma to a row's
    cells, in place. ``typed`` names cells that a workbook typed as numbers:
    they have no decimal mark to read. Returns the row's problem, if any."""
    problem, read = money_cells(cells, header, decimal_comma, typed)
    if problem is not None:
        return problem
    if decimal_comma:
        for field in (NUMERIC & cells.keys()) - typed - read:
            value = cells[field]
            if isinstance(value, str):
                converted = from_decimal_comma(value)
                if converted is None:
                    return field, f"{field} {printable(value)!r} is not a number written with a decimal comma"
                cells[field] = converted
    if header is None or header.plain:
        return None
    for column in header.columns:
        value = cells.get(column.field)
        if column.currency is not None:
            # A row under Price (EUR) is in EUR, its price cell empty too: it takes no default price in
            # another currency (config.replaced), and a default in EUR only when the default is in EUR.
            given = cells.get("currency")
            if given is None:
                cells["currency"] = column.currency
            elif value is not None and str(given).strip().upper() != column.currency:
                return "currency", (
                    f"currency {printable(str(given))!r} disagrees with its price's column "
                    f"{printable(column.header)!r}, which is in {column.currency}"
                )
        if column.unit is None or value is None:
            continue
        if not isinstance(value, str):
            cells[column.field] = f"{value} {column.unit}"
        elif _BARE_NUMBER_RE.fullmatch(value):
            cells[column.field] = f"{value.strip()} {column.unit}"
        elif not _same_unit(value, column):
            return column.field, (
                f"{column.field} {printable(value)!r} disagrees with its column {printable(column.header)!r} "
                "on the unit"
            )
    return None


def same_unit(field: str, first: str, second: str) -> bool:
    """Whether two spellings are one unit of a field ("lbs" and "lb" are)."""
    kind = _UNIT_KINDS.get(field)
    if kind is None:
        return first.strip().lower() == second.strip().lower()
    one = kind.spellings.get("".join(first.split()).lower().rstrip("."))
    return one is not None and one == kind.spellings.get("".join(second.split()).lower().rstrip("."))


def _same_unit(value: str, column: Column) -> bool:
    """Whether a cell's own unit is the column's (70 kg under Weight (kg))."""
    kind = _UNIT_KINDS[column.field]
    assert column.unit is not None
    match = units.QUANTITY_RE.fullmatch(value)
    if match is None or match.group(2) is None:
        return True  # not a quantity at all: the plain parse words the error
    own = kind.spellings.get("".join(match.group(2).split()).lower())
    return own is not None and own == kind.spellings.get("".join(column.unit.split()).lower())


def decimal_comma_hint(field: str | None, cells: Mapping[str, Any]) -> str:
    """A hint for an error in a cell that looks written with a decimal comma."""
    value = cells.get(field) if field is not None else None
    if field in NUMERIC and isinstance(value, str) and _LOOKS_LIKE_DECIMAL_COMMA_RE.fullmatch(value):
        return " (a decimal comma? give --decimal comma)"
    return ""
