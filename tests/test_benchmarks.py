"""The benchmark floors and generators (tests/benchmarks) do what bench.py says they do. Nothing
here is timed: the numbers come from bench.py, never from the suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import cli

BENCH = Path(__file__).resolve().parent / "benchmarks"


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_the_batch_floor_quotes_the_same_doses_and_totals_as_ketacalc(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from bench import make_csv  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCH))
    source = tmp_path / "typical.csv"
    make_csv(source, 50)
    floor = [json.loads(line) for line in _run("floor_batch.py", str(source)).splitlines()]
    ours = [json.loads(line) for line in cli("batch", str(source)).stdout.splitlines()]
    assert len(floor) == len(ours) == 50
    for a, b in zip(floor, ours, strict=True):
        assert a["id"] == b["id"]
        assert abs(a["dose"]["dose_mg"] - b["dose"]["dose_mg"]) <= 0.011  # float vs exact, both to 0.01 mg
        assert a["cost"]["total"] == b["cost"]["total"]


def test_the_varied_generator_changes_every_column_and_stays_within_the_limits(tmp_path: Path) -> None:
    text = _run("make_varied.py", "500")
    rows = text.splitlines()[1:]
    assert len(rows) == 500
    cells = [row.split(",") for row in rows]
    for column in range(1, 5):
        assert all(a[column] != b[column] for a, b in zip(cells, cells[1:], strict=False)), column  # no two alike
    source = tmp_path / "varied.csv"
    source.write_text(text, encoding="utf-8")
    run = cli("batch", str(source))
    assert run.code == 0, run.stderr  # every row quoted: the generator stays within the hard limits
    assert len(run.stdout.splitlines()) == 500


def test_the_start_up_floor_answers_as_a_quote_would() -> None:
    assert json.loads(_run("floor_startup.py", "70", "--json")) == {"weight": "70", "rate": 0.5}
    assert "weight" in _run("floor_startup.py", "70")
