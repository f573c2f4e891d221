"""units: the one registry and the safe NUMBER UNIT parser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacalc import units
from ketacalc.errors import InputError


def weight(text: str) -> Decimal:
    return units.parse_quantity("weight", text, units.WEIGHT, "allowed").value


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("70", "70"),
        ("70kg", "70"),
        ("70 kg", "70"),
        ("70 KG", "70"),
        ("  70 Kg  ", "70"),
        ("154 lb", "69.85322498"),
        ("154 lbs", "69.85322498"),
        ("154 pounds", "69.85322498"),
        ("154 LBS", "69.85322498"),
        ("11 stone", "69.85322498"),
        ("11 st", "69.85322498"),
        ("70000 g", "70"),
        ("70.5", "70.5"),
        (".5 kg", "0.5"),
    ],
)
def test_weight_spellings_convert_exactly(text: str, kg: str) -> None:
    assert weight(text) == Decimal(kg)


def test_pound_uses_the_exact_international_factor() -> None:
    assert units.factor("pound", "kilogram") == Decimal("0.45359237")
    assert units.factor("stone", "kilogram") == Decimal("6.35029318")


def test_microgram_rate_converts_exactly_to_mg_per_kg() -> None:
    parsed = units.parse_quantity("rate", "500 mcg/kg", units.RATE, "x")
    assert parsed.value == Decimal("0.5") and parsed.unit_given


@pytest.mark.parametrize("text", ["0.5 mg/kg", "0.5mg/kg", "0.5 mg / kg", "500 µg/kg", "500 ug/kg", "0.5 MG/KG"])
def test_rate_spellings(text: str) -> None:
    assert units.parse_quantity("rate", text, units.RATE, "x").value == Decimal("0.5")


@pytest.mark.parametrize(("text", "minutes"), [("45", "45"), ("45 min", "45"), ("1.5 h", "90"), ("1 hour", "60")])
def test_duration_spellings(text: str, minutes: str) -> None:
    assert units.parse_quantity("duration", text, units.DURATION, "x").value == Decimal(minutes)


def test_bare_number_is_marked_as_unitless() -> None:
    assert not units.parse_quantity("weight", "70", units.WEIGHT, "x").unit_given


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("70 kg + 5 lb", "is not a number with a unit"),
        ("2**1000 kg", "is not a number with a unit"),
        ("1e400", "is not a number with a unit"),
        ("nan", "is not a number with a unit"),
        ("inf kg", "is not a number with a unit"),
        ("70 m", "'m' is a length, not a body weight"),
        ("70 min", "'min' is a time, not a body weight"),
        ("70 mg", "'mg' is a mass, not a body weight"),
        ("70 parsecs", "unknown unit 'parsecs'"),
        ("٧٠ kg", "is not a number with a unit"),
        ("7" * 100, "too long"),
    ],
)
def test_rejections_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        weight(text)
    assert problem in caught.value.problem
    assert caught.value.field == "weight"


def test_only_whitelisted_units_have_factors_and_nothing_else_is_guessed() -> None:
    """Every spelling a field accepts maps to a whitelisted unit whose factor is in the table
    (pint's answer, written by cog); a pair outside it is an error, never a conversion made up."""
    for kind in units.KINDS:
        for pint_unit in set(kind.spellings.values()):
            assert units.factor(pint_unit, kind.target) > 0
    with pytest.raises(ValueError, match="run `cog"):
        units.factor("furlong", "centimeter")
