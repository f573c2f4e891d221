"""Turning one input (text from a flag, a cell or a config file, or a Python
number) into a checked Decimal. Shared by dosing, cost and the pump maths."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ketacalc.errors import InputError
from ketacalc.exact import Exact
from ketacalc.units import MAX_INPUT_CHARS, Kind, Parsed, parse_quantity

Given = str | int | float | Decimal

# 6, and 6.0 as pandas writes a whole-number column that has blanks in it.
_INT_RE = re.compile(r"[ \t]*\+?([0-9]{1,6})(?:\.0{1,6})?[ \t]*")


# A Python number with more digits, or a larger exponent, than this is no
# clinical value; refusing it first keeps every answer instant (a 5,000-digit
# int cannot even be turned into text, and Decimal("1E+1000000") into a loop).
_MAX_DIGITS = 64
_LOG10_2 = 0.30102999566398120  # digits per bit: a huge integer's size, without writing it out
_MAX_EXPONENT = 30


def as_text(value: object) -> str:
    """The value as the user would have typed it, for echoing in errors."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * _MAX_DIGITS:
        return f"an integer of about {int(value.bit_length() * _LOG10_2) + 1:,} digits"
    try:
        return str(value)
    except ValueError:  # a Fraction of a 5,000-digit integer cannot even be written out
        return f"a {type(value).__name__} too large to show"


def quantity(field: str, value: Given, kind: Kind, allowed: str) -> Parsed:
    """Parse a quantity from text, or take a Python number as already in the
    kind's unit. bool, NaN and infinities are rejected."""
    if isinstance(value, str):
        return parse_quantity(field, value, kind, allowed)
    return Parsed(number(field, value, allowed), unit_given=False)


def number(field: str, value: Given, allowed: str) -> Decimal:
    """A finite Decimal from a Python number (or plain numeric text)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InputError(field, repr(value), "is not a number", allowed)
    if isinstance(value, str) and len(value) > MAX_INPUT_CHARS:
        raise InputError(field, value, "too long to be a value", allowed)
    if isinstance(value, int) and value.bit_length() > 4 * _MAX_DIGITS:
        raise InputError(field, as_text(value), "is too large to be a value", allowed)
    try:
        result = Decimal(repr(value) if isinstance(value, float) else value)
    except (InvalidOperation, ValueError):
        raise InputError(field, as_text(value), "is not a number", allowed) from None
    if not result.is_finite():
        raise InputError(field, as_text(value), "is not a finite number", allowed)
    if len(result.as_tuple().digits) > _MAX_DIGITS or abs(result.adjusted()) > _MAX_EXPONENT:
        raise InputError(field, as_text(value), "has too many digits to be a value", allowed)
    return result


def in_range(
    field: str,
    given: Given,
    value: Exact,
    low: Decimal,
    high: Decimal,
    allowed: str,
    *,
    low_inclusive: bool = True,
) -> None:
    """``value`` when low <= value <= high (low < value when not low_inclusive)."""
    too_low = value < low if low_inclusive else value <= low
    if too_low:
        raise InputError(field, as_text(given), "is below the lowest allowed value", allowed)
    if value > high:
        raise InputError(field, as_text(given), "is above the highest allowed value", allowed)


def bounded_quantity(
    field: str,
    value: Given,
    kind: Kind,
    low: Decimal,
    high: Decimal,
    allowed: str,
    *,
    low_inclusive: bool = True,
    unit_required: bool = False,
) -> Parsed:
    """A quantity of ``kind`` within [low, high] in the kind's unit. With
    ``unit_required``, bare text numbers are refused (a bare 69 could be
    inches or centimetres); Python numbers are always in the kind's unit."""
    parsed = quantity(field, value, kind, allowed)
    if unit_required and isinstance(value, str) and not parsed.unit_given:
        raise InputError(field, value, f"needs a unit ({kind.allowed_units})", allowed)
    in_range(field, value, parsed.exact, low, high, allowed, low_inclusive=low_inclusive)
    return parsed


def whole_number(field: str, value: Given, low: int, high: int, allowed: str) -> int:
    """A whole number between low and high inclusive, from text or an int."""
    if isinstance(value, bool):
        raise InputError(field, repr(value), "is not a whole number", allowed)
    if isinstance(value, int):
        result = value
    elif isinstance(value, float | Decimal) and ((exact := number(field, value, allowed)) == exact.to_integral_value()):
        result = int(exact)
    elif isinstance(value, str) and (match := _INT_RE.fullmatch(value)):
        result = int(match.group(1))
    else:
        shown = as_text(value)
        problem = "is empty" if not shown.strip() else "is not a whole number"
        raise InputError(field, shown, problem, allowed)
    if not low <= result <= high:
        raise InputError(field, as_text(value), "is out of range", allowed)
    return result
