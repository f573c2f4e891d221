"""Numbers as spreadsheets write them: what a cell says of the file's decimal mark, and money
cells that name their currency (€1,250.00, 650 EUR, 650,00 €)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ketacalc.currencies import ISO_4217, quantum
from ketacalc.errors import printable

if TYPE_CHECKING:
    from ketacalc.batch.columns import Header

PRICE_FIELDS = ("price", "price_min", "price_max")
Problem = tuple[str, str]  # the field at fault, and what is wrong with its cell

# A number written with a decimal comma: 82,5 or 1.250,00 (points group thousands in threes), a unit after it.
_COMMA_NUMBER_RE = re.compile(
    r"([ \t]*[+-]?)((?:[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?)([ \t]*(?:[^0-9., \t].*)?)"
)


def from_decimal_comma(text: str) -> str | None:
    """82,5 -> 82.5 and 1.250,00 -> 1250.00 (a unit after it is kept); None
    for text that is not a number so written (1.25 is not: ambiguous)."""
    match = _COMMA_NUMBER_RE.fullmatch(text)
    if match is None:
        return None if any(c in text for c in ".,") else text
    sign, number, rest = match.groups()
    return f"{sign}{number.replace('.', '').replace(',', '.')}{rest}"


# The number at the start of a cell ("1.250", "82,5 kg", "-1.250,00 €").
_LEADING_NUMBER_RE = re.compile(r"[ \t]*(?:[€£$][ \t]*|[A-Za-z]{3}[ \t]+)?[+-]?([0-9][0-9.,]*)")
# One mark and three digits: 1.250 is 1.25 or 1250, 1,250 is 1250 or 1.25, as the file's decimal mark is.
_EITHER_RE = re.compile(r"[0-9]{1,3}[.,][0-9]{3}")


def decimal_evidence(text: str) -> str | None:
    """What a numeric cell says of the file's decimal mark: "comma" (82,5 or 1.250,00), "point"
    (82.5 or 1,250.00), "either" (1.250 or 1,250: a different number each way), or None (no mark)."""
    found = _LEADING_NUMBER_RE.match(text)
    if found is None:
        return None
    number = found.group(1).rstrip(".,")
    if "." in number and "," in number:
        return "comma" if number.rindex(",") > number.rindex(".") else "point"
    if _EITHER_RE.fullmatch(number) and not number.startswith("0"):  # 0.125 groups no thousands: a decimal
        return "either"
    if "," in number:
        return "comma"
    return "point" if "." in number else None


# Money as spreadsheets show it: a sign or an ISO code before or after the amount (€650, €1,250.00,
# £650.00, EUR 650, 650 EUR, 650,00 €). $ is the US dollar, as the price parser reads it.
_SIGNS = {"€": "EUR", "£": "GBP", "$": "USD"}
_MONEY_CELL_RE = re.compile(
    r"[ \t]*(?:(?P<sign>[€£$])[ \t]*|(?P<code>[A-Za-z]{3})[ \t]+)?"
    r"(?P<amount>[0-9][0-9.,]*)"
    r"(?:[ \t]*(?P<sign_after>[€£$])|[ \t]+(?P<code_after>[A-Za-z]{3}))?[ \t]*"
)
_CENTS_AFTER_COMMA_RE = re.compile(r"[0-9]+,[0-9]{1,2}")  # 650,00: a comma that no thousands group has


def money_cell(text: str, decimal_comma: bool = False) -> tuple[str, str] | None:
    """A price cell that names its currency: (the amount as the price parser reads it, the ISO code);
    None when it names none or is no such cell. With ``decimal_comma`` the amount is read so
    (1.250,00 € is 1250.00); without, 650,00 € is 650.00 (a comma before two digits is no thousands
    separator), and 1.250,00 € is left for the price parser to refuse."""
    found = _MONEY_CELL_RE.fullmatch(text)
    if found is None:
        return None
    marks = [m for m in (found["sign"], found["code"], found["sign_after"], found["code_after"]) if m]
    if len(marks) != 1:
        return None
    mark = marks[0]
    code = _SIGNS.get(mark, mark.upper())
    if code not in ISO_4217:
        return None
    amount = found["amount"]
    if decimal_comma:
        return from_decimal_comma(amount) or "", code  # "": not so written, refused by the caller
    if _CENTS_AFTER_COMMA_RE.fullmatch(amount):
        amount = amount.replace(",", ".")
    return amount, code


def money_cells(
    cells: dict[str, Any], header: Header | None, decimal_comma: bool, typed: frozenset[str]
) -> tuple[Problem | None, frozenset[str]]:
    """Each price cell that names its currency is its amount, and its currency the row's: it must
    agree with the row's currency cell and with its column's (Price (EUR)). Returns the row's problem,
    if any, and the cells read here (their decimal mark is read already)."""
    columns = {c.field: c for c in header.columns if c.currency} if header is not None else {}
    done: set[str] = set()
    for field in PRICE_FIELDS:
        value = cells.get(field)
        if not isinstance(value, str) or field in typed or value.strip().replace(".", "").replace(",", "").isdigit():
            continue
        found = money_cell(value, decimal_comma)
        if found is None:
            continue
        amount, code = found
        if not amount:
            return (field, f"{field} {printable(value)!r} is not a number written with a decimal comma"), frozenset()
        row_currency = cells.get("currency")
        column = columns.get(field)
        if row_currency is not None and str(row_currency).strip().upper() != code:
            return (
                field,
                f"{field} {printable(value)!r} is in {code}, but the row's currency is {row_currency}",
            ), frozenset()
        if column is not None and column.currency != code:
            return (
                field,
                f"{field} {printable(value)!r} is in {code}, but its column {printable(column.header)!r} "
                f"is in {column.currency}",
            ), frozenset()
        cells[field] = amount
        cells["currency"] = code
        done.add(field)
    return None, frozenset(done)


def has_marked_money(cells: Mapping[str, Any]) -> bool:
    """Whether a price cell holds more than digits and marks (a currency sign or code): cheap, per row."""
    for field in PRICE_FIELDS:
        value = cells.get(field)
        if isinstance(value, str) and not value.replace(".", "").replace(",", "").strip().isdigit():
            return True
    return False


DECIMAL_ADVICE = "give --decimal comma or --decimal point"


def two_ways(text: str) -> str:
    """What is said of a cell that reads two ways, with its own two readings: 1.250 "could be read
    two ways (1.25 or 1250)", 250.125 "(250.125 or 250125)"; the advice (``DECIMAL_ADVICE``) follows."""
    found = _LEADING_NUMBER_RE.match(text)
    number = found.group(1).rstrip(".,") if found is not None else ""
    try:
        point, comma = (Decimal(number.replace(",", "")), Decimal(number.replace(".", "").replace(",", ".")))
    except ArithmeticError:
        readings = ""
    else:
        readings = f" ({point.normalize():f} or {comma.normalize():f})"
    return f"could be read two ways{readings}"


