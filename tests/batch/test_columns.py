"""columns: every column is read, mapped, or named; a unit is never assumed
where the header names one; totals rows are never quoted (the clerk's cases)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc.batch.columns import HEADER_NAMES, recognize
from tests.helpers import cli, records


def test_a_sheet_that_names_dose_sessions_price_and_time_is_read_whole() -> None:
    header = "Patient ID,Weight (kg),Dose (mg/kg),Sessions,Price per infusion,Infusion time (min)"
    record = records(cli("batch", input=f"{header}\nP1,70,0.25,4,650,60\n").stdout)[0]
    assert record["id"] == "P1" and record["dose"]["rate_mg_per_kg"] == 0.25 and record["dose"]["dose_mg"] == 17.5
    assert record["series"]["infusions"] == 4 and record["cost"]["per_infusion"]["mid"] == "650.00"
    assert record["session"]["duration_min"] == 60


@pytest.mark.parametrize(
    "header",
    ["Weight in lbs", "Weight, lb", "Weight_lb", "Weight - lb", "Weight/lb", "Weight (lbs.)", "Weight [lb]"],
)
def test_a_pound_column_is_read_in_pounds_however_it_is_written(header: str) -> None:
    record = records(cli("batch", input=f'id,"{header}"\nA,154\n').stdout)[0]
    assert record["dose"]["dose_mg"] == 34.93  # 154 lb, never 154 kg (77 mg)


@pytest.mark.parametrize("header", ["Weight in lbs", "Weight, lb", "Weight_lb", "Weight - lb", "Weight/lb"])
def test_column_keeps_the_headers_unit(header: str) -> None:
    run = cli("batch", "--column", f"weight={header}", input=f'id,"{header}"\nA,154\n')
    assert records(run.stdout)[0]["dose"]["dose_mg"] == 34.93


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("Wt (kg)", "weight", "kg"),
        ("Body weight", "weight", None),
        ("mg/kg", "rate", "mg/kg"),
        ("Dose per kg", "rate", None),
        ("No. of infusions", "infusions", None),
        ("Cost per session", "price", None),
        ("Minutes", "duration", "min"),
        ("Price (EUR)", "price", "EUR"),
    ],
)
def test_headers_as_people_write_them(header: str, field: str, unit: str | None) -> None:
    assert recognize(header) == (field, unit)


@pytest.mark.parametrize("header", ["Dose", "Dose (mg)", "Infusion date", "Cost", "Time", "Weight loss"])
def test_a_column_that_looks_read_but_cannot_be_mapped_is_refused_naming_the_fix(header: str) -> None:
    run = cli("batch", input=f'weight,"{header}"\n70,1\n')
    assert run.code == 2 and run.stdout == ""
    assert f"--column FIELD='{header}'" in run.stderr and f"--ignore-column '{header}'" in run.stderr
    ignored = cli("batch", "--ignore-column", header, input=f'weight,"{header}"\n70,1\n')
    assert ignored.code == 0


def test_other_columns_are_listed_once_as_not_read_and_bare_units_said_once() -> None:
    run = cli("batch", input="Name,Weight,Notes\nAda,70,x\nBo,80,y\n")
    assert run.stderr.count("not read: Name, Notes") == 1
    assert run.stderr.count("weight read as kg: the column 'Weight' names no unit") == 1


@pytest.mark.parametrize("word", ["Total", "TOTALS", "Sum", "Subtotal", "Grand total", "Summe", "Gesamt:", "Totale"])
def test_a_totals_row_is_never_quoted(word: str) -> None:
    run = cli("batch", input=f"id,Weight (lb)\nA,154\nB,200\n{word},354\n")
    assert [r["id"] for r in records(run.stdout)] == ["A", "B"]
    assert "skipped: row 3 (line 4), a totals row" in run.stderr and "2 rows: 2 quoted" in run.stderr


def test_a_totals_row_in_a_workbook_and_in_cp1252(tmp_path: object) -> None:
    from pathlib import Path

    import openpyxl

    folder = Path(str(tmp_path))
    book = openpyxl.Workbook()
    for row in (["Name", "Weight (lb)"], ["Ada", 154], ["Total", 665.5]):
        book.active.append(row)
    book.save(folder / "w.xlsx")
    assert [r["patient"]["weight_kg"] for r in records(cli("batch", str(folder / "w.xlsx")).stdout)] == [69.85]
    (folder / "c.csv").write_bytes("Name,Weight (lb)\nZoë,154\nTotal général,154\n".encode("cp1252"))
    run = cli("batch", str(folder / "c.csv"), "--encoding", "cp1252")
    assert len(records(run.stdout)) == 1 and "a totals row" in run.stderr


_UNITS = {"lb": 34.93, "lbs": 34.93, "pounds": 34.93, "kg": 77, "kgs": 77, "kilograms": 77}


@given(
    st.sampled_from(["Weight", "weight", "WEIGHT", "Body weight", "Wt", "Patient weight"]),
    st.sampled_from(list(_UNITS)),
    st.sampled_from(["({})", "[{}]", " in {}", ", {}", "_{}", " - {}", "/{}", " ({}.)"]),
    st.integers(min_value=0, max_value=2),
)
def test_a_weight_header_is_read_in_its_unit_or_refused_never_kg_for_lb(
    name: str, unit: str, form: str, position: int
) -> None:
    header = name + form.format(unit)
    columns = ["Notes", "Ref"]
    columns.insert(position, header)
    cells = ["x", "R1"]
    cells.insert(position, "154")
    line = ",".join(json.dumps(c) for c in columns)
    run = cli("batch", "--column", "id=Ref", input=f"{line}\n{','.join(cells)}\n")
    if run.code == 2:
        return  # refused, naming the column: allowed
    assert records(run.stdout)[0]["dose"]["dose_mg"] == _UNITS[unit], header


def test_the_table_of_names_covers_every_field() -> None:
    from ketacalc.batch.columns import FIELDS

    assert set(FIELDS) <= set(HEADER_NAMES.values())


@pytest.mark.parametrize("units", [",(lb),(USD)", ",lb,USD", ",[lb],usd"])
def test_a_second_header_row_of_units_gives_the_columns_their_units(units: str) -> None:
    run = cli("batch", input=f"ID,Weight,Price\n{units}\nA,154,650\n")
    record = records(run.stdout)[0]
    assert record["dose"]["dose_mg"] == 34.93 and record["cost"]["currency"] == "USD"  # 154 lb, never 154 kg
    assert "second header row gives units" in run.stderr


def test_lines_above_the_header_are_skipped_and_the_header_line_named() -> None:
    text = "sep=;\nClinic export, December\n\n# exported by the front desk\n;;;\nid;weight\nA;70\n"
    run = cli("batch", input=text)
    assert [r["id"] for r in records(run.stdout)] == ["A"] and "the header is line 6" in run.stderr


@pytest.mark.parametrize(("sep", "body"), [("\t", "id\tweight\nA\t70\n"), ("|", "id|weight\r\nA|70\r\n")])
def test_a_sep_line_sets_the_delimiter(sep: str, body: str) -> None:
    run = cli("batch", input=f"\ufeffsep={sep}\r\n{body}")
    assert run.code == 0, run.stderr
    assert [(r["id"], r["dose"]["dose_mg"]) for r in records(run.stdout)] == [("A", 35)]


@pytest.mark.parametrize("sep", ["x", '"', "7", "\x1b"])
def test_a_sep_line_naming_a_delimiter_ketacalc_does_not_read_is_refused(sep: str) -> None:
    run = cli("batch", input=f"sep={sep}\nid,weight\nA,70\n")
    assert run.code == 2 and run.stdout == "" and len(run.stderr.splitlines()) == 1
    assert "names a delimiter ketacalc does not read; allowed: , ; tab or |; or give --delimiter" in run.stderr
    assert "\x1b" not in run.stderr  # escaped when echoed
    settled = cli("batch", "--delimiter", ",", input=f"sep={sep}\nid,weight\nA,70\n")
    assert settled.code == 0 and [r["id"] for r in records(settled.stdout)] == ["A"]


def test_a_sep_line_gives_the_delimiter_with_header_row_too() -> None:
    run = cli("batch", "--header-row", "2", input="sep=;\nID;Weight;Notes, misc, more\nA1;70;x\n")
    assert run.code == 0, run.stderr
    assert [(r["id"], r["dose"]["dose_mg"]) for r in records(run.stdout)] == [("A1", 35)]
    assert cli("batch", "--header-row", "2", input="sep=x\nid,weight\nA,70\n").code == 2


def test_line_numbers_in_errors_are_the_files_own_below_a_sep_line_and_a_title() -> None:
    """Found by a clerk's review: errors counted lines from the header, so a sep= line (every CSV
    --excel writes) or a title put them one line off, on another patient's line."""
    body = 'sep=,\r\nClinic export\r\nID,Weight,Notes\r\nA0,69,ok\r\nA1,70,"x\r\nA2,71,y\r\nA3,72,z"\r\n'
    body += 'A4,73,w\r\nA5,"74\r\nA6,75,q\r\n'
    out = records(cli("batch", input=body).stdout)
    errors = [(r["line"], r["error"]["message"]) for r in out if r["kind"] == "batch_error"]
    assert [line for line, _ in errors] == [5, 9]
    assert (
        "lines 5–7 could not be split" in errors[0][1] and "on line 9" in errors[1][1] and "lines 9–10" in errors[1][1]
    )
    assert [(r["id"], r["line"]) for r in out if r["kind"] == "batch_quote"] == [("A0", 4), ("A4", 8)]


