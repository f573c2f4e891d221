"""Tests of tests/batch/test_writers.py."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from ketacalc import quote
from ketacalc.batch.writers import Picker, as_number, csv_columns, flatten
from ketacalc.documents import batch_error, batch_quote
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


def _documents() -> list[dict[str, Any]]:
    """Records with every block, with none, and errors: what a CSV or workbook row is taken from."""
    full = quote("154 lb", concentration="10 mg/mL", bag="100 mL", start="09:00", price="649.99", currency="EUR")
    premixed = quote("70", concentration="1 mg/mL", bag="100 mL", rate="0.3", infusions=4)
    heavy = quote("190", rate="0.75")
    return [
        batch_quote(1, "P-1", full, (("line", 2),)),
        batch_quote(2, 1002, premixed, (("sheet", "S"), ("sheet_row", 3), ("date", "2025-12-08"))),
        batch_quote(3, "=cmd|' /C calc'!A0", heavy),
        batch_error(4, None, "weight", "weight 'x\x1b[31m': is not a number", (("line", 5),)),
        batch_error(5, 1.5, None, "row 5 is not a readable CSV row", ()),
    ]


@pytest.mark.parametrize("typed", [False, True])
def test_the_picker_takes_every_column_as_flatten_gives_it(typed: bool) -> None:
    every = csv_columns()
    for document in _documents():
        flat = flatten(document, typed=typed)
        if typed and "id" in flat:
            flat["id"] = as_number(flat["id"])
        empty = None if typed else ""
        expected = [empty if (value := flat.get(name)) is None else value for name in every]
        picker = Picker(every, typed)
        assert picker(document) == expected
        assert picker(document) == expected  # a cost block seen before gives the same cells


def test_a_picker_of_some_columns_in_any_order() -> None:
    document = _documents()[0]
    picked = Picker(["cost.total.mid", "id", "warnings", "pump.syringe.capacity_ml", "error.message"])(document)
    assert picked == ["3899.94", "P-1", "draw_not_measurable", 5, ""]  # 6 x EUR 649.99; no error: empty
