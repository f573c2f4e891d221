"""Tests of tests/batch/test_writers.py."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import quote
from ketacalc.batch.writers import Picker, as_number, csv_columns, flatten, kept
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


def _flattened(document: dict[str, Any], columns: list[str], typed: bool) -> list[Any]:
    """The reference: the record flattened whole, then the columns taken from it."""
    flat = flatten(document, typed=typed)
    if typed and "id" in flat:
        flat["id"] = kept(as_number(flat["id"]))
    empty = None if typed else ""
    return [empty if (value := flat.get(name)) is None else value for name in columns]


def _csv_line(cells: list[Any]) -> str:
    """A row as the batch's CSV writer writes it (a plain float is given to it as a number)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(cells)
    return text.getvalue()


@pytest.mark.parametrize("typed", [False, True])
def test_the_picker_takes_every_column_as_flatten_gives_it(typed: bool) -> None:
    every = csv_columns()
    for document in _documents():
        expected = _flattened(document, every, typed)
        picker = Picker(every, typed)
        for _ in range(2):  # the second time, a cost block seen before gives the same cells
            if typed:
                assert picker(document) == expected
            else:
                assert _csv_line(picker(document)) == _csv_line(expected)


_MONEY = ("cost.per_infusion.", "cost.total.")
# Any value a record's cell might hold: the floats a CSV writer would write in another form (1e-05,
# 35.0, 1e+16, nan) among them, and text that is a formula, unprintable or odd Unicode.
_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.sampled_from([1e-05, 0.0001, -0.0001, 35.0, -2.5, 1e16, 9.999999999999998e15, 48.53]),
    st.text(max_size=12),
    st.sampled_from(["=1+2", "-3", "@x", "+1", "a\nb", "\x1b[31m", "\u2028", "\ud800", "0.4", "1,5"]),
)
_money = st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str))
_warnings = st.lists(st.fixed_dictionaries({"code": st.sampled_from(["a", "b_c", "=x"]), "message": st.text()}))


@st.composite
def _records(draw: st.DrawFn, typed: bool) -> tuple[dict[str, Any], list[str]]:
    """A record with some of ketacalc's columns (a block may be missing, or not a block), and the
    columns to pick, in any order, with names no record has among them."""
    every = csv_columns()
    names = draw(st.lists(st.sampled_from(every), unique=True, max_size=30))
    record: dict[str, Any] = {}
    for name in names:
        *blocks, leaf = name.split(".")
        value: Any
        if name == "warnings":
            value = draw(st.one_of(_warnings, st.none()))
        elif name.startswith(_MONEY) and typed:
            value = draw(_money)
        elif name == "id" and typed:
            value = draw(st.one_of(st.integers(), st.text(max_size=20), st.floats(allow_nan=False)))
        else:
            value = draw(_leaf)
        place = record
        for block in blocks:
            place = place.setdefault(block, {})
            if not isinstance(place, dict):
                break  # a block that is not one: its columns are empty
        else:
            place[leaf] = value
    replace = draw(st.booleans())
    if record and replace:
        record[draw(st.sampled_from(sorted(record)))] = draw(_leaf)  # a block replaced by a value
    others = draw(st.lists(st.sampled_from([*every, "no.such.column", "nothing"]), unique=True, max_size=3))
    picked = draw(st.permutations(list(dict.fromkeys([*names, *others]))))
    return record, picked or ["row"]


@pytest.mark.parametrize("typed", [False, True])
@given(data=st.data())
def test_the_picker_takes_any_record_as_flatten_gives_it(typed: bool, data: st.DataObject) -> None:
    """The Picker is the CSV's hot loop, with the common cells inlined: on any record, any columns,
    it writes what flattening the whole record writes (a float as the writer would print it)."""
    record, columns = data.draw(_records(typed))
    picker = Picker(columns, typed)
    expected = _flattened(record, columns, typed)
    for _ in range(2):  # a block seen before
        got = picker(record)
        if typed:
            assert got == expected or _same_allowing_nan(got, expected)
        else:
            assert _csv_line(got) == _csv_line(expected)


def _same_allowing_nan(got: list[Any], expected: list[Any]) -> bool:
    return [repr(cell) for cell in got] == [repr(cell) for cell in expected]


def test_a_picker_of_some_columns_in_any_order() -> None:
    document = _documents()[0]
    picked = Picker(["cost.total.mid", "id", "warnings", "pump.syringe.capacity_ml", "error.message"])(document)
    assert picked == ["3899.94", "P-1", "draw_not_measurable", 5, ""]  # 6 x EUR 649.99; no error: empty
