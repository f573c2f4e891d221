"""Batch quotes from CSV and JSON Lines."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc.batch.columns import FIELDS
from tests.fuzzing import check_accepted_quote, hostile_text
from tests.helpers import assert_answered, batch_file, cli, process, records, write
from tests.surfaces import OPTIONS

SAMPLE = "id,weight,rate,infusions\np1,70 kg,,\np2,154 lb,0.4,4\np3,heavy,,\np4,80,0.9,\np5,11 st,,8\n"


def test_one_record_per_row_in_order_with_row_and_id(tmp_path: Path) -> None:
    run = cli("batch", write(tmp_path, "p.csv", SAMPLE))
    out = records(run.stdout)
    assert [(r["row"], r["id"]) for r in out] == [(1, "p1"), (2, "p2"), (3, "p3"), (4, "p4"), (5, "p5")]
    assert [("error" in r) for r in out] == [False, False, True, True, False]
    assert run.code == 3
    assert "5 rows: 3 quoted, 2 rejected" in run.stderr.splitlines()


def test_a_valid_row_is_the_quote_document_plus_row_and_id(tmp_path: Path) -> None:
    out = records(cli("batch", write(tmp_path, "p.csv", SAMPLE)).stdout)
    single = cli("quote", "154 lb", "--rate", "0.4", "--infusions", "4", "--json").json()
    # The batch record carries the row's own id; the run's inputs are the row's cells (not repeated per row).
    single = {k: v for k, v in single.items() if k not in ("id", "inputs")}
    assert out[1] == {"row": 2, "line": 3, "id": "p2", **single, "kind": "batch_quote"}


def test_an_invalid_row_names_the_field_and_the_rows_around_it_are_quoted(tmp_path: Path) -> None:
    out = records(cli("batch", write(tmp_path, "p.csv", SAMPLE)).stdout)
    assert out[2]["error"]["field"] == "weight"
    assert "heavy" in out[2]["error"]["message"]
    assert out[3]["error"]["field"] == "rate"
    assert "0.1–0.75 mg/kg" in out[3]["error"]["message"]
    assert out[1]["dose"]["dose_mg"] and out[4]["dose"]["dose_mg"]
    assert set(out[2]) == {"row", "line", "id", "schema_version", "kind", "error"}
    assert out[2]["kind"] == "batch_error"


def test_all_rows_quoted_is_exit_0(tmp_path: Path) -> None:
    run = cli("batch", write(tmp_path, "ok.csv", "weight\n70\n80\n"))
    assert run.code == 0
    assert len(records(run.stdout)) == 2
    assert run.stderr.splitlines() == [
        "2 rows: 2 quoted, 0 rejected",
        "USD: 2 quoted, series total $4,800 / $7,200 / $9,600 (min / mid / max), drug 450 mg",
        "note: weight read as kg: the column 'weight' names no unit",
    ]


def test_empty_cells_take_defaults_from_flags_then_config_then_built_in(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[dose]\nrate = "0.4"\n[cost]\ninfusions = 4\n')
    path = write(tmp_path, "p.csv", "weight,rate,infusions\n70,,\n70,0.2,\n70,,\n")
    out = records(cli("batch", path, "--config", config, "--infusions", "3").stdout)
    assert [r["dose"]["rate_mg_per_kg"] for r in out] == [0.4, 0.2, 0.4]
    assert [r["series"]["infusions"] for r in out] == [3, 3, 3]
    assert out[0]["session"]["duration_min"] == 40  # built-in


def test_a_row_price_replaces_a_default_range_and_the_other_way_round(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "weight,price,price_min,price_max\n70,650,,\n70,,300,500\n")
    out = records(cli("batch", path, "--price", "700").stdout)
    assert out[0]["cost"]["per_infusion"] == {"min": "650.00", "max": "650.00", "mid": "650.00"}
    assert out[1]["cost"]["per_infusion"] == {"min": "300.00", "max": "500.00", "mid": "400.00"}


def test_every_optional_column(tmp_path: Path) -> None:
    header = "id,weight,rate,duration,infusions,price,currency,dosing_weight,height,sex,concentration,bag,start"
    row = "x,100 kg,0.5,45,6,650,EUR,adjusted,69 in,male,50 mg/mL,100 mL,23:50"
    (r,) = records(cli("batch", write(tmp_path, "all.csv", f"{header}\n{row}\n")).stdout)
    assert r["patient"]["dosing_weight_basis"] == "adjusted"
    assert r["patient"]["dosing_weight_kg"] == 82.42
    assert r["pump"]["drug_volume_ml"] == 0.8242  # the JSON's draw has 4 places: never 0 for a tiny draw
    assert r["session"]["recovery_end"] == "01:05"
    assert r["cost"]["currency"] == "EUR"


def test_jsonl_takes_strings_and_numbers_and_a_bad_line_is_a_bad_row(tmp_path: Path) -> None:
    text = (
        '{"id": 7, "weight": 70, "rate": 0.5}\nnot json\n[1, 2]\n{"weight": "154 lb", "infusions": "8"}\n{"id": "z"}\n'
    )
    run = cli("batch", write(tmp_path, "p.jsonl", text))
    out = records(run.stdout)
    assert [r["row"] for r in out] == [1, 2, 3, 4, 5]
    assert out[0]["id"] == 7 and out[0]["dose"]["dose_mg"] == 35
    assert "not valid JSON" in out[1]["error"]["message"]
    assert "not a JSON object" in out[2]["error"]["message"]
    assert out[3]["warnings"][0]["code"] == "infusions_above_usual_series"
    assert out[4]["error"] == {"field": "weight", "message": "weight is missing"}
    assert run.code == 3


def test_stdin_defaults_to_csv_and_format_can_be_overridden() -> None:
    run = cli("batch", input="weight\n70\n")
    assert run.code == 0 and records(run.stdout)[0]["dose"]["dose_mg"] == 35
    run = cli("batch", "-", "--input-format", "jsonl", input='{"weight": "70"}\n')
    assert run.code == 0 and records(run.stdout)[0]["dose"]["dose_mg"] == 35


def test_spreadsheet_exports(tmp_path: Path) -> None:
    excel = '\ufeffID,Weight,Price Max\r\n"a, b","70 kg",\r\nc,80,"1,200"\r\n'
    out = records(cli("batch", write(tmp_path, "excel.csv", excel)).stdout)
    assert out[0]["id"] == "a, b"
    assert out[1]["cost"]["per_infusion"]["max"] == "1200.00"
    european = "id;weight;rate\nq;70;0.5\n"
    assert records(cli("batch", write(tmp_path, "eu.csv", european)).stdout)[0]["dose"]["dose_mg"] == 35
    utf16 = codecs.BOM_UTF16_LE + "id,weight\r\nu,70\r\n".encode("utf-16-le")
    assert records(cli("batch", write(tmp_path, "u16.csv", utf16)).stdout)[0]["id"] == "u"


def test_csv_output_is_flat_with_a_header_and_one_line_per_row(tmp_path: Path) -> None:
    run = cli("batch", write(tmp_path, "p.csv", SAMPLE), "--output", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert len(rows) == 5
    assert rows[0]["row"] == "1" and rows[0]["dose.dose_mg"] == "35"
    assert rows[0]["cost.total.max"] == "4800.00"
    assert rows[2]["error.field"] == "weight" and rows[2]["dose.dose_mg"] == ""
    assert rows[4]["warnings"] == "infusions_above_usual_series"
    assert run.code == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("id,mass\n1,70\n", "no 'weight' column"),
        ("weight,weight\n70,80\n", "appears twice"),
    ],
)
def test_an_unusable_input_is_exit_2_with_nothing_on_stdout(tmp_path: Path, content: str, message: str) -> None:
    run = cli("batch", write(tmp_path, "bad.csv", content))
    assert run.code == 2
    assert run.stdout == ""
    assert message in run.stderr and len(run.stderr.splitlines()) == 1


def test_a_missing_file_is_exit_2() -> None:
    run = cli("batch", "/no/such/file.csv")
    assert run.code == 2
    assert "cannot open input" in run.stderr


def test_a_bad_default_is_exit_2_before_any_row(tmp_path: Path) -> None:
    run = cli("batch", write(tmp_path, "p.csv", "weight\n70\n"), "--rate", "2")
    assert run.code == 2 and run.stdout == "" and run.stderr.startswith("error: --rate '2'")


def test_strict_batch_exits_4_when_a_quoted_row_warns_and_3_wins_over_it(tmp_path: Path) -> None:
    warned = write(tmp_path, "w.csv", "weight,infusions\n70,\n70,8\n")
    run = cli("batch", warned, "--strict")
    assert run.code == 4 and len(records(run.stdout)) == 2
    assert cli("batch", warned).code == 0
    mixed = write(tmp_path, "m.csv", "weight,infusions\n70,8\noops,\n")
    assert cli("batch", mixed, "--strict").code == 3


def test_bad_format_options_are_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "weight\n70\n")
    assert cli("batch", path, "--output", "xml").code == 2
    assert cli("batch", path, "--input-format", "xls").code == 2


def test_progress_only_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    path = write(tmp_path, "big.csv", "weight\n" + "70\n" * 2500)
    result = process("batch", path)
    assert result.returncode == 0
    assert result.stderr.decode().splitlines()[0] == "2,500 rows: 2,500 quoted, 0 rejected"
    assert result.stdout.count(b"\n") == 2500


def test_a_default_dosing_weight_uses_each_rows_height_and_sex(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "id,weight,height,sex\na,100 kg,69 in,male\nb,100 kg,,\n")
    run = cli("batch", path, "--dosing-weight", "ideal")
    out = records(run.stdout)
    assert out[0]["patient"]["dosing_weight_kg"] == 70.7
    assert out[1]["error"]["field"] == "height"
    assert "and so is sex" in out[1]["error"]["message"]
    assert run.code == 3


batch_columns = st.sampled_from([column for column in FIELDS if column != "id"])


BATCH_OPTIONS = sorted(OPTIONS["batch"])


def test_a_json_lines_id_holding_numbers_is_a_row_like_any_other() -> None:
    run = cli("batch", "--input-format", "jsonl", input='{"id":[1.5],"weight":72}\n{"id":{"a":[2]},"weight":70}\n')
    assert run.code == 0
    assert [r["id"] for r in records(run.stdout)] == ["[1.5]", '{"a": [2]}']


def test_an_unterminated_quote_keeps_the_id_before_it() -> None:
    run = cli("batch", input='id,weight,rate\nB-1,70,0.5\nB-2,72,"0.5\n')
    last = records(run.stdout)[-1]
    assert run.code == 3 and last["kind"] == "batch_error" and last["id"] == "B-2"


@pytest.mark.parametrize("output", ["jsonl", "xlsx"])
def test_bom_is_for_csv_output_only(output: str) -> None:
    run = cli("batch", "--bom", "--output", output, input="weight\n70\n")
    assert run.code == 2 and "is for csv output" in run.stderr and run.stdout == ""


@given(batch_columns, st.text(max_size=30))
def test_fuzzed_batch_cells(column: str, text: str) -> None:
    cell = '"' + text.replace('"', '""') + '"'
    if column == "weight":
        body = f"id,weight\nbefore,70\nfuzz,{cell}\nafter,80\n"
    else:
        body = f"id,weight,{column}\nbefore,70,\nfuzz,70,{cell}\nafter,80,\n"
    run = assert_answered(["batch", "-"], {0, 3}, input=body)
    records = [json.loads(line) for line in run.stdout.splitlines()]  # type: ignore[attr-defined]
    assert [r["id"] for r in records] == ["before", "fuzz", "after"]
    assert "error" not in records[0] and "error" not in records[2]
    for record in records:
        if "error" not in record:
            check_accepted_quote(record)


def test_a_200000_character_id_is_echoed_cut(tmp_path: Path) -> None:
    code, records, _ = batch_file(tmp_path, b"id,weight\n" + b"x" * 200_000 + b",70\n")
    assert code == 0 and records[0]["id"] == "x" * 256


def test_ctrl_c_in_the_middle_of_a_batch_exits_130_with_at_most_one_line(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("weight\n" + "70\n" * 400_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketacalc", "batch", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert len(stderr.decode().splitlines()) <= 1
    assert b"Traceback" not in stderr and b"KeyboardInterrupt" not in stderr


@given(st.sampled_from(BATCH_OPTIONS), hostile_text)
def test_fuzzed_options_of_batch(option: str, text: str) -> None:
    run = assert_answered(["batch", "-", option, text], {0, 2, 3}, input="id,weight\na,70\nb,80\n")
    if run.code in (0, 3):  # type: ignore[attr-defined]
        records = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]  # type: ignore[attr-defined]
        assert len(records) == 2 or option == "--output"


def test_odd_ids_never_stop_the_batch() -> None:
    body = '{"id":"\\ud800","weight":70}\n{"id":"Zoë-1","weight":80}\n{"id":"after","weight":90}\n'
    for output in ("jsonl", "csv"):
        run = process("batch", "--input-format", "jsonl", "--output", output, input=body)
        assert run.returncode == 0, run.stderr
        assert len(run.stdout.decode("utf-8").splitlines()) == 3 + (output == "csv")
    cp1252 = process("batch", "--input-format", "jsonl", input=body, env={"PYTHONIOENCODING": "cp1252"})
    assert cp1252.returncode == 0
    assert [r["id"] for r in records(cp1252.stdout.decode("utf-8"))] == ["\ud800", "Zoë-1", "after"]


def test_long_numeric_ids_are_cut() -> None:
    run = cli("batch", "--input-format", "jsonl", input='{"id":' + "9" * 300 + ',"weight":70}\n')
    assert records(run.stdout)[0]["id"] == "9" * 256


def test_batch_records_name_the_drug() -> None:
    record = json.loads(cli("batch", input="weight\n70\n").stdout)
    assert record["drug"] == "ketamine"


def test_batch_csv_with_a_standard_concentration_and_its_header_unit() -> None:
    run = cli("batch", "--output", "csv", input="weight,final_concentration\n70,1 mg/mL\n200,2 mg/mL\n")
    assert run.code == 0 and run.stdout.count("\n") == 3
    record = json.loads(cli("batch", input="weight,Final concentration (mg/mL)\n70,2\n").stdout)
    assert record["pump"]["vtbi_ml"] == 17.5


def test_a_batch_default_order_per_time_is_checked_with_each_rows_duration(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[dose]\nrate = "0.5 mg/kg/h"\nduration = "100 min"\n')
    run = cli("batch", "--config", config, input="weight,duration\n70,60\n")
    assert run.code == 0 and json.loads(run.stdout)["dose"]["rate_mg_per_kg"] == 0.5


def test_the_summary_counts_warnings_by_code_blank_rows_and_thousands(tmp_path: Path) -> None:
    rows = "".join(f"P{i},70\n" for i in range(1200)) + "H,150\n,,\n,,\nX,abc\n"
    source = tmp_path / "many.csv"
    source.write_text("id,weight\n" + rows, encoding="utf-8")
    summary_path = tmp_path / "summary.json"
    run = cli("batch", str(source), "--summary-json", str(summary_path))
    lines = run.stderr.splitlines()
    assert lines[0] == "1,202 rows: 1,201 quoted, 1 rejected, 2 skipped"
    assert "warnings: 1 row quoted with them (height_and_sex_suggested 1)" in lines
    assert "skipped: 2 blank rows" in lines
    document = json.loads(summary_path.read_text(encoding="utf-8"))
    assert document["warned_by_code"] == {"height_and_sex_suggested": 1}
    assert (document["skipped"], document["blank"], document["rows"]) == (2, 2, 1202)


def test_a_price_column_that_names_no_currency_says_which_it_was_read_in() -> None:
    """As a weight column that names no unit: said once, never silently the default."""
    bare = cli("batch", "-", input="id,weight,price\nA,70,650\n").stderr
    assert "note: prices that name no currency read as USD (the default; give --currency" in bare
    flagged = cli("batch", "-", "--currency", "EUR", input="id,weight,price\nA,70,650\n").stderr
    assert "prices that name no currency read as EUR: the column 'price' names none" in flagged
    for named in ("id,weight,Price (EUR)\nA,70,650\n", "id,weight,price,currency\nA,70,650,EUR\n"):
        assert "name no currency" not in cli("batch", "-", input=named).stderr
