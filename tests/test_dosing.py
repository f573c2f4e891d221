"""dosing: weight -> dosing weight -> dose -> infusion rates."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import InputError, dose
from ketacalc.dosing import ideal_weight_kg, parse_height
from tests.helpers import cli, codes


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


rates = st.decimals(min_value="0.1", max_value="0.75", places=3)


weights_kg = st.decimals(min_value="1", max_value="300", places=2)


def one_line_error(run: Any, code: int = 2) -> None:
    assert run.code == code, (run.code, run.stderr)
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: ")


@pytest.mark.parametrize(
    ("text", "cm"),
    [
        ("175 cm", "175"),
        ("1.75 m", "175"),
        ("69 in", "175.26"),
        ("5 ft 9 in", "175.26"),
        ("5ft9", "175.26"),
        ("5' 9\"", "175.26"),
        ("5 feet 9 inches", "175.26"),
        ("6 ft", "182.88"),
    ],
)
def test_height_spellings(text: str, cm: str) -> None:
    assert parse_height(text) == Decimal(cm)


@pytest.mark.parametrize("text", ["175", "5 ft + 9 in", "175 kg", "3 m", "10 cm", "", "5 ft 9 in 2"])
def test_bad_heights_are_rejected(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_height(text)
    assert caught.value.field == "height"


def test_devine_ideal_weight() -> None:
    # 69 in: 9 inches over 60.
    assert ideal_weight_kg(Decimal("175.26"), "male") == Decimal("70.7")
    assert ideal_weight_kg(Decimal("175.26"), "female") == Decimal("66.2")
    assert ideal_weight_kg(Decimal("152.4"), "female") == Decimal("45.5")


def test_dose_on_ideal_weight() -> None:
    d = dose("100 kg", dosing_weight="ideal", height="69 in", sex="male")
    assert d.dosing_weight_kg == Decimal("70.7")
    assert d.dose_mg == Decimal("35.35")
    assert d.dosing_weight_basis == "ideal"


def test_adjusted_weight_is_ideal_plus_four_tenths_of_the_excess() -> None:
    d = dose("100 kg", dosing_weight="adjusted", height="69 in", sex="male")
    assert d.dosing_weight_kg == Decimal("70.7") + Decimal("0.4") * (Decimal("100") - Decimal("70.7"))
    assert d.dose_mg == Decimal("41.21")  # 82.42 kg x 0.5 mg/kg
    assert codes(d.warnings) == []


def test_adjusted_falls_back_to_actual_when_actual_is_at_or_below_ideal() -> None:
    d = dose("60 kg", dosing_weight="adjusted", height="69 in", sex="male")
    assert d.dosing_weight_kg == Decimal("60")
    assert codes(d.warnings) == ["adjusted_fell_back_to_actual"]


def test_short_height_computes_and_warns() -> None:
    d = dose("50 kg", dosing_weight="ideal", height="58 in", sex="female")
    assert d.dosing_weight_kg == Decimal("45.5") - Decimal("4.6")
    assert "height_below_devine_range" in codes(d.warnings)


def test_height_too_short_for_a_positive_ideal_weight_is_rejected() -> None:
    with pytest.raises(InputError) as caught:
        dose("50 kg", dosing_weight="ideal", height="60 cm", sex="male")
    assert caught.value.field == "height"
    assert "over 97.2 cm" in caught.value.allowed  # 60 in - 50 kg / 2.3 kg per in = 38.26 in
    assert dose("50 kg", dosing_weight="ideal", height="98 cm", sex="male").dose_mg > 0


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--dosing-weight", "ideal"], "--height:"),
        (["--dosing-weight", "adjusted", "--height", "170 cm"], "--sex"),
        (["--dosing-weight", "ideal", "--sex", "male"], "--height"),
        (["--dosing-weight", "lean"], "--dosing-weight 'lean'"),
        (["--dosing-weight", "ideal", "--height", "170 cm", "--sex", "x"], "--sex 'x'"),
    ],
)
def test_dosing_weight_input_errors_name_what_is_wrong(args: list[str], named: str) -> None:
    run = cli("quote", "70", *args)
    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr.startswith(f"error: {named}")


def test_json_always_carries_the_dosing_weight() -> None:
    for command in ("dose", "quote"):
        plain = cli(command, "70", "--json").json()["patient"]
        assert (plain["dosing_weight_kg"], plain["dosing_weight_basis"]) == (70, "actual")
    adjusted = cli(
        "quote", "100kg", "--dosing-weight", "adjusted", "--height", "5 ft 9 in", "--sex", "M", "--json"
    ).json()
    assert adjusted["patient"]["dosing_weight_basis"] == "adjusted"
    assert adjusted["patient"]["dosing_weight_kg"] == 82.42
    assert adjusted["dose"]["dose_mg"] == 41.21


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


@pytest.mark.parametrize("weight", ["0.0004", "0.5", "0.99 kg", "2 lb", "999 g"])
def test_weights_that_would_print_as_zero_are_rejected(weight: str) -> None:
    run = cli("quote", weight)
    one_line_error(run)
    assert "1–635 kg" in run.stderr


def test_the_lightest_accepted_weight_prints_as_itself() -> None:
    doc = cli("quote", "1", "--rate", "0.1", "--duration", "100", "--json").json()
    assert doc["patient"]["weight_kg"] == 1 and doc["dose"]["dose_mg"] == 0.1
    assert doc["session"]["rate_mg_per_min"] == 0.001


@pytest.mark.parametrize(
    "args",
    [
        ["quote", "635.00000000000000000000000000001 kg"],
        ["quote", "635.00000000000000000000000000001"],
        ["quote", "70", "--duration", "0.6666666666666666666666666666 h"],
        ["quote", "70", "--rate", "0.75000000000000000000000000000001"],
    ],
)
def test_limits_are_checked_on_the_exact_value(args: list[str]) -> None:
    one_line_error(cli(*args))


@pytest.mark.parametrize("weight", ["70\x1ckg", "70\u2028kg", "70\nkg", "70\x0bkg", "\x1c70"])
def test_control_characters_around_a_number_are_rejected(weight: str) -> None:
    run = cli("quote", "--", weight)
    one_line_error(run)


@pytest.mark.parametrize(
    ("order", "duration", "per_kg"),
    [
        ("0.75 mg/kg/h", "40", 0.5),
        ("12.5 mcg/kg/min", "40", 0.5),
        ("0.5 mg/kg/h", "60", 0.5),
        ("0.3 mg/kg/hr", "100", 0.5),
    ],
)
def test_an_order_per_time_is_converted_with_the_duration(order: str, duration: str, per_kg: float) -> None:
    doc = cli("dose", "70", "--rate", order, "--duration", duration, "--json").json()
    assert doc["dose"]["rate_mg_per_kg"] == per_kg
    assert doc["dose"]["rate_ordered"] == order
    assert doc["dose"]["dose_mg"] == 35
    out = cli("dose", "70", "--rate", order, "--duration", duration, env={"COLUMNS": "200"}).stdout
    assert f"0.5 mg/kg over {duration} min (ordered as {order})" in out


def test_the_hard_limits_apply_to_the_converted_dose() -> None:
    run = cli("dose", "70", "--rate", "1.5 mg/kg/h", "--duration", "40")
    assert run.code == 2 and "gives more than 0.75 mg/kg over 40 min" in run.stderr and "0.1–0.75 mg/kg" in run.stderr
    assert run.stdout == ""


def test_a_bare_number_above_the_range_says_which_is_which() -> None:
    run = cli("dose", "70", "--rate", "0.8")
    assert run.code == 2
    assert "a bare number is mg/kg" in run.stderr and "0.75 mg/kg/h" in run.stderr


@given(st.decimals("0.15", "1.125", places=3), st.sampled_from(["40", "45", "60", "90", "100"]))
def test_an_hourly_order_is_refused_or_answered_exactly(hourly: Decimal, duration: str) -> None:
    per_kg = Fraction(hourly) * Fraction(duration) / 60
    try:
        d = dose("70", f"{hourly} mg/kg/h", duration)
    except ValueError:
        assert not Fraction("0.1") <= per_kg <= Fraction("0.75")
        return
    assert Fraction(d.rate_mg_per_kg) == per_kg and Fraction(d.dose_mg) == 70 * per_kg


def test_the_rate_table_and_json_give_mcg_per_kg_per_min() -> None:
    doc = cli("dose", "70", "--duration", "45", "--json").json()
    assert doc["session"]["rate_mcg_per_kg_per_min"] == 11.11  # 0.5 mg/kg over 45 min
    assert doc["session"]["window_rates"]["shortest"]["rate_mcg_per_kg_per_min"] == 12.5
    assert "11.11 mcg/kg/min" in cli("dose", "70", "--duration", "45", env={"COLUMNS": "40"}).stdout


@pytest.mark.parametrize(
    ("weight", "height", "expected"),
    [
        ("50", "175 cm", "underweight"),
        ("60", "175 cm", "normal weight"),
        ("80", "175 cm", "overweight"),
        ("95", "175 cm", "obese class I"),
        ("110", "175 cm", "obese class II"),
        ("140", "165 cm", "obese class III"),
    ],
)
def test_bmi_comes_with_its_who_class(weight: str, height: str, expected: str) -> None:
    doc = cli("dose", weight, "--height", height, "--json").json()
    assert doc["patient"]["bmi_class"] == expected
    assert f"({expected}, WHO)" in cli("dose", weight, "--height", height, env={"COLUMNS": "200"}).stdout


def test_dosing_on_actual_weight_far_above_ideal_warns_with_both_other_doses() -> None:
    run = cli("dose", "140kg", "--height", "165 cm", "--sex", "female", "--json")
    doc = run.json()
    warning = next(w for w in doc["warnings"] if w["code"] == "dosing_on_actual_weight_above_ideal")
    # ideal 56.91 kg, adjusted 90.15 kg at 0.5 mg/kg
    assert "45.07 mg" in warning["message"] and "28.45 mg" in warning["message"]
    assert doc["patient"]["dosing_weight_basis"] == "actual" and doc["dose"]["dose_mg"] == 70  # never changed
    # A BMI of 35 or more warns even under 130% of ideal; adjusted dosing does not.
    assert "dosing_on_actual_weight_above_ideal" not in codes(
        dose("140", height="165 cm", sex="f", dosing_weight="adjusted")
    )
    assert "dosing_on_actual_weight_above_ideal" not in codes(dose("70", height="175 cm", sex="m"))


def test_a_heavy_patient_without_height_gets_a_note() -> None:
    assert "height_and_sex_suggested" in codes(dose("120"))
    assert "height_and_sex_suggested" not in codes(dose("100"))
    assert "height_and_sex_suggested" not in codes(dose("120", height="180 cm", sex="m"))


def test_ideal_above_actual_with_basis_ideal_warns() -> None:
    assert "ideal_above_actual" in codes(dose("50", height="190 cm", sex="m", dosing_weight="ideal"))


@pytest.mark.parametrize(
    ("weight", "kg"),
    [("11 st 4 lb", 71.67), ("11st 4lbs", 71.67), ("11 stone 4 pounds", 71.67), ("154 lbs", 69.85), ("11 st", 69.85)],
)
def test_weights_as_people_write_them(weight: str, kg: float) -> None:
    assert cli("dose", weight, "--json").json()["patient"]["weight_kg"] == kg


def test_stones_and_fourteen_pounds_is_refused() -> None:
    run = cli("dose", "11 st 14 lb")
    assert run.code == 2 and "14 or more pounds" in run.stderr


def test_height_in_feet_and_half_inches() -> None:
    assert cli("dose", "70", "--height", "5 ft 7.5 in", "--json").json()["patient"]["height_cm"] == 171.5


def test_a_weight_in_mg_says_why_it_is_not_taken() -> None:
    run = cli("quote", "70500000 mg")
    assert run.code == 2 and "a dose's unit" in run.stderr and "not a body weight" not in run.stderr


@pytest.mark.parametrize("order", ["750 ΜG/kg/h", "0.75 mg/\u212ag/h", "0.75 mg/kg/\u0130"])
def test_lookalike_letters_are_never_read_as_units(order: str) -> None:
    assert cli("dose", "70", "--rate", order).code == 2


@pytest.mark.parametrize(
    ("order", "problem"),
    [("-0.75 mg/kg/h", "not above 0"), ("1 mg/kg/day", "per hour or per minute"), ("1.1250001 mg/kg/h", "more than")],
)
def test_orders_that_cannot_be_given_say_why(order: str, problem: str) -> None:
    run = cli("dose", "70", "--rate", order)
    assert run.code == 2 and problem in run.stderr


def test_plural_time_units_are_orders_too() -> None:
    assert cli("dose", "70", "--rate", "0.75 mg/kg/hours", "--json").json()["dose"]["dose_mg"] == 35
    assert cli("dose", "70", "--rate", "12.5 mcg/kg/mins", "--json").json()["dose"]["dose_mg"] == 35


@pytest.mark.parametrize(
    "args",
    [
        ["chart", "--rates", "0.75 mg/kg/h"],
        [
            "plan",
            "70",
            "--start-date",
            "2026-12-07",
            "--boosters",
            "1",
            "--booster-every",
            "4w",
            "--booster-rate",
            "0.75 mg/kg/h",
        ],
    ],
)
def test_where_only_mg_per_kg_is_taken_an_order_per_time_is_refused_saying_so(args: list[str]) -> None:
    run = cli(*args)
    assert run.code == 2 and "order per time, which is not taken here" in run.stderr
    assert "e.g. 0.75 mg/kg/h" not in run.stderr


def test_a_high_bmi_without_a_sex_still_warns() -> None:
    assert "dosing_on_actual_weight_above_ideal" in codes(dose("150", height="180 cm"))
