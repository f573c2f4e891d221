"""The units, defined once (``DEFINITIONS``, in pint's syntax), and safe parsing of "NUMBER UNIT" text.

User text is matched against a strict pattern (a plain decimal number and a
unit spelling); the spelling is looked up in a whitelist for the field, and
the whitelisted unit's exact factor to the field's unit is taken from
``_FACTORS``. pint is the authority for those factors: cog writes pint's
answer for every whitelisted unit into ``_FACTORS`` (at the end) from a
registry of ``DEFINITIONS`` alone (``tests/docgen.py``), and a test holds each
to pint's live answer. No run imports pint, and no user text could reach its
parser (which evaluates arithmetic, exponents included, without bound).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import cast

from ketacalc.errors import InputError, shown
from ketacalc.exact import Exact, mul

# A plain decimal number (no exponent, no thousands separators), then an
# optional unit: words joined by "/" (mg/kg), with optional spaces around.
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_UNIT = r"[A-Za-zµμ]+\.?(?:[ \t]*/[ \t]*[A-Za-zµμ]+\.?)*"
QUANTITY_RE = re.compile(rf"[ \t]*({_NUMBER})[ \t]*({_UNIT})?[ \t]*")
_SPACES_RE = re.compile(r"[ \t]+")
MINUTES_PER_HOUR = Decimal(60)
CM_PER_INCH = Decimal("2.54")  # exact, by the 1959 international agreement
INCHES_PER_FOOT = 12

# Longer text is not a quantity anyone types; refusing it first keeps every
# answer instant, whatever the input.
MAX_INPUT_CHARS = 64

# The whole registry. Every name used below is defined here, from exact factors.
DEFINITIONS = (
    "kilogram = [mass] = kg",
    "gram = kilogram / 1000 = g",
    "milligram = gram / 1000 = mg",
    "microgram = milligram / 1000 = mcg",
    "pound = 0.45359237 * kilogram = lb",  # the exact international pound
    "stone = 14 * pound = st",
    "second = [time] = s",  # the base: every time unit a whole number of seconds, so exact
    "minute = 60 * second = min",
    "hour = 60 * minute = h",
    "day = 24 * hour",
    "meter = [length] = m",
    "centimeter = meter / 100 = cm",
    "millimeter = meter / 1000 = mm",
    "inch = 2.54 * centimeter = in",  # exact, by the 1959 agreement
    "foot = 12 * inch = ft",
    "liter = [volume] = L",
    "milliliter = liter / 1000 = mL",
)


@functools.cache
def factor(unit: str, target: str) -> Exact:
    """The exact factor from a whitelisted pint unit expression to ``target``
    (a Fraction where it does not terminate: a second is 1/60 minute). Only
    names from this module ever get here, never user text. Every factor a
    field can need is pint's answer written down in ``_FACTORS`` (below): no run
    imports pint (see ARCHITECTURE.md, "pint"). A pair outside the table is a
    programming error (a spelling added without running cog), never a guess."""
    if unit == target:
        return Decimal(1)
    known = _FACTORS.get((unit, target))
    if known is None:
        raise ValueError(f"no factor from {unit} to {target}: run `cog -I . -r ketacalc/units.py`")
    numerator, _, denominator = known.partition("/")
    return Fraction(int(numerator), int(denominator)) if denominator else Decimal(numerator)


def decimal_factor(unit: str, target: str) -> Decimal:
    """``factor`` for a unit whose factor terminates (every mass unit does)."""
    value = factor(unit, target)
    if type(value) is not Decimal:
        raise ValueError(f"the factor from {unit} to {target} does not terminate")
    return value


def _aliases(pint_name: str, *spellings: str) -> dict[str, str]:
    return {s.lower(): pint_name for s in spellings}


_MASS_BODY = {
    **_aliases("kilogram", "kg", "kgs", "kilogram", "kilograms", "kilo", "kilos"),
    **_aliases("gram", "g", "gm", "gms", "gram", "grams"),
    **_aliases("pound", "lb", "lbs", "pound", "pounds"),
    **_aliases("stone", "st", "stone", "stones"),
}
_MASS_DRUG = {
    **_aliases("milligram", "mg", "mgs", "milligram", "milligrams"),
    **_aliases("microgram", "mcg", "µg", "μg", "ug", "microgram", "micrograms"),
}
_MASS_DRUG_OR_GRAM = {**_MASS_DRUG, **_aliases("gram", "g", "gram", "grams")}
_PER_KG = _aliases("kilogram", "kg", "kilogram", "kilo")
_TIME = {
    **_aliases("minute", "min", "mins", "minute", "minutes", "min."),
    **_aliases("hour", "h", "hr", "hrs", "hour", "hours"),
}
_TIME_OTHER = {
    **_aliases("second", "s", "sec", "secs", "second", "seconds"),
    **_aliases("day", "d", "day", "days"),
}
_LENGTH = {
    **_aliases("centimeter", "cm", "centimeter", "centimeters", "centimetre", "centimetres"),
    **_aliases("meter", "m", "meter", "meters", "metre", "metres"),
    **_aliases("millimeter", "mm", "millimeter", "millimeters", "millimetre", "millimetres"),
    **_aliases("inch", "in", "inch", "inches"),
    **_aliases("foot", "ft", "foot", "feet"),
}
_VOLUME = {
    **_aliases("milliliter", "ml", "milliliter", "milliliters", "millilitre", "millilitres", "cc"),
    **_aliases("liter", "l", "liter", "liters", "litre", "litres"),
}


def _ratios(numerators: dict[str, str], denominators: dict[str, str]) -> dict[str, str]:
    return {f"{n}/{d}": f"{pn} / {pd}" for n, pn in numerators.items() for d, pd in denominators.items()}


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity (it holds a dict)
class Kind:
    """What a field accepts: its unit, the spellings allowed, and how to say so."""

    name: str  # "body weight", "dose rate" ...
    target: str  # the pint unit every value is converted to
    spellings: dict[str, str]  # lower-case spelling -> pint unit expression
    allowed_units: str  # for error messages


WEIGHT = Kind("body weight", "kilogram", _MASS_BODY, "kg, lb, st or g")
RATE = Kind(
    "dose rate",
    "milligram / kilogram",
    _ratios(_MASS_DRUG_OR_GRAM, _PER_KG),
    "mg/kg, mcg/kg or g/kg",
)
DURATION = Kind("duration", "minute", {**_TIME, **_TIME_OTHER}, "min, h or s")
HEIGHT = Kind("height", "centimeter", _LENGTH, "cm, m, in or ft")
CONCENTRATION = Kind(
    "concentration",
    "milligram / milliliter",
    _ratios(_MASS_DRUG_OR_GRAM, _VOLUME),
    "mg/mL or mcg/mL",
)
VOLUME = Kind("volume", "milliliter", _VOLUME, "mL or L")

# What other spellings mean, to say "a length, not a body weight" rather than
# "unknown unit" when someone gives the right kind of number in the wrong place.
_DIMENSION_OF: dict[str, str] = {}
for _spellings, _dimension in (
    (_MASS_BODY, "a mass"),
    (_MASS_DRUG, "a mass"),
    (_TIME, "a time"),
    (_TIME_OTHER, "a time"),
    (_LENGTH, "a length"),
    (_VOLUME, "a volume"),
    (_ratios(_MASS_DRUG_OR_GRAM, _PER_KG), "a dose rate"),
    (_ratios(_MASS_DRUG_OR_GRAM, _VOLUME), "a concentration"),
):
    for _spelling in _spellings:
        _DIMENSION_OF.setdefault(_spelling, _dimension)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed quantity: its exact value in the kind's target unit, and whether
    the text named a unit (a bare number is read in the target unit)."""

    exact: Exact  # a Fraction only for a duration in seconds that is no whole number of minutes/10^k
    unit_given: bool

    @property
    def value(self) -> Decimal:
        """The value as a Decimal, for every kind whose factors terminate
        (all but durations: a second is 1/60 minute)."""
        if type(self.exact) is Fraction:
            raise ValueError("this value does not terminate: use .exact")
        return cast(Decimal, self.exact)


