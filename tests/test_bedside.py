"""Bedside clarity: every figure is the exact value rounded half-up once, totals
add up on the page, labels say what they mean, clinic limits act like a pump's
drug library."""

from __future__ import annotations

import csv
import decimal
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import cost, dose, places, quote
from ketacalc.documents import SCHEMA_VERSION, dose_document, quote_document
from ketacalc.exact import rounded
from tests.helpers import cli, write


def oracle(value: Fraction, step: Decimal) -> Decimal:
    """Half-up rounding of an exact rational, by integer arithmetic only."""
    scaled = value / Fraction(step)
    whole = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(whole) * step


# --- 2. rounded once, from the exact value ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "path", "expected"),
    [
        (["dose", "125.95", "--duration", "60"], ("session", "rate_mg_per_h"), 62.98),  # exact 62.975
        (["dose", "70", "--rate", "0.11", "--duration", "96"], ("session", "rate_mg_per_kg_per_h"), 0.0688),  # 0.06875
        (
            ["dose", "44.5", "--concentration", "10 mg/mL", "--bag", "100 mL", "--duration", "90"],
            ("pump", "rate_ml_per_h"),
            68.2,  # exact 68.15
        ),
    ],
)
def test_ties_round_up_as_the_exact_value_does(args: list[str], path: tuple[str, str], expected: float) -> None:
    doc = cli(*args, "--json").json()
    assert doc[path[0]][path[1]] == expected


def test_the_table_shows_the_same_tie_rounded_up() -> None:
    assert "62.98" in cli("dose", "125.95", "--duration", "60").stdout


weights = st.decimals(min_value="30", max_value="250", places=2)
rates = st.decimals(min_value="0.1", max_value="0.75", places=3)
durations = st.decimals(min_value="40", max_value="100", places=1)


@given(weights, rates, durations)
def test_rates_match_an_exact_oracle(weight: Decimal, rate: Decimal, duration: Decimal) -> None:
    d = dose(weight, rate, duration)
    doc = dose_document(d)["session"]
    exact_dose = Fraction(weight) * Fraction(rate)
    assert Decimal(repr(doc["rate_mg_per_h"])) == oracle(exact_dose * 60 / Fraction(duration), places.MG_PER_H)
    assert Decimal(repr(doc["rate_mg_per_min"])) == oracle(exact_dose / Fraction(duration), places.MG_PER_MIN)
    per_kg = Fraction(rate) * 60 / Fraction(duration)
    assert Decimal(repr(doc["rate_mg_per_kg_per_h"])) == oracle(per_kg, places.MG_PER_KG_PER_H)


@pytest.mark.parametrize("weight", ["125.95", "70.05", "33.33", "100.01"])
@pytest.mark.parametrize("duration", ["40", "45", "60", "80", "96", "100"])
@pytest.mark.parametrize("rate", ["0.1", "0.11", "0.25", "0.254", "0.5", "0.75"])
def test_grid_with_ties_matches_the_oracle(weight: str, duration: str, rate: str) -> None:
    d = dose(weight, rate, duration, concentration="10 mg/mL", bag="100 mL")
    exact_dose = Fraction(weight) * Fraction(rate)
    assert rounded(d.rate_at(d.duration_min).mg_per_h, places.MG_PER_H) == oracle(
        exact_dose * 60 / Fraction(duration), places.MG_PER_H
    )
    assert d.pump is not None
    exact_ml_per_h = (100 + exact_dose / 10) * 60 / Fraction(duration)
    assert rounded(d.pump.rate_ml_per_h(d.duration_min), places.ML_PER_H) == oracle(exact_ml_per_h, places.ML_PER_H)


@pytest.mark.parametrize("height", ["175 cm", "160 cm", "69 in", "5 ft 9 in", "182.3 cm"])
@pytest.mark.parametrize("rate", ["0.254", "0.5", "0.635"])
def test_ideal_weight_doses_are_exact_through_the_inch(height: str, rate: str) -> None:
    """2.3 kg per inch of 2.54 cm does not terminate; the dose is still exact."""
    d = dose("120", rate, "45", dosing_weight="ideal", height=height, sex="male")
    assert d.height_cm is not None
    ideal = 50 + Fraction("2.3") * (Fraction(d.height_cm) / Fraction("2.54") - 60)
    assert rounded(d.dose_mg, places.MG) == oracle(ideal * Fraction(rate), places.MG)
    assert rounded(d.rate_at(d.duration_min).mg_per_h, places.MG_PER_H) == oracle(
        ideal * Fraction(rate) * 60 / 45, places.MG_PER_H
    )


