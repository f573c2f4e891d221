"""Tests of tests/batch/test_csvfile.py."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc.batch.rows import is_totals
from tests.helpers import HANG_SECONDS, batch_file, cli, process, records, write


def config_file(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "clinic.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


ids = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30)


def one_line_error(run: Any, code: int = 2) -> None:
    assert run.code == code, (run.code, run.stderr)
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: ")


def test_a_200000_character_cell_is_a_row_error(tmp_path: Path) -> None:
    code, records, _ = batch_file(tmp_path, b"id,weight\na,70\nb," + b"7" * 200_000 + b"\nc,80\n")
    assert code == 3
    assert records[1]["error"]["field"] == "weight" and "too long" in records[1]["error"]["message"]
    assert len(records[1]["error"]["message"]) < 300


def test_mixed_line_endings(tmp_path: Path) -> None:
    code, records, _ = batch_file(tmp_path, b"id,weight\r\na,70\nb,80\r\nc,90\rd,100\n")
    assert code == 0
    assert [(r["id"], r["dose"]["dose_mg"]) for r in records] == [("a", 35), ("b", 40), ("c", 45), ("d", 50)]


def test_header_only_is_zero_rows_exit_0(tmp_path: Path) -> None:
    code, records, stderr = batch_file(tmp_path, b"id,weight\n")
    assert code == 0 and records == [] and "0 rows: 0 quoted, 0 rejected" in stderr


def test_an_empty_file_is_exit_2(tmp_path: Path) -> None:
    code, records, stderr = batch_file(tmp_path, b"")
    assert code == 2 and records == [] and "empty" in stderr


def test_duplicate_known_columns_are_exit_2_and_extra_columns_are_ignored(tmp_path: Path) -> None:
    code, _, stderr = batch_file(tmp_path, b"weight,rate,Rate\n70,0.5,0.4\n")
    assert code == 2 and "'rate' appears twice" in stderr
    code, records, _ = batch_file(tmp_path, b"weight,notes,notes,colour\n70,x,y,blue\n")
    assert code == 0 and records[0]["dose"]["dose_mg"] == 35


def test_quoted_cells_with_commas_and_newlines(tmp_path: Path) -> None:
    code, records, _ = batch_file(tmp_path, b'id,weight,price\n"Smith, J\nward 3","70 kg","1,200"\n')
    assert code == 0
    assert records[0]["id"] == "Smith, J\nward 3"
    assert records[0]["cost"]["per_infusion"]["min"] == "1200.00"


def test_a_row_with_more_cells_than_the_header_is_rejected_not_shifted(tmp_path: Path) -> None:
    # An unquoted thousands separator would otherwise move every later cell.
    code, records, _ = batch_file(tmp_path, b"weight,price,infusions\n70,1,200,6\n80,650,6\n")
    assert code == 3
    assert records[0]["error"]["field"] is None and "cells" in records[0]["error"]["message"]
    assert records[1]["cost"]["per_infusion"]["min"] == "650.00"


def test_a_garbage_header_made_a_long_error_line(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"x" * 100_000 + b",y\n1,2\n")
    run = cli("batch", str(path))
    assert run.code == 2 and len(run.stderr) < 300


def test_a_tiny_step_over_no_span_is_one_row_at_once() -> None:
    start = time.perf_counter()
    run = cli("chart", "--from", "40", "--to", "40", "--step", "0.00000000000000000000000000001", "--json")
    assert time.perf_counter() - start < HANG_SECONDS
    assert len(run.json()["chart"]["rows"]) == 1


def test_a_cell_over_the_limit_is_its_own_rows_error_and_nothing_comes_from_inside(tmp_path: Path) -> None:
    note = "x" * 2_000_000 + "\nP-999,99\n" + "y" * 10
    body = f'id,weight,note\nA-1,70,ok\nA-2,80,"{note}"\nA-3,90,ok\n'
    run = cli("batch", config_file(tmp_path, body).replace("clinic.toml", "clinic.toml"), "--input-format", "csv")
    out = records(run.stdout)
    assert [r["row"] for r in out] == [1, 2, 3]
    assert [r["id"] for r in out] == ["A-1", None, "A-3"]
    assert "over 1,048,576 characters" in out[1]["error"]["message"]
    assert all(r.get("patient", {}).get("weight_kg") != 99 for r in out)
    assert run.code == 3


def test_a_stray_quote_is_reported_where_it_opened() -> None:
    run = cli("batch", input='id,weight\nA-1,70\nA-2,"80\nA-3,90\nA-4,100\n')
    out = records(run.stdout)
    assert run.code == 3
    assert out[0]["id"] == "A-1" and "error" not in out[0]
    assert "on line 3 opens a quote that is never closed" in out[1]["error"]["message"]
    assert "lines 3–5" in out[1]["error"]["message"]
    assert len(out) == 2


def test_a_quote_inside_an_unquoted_cell_is_literal_as_csv_reads_it() -> None:
    run = cli("batch", input="id,weight,height,sex\nA-1,70,5'9\",m\nA-2,80,,\n")
    out = records(run.stdout)
    assert [r["id"] for r in out] == ["A-1", "A-2"] and run.code == 0
    assert out[0]["patient"]["height_cm"] == 175.3


def test_a_doubled_quote_split_by_the_1_mib_read_is_still_one_quote(tmp_path: Path) -> None:
    body = 'id,weight\n"' + "x" * 1048574 + '""\nF-1,1\n",70\nA-3,90\n'
    out = records(cli("batch", config_file(tmp_path, body), "--input-format", "csv").stdout)
    assert [r["id"] for r in out] == [None, "A-3"]
    assert "over 1,048,576 characters" in out[0]["error"]["message"] and "error" not in out[1]


@pytest.mark.parametrize("end", ["\r\n", "\n"])
def test_a_line_end_split_by_the_1_mib_read_is_one_line_end(tmp_path: Path, end: str) -> None:
    """A line of 1 MiB less one character: the read stops between its \r and \n, and the lines
    after it keep their numbers (a clerk finds A2 on line 3, not 4)."""
    body = f"id,weight,notes{end}A1,70," + "x" * (1048575 - 6) + f"{end}A2,71,y{end}"
    path = tmp_path / "straddle.csv"
    path.write_bytes(body.encode())
    out = records(cli("batch", str(path)).stdout)
    assert [(r["id"], r["line"], r["kind"]) for r in out] == [("A1", 2, "batch_quote"), ("A2", 3, "batch_quote")]


def test_an_endless_header_is_refused_at_once() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ketacalc", "batch", "/dev/zero"], capture_output=True, timeout=30, check=False
    )
    assert run.returncode == 2 and b"header row is over" in run.stderr


@given(st.lists(st.tuples(ids, st.sampled_from(["70", "80 kg", "", "abc", "154 lb"])), min_size=1, max_size=8))
def test_fuzzed_batch_framing_one_record_per_row(rows: list[tuple[str, str]]) -> None:
    """A file written by Python's csv writer (as spreadsheets quote: commas,
    quotes and line breaks inside cells) gives exactly one record per row, in
    order, with its id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "weight"])
    written = [(row_id, weight) for row_id, weight in rows if row_id.strip() or weight.strip()]
    writer.writerows(written)
    run = cli("batch", input=buffer.getvalue())
    out = records(run.stdout)
    # A row whose id is a totals word (TOTAL, Summe) is no patient: skipped, and said in the summary.
    numbered = [(number, row) for number, row in enumerate(written, start=1) if not is_totals([row[0]])]
    assert [r["row"] for r in out] == [number for number, _ in numbered]
    assert [r["id"] for r in out] == [row_id[:256] if row_id.strip() else None for _, (row_id, _) in numbered]
    assert (len(numbered) < len(written)) == ("a totals row" in run.stderr)


