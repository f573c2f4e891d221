"""Tests of tests/batch/test_jsonfile.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cli, records


def one_line_error(run: Any, code: int = 2) -> None:
    assert run.code == code, (run.code, run.stderr)
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: ")


def test_deeply_nested_json_line_is_a_row_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "\n" + '{"weight": 70}\n')
    run = cli("batch", str(path))
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.code == 3 and "error" in records[0] and records[1]["dose"]["dose_mg"] == 35


def test_nan_in_a_json_line_made_the_output_invalid_json(tmp_path: Path) -> None:
    # json.loads accepts NaN and Infinity; echoed back as an id they were not JSON.
    path = tmp_path / "nan.jsonl"
    path.write_text('{"id": NaN, "weight": 70}\n{"id": 1, "weight": Infinity}\n{"weight": 70}\n')
    run = cli("batch", str(path))
    records = [json.loads(line, parse_constant=lambda c: pytest.fail(c)) for line in run.stdout.splitlines()]
    assert run.code == 3
    assert "not valid JSON" in records[0]["error"]["message"] and "error" in records[1]
    assert records[2]["dose"]["dose_mg"] == 35


@pytest.mark.parametrize(
    "line",
    [
        '{"weight":635.00000000000000000000000000001}',
        '{"weight":0.99999999999999999999999}',
        '{"weight":70,"rate":0.75000000000000000001}',
        '{"weight":70,"infusions":6.0000000000000000001}',
        '{"weight":70,"price":649.9999999}',
    ],
)
def test_json_numbers_are_read_exactly_before_limits(line: str) -> None:
    (record,) = records(cli("batch", "--input-format", "jsonl", input=line + "\n").stdout)
    assert "error" in record


def test_a_json_price_within_floating_point_noise_of_its_amount_is_that_amount() -> None:
    # A float a program computed (649.99999999999999 is 650 in a double); 1e-9 further off is refused above.
    line = '{"weight":70,"price":649.999999999999999999}\n'
    (record,) = records(cli("batch", "--input-format", "jsonl", input=line).stdout)
    assert record["cost"]["per_infusion"]["min"] == "650.00"


def test_an_empty_json_lines_input_is_exit_2() -> None:
    for output in ("jsonl", "csv"):
        one_line_error(cli("batch", "--input-format", "jsonl", "--output", output, input=""))


@pytest.mark.parametrize(
    "line", ['{"weight":70,"weight":140}', '{"weight":70,"Weight":140}', '{"weight":70," WEIGHT ":140}']
)
def test_duplicate_json_keys_are_a_row_error(line: str) -> None:
    run = cli("batch", "--input-format", "jsonl", input=line + "\n")
    (record,) = records(run.stdout)
    assert "'weight' twice" in record["error"]["message"] and run.code == 3


def test_an_over_long_json_line_is_its_own_rows_error_and_the_next_is_quoted() -> None:
    body = '{"id":"a","weight":70,"note":"' + "x" * 1_100_000 + '"}\n{"id":"b","weight":80}\n'
    out = records(cli("batch", "--input-format", "jsonl", input=body).stdout)
    assert [r["row"] for r in out] == [1, 2]
    assert "over 1,048,576 characters" in out[0]["error"]["message"] and out[1]["id"] == "b"
