"""units: the one registry and the safe NUMBER UNIT parser."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import InputError, units
from ketacalc.dosing import parse_weight
from tests.helpers import HANG_SECONDS, cli


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


pounds = st.decimals(min_value="2.3", max_value="1399", places=3)


anything = st.text(max_size=80)


# Text shaped like quantities (digits, dots, signs, unit letters, operators),
# and any text at all.
quantity_like = st.text(alphabet="0123456789.+-eE*/^() kKgGlbsmtLhinµ_,x\n\t", max_size=40)


KINDS = [units.WEIGHT, units.RATE, units.DURATION, units.HEIGHT, units.CONCENTRATION, units.VOLUME]


@given(pounds)
def test_pounds_round_trip_through_kilograms(lb: Decimal) -> None:
    kg = parse_weight(f"{lb} lb").value
    assert kg == lb * Decimal("0.45359237")
    assert (kg / Decimal("0.45359237")).quantize(Decimal("0.001")) == lb


@given(st.one_of(quantity_like, anything), st.sampled_from(KINDS))
def test_parser_returns_a_finite_decimal_or_an_input_error(text: str, kind: units.Kind) -> None:
    start = time.perf_counter()
    try:
        parsed = units.parse_quantity("field", text, kind, "allowed")
    except InputError as error:
        assert error.field == "field"
        assert "\n" not in error.describe("field")
    else:
        # Exact: a Decimal, or a Fraction for seconds that are no terminating number of minutes.
        if isinstance(parsed.exact, Decimal):
            assert parsed.exact.is_finite() and parsed.value == parsed.exact
        else:
            assert isinstance(parsed.exact, Fraction) and kind is units.DURATION
    assert time.perf_counter() - start < HANG_SECONDS


@pytest.mark.parametrize("header", ["Weight (lb]", "Weight [lb)"])
def test_mismatched_brackets_are_no_unit(header: str) -> None:
    run = cli("batch", input=f"id,{header}\nA,154\n")
    assert run.code == 2 and "cannot be mapped with certainty" in run.stderr
    assert json.loads(cli("batch", input="id,Weight [lb]\nA,154\n").stdout)["patient"]["weight_kg"] == 69.85


def test_units_of_the_right_kind_are_converted_exactly() -> None:
    doc = cli("quote", "70", "--rate", "0.00075 g/kg", "--duration", "2400 s", "--json").json()
    assert doc["dose"]["rate_mg_per_kg"] == 0.75 and doc["session"]["duration_min"] == 40