@functools.lru_cache(maxsize=8192)
def parse_quantity(field: str, text: str, kind: Kind, allowed: str) -> Parsed:
    """Parse ``text`` as a number with an optional unit of ``kind``.

    Raises InputError naming ``field`` for anything else: empty text, arithmetic,
    exponents, a unit of another kind. ``allowed`` says what the field accepts.
    Range checks are the caller's. Results are cached (a batch repeats the
    same weights, rates and durations); errors are raised afresh each time.
    """
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(field, text, "too long to be a value", allowed)
    match = QUANTITY_RE.fullmatch(text)
    if match is None:
        problem = "is empty" if not text.strip() else f"is not a number with a unit ({kind.allowed_units})"
        raise InputError(field, text, problem, allowed)
    number_text, unit_text = match.groups()
    number = Decimal(number_text)
    if unit_text is None:
        return Parsed(number, unit_given=False)
    spelling = _SPACES_RE.sub("", unit_text).lower()
    pint_unit = kind.spellings.get(spelling)
    if pint_unit is None:
        dimension = _DIMENSION_OF.get(spelling)
        if dimension is not None and dimension != f"a {kind.name}":
            problem = f"{shown(unit_text)} is {dimension}, not a {kind.name}"
        else:
            problem = f"unknown unit {shown(unit_text)} (use {kind.allowed_units})"
        raise InputError(field, text, problem, allowed)
    # Exact, whatever the caller's decimal context: a limit is checked on the
    # exact value (635.00000000000000000000000000001 kg is above 635 kg).
    # Exact, as a Fraction where it does not terminate (2500 s is 125/3 min).
    return Parsed(mul(number, factor(pint_unit, kind.target)), unit_given=True)


KINDS = (WEIGHT, RATE, DURATION, HEIGHT, CONCENTRATION, VOLUME)

# pint's factor for every unit a field accepts, to its target: written by cog
# from the registry (``cog -I . -r ketacalc/units.py``) and held to pint's live
# answer by a test (``cog --check`` and tests/batch/test_fastpath.py).
# [[[cog
# import cog
# from tests.docgen import factor_table
# cog.out(factor_table())
# ]]]
_FACTORS: dict[tuple[str, str], str] = {
    ("day", "minute"): "1440",
    ("foot", "centimeter"): "30.48",
    ("gram", "kilogram"): "0.001",
    ("gram / kilogram", "milligram / kilogram"): "1000",
    ("gram / liter", "milligram / milliliter"): "1",
    ("gram / milliliter", "milligram / milliliter"): "1000",
    ("hour", "minute"): "60",
    ("inch", "centimeter"): "2.54",
    ("liter", "milliliter"): "1000",
    ("meter", "centimeter"): "100",
    ("microgram / kilogram", "milligram / kilogram"): "0.001",
    ("microgram / liter", "milligram / milliliter"): "0.000001",
    ("microgram / milliliter", "milligram / milliliter"): "0.001",
    ("milligram / liter", "milligram / milliliter"): "0.001",
    ("millimeter", "centimeter"): "0.1",
    ("pound", "kilogram"): "0.45359237",
    ("second", "minute"): "1/60",
    ("stone", "kilogram"): "6.35029318",
}
# [[[end]]]
