"""The dosing chart: doses and pump rates for a range of weights by a set of rates."""

from __future__ import annotations

import csv
import io
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import InputError, dose
from ketacalc.charting import chart
from tests.helpers import HANG_SECONDS, cli, write

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

    run = cli(*args)
    assert run.stderr.startswith("warning: ")
    assert not re.search(r"\d\.\d*0\b", run.stderr), run.stderr


def one_line_error(run: Any, code: int = 2) -> None:
    assert run.code == code, (run.code, run.stderr)
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: ")


chart_values = st.one_of(
    st.decimals(min_value="-1", max_value="1000", allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["1e-30", "0." + "0" * 60 + "1", "1" + "0" * 60, "99999999999999999999", "0.5", "5"]),
    st.text(max_size=12),
)


def test_chart_warns_with_the_same_codes_as_a_dose() -> None:
    codes_seen = [w.code for w in chart("20", "300", "140", rates="0.5").warnings]
    assert codes_seen == ["weight_below_adult_range", "weight_above_adult_range"]


@pytest.mark.parametrize(
    "step", ["0.00000000000000000000000000001", "1e-999999", "1e999999999", "1e1", "１０", "١٠", "1_0", "0", "-5"]
)
def test_chart_steps_that_used_to_hang_or_slip_through(step: str) -> None:
    start = time.perf_counter()
    run = cli("chart", "--from", "40", "--to", "50", "--step", step)
    assert time.perf_counter() - start < HANG_SECONDS
    one_line_error(run)


def test_chart_row_count_is_exact_at_the_limit() -> None:
    assert len(chart("40", "239", "1").rows) == 200
    with pytest.raises(InputError):
        chart("40", "240", "1")


@given(chart_values, chart_values, chart_values, st.sampled_from(["kg", "lb", "st", ""]))
def test_fuzzed_chart_bounds_answer_within_a_second(first: str, last: str, step: str, unit: str) -> None:
    start = time.perf_counter()
    try:
        result = chart(first, last, step, unit=unit)
    except InputError:
        pass
    else:
        assert 1 <= len(result.rows) <= 200
    assert time.perf_counter() - start < HANG_SECONDS


def test_chart_programs_the_bag_volume_and_standard_concentrations(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[pump]\nconcentration = "10 mg/mL"\nbag = "100 mL"\nvtbi = "bag"\n')
    chart = cli("chart", "--config", config, "--from", "70", "--to", "70", "--rates", "0.5", "--json").json()["chart"]
    assert chart["rows"][0]["pump_rates_ml_per_h"] == [150] and chart["vtbi_basis"] == "bag"
    standard = cli(
        "chart", "--from", "70", "--to", "70", "--rates", "0.5", "--final-concentration", "1 mg/mL", "--json"
    )
    assert standard.json()["chart"]["rows"][0]["pump_rates_ml_per_h"] == [52.5]