@pytest.mark.parametrize(
    ("header", "kg"),
    [
        ('id,"Age\n(years)",Weight (lb),Notes', 69.85),  # read a column to the left: 45 lb, the age
        ('id,"Visit\r\nno.",Weight (lb),Notes', 69.85),
        ('id,"Patient\nWeight (lb)",Notes', 69.85),
        ('id,"Body\nweight",Notes', 154),
    ],
)
def test_a_csv_header_wrapped_in_its_cells_is_one_header(header: str, kg: float) -> None:
    """Alt+Enter in a header cell, saved as CSV: the header is one record over two lines, never its
    second line alone (found by a clerk's review: every weight was read from the column before)."""
    rows = "A,45,154,\nB,62,154,\n" if header.count(",") == 3 else "A,154,\nB,154,\n"
    run = cli("batch", input=f"{header}\n{rows}")
    assert run.code == 0, run.stderr
    out = records(run.stdout)
    assert [(r["id"], r["patient"]["weight_kg"], r["line"]) for r in out] == [("A", kg, 3), ("B", kg, 4)]


def test_header_row_sets_the_header() -> None:
    run = cli("batch", "--header-row", "2", input="Weights of the day\nid,weight\nA,70\n")
    assert [r["id"] for r in records(run.stdout)] == ["A"]
    assert cli("batch", "--header-row", "9", input="id,weight\nA,70\n").code == 2