@given(st.lists(st.sampled_from(["70", "80", '"90', '9"0', '""', "'", '"a,b"']), min_size=1, max_size=8))
def test_fuzzed_stray_quotes_invent_and_swallow_nothing(cells: list[str]) -> None:
    body = "id,weight\n" + "".join(f"R{i},{cell}\n" for i, cell in enumerate(cells))
    run = cli("batch", input=body)
    assert run.code in (0, 3) and "Traceback" not in run.stderr
    out = records(run.stdout)
    seen = [int(r["id"][1:]) for r in out if r["id"] is not None]
    assert seen == sorted(set(seen)) and set(seen) <= set(range(len(cells)))  # in order, none invented
    if len(out) < len(cells):  # rows went into an open quote: said so
        assert any("could not be split into rows" in r.get("error", {}).get("message", "") for r in out)


def test_a_header_cell_over_the_limit_is_exit_2() -> None:
    one_line_error(cli("batch", input='"' + "w" * 2_000_000 + '",weight\n1,70\n'))


def test_an_array_of_tables_is_named_as_such(tmp_path: Path) -> None:
    run = cli("quote", "70", "--config", config_file(tmp_path, '[[dose]]\nrate = "0.4"\n'))
    one_line_error(run)
    assert "[[dose]] is an array of tables" in run.stderr


