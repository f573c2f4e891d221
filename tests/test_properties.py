"""Hypothesis properties of the pure core."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ketacalc import cost, dose
from ketacalc.dosing import parse_weight

weights_kg = st.decimals(min_value="1", max_value="300", places=2)
rates = st.decimals(min_value="0.1", max_value="0.75", places=3)
pounds = st.decimals(min_value="2.3", max_value="1399", places=3)
prices = st.decimals(min_value="0", max_value="100000", places=2)
infusion_counts = st.integers(min_value=1, max_value=52)


@given(weights_kg, rates)
def test_dose_is_weight_times_rate_exactly(weight: Decimal, rate: Decimal) -> None:
    assert dose(f"{weight} kg", rate=str(rate)).dose_mg == weight * rate


@given(st.decimals(min_value="1", max_value="150", places=2), rates)
def test_dose_is_linear_in_weight(weight: Decimal, rate: Decimal) -> None:
    single = dose(str(weight), rate=str(rate)).dose_mg
    assert dose(str(weight * 2), rate=str(rate)).dose_mg == single * 2


@given(weights_kg, st.decimals(min_value="0.1", max_value="0.375", places=3))
def test_dose_is_linear_in_rate(weight: Decimal, rate: Decimal) -> None:
    single = dose(str(weight), rate=str(rate)).dose_mg
    assert dose(str(weight), rate=str(rate * 2)).dose_mg == single * 2


@given(pounds)
def test_pounds_round_trip_through_kilograms(lb: Decimal) -> None:
    kg = parse_weight(f"{lb} lb").value
    assert kg == lb * Decimal("0.45359237")
    assert (kg / Decimal("0.45359237")).quantize(Decimal("0.001")) == lb


@given(prices, prices, infusion_counts)
def test_a_total_is_exactly_price_times_infusions(a: Decimal, b: Decimal, n: int) -> None:
    low, high = sorted((a, b))
    c = cost(infusions=str(n), price_min=str(low), price_max=str(high))
    assert c.total_min == low * n
    assert c.total_max == high * n
    assert c.total_min <= c.total_mid <= c.total_max
