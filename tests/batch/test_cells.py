"""Cells as spreadsheets and pandas write them: floating-point noise in a price, a start cell that
holds a date and a time, ids that are numbers."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import cli, records, write


def _csv(tmp_path: Path, rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)  # floats as pandas writes them: repr
    return write(tmp_path, "p.csv", buffer.getvalue())


def test_a_float_price_a_formula_left_noise_on_is_its_amount(tmp_path: Path) -> None:
    price = 0.1 * 3 * 2383.3333333333335  # 715.0000000000001 in a float: what a spreadsheet's formula leaves
    assert repr(price) == "715.0000000000001"
    run = cli("batch", _csv(tmp_path, [["id", "weight", "price"], ["P1", 70, price]]))
    (record,) = records(run.stdout)
    assert run.code == 0 and record["cost"]["per_infusion"]["min"] == "715.00"


@pytest.mark.parametrize(
    ("cell", "currency", "shown"),
    [("715.004", "USD", "715.004"), ("715.00001", "USD", "715.00001"), ("650.0000000000001", "JPY", None)],
)
def test_a_price_further_off_than_noise_is_a_row_error_naming_it(
    tmp_path: Path, cell: str, currency: str, shown: str | None
) -> None:
    run = cli("batch", write(tmp_path, "p.csv", f"id,weight,price,currency\nP1,70,{cell},{currency}\n"))
    (record,) = records(run.stdout)
    if shown is None:  # JPY has no minor units: 650.0000000000001 is noise on 650
        assert run.code == 0 and record["cost"]["per_infusion"]["min"] == "650"
    else:
        assert run.code == 3 and f"price '{shown}'" in record["error"]["message"]


@given(
    cents=st.integers(min_value=0, max_value=10**9),
    noise=st.integers(min_value=-(10**4), max_value=10**4),
)
def test_noise_within_1e_9_is_taken_off_and_no_further(cents: int, noise: int) -> None:
    from ketacalc.batch.numbers import denoised

    amount = Decimal(cents).scaleb(-2)
    written = amount + Decimal(noise).scaleb(-13)  # up to 1e-9 either side
    cells = {"price": f"{written:f}"}
    denoised(cells, "USD")
    assert cells["price"] in (f"{amount:f}", f"{written:f}")
    if noise:
        assert Decimal(cells["price"]) == amount
    further = {"price": f"{amount + Decimal('1.1e-9'):f}"}
    denoised(further, "USD")
    assert Decimal(further["price"]) != amount  # refused by the quote, naming the value


def _dated(tmp_path: Path, start: str) -> dict:  # type: ignore[type-arg]
    (record,) = records(cli("batch", write(tmp_path, "s.csv", f"id,weight,start\nP1,70,{start}\n")).stdout)
    return record


@pytest.mark.parametrize(
    "start", ["2025-12-08 09:30", "2025-12-08T09:30:00", "2025-12-08 9:30 AM", "08.12.2025 09:30", "8.12.2025 9:30"]
)
def test_a_start_cell_with_a_date_gives_the_time_and_the_record_keeps_the_date(tmp_path: Path, start: str) -> None:
    record = _dated(tmp_path, start)
    assert record["date"] == "2025-12-08" and record["session"]["start"] == "09:30"
    assert list(record)[:4] == ["row", "line", "date", "id"]


@pytest.mark.parametrize(
    ("start", "said"),
    [
        ("12/8/2025 9:30", "reads two ways (day/month or month/day)"),
        ("2025-02-30 09:30", "has no such date"),
        ("2025-12-08 09:30:15", "start '2025-12-08 09:30:15': has seconds"),
        ("2025-12-08 25:30", "start '2025-12-08 25:30'"),
    ],
)
def test_a_start_cell_whose_date_or_time_cannot_be_read_is_its_rows_error(
    tmp_path: Path, start: str, said: str
) -> None:
    record = _dated(tmp_path, start)
    assert record["kind"] == "batch_error" and record["error"]["field"] == "start"
    assert said in record["error"]["message"]


def test_an_excel_date_time_cell_gives_the_time_and_the_date(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Weight (kg)", "Start"])
    sheet.append(["P1", 70, datetime.datetime(2025, 12, 8, 9, 30)])
    sheet.append(["P2", 70, datetime.time(14, 5)])
    book.save(tmp_path / "s.xlsx")
    out = records(cli("batch", str(tmp_path / "s.xlsx")).stdout)
    assert [(r.get("date"), r["session"]["start"]) for r in out] == [("2025-12-08", "09:30"), (None, "14:05")]


def test_a_number_id_in_a_workbook_stays_a_number(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Weight (kg)"])
    for row in ([1002, 70], ["007", 70], [1002.5, 70]):
        sheet.append(row)
    book.save(tmp_path / "s.xlsx")
    out = records(cli("batch", str(tmp_path / "s.xlsx")).stdout)
    assert [r["id"] for r in out] == [1002, "007", "1002.5"]