# --- a decimal mark that the file does not say (#21: a German export's 1.250 was quoted as 1.25) ---


def test_a_price_that_reads_two_ways_in_a_semicolon_file_is_refused_before_any_output(tmp_path: Path) -> None:
    source = write(tmp_path, "de.csv", "Patient ID;Weight (kg);Price (EUR)\nA;70;1.250\nB;80;1.250\n")
    run = cli("batch", source)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("error: line 2 price '1.250' could be read two ways")
    assert "--decimal comma or --decimal point" in run.stderr and len(run.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("weight", "settling", "price"),
    [
        ("80,5", "80,5", "1250.00"),
        ("80", "1.100,00", "1250.00"),
        ("80.5", "80.5", "1.25"),
        ("80", "1,100.00", "1.25"),
    ],
)
def test_another_cell_settles_the_decimal_mark_and_says_which(
    tmp_path: Path, weight: str, settling: str, price: str
) -> None:
    second_price = "1.250" if settling == weight else settling
    text = f"Patient ID;Weight (kg);Price (EUR)\nA;70;1.250\nB;{weight};{second_price}\n"
    run = cli("batch", write(tmp_path, "de.csv", text))
    assert run.code == 0, run.stderr
    assert records(run.stdout)[0]["cost"]["per_infusion"]["min"] == price
    assert f"'{settling}' shows" in run.stderr and "give --decimal to say so" in run.stderr


def test_cells_that_disagree_on_the_mark_are_refused(tmp_path: Path) -> None:
    source = write(tmp_path, "mixed.tsv", "id\tweight\tprice\nA\t70,5\t1.250\nB\t80.5\t1.250\n")
    run = cli("batch", source, "--input-format", "csv")
    assert run.code == 2 and run.stdout == ""
    assert "disagree" in run.stderr and "line 2 weight '70,5'" in run.stderr and "line 3 weight '80.5'" in run.stderr


def test_the_decimal_option_says_how_to_read_it(tmp_path: Path) -> None:
    source = write(tmp_path, "de.csv", "Patient ID;Weight (kg);Price (EUR)\nA;70;1.250\n")
    assert records(cli("batch", source, "--decimal", "point").stdout)[0]["cost"]["per_infusion"]["min"] == "1.25"
    assert records(cli("batch", source, "--decimal", "comma").stdout)[0]["cost"]["per_infusion"]["min"] == "1250.00"


@pytest.mark.parametrize("cell", ["0.650", "0.080"])
def test_with_a_decimal_comma_a_leading_0_groups_no_thousands(cell: str) -> None:
    """Found by a clerk's review: --decimal comma read 0.650 as 650 and 0.080 kg as 80 kg."""
    run = cli("batch", "--decimal", "comma", input=f"id;weight;price\nP1;{cell};{cell}\n")
    (record,) = records(run.stdout)
    assert run.code == 3 and record["kind"] == "batch_error" and "decimal comma" in record["error"]["message"]


def test_on_a_piped_stdin_a_number_that_reads_two_ways_is_that_rows_error() -> None:
    # A pipe is read once: the row cannot wait for the file's other cells. (stdin from a file, < de.csv,
    # is read as the file it is.)
    run = process("batch", "-", input="Patient ID;Weight (kg);Price (EUR)\nA;70;1.250\nB;80;650\n")
    first, second = records(run.stdout.decode())
    assert run.returncode == 3
    assert first["error"] == {
        "field": "price",
        "message": "price '1.250' could be read two ways (1.25 or 1250): give --decimal comma or --decimal point",
    }
    assert second["cost"]["per_infusion"]["min"] == "650.00"