def read_two_ways(
    cells: Mapping[str, Any], fields: frozenset[str], written: Mapping[str, Any] | None = None
) -> tuple[str, str] | None:
    """The first of ``fields`` whose text reads two ways (1.250: 1.25 or 1250), and its row's error,
    echoing the cell as ``written`` has it."""
    for field in fields & cells.keys():
        value = cells[field]
        if isinstance(value, str) and decimal_evidence(value) == "either":
            shown = (written or cells).get(field, value)
            return field, f"{field} {printable(str(shown))!r} {two_ways(value)}: {DECIMAL_ADVICE}"
    return None


# Floating-point noise a formula or a float column leaves (pandas writes 715.0000000000001): a price
# within 1e-9 of an amount in its currency's minor units is that amount; one further off stays as it
# is, and the quote refuses it naming the value (more places than the currency has).
_NOISE = Decimal("1e-9")


def denoised(cells: dict[str, Any], currency: str) -> None:
    """The row's price cells with floating-point noise taken off, in place (``currency``: the row's)."""
    for name in PRICE_FIELDS:
        value = cells.get(name)
        if isinstance(value, str | Decimal | float) and not isinstance(value, bool):
            snapped = _snapped(value, currency)
            if snapped is not None:
                cells[name] = snapped


def _snapped(value: str | Decimal | float, currency: str) -> str | None:
    text = str(value).strip()
    if not _LONG_PLAIN_RE.fullmatch(text):
        return None  # a whole amount, an amount in minor units already, or no plain number at all
    number = Decimal(text)
    amount = number.quantize(quantum(currency if currency in ISO_4217 else "USD"))
    amount = amount.copy_abs() if amount.is_zero() else amount  # -0.0000000000001 is 0.00, not -0.00
    return f"{amount:f}" if number != amount and abs(number - amount) <= _NOISE else None


_LONG_PLAIN_RE = re.compile(r"[+-]?[0-9]{1,15}\.[0-9]{4,40}")
