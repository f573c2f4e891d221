"""ketacalc.exact: every figure computed in one exact context and rounded half-up once."""

from __future__ import annotations

from decimal import Decimal, getcontext, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc.exact import EXACT, add, div, exact, mul, rounded, settled

CENT = Decimal("0.01")


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("62.975"), CENT, "62.98"),  # a tie rounds up, never to even (62.97 was a bug once)
        (Decimal("62.965"), CENT, "62.97"),
        (Decimal("-0.125"), CENT, "-0.13"),  # half away from zero
        (Decimal("400.005"), CENT, "400.01"),
        (Fraction(1, 3), CENT, "0.33"),
        (Fraction(2, 3), CENT, "0.67"),
        (Fraction(1, 8), CENT, "0.13"),  # a Fraction's tie rounds up too
        (Fraction(-1, 8), CENT, "-0.13"),
        (Decimal("35"), Decimal("1"), "35"),
    ],
)
def test_rounded_is_half_up_once(value: Decimal | Fraction, places: Decimal, expected: str) -> None:
    assert str(rounded(value, places)) == expected


def test_a_division_that_terminates_is_a_decimal_and_one_that_does_not_stays_a_fraction() -> None:
    assert settled(Fraction(3, 8)) == Decimal("0.375") and type(settled(Fraction(3, 8))) is Decimal
    assert settled(Fraction(1, 60)) == Fraction(1, 60)
    assert div(Fraction(1, 60), 2) == Fraction(1, 120)
    assert mul(Fraction(1, 60), 60) == Decimal(1) and type(mul(Fraction(1, 60), 60)) is Decimal
    assert add(Fraction(1, 3), Fraction(2, 3)) == Decimal(1)


def test_the_callers_decimal_context_changes_nothing() -> None:
    """A Python API user's getcontext().prec = 6 must not round 52 x 649.99 to 33799.8."""
    with localcontext() as caller:
        caller.prec = 6
        assert mul(Decimal("649.99"), 52) == Decimal("33799.48")
        third = div(Decimal("1"), Decimal("3"))
        assert isinstance(third, Decimal) and len(third.as_tuple().digits) == EXACT.prec
        with exact():
            assert getcontext().prec == EXACT.prec


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(1), Decimal("0.1"), CENT, Decimal("0.001")]),
)
def test_rounding_a_decimal_or_the_same_fraction_agrees(value: Decimal, places: Decimal) -> None:
    assert rounded(value, places) == rounded(Fraction(value), places)
    assert abs(rounded(value, places) - value) <= places / 2