@pytest.mark.parametrize(("cell", "readings"), [("250.125", "250.125 or 250125"), ("1,250", "1250 or 1.25")])
def test_a_number_that_reads_two_ways_is_said_with_its_own_two_readings(
    tmp_path: Path, cell: str, readings: str
) -> None:
    """Found by a clerk's review: every such cell was said to read "1.25 or 1250", whatever it held."""
    source = write(tmp_path, "de.csv", f"Patient ID;Weight (kg);Price (BHD)\nA;70;{cell}\n")
    run = cli("batch", source)
    assert run.code == 2 and f"price '{cell}' could be read two ways ({readings})" in run.stderr


def test_a_quote_closing_a_cell_before_its_end_is_the_rows_error_with_its_id() -> None:
    """Found by a clerk's review: '"P1","Bob,"70","45"' was quoted at 45 kg, its age."""
    out = records(cli("batch", input='"ID","Notes","Weight","Age"\n"P1","Bob,"70","45"\n"P2","ok","71","50"\n').stdout)
    assert [r["kind"] for r in out] == ["batch_error", "batch_quote"]
    out = records(cli("batch", input='ID,Notes,Weight,Age\nP1,"Bob,"70,45\nP2,ok,71,50\n').stdout)
    assert [(r["id"], r["kind"]) for r in out] == [("P1", "batch_error"), ("P2", "batch_quote")]  # the id before it
    assert "a quote closes a cell before its end" in out[0]["error"]["message"]
    assert out[1]["patient"]["weight_kg"] == 71


def test_a_short_row_whose_quoted_cell_holds_its_missing_cells_is_an_error() -> None:
    """Found by the fuzzer: '"R0,70,note 0",40' under id,weight,notes,comment read the comment's 40
    as the weight. A short row with a genuine comma after its weight is still read."""
    out = records(cli("batch", input='id,weight,notes,comment\n"R0,70,note 0",40\nR1,71,x,y\n').stdout)
    assert [r["kind"] for r in out] == ["batch_error", "batch_quote"]
    assert "a quoted cell before its weight holds the delimiter (a stray quote?)" in out[0]["error"]["message"]
    assert (
        records(cli("batch", input='id,weight,notes,comment\nR0,70,"Doe, Jane"\n').stdout)[0]["kind"] == "batch_quote"
    )


def test_rows_a_stray_quote_swallowed_into_a_header_cell_are_exit_2() -> None:
    """Found by a clerk's review: two patients became part of a column named 'Notes…' and only the
    third was quoted, exit 0."""
    run = cli("batch", input='id,weight,"Notes\nP1,70,x\nP2,80,see chart"\nP3,90,\n')
    assert run.code == 2 and run.stdout == "" and len(run.stderr.splitlines()) == 1
    assert "holds lines with the delimiter (a stray quote?), so lines 1–3 could not be read as a header" in run.stderr
    assert cli("batch", input='id,"Weight\n(lb)"\nP1,154\n').code == 0  # a header wrapped in its cell is one


@pytest.mark.parametrize("rate", ["0.125", "0.500"])
def test_a_number_that_starts_with_0_and_a_mark_reads_one_way(rate: str) -> None:
    """0.125 groups no thousands (no one writes 125 so): a decimal point, never refused as two ways
    (found by a clerk's review: every row of a rate column in a ; file was refused)."""
    run = cli("batch", input=f"id;weight;rate\nP1;70;{rate}\n")
    assert run.code == 0, run.stderr
    assert records(run.stdout)[0]["dose"]["rate_mg_per_kg"] == float(rate)


def test_a_comma_separated_file_keeps_its_points(tmp_path: Path) -> None:
    # A comma-delimited file cannot hold an unquoted decimal comma: 1.250 is 1.25 there, as before.
    source = write(tmp_path, "us.csv", "id,weight,price\nA,70,1.250\n")
    assert records(cli("batch", source).stdout)[0]["cost"]["per_infusion"]["min"] == "1.25"


_MARKED = st.sampled_from(["1.250", "1,250", "82,5", "82.5", "1.100,00", "1,100.00", "650", "12.500"])