def test_a_header_past_the_first_20_rows_is_not_guessed() -> None:
    text = "".join(f"title line {i}\n" for i in range(25)) + "id,weight\nA,70\n"
    run = cli("batch", input=text)
    assert run.code == 2 and "no 'weight' column" in run.stderr


def test_a_json_array_of_records_as_pandas_writes_it(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "p.json"
    path.write_text('[\n  {"id":"A","weight":70.5,"rate":0.25},\n  {"id":"B","weight":"154 lb"},\n  [1]\n]\n')
    run = cli("batch", str(path))
    out = records(run.stdout)
    assert [r["id"] for r in out] == ["A", "B", None] and out[0]["dose"]["dose_mg"] == 17.63
    assert out[2]["kind"] == "batch_error" and "not a JSON object" in out[2]["error"]["message"]
    (Path(str(tmp_path)) / "b.json").write_text('[{"weight": 70},\n')
    broken = cli("batch", str(Path(str(tmp_path)) / "b.json"))
    assert broken.code == 2 and "not a JSON array" in broken.stderr


def test_each_record_says_where_its_row_is(tmp_path: object) -> None:
    from pathlib import Path

    import openpyxl

    run = cli("batch", input='Clinic export\nid,weight\n\nP1,70\nP2,"7\n0"\nP3,80\n')
    out = records(run.stdout)
    assert [(r["row"], r["line"], r["id"]) for r in out] == [(1, 4, "P1"), (2, 5, "P2"), (3, 7, "P3")]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Patients"
    for row in (["Weights"], [], ["id", "weight"], ["P1", 70], [], ["P3", 80]):
        sheet.append(row)
    path = Path(str(tmp_path)) / "w.xlsx"
    book.save(path)
    out = records(cli("batch", str(path)).stdout)
    assert [(r["row"], r["sheet"], r["sheet_row"], r["id"]) for r in out] == [
        (1, "Patients", 4, "P1"),
        (2, "Patients", 6, "P3"),  # the spreadsheet's own row number, as the clerk finds it
    ]