def test_the_callers_decimal_context_is_not_used() -> None:
    expected = quote_document(quote("154 lb", rate="0.45", duration="45", concentration="10 mg/mL", bag="100 mL"))
    with decimal.localcontext() as ctx:
        ctx.prec = 6
        ctx.rounding = decimal.ROUND_DOWN
        ctx.traps[decimal.Inexact] = True
        got = quote_document(quote("154 lb", rate="0.45", duration="45", concentration="10 mg/mL", bag="100 mL"))
        c = cost(infusions=7, price_min="399.99", price_max="812.37")
        assert c.price_mid == Decimal("606.18") and c.total_mid == Decimal("4243.26")
    assert got == expected


# --- 3. totals add up on the page -----------------------------------------------------------


def test_series_mid_is_the_printed_mid_times_n() -> None:
    doc = cli("cost", "--price-min", "400.01", "--price-max", "400.02", "--json").json()["cost"]
    assert doc["per_infusion"]["mid"] == "400.02"
    assert doc["total"]["mid"] == "2400.12"  # 6 x 400.02, not 2,400.09
    table = cli("cost", "--price-min", "400.01", "--price-max", "400.02").stdout
    assert "$400.02" in table and "$2,400.12" in table


def test_total_drug_is_the_printed_dose_times_n() -> None:
    doc = cli("quote", "11 stone", "--rate", "0.4", "--json").json()
    assert doc["dose"]["dose_mg"] == 27.94
    assert doc["series"]["total_dose_mg"] == 167.64
    assert "167.64 mg = 27.94 mg × 6" in cli("quote", "11 stone", "--rate", "0.4").stdout