@given(cells=st.lists(st.tuples(_MARKED, _MARKED), min_size=1, max_size=6))
def test_fuzzed_semicolon_files_never_read_a_number_one_way_unsaid(
    tmp_path: Path, cells: list[tuple[str, str]]
) -> None:
    """Whatever the mix of marks in a ; file: a number that reads two ways is quoted only in the mark
    the file's other cells all show, and every price quoted is that reading; else exit 2."""
    from ketacalc.batch.numbers import decimal_evidence, from_decimal_comma

    rows = [("70" if weight == "650" else weight, price) for weight, price in cells]
    text = "id;weight;price\n" + "".join(f"P{i};{w};{p}\n" for i, (w, p) in enumerate(rows))
    run = cli("batch", write(tmp_path, "fuzzed.csv", text))
    kinds = {decimal_evidence(value) for pair in rows for value in pair} - {None}
    if "either" in kinds and len(kinds - {"either"}) != 1:
        assert run.code == 2 and run.stdout == "", run.stderr
        return
    comma = "either" in kinds and kinds - {"either"} == {"comma"}
    for record, (_, price) in zip(records(run.stdout), rows, strict=True):
        if "cost" in record:
            expected = Decimal(from_decimal_comma(price) or price) if comma else Decimal(price.replace(",", ""))
            assert Decimal(record["cost"]["per_infusion"]["min"]) == expected, (price, record["cost"])


_cell_text = st.text(
    st.one_of(
        st.sampled_from([",", ";", "\t", "|", '"', "\r", "\n", " ", "\x00", "7", ".", "k", "é", "\u2028"]),
        st.characters(blacklist_categories=["Cs"]),
    ),
    max_size=8,
)


