"""Pump programming: draw volume, VTBI, final concentration and pump rates."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ketacalc import dose
from ketacalc.exact import rounded
from tests.helpers import cli, codes, write

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


NURSE = ["dose", "70", "--duration", "100", "--concentration", "10 mg/mL", "--bag", "100 mL"]


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


def test_the_default_diluent_is_saline() -> None:
    assert cli(*NURSE, "--json").json()["pump"]["diluent"] == "sodium chloride 0.9%"


def test_a_standard_concentration_has_no_bag() -> None:
    doc = cli("dose", "70", "--final-concentration", "1 mg/mL", "--json").json()["pump"]
    assert doc["vtbi_ml"] == 35 and doc["rate_ml_per_h"] == 52.5 and doc["bag_ml"] is None
    assert doc["vtbi_basis"] == "standard" and doc["drug_volume_ml"] is None
    made = cli("dose", "70", "--final-concentration", "1 mg/mL", "--concentration", "10 mg/mL", "--json").json()
    assert made["pump"]["drug_volume_ml"] == 3.5 and made["pump"]["diluent_to_add_ml"] == 31.5
    both = cli("dose", "70", "--final-concentration", "1 mg/mL", "--bag", "100 mL")
    assert both.code == 2 and "final concentration" in both.stderr
    stronger = cli("dose", "70", "--final-concentration", "20 mg/mL", "--concentration", "10 mg/mL")
    assert stronger.code == 2


def test_the_bag_volume_basis_says_what_is_left_in_the_line(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[pump]\nvtbi = "bag"\n')
    args = ["dose", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--config", config]
    pump = cli(*args, "--json").json()["pump"]
    assert pump["vtbi_ml"] == 100 and pump["rate_ml_per_h"] == 150 and pump["vtbi_basis"] == "bag"
    assert pump["residual_mg"] == 1.18  # 35 mg x 3.5 / 103.5
    assert pump["read_back"].endswith("VTBI 100 mL (bag volume)")
    assert "Left in bag and line: 1.18 mg" in cli(*args, env={"COLUMNS": "40"}).stdout
    bad = cli("dose", "70", "--config", write(tmp_path, "b.toml", '[pump]\nvtbi = "bag+line"\n'))
    assert bad.code == 2 and "vtbi" in bad.stderr


def test_the_syringe_and_a_draw_its_marks_cannot_measure() -> None:
    doc = cli("dose", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--json").json()
    assert doc["pump"]["syringe"] == {"capacity_ml": 5, "graduation_ml": 0.2}
    warning = next(w for w in doc["warnings"] if w["code"] == "draw_not_measurable")
    assert "3.5 mL" in warning["message"] and "3.6 mL" in warning["message"] and "36 mg" in warning["message"]
    fine = cli("dose", "70", "--concentration", "50 mg/mL", "--bag", "100 mL", "--json").json()
    assert fine["pump"]["syringe"] == {"capacity_ml": 1, "graduation_ml": 0.01}  # 0.7 mL
    assert "draw_not_measurable" not in [w["code"] for w in fine["warnings"]]


def test_no_draw_is_ever_zero() -> None:
    args = ["dose", "1", "--rate", "0.1", "--concentration", "100 mg/mL", "--bag", "10 mL"]
    out = cli(*args, env={"COLUMNS": "40"}).stdout
    assert "Draw: < 0.01 mL" in out and "Draw: 0 mL" not in out
    doc = cli(*args, "--json").json()
    assert doc["pump"]["drug_volume_ml"] == 0.001
    assert "drug_volume_below_measurable" in [w["code"] for w in doc["warnings"]]


@pytest.mark.parametrize(
    "args",
    [
        ["70", "--final-concentration", "100 mg/mL"],
        ["40", "--rate", "0.1", "--final-concentration", "100 mg/mL", "--duration", "100"],
    ],
)
def test_a_volume_too_small_to_program_is_refused(args: list[str]) -> None:
    run = cli("dose", *args)
    assert run.code == 2 and "too little to program" in run.stderr and run.stdout == ""


def test_most_of_the_dose_left_in_the_bag_warns(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[pump]\nvtbi = "bag"\n')
    doc = cli(
        "dose", "200", "--rate", "0.75", "--concentration", "1 mg/mL", "--bag", "50", "--config", config, "--json"
    )
    warning = next(w for w in doc.json()["warnings"] if w["code"] == "drug_left_in_bag")
    assert "112.5 mg" in warning["message"] and "37.5 mg" in warning["message"]


def test_a_diluent_naming_a_volume_is_refused() -> None:
    run = cli("dose", "70", *["--concentration", "10 mg/mL", "--bag", "100"], "--diluent", "water 250 mL")
    assert run.code == 2 and "not a percentage" in run.stderr


@pytest.mark.parametrize("name", ["NaCl 0.9% 250mls", "saline 250 millilitres", "water 100\uff4dL", "NaCl 0.9% 100",
                                  "dextrose 5% 0.5 mg/mL", "with ketamine 50 mg"])  # fmt: skip
def test_a_diluent_with_any_number_but_a_percentage_is_refused(name: str) -> None:
    run = cli(*NURSE, "--diluent", name)
    assert run.code == 2 and "not a percentage" in run.stderr
    assert cli(*NURSE, "--diluent", "glucose 5% in water").code == 0


def test_drug_left_in_the_bag_is_compared_exactly() -> None:
    doc = cli("dose", "114", "--concentration", "10 mg/mL", "--bag", "100", "--vtbi", "bag", "--json").json()
    assert "drug_left_in_bag" in [w["code"] for w in doc["warnings"]]  # 5.39% of the dose: more than 5%


def test_a_draw_halfway_between_marks_gives_both() -> None:
    doc = cli(*NURSE[:2], "--concentration", "10 mg/mL", "--bag", "100", "--json").json()
    message = next(w["message"] for w in doc["warnings"] if w["code"] == "draw_not_measurable")
    assert "halfway between 3.4 mL (34 mg) and 3.6 mL (36 mg)" in message


def test_the_threshold_message_never_contradicts_itself() -> None:
    doc = cli("dose", "85.75", "--height", "170 cm", "--sex", "m", "--json").json()  # 130.003% of ideal
    message = next(w["message"] for w in doc["warnings"] if w["code"] == "dosing_on_actual_weight_above_ideal")
    assert "over 130% of ideal weight" in message and "130% of ideal weight (" not in message
