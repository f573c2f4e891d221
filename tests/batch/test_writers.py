"""Tests of tests/batch/test_writers.py."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.helpers import cli


@pytest.mark.parametrize("row_id", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_output_neutralises_formulas(row_id: str) -> None:
    line = json.dumps({"id": row_id, "weight": 70})
    out = cli("batch", "--input-format", "jsonl", "--output", "csv", input=line + "\n").stdout
    (record,) = csv.DictReader(io.StringIO(out))
    assert record["id"][0] not in "=+-@\t\r"
    assert record["id"].lstrip("'").replace("\\t", "\t").replace("\\r", "\r") == row_id


def test_a_multi_line_id_stays_on_one_csv_line() -> None:
    out = cli("batch", "--output", "csv", input='id,weight\n"two\nlines",70\n').stdout
    assert len(out.splitlines()) == 2 and "two\\nlines" in out