@given(
    rows=st.lists(st.lists(_cell_text, min_size=1, max_size=4), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_fuzzed_files_give_each_rows_cells_as_pythons_csv_reads_them(
    rows: list[list[str]], delimiter: str, ending: str, quoting: Literal[0, 1]
) -> None:
    """A line without a quote is split without the csv module (the batch's common case, quickly):
    on any file a spreadsheet could write, quoted or not, every row's own cells are csv's."""
    from ketacalc.batch.csvfile import read_csv

    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=delimiter, lineterminator=ending, quoting=quoting)
    writer.writerow(["id", "weight", "note"])
    writer.writerow(["R0", "70", "first"])  # so no random row stands right under the header, as a units row would
    writer.writerows(rows)
    expected = [
        cells
        for cells in csv.reader(io.StringIO(text.getvalue(), newline=""), delimiter=delimiter)
        if "".join(cells).strip() and not is_totals(cells)
    ][1:]
    read, _ = read_csv(io.StringIO(text.getvalue(), newline=""))
    assert [row.own for row in read if row.skipped is None] == expected


@pytest.mark.parametrize(
    "body",
    [
        'id,weight\n"A1,70\nA2,71\nA3",72\nA4,73\n',  # a stray quote in the id swallows two patients
        'id,weight,notes\nA1,70,"oops\nA2,71,x\nA3,72,"y"\nA4,73,z\n',  # in a column ketacalc does not read
        'id,weight,notes\n"A1,70,x\nA2",71,y\nA4,73,z\n',
        'id,weight,notes,rate\nA1,70,"prefers mornings,0.5\nP2,,see chart",0.75\nA4,73,,0.5\n',
        'id,weight,rate\n"A1,11 st 4 lb,0.5\nP2",80,0.75\nA4,73,0.5\n',  # stone and pounds
        'id,weight,notes,rate\nA1,70,"prefers mornings,0.5\nP2,TBD,see chart",0.75\nA4,73,,0.5\n',  # a weight to come
    ],
)
def test_rows_a_stray_quote_swallowed_into_an_id_or_unread_cell_are_an_error_not_a_merge(body: str) -> None:
    run = cli("batch", input=body)
    out = records(run.stdout)
    assert run.code == 3
    (error,) = [r for r in out if r["kind"] == "batch_error"]
    assert "a stray quote?" in error["error"]["message"] and "could not be split into rows" in error["error"]["message"]
    assert [(r["id"], r["patient"]["weight_kg"]) for r in out if r["kind"] == "batch_quote"] == [("A4", 73)]


@pytest.mark.parametrize(
    ("body", "note"),
    [
        ('id,weight,notes\nA1,70,"Call back, Monday\nallergic: latex"\nA2,71,x\n', "Call back, Monday"),
        ('weight,notes\n70,"Call back, Monday\nallergic: latex"\n71,x\n', "Call back, Monday"),
        ('ID,Weight,Address\nA1,70,"12 Main St, Apt 4, Springfield, IL 62704\nUSA"\nA2,71,x\n', "12 Main St"),
        ('id,weight\n"two\nlines",70\nA2,71\n', "two"),
        # Found by a third review, refused as stray quotes by a first version of the check:
        ('id,weight,notes\nA1,70,"Referred by Dr. Lee\nLast infusion: March 3, 2025"\nA2,71,x\n', "Dr. Lee"),
        ('id,weight,notes\nA1,70,"Vitals:\nBP 120/80, 72 bpm"\nA2,71,x\n', "Vitals"),
        ('weight,notes\n70,"Plan:\n2 weeks, then review"\n71,x\n', "Plan"),
        ('Weight (kg),Name,Address\n70,Jo,"Hauptstr. 5\n10115 Berlin, Germany"\n71,x,y\n', "Hauptstr"),
        ('id,weight\n"Doe, Jane\nMRN, 12345",70\nA2,71\n', "Doe, Jane"),
        (
            'a,b,c,weight,d,notes\n1,2,3,70,4,"meds: a, b, c, d, e, f\n'
            'ibuprofen 400 mg, paracetamol 1 g, aspirin, x, y"\n1,2,3,71,4,x\n',
            "meds",
        ),
    ],
)
def test_a_note_on_several_lines_is_still_a_note(body: str, note: str) -> None:
    """Genuine multi-line cells as Excel and LibreOffice quote them, in narrow and wide sheets: read,
    never taken for rows a stray quote swallowed (found by a clerk's review: refused at 2 columns)."""
    run = cli("batch", "--output", "csv", input=body)
    assert run.code == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [r["patient.weight_kg"] for r in rows] == ["70", "71"]
    assert any(note in value and "\\n" in value for value in rows[0].values())  # one line in the output, escaped


_COLUMNS = ["id", "weight", "notes", "comment"]


@given(
    order=st.permutations(_COLUMNS),
    width=st.integers(2, 4),
    marks=st.lists(
        st.tuples(st.integers(0, 7), st.sampled_from(_COLUMNS), st.sampled_from(["open", "close", "both", "inside"])),
        max_size=3,
    ),
    rows=st.integers(1, 8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    short=st.booleans(),
    blank=st.sets(st.integers(0, 7), max_size=3),
)
def test_fuzzed_stray_quotes_in_any_column_never_give_a_patient_anothers_weight(
    order: list[str],
    width: int,
    marks: list[tuple[int, str, str]],
    rows: int,
    delimiter: str,
    short: bool,
    blank: set[int],
) -> None:
    """Stray quotes (one opening a cell, one closing it, a quoted cell, a quote inside one) in any
    column of any layout, in , ; and tab files, rows short of their empty end or not: each patient
    is quoted with their own weight, or the row is an error; never merged into another's record or
    given another column's number (found by two clerk's reviews)."""
    others = [name for name in order if name not in ("id", "weight")][: width - 2]
    columns = [name for name in order if name in ("id", "weight") or name in others]
    table = [{"id": f"R{i}", "weight": str(70 + i), "notes": f"note {i}", "comment": f"{40 + i}"} for i in range(rows)]
    for row in blank & set(range(rows)):
        table[row]["weight"] = "" if row % 2 else "TBD"  # not yet known: that row is an error, never another's
    for row, column, kind in marks:
        if row < rows and column in columns:
            cell = table[row][column]
            table[row][column] = {
                "open": f'"{cell}',
                "close": f'{cell}"',
                "both": f'"{cell}"',
                "inside": f'{cell[:1]}"{cell[1:]}',
            }[kind]
    lines = [delimiter.join(row[name] for name in columns) for row in table]
    if short:  # as spreadsheets write a row whose last cells are empty
        lines = [line.rstrip(delimiter) for line in lines]
    body = delimiter.join(columns) + "\n" + "".join(line + "\n" for line in lines)
    out = records(cli("batch", "--delimiter", delimiter, input=body).stdout)
    for record in out:
        if record["kind"] == "batch_quote" and record["id"] is not None:  # (an id quoted into the cell before it
            # leaves a short row, as a spreadsheet writes one: a quote without an id, never another's)
            # A quote inside a cell is a literal quote (R0" is R0's id); an id quoted with the cells after
            # its weight ("R0,note 0") is that patient's, with their own weight.
            ident = record["id"].replace('"', "").split(delimiter)[0]
            assert ident in {f"R{i}" for i in range(rows)}, record["id"]
            assert record["patient"]["weight_kg"] == 70 + int(ident[1:])
