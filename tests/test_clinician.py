"""Clinician tools: dosing weight, pump programming, visit times, soft limits,
--strict and the dosing chart."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from ketacalc import dose
from ketacalc.chart import chart
from ketacalc.dosing import ideal_weight_kg, parse_height
from ketacalc.errors import InputError
from ketacalc.values import rounded
from tests.conftest import cli


def codes(warnings: object) -> list[str]:
    return [w.code for w in warnings]  # type: ignore[attr-defined]


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
    assert d.dose_mg == d.dosing_weight_kg * Decimal("0.5")
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


# --- pump ---------------------------------------------------------------------------


def test_pump_programming() -> None:
    d = dose("70", concentration="50 mg/mL", bag="100 mL", duration="50")
    assert d.pump is not None
    assert d.pump.drug_volume_ml == Decimal("0.7")
    assert d.pump.total_volume_ml == Decimal("100.7")
    # 35 / 100.7, one division: correct to 200 digits
    assert rounded(d.pump.final_concentration_mg_per_ml, Decimal("1e-20")) == Decimal("0.34756703078450844091")
    assert d.pump.rate_ml_per_h(d.duration_min) == Decimal("120.84")


def test_pump_json_block_and_rounding() -> None:
    doc = cli("quote", "70", "--concentration", "10 mg/mL", "--bag", "0.25 L", "--json").json()
    pump = doc["pump"]
    assert pump["drug_volume_ml"] == 3.5
    assert pump["vtbi_ml"] == 253.5
    assert pump["final_concentration_mg_per_ml"] == 0.1381
    assert pump["duration_min"] == 40
    assert pump["rate_ml_per_h"] == 380.3  # 253.5 mL over 40 min = 380.25 -> 380.3
    assert pump["window_rates"] == {
        "shortest": {"duration_min": 40, "rate_ml_per_h": 380.3},
        "longest": {"duration_min": 100, "rate_ml_per_h": 152.1},
    }
    assert "pump" not in cli("quote", "70", "--json").json()


def test_pump_rates_beside_mg_per_h_in_the_table() -> None:
    out = cli("dose", "70", "--concentration", "50 mg/mL", "--bag", "100 mL").stdout
    assert "mL/h" in out and "mg/h" in out
    assert "0.7 mL" in out and "100.7 mL" in out and "151.1" in out


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--concentration", "50 mg/mL"], "--bag"),
        (["--bag", "100 mL"], "--concentration"),
        (["--concentration", "50", "--bag", "100 mL"], "--concentration '50'"),
        (["--concentration", "500 mg/mL", "--bag", "100 mL"], "--concentration '500 mg/mL'"),
        (["--concentration", "50 mg", "--bag", "100 mL"], "--concentration '50 mg'"),
        (["--concentration", "50 mg/mL", "--bag", "5 L"], "--bag '5 L'"),
        (["--concentration", "50 mg/mL", "--bag", "100 kg"], "--bag '100 kg'"),
    ],
)
def test_pump_input_errors(args: list[str], named: str) -> None:
    run = cli("quote", "70", *args, "--json")
    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr.startswith(f"error: {named}")


def test_tiny_stock_volume_warns() -> None:
    d = dose("30", rate="0.1", concentration="100 mg/mL", bag="100 mL")
    assert "drug_volume_below_measurable" in codes(d.warnings)


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


@pytest.mark.parametrize("text", ["24:00", "9", "9:5", "12:60", "noon", "", "-1:00", "09:30:00"])
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


# --- chart ----------------------------------------------------------------------------------


def test_chart_rows_and_columns() -> None:
    c = chart("40", "150", "5", rates="0.25,0.5,0.75")
    assert len(c.rows) == 23
    assert c.rows[0].weight_kg == Decimal(40)
    assert c.rows[-1].weight_kg == Decimal(150)
    assert c.rows[6].doses_mg == (Decimal("17.5"), Decimal("35"), Decimal("52.5"))


def test_chart_in_pounds_converts_exactly() -> None:
    c = chart("100", "100", "10", unit="lb", rates="0.5")
    assert c.rows[0].weight_kg == Decimal("45.359237")
    assert c.rows[0].doses_mg == (Decimal("22.6796185"),)


def test_chart_pump_rates_match_the_dose_command() -> None:
    c = chart("70", "70", "5", rates="0.5", concentration="50 mg/mL", bag="100 mL", duration="45")
    d = dose("70", concentration="50 mg/mL", bag="100 mL", duration="45")
    assert d.pump is not None and c.rows[0].pump_rates_ml_per_h is not None
    assert c.rows[0].pump_rates_ml_per_h[0] == d.pump.rate_ml_per_h(d.duration_min)


def test_chart_table_json_and_csv_agree() -> None:
    args = ["chart", "--from", "60", "--to", "70", "--step", "5", "--rates", "0.5,0.75"]
    table = cli(*args).stdout
    assert "30 mg" in table and "52.5 mg" in table and "0.75 mg/kg" in table
    doc = cli(*args, "--json").json()
    assert [row["doses_mg"] for row in doc["chart"]["rows"]] == [[30, 45], [32.5, 48.75], [35, 52.5]]
    rows = list(csv.reader(io.StringIO(cli(*args, "--csv").stdout)))
    assert rows[0] == ["weight_kg", "dose_mg_at_0.5_mg_per_kg", "dose_mg_at_0.75_mg_per_kg"]
    assert rows[1:] == [["60", "30", "45"], ["65", "32.5", "48.75"], ["70", "35", "52.5"]]


def test_chart_csv_with_pump_columns() -> None:
    out = cli(
        "chart",
        "--from",
        "70",
        "--to",
        "70",
        "--rates",
        "0.5",
        "--concentration",
        "50 mg/mL",
        "--bag",
        "100 mL",
        "--csv",
    ).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["weight_kg", "dose_mg_at_0.5_mg_per_kg", "pump_ml_per_h_at_0.5_mg_per_kg"], ["70", "35", "151.1"]]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--rates", "0.5,0.9"], "--rates '0.9'"),
        (["--rates", ""], "--rates"),
        (["--from", "0"], "--from"),
        (["--from", "80", "--to", "70"], "--to '70'"),
        (["--to", "1000"], "--to"),
        (["--step", "0"], "--step '0'"),
        (["--step", "0.1"], "--step '0.1'"),
        (["--from", "70 kg"], "--from '70 kg'"),
        (["--unit", "st"], "--unit 'st'"),
        (["--concentration", "10 mg/mL"], "--bag"),
        (["--json", "--csv"], "--csv"),
        (["--duration", "20"], "--duration '20'"),
    ],
)
def test_chart_input_errors(args: list[str], named: str) -> None:
    run = cli("chart", *args)
    assert run.code == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1
    assert run.stderr.startswith(f"error: {named}")


def test_chart_csv_keeps_the_notice_on_stderr() -> None:
    run = cli("chart", "--from", "70", "--to", "70", "--csv")
    assert "Informational only" not in run.stdout
    assert run.stderr.startswith("note: Informational only")


@pytest.mark.parametrize(
    "args",
    [
        ["quote", "20 kg"],
        ["quote", "300 kg"],
        ["quote", "70", "--infusions", "9"],
        ["quote", "50", "--dosing-weight", "ideal", "--height", "150 cm", "--sex", "f"],
        ["quote", "30", "--rate", "0.1", "--concentration", "100 mg/mL", "--bag", "100 mL"],
    ],
)
def test_warning_text_has_no_trailing_zeros(args: list[str]) -> None:
    # ISMP: "152.40 cm" once slipped into the short-height warning.
    import re

    run = cli(*args)
    assert run.stderr.startswith("warning: ")
    assert not re.search(r"\d\.\d*0\b", run.stderr), run.stderr
