"""The bedside, second round: one pump rate to program, a read-back line, the drug
and the patient named, an audit trail, orders in any unit, the dosing weight a
clinician would question, and preparation as wards do it."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import dose
from ketacalc.config import SPECS
from tests.helpers import WIDTH_SWEEPS, cli, codes, write

NURSE = ["dose", "70", "--duration", "100", "--concentration", "10 mg/mL", "--bag", "100 mL"]


# --- 1. one pump rate, unmistakable, at every width ----------------------------------------------


@pytest.mark.parametrize("widths", WIDTH_SWEEPS)
def test_only_the_chosen_duration_is_called_the_pump_rate_at_every_width(widths: Sequence[int]) -> None:
    for width in widths:
        out = cli(*NURSE, env={"COLUMNS": str(width)}).stdout
        assert len(re.findall("pump rate", out, re.IGNORECASE)) == 1, width
        pump = out[out.index("Pump\n") :]
        # The first rate in the pump block is the one to program: 62.1 mL/h, over the chosen 100 min.
        assert re.search(r"[0-9.]+ mL/h", pump).group(0) == "62.1 mL/h", width  # type: ignore[union-attr]
        assert "155.3 mL/h" in pump and pump.index("62.1 mL/h") < pump.index("155.3 mL/h")
        assert re.search(r"If run over\s+40 min:?\s+155.3 mL/h", pump.replace("\n", " ")), width
        rates = out[out.index("Infusion rate") : out.index("Pump\n")]
        assert rates.index("100 min") < rates.index("40 min"), width  # the chosen duration first


def test_the_pump_rate_is_bold_on_a_terminal() -> None:
    from tests.test_render import _on_a_terminal

    output = _on_a_terminal(NURSE, columns=40, plain=False)
    assert re.search(r"\x1b\[1m\s*Pump rate: 62.1 mL/h over 100 min", output)
    assert not re.search(r"\x1b\[1m\s*Stock", output)  # only the rate to program


# --- 2. read-back, the drug, the id, the audit trail ----------------------------------------------


def test_the_read_back_line_ends_the_pump_block_and_is_in_the_json(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[pump]\ndiluent = "glucose 5%"\n')
    args = ["dose", "154 lb", "--duration", "45", "--concentration", "50 mg/mL", "--bag", "100 mL", "--config", config]
    line = (
        "Ketamine 34.93 mg in glucose 5% 100.7 mL (0.3468 mg/mL) at 134.3 mL/h over 45 min; VTBI 100.7 mL (bag + drug)"
    )
    out = cli(*args, env={"COLUMNS": "200"}).stdout
    assert f"Read-back: {line}" in out
    assert out.index("Read-back") < out.index("Visit")
    assert cli(*args, "--json").json()["pump"]["read_back"] == line
    narrow = cli(*args, env={"COLUMNS": "40"}).stdout  # wrapped, never split inside a figure
    assert "134.3 mL/h" in narrow and "0.3468 mg/mL" in narrow


def test_the_default_diluent_is_saline() -> None:
    assert cli(*NURSE, "--json").json()["pump"]["diluent"] == "sodium chloride 0.9%"


@pytest.mark.parametrize(
    "args",
    [
        ["dose", "70"],
        ["cost"],
        ["quote", "70"],
        ["chart", "--from", "50", "--to", "60", "--step", "10"],
        ["plan", "70", "--start-date", "2026-12-07"],
        ["config"],
    ],
)
def test_every_document_names_the_drug_and_its_generator(args: list[str]) -> None:
    from ketacalc import __version__

    doc = cli(*args, "--json").json()
    assert doc["drug"] == "ketamine"
    assert doc["generator"] == {"name": "ketacalc", "version": __version__}


def test_batch_records_name_the_drug() -> None:
    record = json.loads(cli("batch", input="weight\n70\n").stdout)
    assert record["drug"] == "ketamine"


@pytest.mark.parametrize("command", [["dose", "70"], ["quote", "70"], ["plan", "70", "--start-date", "2026-12-07"]])
def test_id_is_in_the_heading_and_the_json_escaped(command: list[str]) -> None:
    out = cli(*command, "--id", "P-12\x1b[31m").stdout
    assert "for patient P-12\\x1b[31m" in out and "\x1b" not in out
    assert out.splitlines()[0].startswith("Ketamine infusion")
    assert cli(*command, "--id", "P-12", "--json").json()["id"] == "P-12"


def _rerun(document: dict[str, Any], kind: str, tmp_path: Path) -> dict[str, Any]:
    """The command again, from the document's inputs alone: settings a config
    file gave go into a config file, the rest become flags."""
    inputs = document["inputs"]
    positional = {"dose": "weight", "quote": "weight", "plan": "weight"}
    args = [kind]
    if kind in positional:
        args.append(inputs[positional[kind]]["value"])
    lines: dict[str, list[str]] = {}
    for name, item in inputs.items():
        if name == positional.get(kind):
            continue
        if name in SPECS and item["source"] not in ("flag", "built-in"):
            lines.setdefault(SPECS[name].section, []).append(f"{name} = {json.dumps(item['value'])}")
        else:
            args += [f"--{name.replace('_', '-')}", item["value"]]
    config = write(tmp_path, "again.toml", "".join(f"[{s}]\n" + "\n".join(v) + "\n" for s, v in lines.items()))
    if document.get("id") is not None:
        args += ["--id", document["id"]]
    run = cli(*args, "--config", config, "--json", env={"XDG_CONFIG_HOME": str(tmp_path / "none")})
    assert run.code == 0, (args, run.stderr)
    again: dict[str, Any] = run.json()
    return again


_CLINIC = """
[dose]
rate = "0.75 mg/kg/h"
[pump]
concentration = "10 mg/mL"
bag = "100 mL"
diluent = "glucose 5%"
vtbi = "bag"
[cost]
price = 650
currency = "EUR"
[plan]
days = "tue,fri"
"""


@pytest.mark.parametrize(
    "args",
    [
        ["dose", "154 lb", "--duration", "45", "--height", "5 ft 7.5 in", "--sex", "m", "--id", "A-1"],
        ["cost", "--infusions", "8"],
        ["quote", "11 st 4 lb", "--dosing-weight", "adjusted", "--height", "165 cm", "--sex", "f", "--start", "9:30"],
        ["chart", "--from", "50", "--to", "70", "--step", "10", "--rates", "0.25,0.5"],
        ["plan", "70", "--start-date", "2026-12-07", "--boosters", "1", "--booster-every", "4w", "--time", "08:30"],
    ],
)
def test_the_inputs_alone_give_the_same_document_again(args: list[str], tmp_path: Path) -> None:
    config = write(tmp_path, "clinic.toml", _CLINIC)
    first = cli(*args, "--config", config, "--json")
    assert first.code == 0, first.stderr
    document = first.json()
    assert document["inputs"], "every setting used is listed"
    sources = {item["source"] for item in document["inputs"].values()}
    assert {"flag", config} <= sources
    again = _rerun(document, args[0], tmp_path)
    assert {k: v for k, v in again.items() if k != "inputs"} == {k: v for k, v in document.items() if k != "inputs"}
    assert {k: v["value"] for k, v in again["inputs"].items()} == {k: v["value"] for k, v in document["inputs"].items()}


# --- 3. orders in the unit they were written in -------------------------------------------------


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


def test_orders_per_time_in_the_config_batch_and_plan(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[dose]\nrate = "0.75 mg/kg/h"\n')
    assert cli("dose", "70", "--config", config, "--json").json()["dose"]["dose_mg"] == 35
    record = json.loads(cli("batch", input='weight,rate,duration\n70,"0.75 mg/kg/h",60\n').stdout)
    assert record["dose"]["rate_mg_per_kg"] == 0.75 and record["dose"]["rate_ordered"] == "0.75 mg/kg/h"
    doc = cli("plan", "70", "--start-date", "2026-12-07", "--infusions", "2", "--rates", "0.75 mg/kg/h,0.5", "--json")
    assert [s["rate_mg_per_kg"] for s in doc.json()["sessions"]] == [0.5, 0.5]
    bad = cli("config", "--rate", "0.75 mg/kg/week")
    assert bad.code == 2


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


# --- 4. the dosing weight a clinician would question ---------------------------------------------


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


# --- 5. preparation as wards do it ---------------------------------------------------------------


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


def test_a_standard_concentration_in_the_config_batch_and_plan(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[pump]\nfinal_concentration = "1 mg/mL"\n')
    assert cli("quote", "70", "--config", config, "--json").json()["pump"]["vtbi_ml"] == 35
    record = json.loads(cli("batch", input="weight,final_concentration\n70,2 mg/mL\n").stdout)
    assert record["pump"]["vtbi_ml"] == 17.5
    plan = cli("plan", "70", "--start-date", "2026-12-07", "--final-concentration", "1 mg/mL", "--json").json()
    assert plan["sessions"][0]["pump"]["rate_ml_per_h"] == 52.5
    # A bag on the command line replaces the file's standard concentration, and the other way round.
    assert cli("quote", "70", "--config", config, "--concentration", "10 mg/mL", "--bag", "100 mL").code == 0


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


@pytest.mark.parametrize("width", [20, 40, 80, 200])
def test_a_warning_is_printed_under_its_figure_once(width: int) -> None:
    out = re.sub(r"\n\s*", " ", cli(*NURSE, env={"COLUMNS": str(width)}).stdout)  # a code may wrap at its _
    out = out.replace("_ ", "_")
    assert out.count("(draw_not_measurable)") == 1
    assert out.index("Draw") < out.index("draw_not_measurable") < out.index("Read-back")
    assert "Warnings " not in out


# --- 7. smaller things a clinician tripped on ----------------------------------------------------


def test_json_numbers_have_no_trailing_zero() -> None:
    text = cli("quote", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--json").stdout
    assert re.search(r'"dose_mg": 35\s', text)
    assert not re.search(r":\s*-?[0-9]+\.0[,\n\]}]", text)
    line = cli("batch", input="weight\n70\n").stdout
    assert re.search(r'"dose_mg":35[,}]', line) and not re.search(r":-?[0-9]+\.0[,\]}]", line)


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


def test_config_refuses_a_concentration_without_a_bag_as_quote_does() -> None:
    run = cli("config", "--concentration", "10 mg/mL")
    assert run.code == 2 and "bag" in run.stderr


# --- found by the nurse's and the hostile tester's review ----------------------------------------


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


def test_a_duration_that_prints_as_a_window_end_is_not_shown_twice() -> None:
    out = cli("dose", "70", "--duration", "99.996", *["--concentration", "10 mg/mL", "--bag", "100"]).stdout
    assert "If run over 100 min" not in out and out.count("100 min (") == 1


def test_other_durations_of_an_order_per_time_are_labelled_as_the_same_dose() -> None:
    out = cli(
        "dose",
        "70",
        "--rate",
        "0.45 mg/kg/h",
        "--duration",
        "100",
        *["--concentration", "10 mg/mL", "--bag", "100"],
        env={"COLUMNS": "200"},
    ).stdout
    assert "Same dose over 40 min" in out and "If run over" not in out
    assert "not the ordered 0.45 mg/kg/h" in out


def test_a_plan_with_several_orders_keeps_each_sessions_own() -> None:
    args = ["plan", "70", "--start-date", "2026-12-07", "--infusions", "3", "--rates", "0.75 mg/kg/h,0.3 mg/kg/h,0.5"]
    doc = cli(*args, "--duration", "60", "--json").json()
    assert [s["rate_ordered"] for s in doc["sessions"]] == ["0.75 mg/kg/h", "0.3 mg/kg/h", None]
    assert [s["rate_mg_per_kg"] for s in doc["sessions"]] == [0.75, 0.3, 0.5]
    out = cli(*args, "--duration", "60", env={"COLUMNS": "200"}).stdout
    assert "ordered as" not in out.split("Sessions")[0]  # the patient block names no one session's order


def test_an_error_in_a_config_value_names_the_file_and_key(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[dose]\nrate = "2 mg/kg/h"\n')
    run = cli("dose", "70", "--config", config)
    assert run.code == 2 and f"config {config}: [dose] rate" in run.stderr and "--rate" not in run.stderr
    assert cli("dose", "70", "--config", config, "--rate", "0.5").code == 0


def test_the_inputs_hold_the_pump_basis_diluent_and_clinic_limits(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[limits]\ndose_mg_soft_max = 30\n")
    args = ["dose", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--config", config, "--json"]
    document = cli(*args).json()
    assert document["inputs"]["vtbi"] == {"value": "bag+drug", "source": "built-in"}
    assert document["inputs"]["dose_mg_soft_max"]["source"] == config
    again = _rerun(document, "dose", tmp_path)
    assert [w["code"] for w in again["warnings"]] == [w["code"] for w in document["warnings"]]
    assert "dose_above_clinic_soft_max" in [w["code"] for w in again["warnings"]]


@pytest.mark.parametrize("value", ["", " ", "x" * 101])
def test_an_id_is_one_to_a_hundred_characters(value: str) -> None:
    assert cli("dose", "70", "--id", value).code == 2


def test_an_id_that_is_not_utf8_is_kept_escaped_in_every_file(tmp_path: Path) -> None:
    bad = b"P\xc3(".decode("utf-8", "surrogateescape")
    assert cli(*NURSE, "--id", bad, "--prep-sheet", str(tmp_path / "p.html")).code == 0
    assert cli("quote", "70", "--id", bad, "--html", str(tmp_path / "h.html")).code == 0
    assert "\\udcc3" in (tmp_path / "p.html").read_text()


def test_the_sheet_shows_an_id_exactly_as_typed(tmp_path: Path) -> None:
    sheet = tmp_path / "p.html"
    assert cli(*NURSE, "--id", "MRN-\u202e00123-9\x1b", "--prep-sheet", str(sheet)).code == 0
    html = sheet.read_text()
    assert "MRN-\\u202e00123-9\\x1b" in html and "\u202e" not in html and "\x1b" not in html


def test_the_sheet_never_replaces_the_logo_a_folder_or_a_read_only_file(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    config = write(tmp_path, "c.toml", f'[clinic]\nlogo = "{logo}"\n')
    assert cli(*NURSE, "--config", config, "--prep-sheet", str(logo)).code == 2
    assert logo.read_text().startswith("<svg")
    assert cli(*NURSE, "--prep-sheet", str(tmp_path / "missing") + "/").code == 2
    locked = tmp_path / "signed.html"
    locked.write_text("signed")
    locked.chmod(0o444)
    assert cli(*NURSE, "--prep-sheet", str(locked)).code == 2 and locked.read_text() == "signed"


def test_chart_programs_the_bag_volume_and_standard_concentrations(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[pump]\nconcentration = "10 mg/mL"\nbag = "100 mL"\nvtbi = "bag"\n')
    chart = cli("chart", "--config", config, "--from", "70", "--to", "70", "--rates", "0.5", "--json").json()["chart"]
    assert chart["rows"][0]["pump_rates_ml_per_h"] == [150] and chart["vtbi_basis"] == "bag"
    standard = cli(
        "chart", "--from", "70", "--to", "70", "--rates", "0.5", "--final-concentration", "1 mg/mL", "--json"
    )
    assert standard.json()["chart"]["rows"][0]["pump_rates_ml_per_h"] == [52.5]


def test_batch_csv_with_a_standard_concentration_and_its_header_unit() -> None:
    run = cli("batch", "--output", "csv", input="weight,final_concentration\n70,1 mg/mL\n200,2 mg/mL\n")
    assert run.code == 0 and run.stdout.count("\n") == 3
    record = json.loads(cli("batch", input="weight,Final concentration (mg/mL)\n70,2\n").stdout)
    assert record["pump"]["vtbi_ml"] == 17.5


def test_a_batch_default_order_per_time_is_checked_with_each_rows_duration(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[dose]\nrate = "0.5 mg/kg/h"\nduration = "100 min"\n')
    run = cli("batch", "--config", config, input="weight,duration\n70,60\n")
    assert run.code == 0 and json.loads(run.stdout)["dose"]["rate_mg_per_kg"] == 0.5


def test_a_plan_at_a_standard_concentration_fits_the_schema() -> None:
    from jsonschema import Draft202012Validator

    schema = cli("schema").json()
    doc = cli("plan", "70", "--start-date", "2026-12-07", "--final-concentration", "1 mg/mL", "--json").json()
    Draft202012Validator(schema).validate(doc)


# --- found by the second review ---------------------------------------------------------------------


def test_a_plan_names_each_sessions_warning_and_keeps_its_currency(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[limits]\ndose_mg_soft_max = 40\n")
    args = ["plan", "80", "--start-date", "2026-12-07", "--infusions", "4", "--rates", "0.55,0.6,0.7,0.75"]
    doc = cli(*args, *["--concentration", "10 mg/mL", "--bag", "100"], "--config", config, "--json").json()
    over = [w["message"] for w in doc["warnings"] if w["code"] == "dose_above_clinic_soft_max"]
    assert len(over) == 4 and over[3].startswith("session 4: the dose of 60 mg")
    assert doc["totals"]["cost"]["currency"] == "USD"  # a loop variable once replaced it with a warning code
    out = cli(*args, "--concentration", "10 mg/mL", "--bag", "100", "--config", config).stdout
    assert "$1,600" in out and "dose_above_clinic_soft_max 1" not in out


def test_a_plan_with_pump_settings_says_how_each_bag_is_made() -> None:
    out = cli("plan", "70", "--start-date", "2026-12-07", "--concentration", "50 mg/mL", "--bag", "250",
              env={"COLUMNS": "200"}).stdout  # fmt: skip
    assert "Stock" in out and "250 mL of sodium chloride 0.9%" in out and "VTBI basis" in out
    doc = cli("plan", "70", "--start-date", "2026-12-07", "--concentration", "50 mg/mL", "--bag", "250", "--json")
    assert doc.json()["sessions"][0]["pump"]["read_back"].startswith("Ketamine 35 mg in sodium chloride 0.9% 250.7 mL")


def test_a_plans_orders_per_time_are_shown() -> None:
    out = cli("plan", "70", "--start-date", "2026-12-07", "--infusions", "2", "--rates", "0.75 mg/kg/h,0.5",
              env={"COLUMNS": "200"}).stdout  # fmt: skip
    assert "session 1: 0.75 mg/kg/h" in out.replace("\n    ", " ")


@pytest.mark.parametrize("name", ["NaCl 0.9% 250mls", "saline 250 millilitres", "water 100\uff4dL", "NaCl 0.9% 100",
                                  "dextrose 5% 0.5 mg/mL", "with ketamine 50 mg"])  # fmt: skip
def test_a_diluent_with_any_number_but_a_percentage_is_refused(name: str) -> None:
    run = cli(*NURSE, "--diluent", name)
    assert run.code == 2 and "not a percentage" in run.stderr
    assert cli(*NURSE, "--diluent", "glucose 5% in water").code == 0


def test_a_config_diluent_that_is_a_number_is_refused(tmp_path: Path) -> None:
    assert cli(*NURSE, "--config", write(tmp_path, "c.toml", "[pump]\ndiluent = 5\n")).code == 2


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
