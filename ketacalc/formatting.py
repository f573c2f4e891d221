"""Numbers as text, by ISMP's rules for printed doses: no trailing zero (35 mg,
never 35.0 mg), a leading zero (0.5 mg), a space between number and unit,
"mcg" and "mL", thousands separators (1,000 mg). Each is the exact value
rounded half-up once (``ketacalc.exact.rounded``) to its places
(``ketacalc.places``). Parsing input is ``ketacalc.values``' job; laying
figures out on a terminal is ``ketacalc.render``'s.
"""

from __future__ import annotations

from decimal import Decimal

from ketacalc import places
from ketacalc.currencies import minor_units
from ketacalc.exact import Exact, rounded

_CURRENCY_SYMBOLS = {"USD": "$"}


def fixed_text(value: Exact, step: Decimal, *, thousands: bool = False) -> str:
    """A number as ISMP would print it: rounded half-up to ``step``
    (Decimal("0.01") for two), no trailing zeros, a leading zero, and
    thousands separators when asked."""
    text = f"{rounded(value, step):{',' if thousands else ''}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount(value: Exact, step: Decimal) -> str:
    """A number as ISMP would print it: rounded half-up to ``step`` (from
    ``ketacalc.places``), no trailing zeros, a leading zero, thousands separators."""
    return fixed_text(value, step, thousands=True)


def with_unit(value: Exact, step: Decimal, unit: str) -> str:
    """``amount`` and its unit, with a space between: "35 mg"."""
    return f"{amount(value, step)} {unit}"


def money(value: Decimal, currency: str) -> str:
    """$2,400 (cents shown only when there are any: $2,400.50); EUR 2,400 for
    codes without a symbol here; JPY 60,000, BHD 400.125: the currency's
    minor units (ISO 4217)."""
    digits = minor_units(currency)
    text = f"{value:,.{digits}f}"
    if digits and text.endswith("." + "0" * digits):
        text = text[: -digits - 1]
    symbol = _CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


def minutes(value: Exact) -> str:
    return with_unit(value, places.MIN, "min")
