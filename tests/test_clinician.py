"""Clinician tools: dosing weight, visit times, soft limits and --strict
(the pump and the chart have test_pump.py and test_chart.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacalc import dose
from ketacalc.charting import chart
from ketacalc.dosing import ideal_weight_kg, parse_height
from ketacalc.errors import InputError
from tests.helpers import cli, codes

# --- dosing weight -----------------------------------------------------------------


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


def test_chart_warns_with_the_same_codes_as_a_dose() -> None:
    codes_seen = [w.code for w in chart("20", "300", "140", rates="0.5").warnings]
    assert codes_seen == ["weight_below_adult_range", "weight_above_adult_range"]


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


def test_table_says_which_weight_was_used() -> None:
    out = cli("dose", "100kg", "--dosing-weight", "ideal", "--height", "69 in", "--sex", "male").stdout
    assert "70.7 kg (ideal)" in out and "Devine" in out


# --- visit times --------------------------------------------------------------------


def test_visit_times() -> None:
    session = cli("dose", "70", "--start", "09:30", "--duration", "45", "--json").json()["session"]
    assert (session["start"], session["infusion_end"], session["recovery_end"]) == ("09:30", "10:15", "10:45")
    assert session["crosses_midnight"] is False


def test_visit_times_wrap_past_midnight() -> None:
    session = cli("quote", "70", "--start", "23:50", "--json").json()["session"]
    assert (session["infusion_end"], session["recovery_end"]) == ("00:30", "01:00")
    assert session["crosses_midnight"] is True
    assert "next day" in cli("dose", "70", "--start", "23:50").stdout


def test_fractional_minutes_round_up() -> None:
    session = cli("dose", "70", "--start", "9:00", "--duration", "40.5", "--json").json()["session"]
    assert session["infusion_end"] == "09:41"


@pytest.mark.parametrize("text", ["24:00", "9", "9:5", "12:60", "noon", "", "-1:00", "09:30:30", "13:00 PM", "0:30 AM"])
def test_a_time_that_is_not_a_time_is_exit_2(text: str) -> None:
    run = cli("dose", "70", "--start", text)
    assert run.code == 2
    assert run.stderr.startswith("error: --start")


# --- soft limits and --strict ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["quote", "20 kg"], "weight_below_adult_range"),
        (["quote", "300 kg"], "weight_above_adult_range"),
        (["quote", "70", "--infusions", "7"], "infusions_above_usual_series"),
        (
            ["quote", "60", "--dosing-weight", "adjusted", "--height", "180 cm", "--sex", "m"],
            "adjusted_fell_back_to_actual",
        ),
        (["quote", "50", "--dosing-weight", "ideal", "--height", "150 cm", "--sex", "f"], "height_below_devine_range"),
    ],
)
def test_soft_limits_answer_warn_and_strict_exits_4(args: list[str], code: str) -> None:
    run = cli(*args, "--json")
    assert run.code == 0
    assert code in [w["code"] for w in run.json()["warnings"]]
    assert f"({code})" in run.stderr and run.stderr.startswith("warning: ")
    strict = cli(*args, "--json", "--strict")
    assert strict.code == 4
    assert strict.json()["dose"]["dose_mg"] > 0  # results still printed
