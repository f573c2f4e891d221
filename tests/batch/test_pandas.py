"""Files as pandas writes them (to_csv, to_excel, to_json), from a clinic's own frame: the index
column, NaN as an empty cell, floats with a formula's noise, a decimal comma, a Total row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import cli, records

POUND = 69.85  # 154 lb in kg


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "Patient ID": ["P1", "P2", "Total"],
            "Name": ["Ann Lee", "Bo Chan", None],
            "Weight in lbs": [154.0, 180.5, 334.5],
            "Dose (mg/kg)": [0.25, float("nan"), None],
            "No. of infusions": [4, 6, 10],
            "Price per infusion": [650.0, 0.1 * 3 * 2383.3333333333335, None],  # 715.0000000000001
        }
    )
    return frame


def _check(out: list[dict]) -> None:  # type: ignore[type-arg]
    p1, p2 = out
    assert (p1["id"], p1["patient"]["weight_kg"], p1["dose"]["rate_mg_per_kg"]) == ("P1", POUND, 0.25)
    assert p1["dose"]["dose_mg"] == 17.46 and p1["series"]["infusions"] == 4  # the sheet's, not the defaults
    assert p1["cost"]["per_infusion"]["min"] == "650.00" and p1["cost"]["total"]["mid"] == "2600.00"
    assert p2["patient"]["weight_kg"] == 81.87 and p2["dose"]["rate_mg_per_kg"] == 0.5  # NaN: an empty cell
    assert p2["cost"]["per_infusion"]["min"] == "715.00"  # a formula's float noise is the amount


# Each way pandas writes the frame: (file name, how, the options batch needs, a line stderr says).
WRITTEN: dict[str, tuple[str, Callable[[pd.DataFrame, Path], object], list[str], str]] = {
    "to_csv": ("p.csv", lambda f, p: f.to_csv(p), [], "skipped: row 3 (line 4), a totals row"),
    "to_csv without its index": ("p.csv", lambda f, p: f.to_csv(p, index=False), [], "note: not read: Name"),
    "to_csv as German Excel reads it": (
        "de.csv",
        lambda f, p: f.to_csv(p, sep=";", decimal=",", index=False, encoding="cp1252"),
        ["--encoding", "cp1252", "--decimal", "comma"],
        "skipped: row 3 (line 4), a totals row",
    ),
    "to_excel": ("p.xlsx", lambda f, p: f.to_excel(p, index=False, sheet_name="March"), [], "reading sheet 'March'"),
    "to_json records": ("p.json", lambda f, p: f.to_json(p, orient="records", indent=2), [], "not read: Name"),
}


@pytest.mark.parametrize("how", sorted(WRITTEN))
def test_a_frame_as_pandas_writes_it(tmp_path: Path, how: str) -> None:
    name, write_frame, options, said = WRITTEN[how]
    path = tmp_path / name
    write_frame(_frame(), path)
    run = cli("batch", str(path), "--currency", "USD", *options)
    assert run.code == 0, run.stderr
    _check(records(run.stdout))
    assert said in run.stderr


def test_read_back_by_pandas(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    _frame().to_csv(path, index=False)
    run = cli("batch", str(path), "--currency", "USD", "--output", "csv")
    (tmp_path / "out.csv").write_text(run.stdout, encoding="utf-8")
    back = pd.read_csv(tmp_path / "out.csv")
    assert list(back.columns[:6]) == list(_frame().columns)  # the clerk's own columns first, unchanged
    assert list(back["patient.weight_kg"]) == [POUND, 81.87] and list(back["Name"]) == ["Ann Lee", "Bo Chan"]
