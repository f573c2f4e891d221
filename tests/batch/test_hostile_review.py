"""What a hostile tester's review of the batch's new surfaces found (issue #21), each as a test."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.batch.test_calamine import ods, xls
from tests.helpers import cli, process, records, write


def _sheet(done: subprocess.CompletedProcess[bytes]) -> list[list[object]]:
    assert done.returncode in (0, 3), done.stderr
    book = openpyxl.load_workbook(io.BytesIO(done.stdout))["quotes"]
    return [[cell.value for cell in row] for row in book.iter_rows()]


def test_a_cell_longer_than_a_workbook_holds_is_cut_saying_so_and_no_other_cell_is_lost() -> None:
    header, row = _sheet(process("batch", "--output", "xlsx", input="id,weight,notes\nA1,70," + "x" * 40_000 + "\n"))
    named = dict(zip(header, row, strict=True))
    notes = str(named["notes"])
    assert len(notes) == 32_767 and notes.endswith("[cut by ketacalc: 40,000 characters]")
    assert named["dose.dose_mg"] == 35 and named["row"] == 1 and named["cost.currency"] == "USD"


def test_more_columns_than_a_sheet_holds_is_exit_2_before_anything_is_written() -> None:
    header = "id,weight," + ",".join(f"c{i}" for i in range(17_000))
    done = process("batch", "--output", "xlsx", input=f"{header}\nA1,70\n")
    assert done.returncode == 2 and done.stdout == b"" and b"16,384" in done.stderr


@pytest.mark.slow
def test_ctrl_c_during_a_workbook_leaves_no_file_with_patients_in_it(tmp_path: Path) -> None:
    folder = tmp_path / "tmp"
    folder.mkdir()
    source = write(tmp_path, "big.csv", "id,weight\n" + "".join(f"P{i},70\n" for i in range(300_000)))
    with open(tmp_path / "out.xlsx", "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ketacalc", "batch", source, "--output", "xlsx"],
            stdout=out,
            stderr=subprocess.PIPE,
            env={**os.environ, "TMPDIR": str(folder)},
        )
        time.sleep(2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and b"Traceback" not in stderr
    assert list(folder.iterdir()) == []


def test_an_xlsb_that_unpacks_past_its_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsb"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.bin", b"\0" * (65 * 1024 * 1024))
    run = cli("batch", str(path))
    assert run.code == 2 and "unpacks to over 64 MiB" in run.stderr


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_other_spreadsheets_say_where_each_row_is_in_a_csv_written(tmp_path: Path, fmt: str) -> None:
    path = (ods if fmt == "ods" else xls)(tmp_path / f"p.{fmt}", {"March": [["ID", "Weight (kg)"], ["A", 70]]})
    header, row = list(csv.reader(io.StringIO(cli("batch", path, "--output", "csv").stdout)))
    assert dict(zip(header, row, strict=True))["sheet_row"] == "2" and "sheet" in header


def test_an_input_column_named_as_ketacalcs_renamed_one_gets_a_name_of_its_own() -> None:
    out = cli("batch", "--output", "csv", "--fields", "row,warnings", input="row,ketacalc.row,weight\n1,2,70\n").stdout
    header = next(csv.reader(io.StringIO(out)))
    assert header == ["row", "ketacalc.row", "weight", "ketacalc.row.2", "warnings"]
    assert len(set(header)) == len(header)


def test_a_cell_under_no_header_is_said_not_read(tmp_path: Path) -> None:
    run = cli("batch", input="id,weight,\nA,70,0.7 mg/kg\nB,70,\n")
    assert "note: 1 row has a cell under no header, not read (first: row 1 (line 2), '0.7 mg/kg')" in run.stderr
    book = openpyxl.Workbook()
    book.active.append(["id", "Weight (kg)"])
    book.active.append(["S", 70, "Price 900", 0.7])
    book.save(tmp_path / "long.xlsx")
    run = cli("batch", str(tmp_path / "long.xlsx"))
    assert "a cell under no header, not read (first: row 1 (sheet 'Sheet' row 2), 'Price 900')" in run.stderr


def test_json_keys_not_read_on_later_rows_are_named() -> None:
    body = '{"id":"a","weight":70}\n{"id":"b","weight":70,"fee":900,"mass":80}\n'
    run = cli("batch", "--input-format", "jsonl", input=body)
    assert "note: not read: keys on later rows: fee (row 2), mass (row 2)" in run.stderr


def test_a_json_number_id_is_spreadsheet_safe_text_in_a_csv_and_cut() -> None:
    out = cli(
        "batch",
        "--input-format",
        "jsonl",
        "--output",
        "csv",
        input='{"id":-12,"weight":70}\n{"id":1.5e300,"weight":70}\n',
    ).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["id"] == "'-12" and len(rows[1]["id"]) == 256


@pytest.mark.parametrize(
    ("line", "field", "said"),
    [
        ('{"id":"z","weight":70,"price":-715.0000000000001}', "price", "price '-715.0000000000001': is negative"),
        ('{"id":"x","weight":true}', "weight", "weight 'true' is JSON true or false, not a number or text"),
        ('{"id":"y","weight":70,"rate":[0.5]}', "rate", "rate '[0.5]' is a JSON list, not a number or text"),
    ],
)
def test_a_json_rows_error_echoes_the_value_as_the_file_writes_it(line: str, field: str, said: str) -> None:
    (record,) = records(cli("batch", "--input-format", "jsonl", input=line + "\n").stdout)
    assert record["error"]["field"] == field and said in record["error"]["message"]


def test_a_json_row_whose_keys_cannot_be_read_keeps_its_id() -> None:
    body = '{"id":"a","weight":70}\n{"id":"k","weight":70,"weight_unit":"lb"}\n'
    last = records(cli("batch", "--input-format", "jsonl", input=body).stdout)[-1]
    assert last["id"] == "k" and "has keys that cannot be read" in last["error"]["message"]


def test_a_long_sheet_name_is_echoed_cut() -> None:
    book = openpyxl.Workbook()
    book.active.append(["weight"])
    buffer = io.BytesIO()
    book.save(buffer)
    done = process("batch", "-", "--input-format", "xlsx", "--sheet", "x" * 5000, input=buffer.getvalue())
    assert done.returncode == 2 and b"(5,000 characters)" in done.stderr and len(done.stderr) < 300
