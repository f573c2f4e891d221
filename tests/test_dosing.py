"""dosing: weight -> dosing weight -> dose -> infusion rates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacalc import dose
from ketacalc.errors import InputError
from tests.helpers import codes


def test_default_dose_is_half_mg_per_kg_over_40_minutes() -> None:
    d = dose("70 kg")
    assert d.rate_mg_per_kg == Decimal("0.5")
    assert d.dose_mg == Decimal("35")
    assert d.duration_min == Decimal("40")
    assert d.recovery_min == Decimal("30")
    assert d.visit_min == Decimal("70")


def test_infusion_rates_at_chosen_duration_and_window_ends() -> None:
    d = dose("70", rate="0.5", duration="50")
    chosen = d.rate_at(d.duration_min)
    assert chosen.mg_per_min == Decimal("0.7")
    assert chosen.mg_per_h == Decimal("42")
    assert chosen.mg_per_kg_per_h == Decimal("0.6")
    low, high = d.rate_at(Decimal(40)), d.rate_at(Decimal(100))
    assert (low.duration_min, low.mg_per_h) == (Decimal(40), Decimal("52.5"))
    assert (high.duration_min, high.mg_per_h) == (Decimal(100), Decimal("21"))


def test_pounds_are_not_rounded_before_the_dose() -> None:
    d = dose("154 lb", rate="0.5")
    assert d.weight_kg == Decimal("69.85322498")
    assert d.dose_mg == Decimal("34.926612490")


def test_python_numbers_are_kilograms() -> None:
    assert dose(70, rate=0.5).dose_mg == Decimal("35")
    assert dose(Decimal("70.5"), rate=Decimal("0.1")).dose_mg == Decimal("7.05")


@pytest.mark.parametrize("rate", ["0.1", "0.75", "100 mcg/kg", "750 mcg/kg"])
def test_rate_limits_are_inclusive(rate: str) -> None:
    dose("70", rate=rate)


@pytest.mark.parametrize("rate", ["0.09", "0.76", "0.099999", "751 mcg/kg", "0", "-0.5", "5"])
def test_rate_outside_hard_limits_is_rejected(rate: str) -> None:
    with pytest.raises(InputError) as caught:
        dose("70", rate=rate)
    assert caught.value.field == "rate"
    assert "0.1–0.75 mg/kg" in caught.value.allowed


@pytest.mark.parametrize("duration", ["40", "100", "1 h", "100 min"])
def test_duration_limits_are_inclusive(duration: str) -> None:
    dose("70", duration=duration)


@pytest.mark.parametrize("duration", ["39", "101", "2 h", "0", "-40"])
def test_duration_outside_window_is_rejected(duration: str) -> None:
    with pytest.raises(InputError) as caught:
        dose("70", duration=duration)
    assert caught.value.field == "duration"


@pytest.mark.parametrize("weight", ["0", "-70", "0 kg", "636 kg", "1500 lb", "700"])
def test_impossible_weights_are_rejected(weight: str) -> None:
    with pytest.raises(InputError) as caught:
        dose(weight)
    assert caught.value.field == "weight"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, True])
def test_non_finite_and_odd_python_values_are_rejected(value: object) -> None:
    with pytest.raises(InputError):
        dose(value)  # type: ignore[arg-type]


def test_heaviest_recorded_human_is_still_answered_with_a_warning() -> None:
    d = dose("635 kg")
    assert d.dose_mg == Decimal("317.5")
    assert codes(d) == ["weight_above_adult_range", "height_and_sex_suggested"]


def test_light_weight_warns() -> None:
    assert codes(dose("25 kg")) == ["weight_below_adult_range"]
    assert codes(dose("30 kg")) == []
    assert codes(dose("250 kg")) == ["height_and_sex_suggested"]  # a note, not the adult range
