"""Pump programming: draw volume, VTBI, final concentration and pump rates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacalc import dose
from ketacalc.exact import rounded
from tests.helpers import cli, codes

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
