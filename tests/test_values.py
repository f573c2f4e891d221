"""ketacalc.values: one input (flag text, a cell, a config value or a Python number) into a checked
Decimal, or an InputError that names the field, the value and what is allowed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacalc.errors import InputError
from ketacalc.units import WEIGHT
from ketacalc.values import as_text, bounded_quantity, in_range, number, whole_number


@pytest.mark.parametrize(("given", "expected"), [("70", Decimal(70)), (70, Decimal(70)), (0.1, Decimal("0.1"))])
def test_a_number_is_exact_as_typed(given: object, expected: Decimal) -> None:
    assert number("weight", given, "allowed") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (True, "is not a number"),
        ([70], "is not a number"),
        (float("nan"), "is not a finite number"),
        (float("inf"), "is not a finite number"),
        pytest.param(10**5000, "is too large to be a value", id="huge-int"),
        ("9" * 100, "too long to be a value"),
        ("1e400", "has too many digits to be a value"),
        ("abc", "is not a number"),
    ],
)
def test_what_is_no_number_is_refused_saying_why(given: object, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        number("weight", given, "1–635 kg")  # type: ignore[arg-type]
    assert caught.value.field == "weight" and caught.value.problem == problem
    assert caught.value.allowed == "1–635 kg"


def test_a_huge_integer_is_echoed_by_its_size_not_its_digits() -> None:
    assert as_text(10**5000) == "an integer of about 5,001 digits"
    assert as_text("70 kg") == "70 kg"


@pytest.mark.parametrize(
    ("given", "expected"), [("6", 6), (" 6 ", 6), ("6.0", 6), (6, 6), (6.0, 6), (Decimal("6.000"), 6)]
)
def test_a_whole_number_as_spreadsheets_write_it(given: object, expected: int) -> None:
    assert whole_number("infusions", given, 1, 52, "1–52") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "problem"),
    [("", "is empty"), ("6.5", "is not a whole number"), ("0", "is out of range"), (True, "is not a whole number")],
)
def test_a_whole_number_outside_or_not_whole_is_refused(given: object, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        whole_number("infusions", given, 1, 52, "1–52")  # type: ignore[arg-type]
    assert caught.value.problem == problem


def test_a_range_is_inclusive_unless_said_otherwise() -> None:
    in_range("rate", "0.1", Decimal("0.1"), Decimal("0.1"), Decimal("0.75"), "0.1–0.75 mg/kg")
    with pytest.raises(InputError, match="below"):
        in_range("bag", "0", Decimal(0), Decimal(0), Decimal(10), "above 0", low_inclusive=False)
    with pytest.raises(InputError, match="above the highest"):
        in_range("rate", "0.76", Decimal("0.76"), Decimal("0.1"), Decimal("0.75"), "0.1–0.75 mg/kg")


def test_a_quantity_keeps_its_unit_and_a_bare_python_number_is_in_the_kinds_unit() -> None:
    parsed = bounded_quantity("weight", "154 lb", WEIGHT, Decimal(1), Decimal(635), "1–635 kg")
    assert parsed.unit_given and parsed.exact == Decimal("69.85322498")
    bare = bounded_quantity("weight", 70, WEIGHT, Decimal(1), Decimal(635), "1–635 kg")
    assert not bare.unit_given and bare.exact == Decimal(70)
    with pytest.raises(InputError, match="needs a unit"):
        bounded_quantity("height", "69", WEIGHT, Decimal(1), Decimal(635), "x", unit_required=True)
