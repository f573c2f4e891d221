"""What a billing clerk's review of the batch found (issue #21), each case as the clerk made it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.batch.test_calamine import ods, xls
from tests.helpers import cli, records, write

POUND = 69.85  # 154 lb in kg


@pytest.mark.parametrize(
    ("body", "args"),
    [
        ("ID,Weight,Temp,Price\n,lb,C,EUR\nA,154,37,700\n", []),  # a unit for a column not read
        ("ID,Date,Weight,Price\n,yyyy-mm-dd,(lb),(EUR)\nA,2025-12-08,154,700\n", []),
        ("ID,Weight,Infusions,Price\n,lb,#,EUR\nA,154,4,700\n", []),
        ("ID,Weight,Price\n,in lbs,in EUR\nA,154,700\n", []),
        ("ID,Body,Price\n,lb,EUR\nA,154,700\n", ["--column", "weight=Body"]),
        ("ID,Weight,Dose (mg/kg),Price\n,lb,mg/kg,€\nA,154,0.5,700\n", []),  # the header's unit, said again
    ],
)
def test_a_units_row_is_read_however_its_other_cells_look(tmp_path: Path, body: str, args: list[str]) -> None:
    run = cli("batch", write(tmp_path, "u.csv", body), *args)
    (record,) = records(run.stdout)
    assert run.code == 0, run.stderr
    assert record["patient"]["weight_kg"] == POUND and record["cost"]["currency"] == "EUR"
    assert "note: the second header row gives units" in run.stderr


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("ID,Weight,Price\n,C,EUR\nA,154,700\n", "gives 'C' for the column 'Weight', which is not a unit of weight"),
        ("ID,Weight (kg),Price\n,lb,EUR\nA,154,700\n", "the header 'Weight (kg)' names 'kg', and the units row"),
    ],
)
def test_a_units_row_that_contradicts_its_column_is_refused(tmp_path: Path, body: str, said: str) -> None:
    run = cli("batch", write(tmp_path, "u.csv", body))
    assert run.code == 2 and run.stdout == "" and said in run.stderr


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_units_row_in_a_workbook_is_read(tmp_path: Path, fmt: str) -> None:
    rows: list[list[object]] = [["ID", "Weight", "Price"], [None, "lb", "EUR"], ["A", 154, 650]]
    if fmt == "xlsx":
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(tmp_path / "u.xlsx")
        path = str(tmp_path / "u.xlsx")
    else:
        path = (ods if fmt == "ods" else xls)(tmp_path / f"u.{fmt}", {"S": rows})
    run = cli("batch", path)
    (record,) = records(run.stdout)
    assert run.code == 0, run.stderr
    assert record["patient"]["weight_kg"] == POUND and record["cost"]["currency"] == "EUR"
    assert record["sheet_row"] == 3


def test_an_empty_price_under_a_currency_column_takes_no_default_in_another_currency(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "ID,Weight (kg),Price (GBP)\nA,80,\nB,80,700\n")
    a, b = records(cli("batch", path, "--price", "700").stdout)
    assert a["kind"] == "batch_error" and a["error"]["field"] == "currency" and "GBP" in a["error"]["message"]
    assert b["cost"]["currency"] == "GBP" and b["cost"]["per_infusion"]["min"] == "700.00"
    config = write(tmp_path, "eur.toml", '[cost]\ncurrency = "EUR"\nprice = "650"\n')
    usd = write(tmp_path, "usd.csv", "ID,Weight (kg),Price (USD)\nA,80,\n")
    (row,) = records(cli("batch", usd, "--config", config).stdout)
    assert row["cost"]["currency"] == "USD" and row["cost"]["per_infusion"]["min"] == "400.00"  # the seed's, not EUR


def test_a_json_objects_keys_are_read_as_a_header_is() -> None:
    line = '{"id":"A","Weight in lbs":154,"Price per infusion":900,"No. of infusions":4,"Dose (mg/kg)":0.25}\n'
    run = cli("batch", "--input-format", "jsonl", input=line)
    (record,) = records(run.stdout)
    assert record["patient"]["weight_kg"] == POUND and record["dose"]["rate_mg_per_kg"] == 0.25
    assert record["series"]["infusions"] == 4 and record["cost"]["per_infusion"]["min"] == "900.00"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"id":"A","weight":154,"weight_unit":"lb"}', "the key 'weight_unit' looks like a field"),
        ('{"Weight (lb)":154,"weight":70}', "'weight' appears twice"),
    ],
)
def test_a_json_key_that_cannot_be_mapped_is_refused(line: str, said: str) -> None:
    run = cli("batch", "--input-format", "jsonl", input=line + "\n")
    assert run.code == 2 and run.stdout == "" and said in run.stderr


def test_json_keys_not_read_are_named_and_totals_rows_skipped(tmp_path: Path) -> None:
    body = '[{"id":"A","weight":70,"Notes":"x"},{"id":"Total","weight":70,"Notes":""},{"id":"B","Notes":"y"}]'
    run = cli("batch", write(tmp_path, "p.json", body))
    out = records(run.stdout)
    assert [r["id"] for r in out] == ["A", "B"] and out[1]["error"]["message"] == "weight is missing"
    assert (
        "note: not read: Notes" in run.stderr and "skipped: row 2, a totals row" in run.stderr
    )  # a JSON array has no lines


def test_a_header_split_by_an_unquoted_comma_is_refused_not_read_short() -> None:
    run = cli("batch", input="Patient ID,Weight, lb,Price per infusion (€)\nA,154,650\n")
    assert run.code == 2 and run.stdout == ""
    assert (
        "the header cell ' lb' is only a unit, after the column 'Weight'" in run.stderr
        and "'Weight (lb)'" in run.stderr
    )


def test_the_notes_sheet_names_the_built_in_defaults_the_rows_took(tmp_path: Path) -> None:
    import io

    from tests.helpers import process

    done = process("batch", "--output", "xlsx", "--infusions", "4", input="id,weight\nA,70\n")
    notes = dict(openpyxl.load_workbook(io.BytesIO(done.stdout))["notes"].iter_rows(values_only=True))
    assert notes["default infusions"] == "4" and notes["default rate (built-in)"] == "0.5 mg/kg"
    assert (
        notes["default price (built-in)"] == "400–800 USD per infusion" and "default infusions (built-in)" not in notes
    )


def test_a_cell_without_the_unit_its_columns_other_cells_show_is_its_rows_error(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["ID", "Weight", "Price"], ["A", 154, 650], ["B", 154, 650], ["C", 70, 650]):
        sheet.append(row)
    for ref in ("B2", "B3"):
        sheet[ref].number_format = '0 "lb"'
    sheet["C2"].number_format = sheet["C4"].number_format = "#,##0.00 [$€-407]"
    book.save(tmp_path / "mixed.xlsx")
    a, b, c = records(cli("batch", str(tmp_path / "mixed.xlsx")).stdout)
    assert a["patient"]["weight_kg"] == POUND and a["cost"]["currency"] == "EUR"
    assert b["error"]["field"] == "price" and "shows no unit" in b["error"]["message"]  # 650 beside €650
    assert c["error"]["field"] == "weight"  # 70 beside 154 lb: never read as kg
