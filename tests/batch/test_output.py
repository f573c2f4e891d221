"""CSV and workbook output as a clerk uses it: the input's own columns first, a short default set of
ketacalc's (``--fields`` for others), numbers that stay numbers, and ``--excel``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings

from tests.fuzzing import hostile_text
from tests.helpers import cli, process, write

SHEET = "Name,Patient ID,Weight in lbs,Dose (mg/kg),Notes\nAnn Lee,1001,154,0.25,first visit\nBo Chan,1002,heavy,,\n"
DEFAULT_AFTER_OWN = [
    "row",
    "line",
    "patient.weight_kg",
    "dose.rate_mg_per_kg",
    "dose.dose_mg",
    "series.infusions",
    "cost.currency",
    "cost.per_infusion.min",
    "cost.per_infusion.max",
    "cost.total.min",
    "cost.total.mid",
    "cost.total.max",
    "warnings",
    "error.field",
    "error.message",
    "disclaimer",
]


def _csv(run_stdout: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(run_stdout)))


def _xlsx(tmp_path: Path, *args: str) -> list[list[object]]:
    done = process("batch", *args, "--output", "xlsx")
    assert done.returncode in (0, 3), done.stderr
    sheet = openpyxl.load_workbook(io.BytesIO(done.stdout))["quotes"]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_inputs_own_columns_come_first_unchanged_then_the_short_default_set(tmp_path: Path) -> None:
    run = cli("batch", write(tmp_path, "p.csv", SHEET), "--output", "csv")
    header, ann, bo = _csv(run.stdout)
    own = ["Name", "Patient ID", "Weight in lbs", "Dose (mg/kg)", "Notes"]
    assert header == own + DEFAULT_AFTER_OWN  # no second id: the input's own is there
    assert ann[:5] == ["Ann Lee", "1001", "154", "0.25", "first visit"]
    named = dict(zip(header, ann, strict=True))
    assert named["patient.weight_kg"] == "69.85" and named["dose.dose_mg"] == "17.46"  # 154 lb at 0.25 mg/kg
    bo_named = dict(zip(header, bo, strict=True))
    assert bo[:3] == ["Bo Chan", "1002", "heavy"] and bo_named["error.field"] == "weight"  # the error beside the name


def test_a_units_row_gives_its_units_to_the_headers_written(tmp_path: Path) -> None:
    run = cli("batch", write(tmp_path, "p.csv", "ID,Weight,Price\n,(lb),(USD)\nP1,154,650\n"), "--output", "csv")
    header, row = _csv(run.stdout)
    assert header[:3] == ["ID", "Weight (lb)", "Price (USD)"] and row[:3] == ["P1", "154", "650"]


def test_totals_rows_are_not_written_and_blank_rows_are_not_either(tmp_path: Path) -> None:
    body = "id,weight\nP1,70\n,\nTotal,70\n"
    rows = _csv(cli("batch", write(tmp_path, "p.csv", body), "--output", "csv").stdout)
    assert [row[0] for row in rows[1:]] == ["P1"]


def test_fields_picks_ketacalcs_columns_in_the_order_given(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "id,weight,start\nP1,70,2025-12-08 09:30\n")
    header, row = _csv(cli("batch", path, "--output", "csv", "--fields", "cost.total.mid,id,dose.dose_mg").stdout)
    assert header == ["id", "weight", "start", "cost.total.mid", "ketacalc.id", "dose.dose_mg"]
    assert row == ["P1", "70", "2025-12-08 09:30", "3600.00", "P1", "35"]
    header, row = _csv(cli("batch", path, "--output", "csv", "--fields", "default,session.rate_mg_per_h").stdout)
    assert header[-1] == "session.rate_mg_per_h" and row[-1] == "52.5"
    assert {"date", "session.start", "session.infusion_end", "session.recovery_end"} <= set(header)
    header, _ = _csv(cli("batch", path, "--output", "csv", "--fields", "all").stdout)
    assert len(header) == 3 + 83 and "pump.rate_ml_per_h" in header and "ketacalc.id" in header


def test_session_columns_of_plain_rows_are_the_json_lines_figures(tmp_path: Path) -> None:
    """Plain rows take the fast path, which leaves out the session's rates when no column asks
    for them: asked for, they are the figures JSON Lines writes for the same rows."""
    path = write(tmp_path, "p.csv", "id,weight,rate,duration\nP1,70,0.5,45\nP2,154 lb,0.3,\nP3,80.35,,100\n")
    fields = "session.duration_min,session.rate_mg_per_h,session.window_rates.longest.rate_mg_per_min"
    header, *rows = _csv(cli("batch", path, "--output", "csv", "--fields", fields).stdout)
    records = [json.loads(line) for line in cli("batch", path).stdout.splitlines()]
    assert header[-3:] == fields.split(",") and len(rows) == len(records) == 3
    for row, record in zip(rows, records, strict=True):
        session = record["session"]
        shown = [
            session["duration_min"],
            session["rate_mg_per_h"],
            session["window_rates"]["longest"]["rate_mg_per_min"],
        ]
        assert row[-3:] == [str(value) for value in shown]
    assert not any(name.startswith("session.") for name in _csv(cli("batch", path, "--output", "csv").stdout)[0])


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("dose", "--fields 'dose': is not a column ketacalc writes"),
        ("id,,dose.dose_mg", "--fields '(empty)': is not a column"),
        ("id,Dose.Dose_mg", "--fields 'Dose.Dose_mg': is not a column"),
    ],
)
def test_an_unknown_field_is_one_line_before_any_row(given: str, said: str) -> None:
    run = cli("batch", "--output", "csv", "--fields", given, input="weight\n70\n")
    assert run.code == 2 and run.stdout == "" and run.stderr.startswith(f"error: {said}")
    assert len(run.stderr.splitlines()) == 1


@pytest.mark.parametrize("option", [["--fields", "id"], ["--excel"]])
def test_csv_and_workbook_options_with_json_lines_output_are_refused(option: list[str]) -> None:
    run = cli("batch", *option, input="weight\n70\n")
    assert run.code == 2 and run.stdout == "" and "output" in run.stderr


def test_a_json_input_has_no_own_columns_and_keeps_ketacalcs_id() -> None:
    run = cli("batch", "--input-format", "jsonl", "--output", "csv", input='{"id":"P1","weight":70}\n')
    header, row = _csv(run.stdout)
    assert header[:3] == ["row", "id", "patient.weight_kg"] and row[:3] == ["1", "P1", "70"]


def test_a_workbook_input_writes_where_the_row_is_on_its_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "March"
    book.active.append(["Title of the sheet"])
    book.active.append(["Name", "ID", "Weight (kg)"])
    book.active.append(["Ann", 1001, 70])
    book.save(tmp_path / "in.xlsx")
    header, row = _csv(cli("batch", str(tmp_path / "in.xlsx"), "--output", "csv").stdout)
    assert header[:5] == ["Name", "ID", "Weight (kg)", "row", "sheet"] and header[5] == "sheet_row"
    assert row[:6] == ["Ann", "1001", "70", "1", "March", "3"]


def test_numeric_ids_stay_numbers_in_a_workbook_and_others_stay_text(tmp_path: Path) -> None:
    body = "Patient ID,Weight,Ref\n1001,70,007\n1002.5,80,1e3\n12345678901234567,90,=1+1\n"
    rows = _xlsx(tmp_path, write(tmp_path, "p.csv", body))
    assert rows[0][:3] == ["Patient ID", "Weight", "Ref"]
    assert [row[0] for row in rows[1:]] == [1001, 1002.5, "12345678901234567"]
    assert [row[2] for row in rows[1:]] == ["007", "1e3", "=1+1"]  # text, never a formula
    assert all(isinstance(row[1], int) for row in rows[1:])


def test_a_workbooks_number_cells_stay_numbers_in_the_workbook_written(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["ID", "Weight (kg)", "Deposit"])
    book.active.append([1001, 70.5, 100])
    book.save(tmp_path / "in.xlsx")
    rows = _xlsx(tmp_path, str(tmp_path / "in.xlsx"))
    assert rows[1][:3] == [1001, 70.5, 100]
    assert "notice" not in rows[0] and "disclaimer" not in rows[0]  # said once, on the notes sheet


def test_excel_writes_the_bom_crlf_and_a_sep_line(tmp_path: Path) -> None:
    done = process("batch", write(tmp_path, "p.csv", "id,weight\nZoë,70\n"), "--output", "csv", "--excel")
    assert done.stdout.startswith(b"\xef\xbb\xbfsep=,\r\nid,weight,row,")
    lines = done.stdout.split(b"\r\n")
    assert lines[-1] == b"" and not any(b"\n" in line for line in lines)
    assert lines[2].startswith("Zoë,70,1,".encode())


@settings(max_examples=30, deadline=None)
@given(cell=hostile_text, name=hostile_text)
def test_the_inputs_own_cells_and_headers_are_as_safe_as_ketacalcs(cell: str, name: str) -> None:
    quoted = '"' + cell.replace('"', '""') + '"'
    header = '"' + (name or "x").replace('"', '""') + '"'
    body = f"id,weight,{header}\nP1,70,{quoted}\n"
    run = process("batch", "--output", "csv", input=body.encode("utf-8", "surrogatepass"))
    assert run.returncode in (0, 2, 3), run.stderr
    if run.returncode == 2:
        return  # a header ketacalc refuses (a look-alike of a field): one line, its own tests
    text = run.stdout.decode("utf-8")
    rows = _csv(text)
    assert len(rows) == 2 and len(text.splitlines()) == 2  # one line a row, whatever the cell holds
    for value in rows[0] + rows[1]:
        assert not value.startswith(("=", "+", "-", "@")), value
        assert not any(ord(char) < 32 or char == "\x7f" for char in value), value


def test_undecodable_bytes_in_an_own_cell_are_shown_not_written_raw(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", b"id,weight,Notes\nP1,70,caf\xe9\n")
    done = process("batch", path, "--output", "csv", "--encoding", "utf-8")  # named: a row's error, not exit 2
    header, row = _csv(done.stdout.decode("utf-8"))
    named = dict(zip(header, row, strict=True))
    assert row[:3] == ["P1", "70", "caf\\xe9"] and "not valid in the input's encoding" in named["error.message"]