@given(
    st.decimals(min_value="0", max_value="2000", places=2),
    st.decimals(min_value="0", max_value="2000", places=2),
    st.integers(1, 52),
)
def test_money_totals_add_up(a: Decimal, b: Decimal, n: int) -> None:
    low, high = sorted((a, b))
    c = cost(infusions=n, price_min=low, price_max=high)
    assert c.price_mid == ((low + high) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert (c.total_min, c.total_mid, c.total_max) == (low * n, c.price_mid * n, high * n)


# --- 5. labels say what they mean -----------------------------------------------------------


def test_pump_block_names_its_duration_and_the_vtbi() -> None:
    args = ["dose", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--duration", "45"]
    out = cli(*args, env={"COLUMNS": "40"}).stdout
    assert "Pump rate: 138 mL/h over 45 min" in out
    assert "VTBI: 103.5 mL (bag + drug)" in out


def test_per_kg_rate_is_labelled_as_a_rate_and_the_dose_shows_its_mg_per_kg() -> None:
    out = cli("dose", "70", "--rate", "0.5", "--duration", "40").stdout
    assert "per kg of dosing weight per hour" in out
    assert "35 mg (0.5 mg/kg of dosing weight)" in out


def test_adjusted_that_falls_back_says_actual() -> None:
    args = ["dose", "50", "--dosing-weight", "adjusted", "--height", "180 cm", "--sex", "m"]
    doc = cli(*args, "--json").json()
    assert doc["patient"]["dosing_weight_basis"] == "actual"
    assert doc["patient"]["dosing_weight_requested"] == "adjusted"
    assert "adjusted_fell_back_to_actual" in [w["code"] for w in doc["warnings"]]
    assert "(actual; adjusted was asked for)" in cli(*args).stdout


def test_window_rates_are_shortest_and_longest() -> None:
    doc = cli("dose", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--json").json()
    window = doc["session"]["window_rates"]
    assert window["shortest"]["duration_min"] == 40 and window["longest"]["duration_min"] == 100
    assert window["shortest"]["rate_mg_per_h"] > window["longest"]["rate_mg_per_h"]
    pump = doc["pump"]["window_rates"]
    assert pump["shortest"]["rate_ml_per_h"] > pump["longest"]["rate_ml_per_h"]
    assert "window_rates_ml_per_h" not in doc["pump"]
    assert doc["schema_version"] == SCHEMA_VERSION


# --- 6. the patient measures a clinician looks for ------------------------------------------


def test_height_and_sex_are_used_whatever_the_basis() -> None:
    doc = cli("dose", "200", "--rate", "0.75", "--height", "160 cm", "--sex", "f", "--json").json()["patient"]
    assert doc["bmi_kg_per_m2"] == 78.1
    assert doc["ideal_weight_kg"] == 52.38
    assert doc["adjusted_weight_kg"] == 111.43
    assert doc["dosing_weight_basis"] == "actual" and doc["dosing_weight_kg"] == 200
    out = cli("dose", "200", "--rate", "0.75", "--height", "160 cm", "--sex", "f").stdout
    assert "BMI" in out and "78.1 kg/m²" in out and "52.38 kg" in out and "111.43 kg" in out


def test_bmi_needs_only_height_and_no_height_means_null() -> None:
    run = cli("dose", "70", "--height", "175 cm", "--json")
    assert run.json()["patient"]["bmi_kg_per_m2"] == 22.9
    assert run.json()["patient"]["ideal_weight_kg"] is None
    assert "height_without_sex" in run.stderr
    assert cli("dose", "70", "--json").json()["patient"]["bmi_kg_per_m2"] is None


def test_sex_without_height_warns_instead_of_vanishing() -> None:
    run = cli("dose", "70", "--sex", "f", "--json")
    assert [w["code"] for w in run.json()["warnings"]] == ["sex_without_height"]


# --- 7. plausible pump settings and clinic limits ---------------------------------------------


def test_a_pump_rate_over_999_ml_per_h_warns() -> None:
    run = cli("dose", "70", "--concentration", "10 mg/mL", "--bag", "1 L", "--json")
    assert run.json()["pump"]["rate_ml_per_h"] == 1505.3
    assert "pump_rate_above_typical_max" in [w["code"] for w in run.json()["warnings"]]


def clinic(tmp_path: Path, text: str) -> str:
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_clinic_soft_limits_warn(tmp_path: Path) -> None:
    path = clinic(
        tmp_path,
        '[limits]\ndose_mg_soft_max = 40\npump_rate_ml_per_h_soft_max = "150"\n'
        '[pump]\nconcentration = "10 mg/mL"\nbag = "100 mL"\n',
    )
    run = cli("quote", "100", "--config", path, "--json")
    codes = [w["code"] for w in run.json()["warnings"]]
    assert codes == ["dose_above_clinic_soft_max", "pump_rate_above_clinic_soft_max"]
    assert "clinic.toml" in run.json()["warnings"][0]["message"]
    assert cli("quote", "100", "--config", path, "--json", "--strict").code == 4


def test_clinic_hard_limit_rejects_naming_the_limit_and_file(tmp_path: Path) -> None:
    path = clinic(tmp_path, "[limits]\ndose_mg_hard_max = 50\n")
    run = cli("dose", "120", "--config", path)
    assert run.code == 2 and run.stdout == ""
    assert "dose_mg_hard_max" in run.stderr and "clinic.toml" in run.stderr and "60 mg" in run.stderr
    assert cli("dose", "100", "--config", path).code == 0  # 50 mg: at the limit is allowed
    batch = cli("batch", "--config", path, input="id,weight\na,70\nb,120\n")
    assert batch.code == 3
    assert json.loads(batch.stdout.splitlines()[1])["error"]["field"] == "dose"


def test_clinic_default_dosing_weight(tmp_path: Path) -> None:
    path = clinic(tmp_path, '[dose]\ndosing_weight = "ideal"\n')
    doc = cli("dose", "100", "--height", "69 in", "--sex", "m", "--config", path, "--json").json()
    assert doc["patient"]["dosing_weight_basis"] == "ideal"
    shown = cli("config", "--config", path, "--json").json()["settings"]
    assert shown["dosing_weight"] == {"value": "ideal", "source": path}
    assert shown["dose_mg_hard_max"] == {"value": None, "source": "built-in"}


def test_config_shows_clinic_limits_with_their_source(tmp_path: Path) -> None:
    path = clinic(tmp_path, '[limits]\ndose_mg_soft_max = 40\n[chart]\nrates = "0.2,0.4"\n')
    settings = cli("config", "--config", path, "--json").json()["settings"]
    assert settings["dose_mg_soft_max"] == {"value": "40", "source": path}
    assert settings["rates"] == {"value": "0.2,0.4", "source": path}


def test_bad_clinic_limit_is_rejected(tmp_path: Path) -> None:
    run = cli("dose", "70", "--config", clinic(tmp_path, "[limits]\ndose_mg_hard_max = -5\n"))
    assert run.code == 2 and "dose_mg_hard_max" in run.stderr


def test_chart_takes_the_config(tmp_path: Path) -> None:
    path = clinic(
        tmp_path,
        '[chart]\nrates = "0.2,0.4"\n[pump]\nconcentration = "10 mg/mL"\nbag = "100 mL"\n[dose]\nduration = 50\n',
    )
    doc = cli("chart", "--from", "50", "--to", "60", "--config", path, "--json").json()["chart"]
    assert doc["rates_mg_per_kg"] == [0.2, 0.4]
    assert doc["duration_min"] == 50 and doc["concentration_mg_per_ml"] == 10
    assert doc["rows"][0]["pump_rates_ml_per_h"] == [121.2, 122.4]
    env_doc = cli("chart", "--from", "50", "--to", "60", "--json", env={"KETACALC_CONFIG": path}).json()
    assert env_doc["chart"]["rates_mg_per_kg"] == [0.2, 0.4]


# --- 8. smaller things ---------------------------------------------------------------------------


@pytest.mark.parametrize("height", ["5ft 13in", "5 ft 12 in", "5'12\""])
def test_twelve_or_more_inches_after_feet_is_rejected(height: str) -> None:
    run = cli("dose", "70", "--height", height, "--sex", "m")
    assert run.code == 2 and "12 or more inches" in run.stderr


def test_feet_alone_read_alike() -> None:
    assert dose("70", height="5'").height_cm == dose("70", height="5 ft").height_cm == Decimal("152.4")


def test_batch_csv_numbers_have_no_trailing_zeros() -> None:
    out = cli("batch", "--output", "csv", "--fields", "all", input="weight,duration\n70,40\n").stdout
    values = next(csv.DictReader(io.StringIO(out)))
    assert values["session.duration_min"] == "40" and values["dose.dose_mg"] == "35"
    assert not any(v.endswith(".0") for k, v in values.items() if k not in ("schema_version", "generator.version"))


# --- found by a review: warnings and limits agree with the figures printed --------------------


def test_soft_limits_compare_the_figure_as_printed() -> None:
    at_999 = cli("dose", "8", "--concentration", "100 mg/mL", "--bag", "999 mL", "--duration", "60", "--json")
    assert at_999.json()["pump"]["rate_ml_per_h"] == 999  # 999.04 exactly: printed 999, so no warning
    assert "pump_rate_above_typical_max" not in [w["code"] for w in at_999.json()["warnings"]]
    at_01 = cli("dose", "19.8", "--concentration", "100 mg/mL", "--bag", "10 mL", "--json")
    assert at_01.json()["pump"]["drug_volume_ml"] == 0.099  # exact to 4 places in the JSON; printed 0.1 mL
    assert "Draw: 0.1 mL" in cli(*at_01_args(), env={"COLUMNS": "40"}).stdout
    assert "drug_volume_below_measurable" not in [w["code"] for w in at_01.json()["warnings"]]
    heavy = cli("dose", "250.004", "--json").json()
    assert heavy["patient"]["weight_kg"] == 250
    assert [w["code"] for w in heavy["warnings"]] == ["height_and_sex_suggested"]


def at_01_args() -> list[str]:
    return ["dose", "19.8", "--concentration", "100 mg/mL", "--bag", "10 mL"]


def test_a_clinic_limit_finer_than_its_figure_is_rejected(tmp_path: Path) -> None:
    run = cli("dose", "120", "--config", clinic(tmp_path, "[limits]\ndose_mg_soft_max = 60.005\n"))
    assert run.code == 2 and "dose_mg_soft_max" in run.stderr and "0.01" in run.stderr


def test_a_tiny_caller_precision_with_traps_changes_nothing() -> None:
    expected = dose_document(dose("100 kg", duration="83.5", concentration="10 mg/mL", bag="100 mL"))
    with decimal.localcontext() as ctx:
        ctx.prec = 1
        ctx.traps[decimal.Inexact] = ctx.traps[decimal.Rounded] = True
        assert dose_document(dose("100 kg", duration="83.5", concentration="10 mg/mL", bag="100 mL")) == expected
    assert expected["session"]["visit_min"] == 113.5


def test_a_height_too_short_for_devine_says_why_there_is_no_ideal_weight() -> None:
    doc = cli("dose", "30", "--height", "97 cm", "--sex", "m", "--json").json()
    assert doc["patient"]["ideal_weight_kg"] is None
    assert "ideal_weight_not_defined" in [w["code"] for w in doc["warnings"]]


def test_batch_takes_the_clinics_default_dosing_weight(tmp_path: Path) -> None:
    path = clinic(tmp_path, '[dose]\ndosing_weight = "ideal"\n')
    run = cli("batch", "--config", path, input="id,weight,height,sex\na,100,69 in,m\n")
    (record,) = [json.loads(line) for line in run.stdout.splitlines()]
    assert record["patient"]["dosing_weight_basis"] == "ideal" and record["patient"]["dosing_weight_kg"] == 70.7


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
