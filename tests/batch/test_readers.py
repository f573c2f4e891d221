"""Staff I/O as clinics really have it: files written the way Excel, LibreOffice,
Google Sheets and pandas write them, workbooks in and out, and the totals."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import pty
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.helpers import cli, process, records, write

SCHEMA = cli("schema").json()


def quoted(run: Any) -> list[dict[str, Any]]:
    return records(run.stdout)


# --- CSV as each program writes it ------------------------------------------------------------


def test_excel_windows_csv_comma_delimited_is_cp1252_and_needs_encoding(tmp_path: Path) -> None:
    # Excel's "CSV (Comma delimited)" on Windows: Windows-1252, CRLF, empty
    # cells for the sheet's empty columns.
    data = "ID,Weight,Notes,,\r\nZoë-1,70,Renée – new,,\r\nL-2,82.5,,,\r\n".encode("cp1252")
    path = write(tmp_path, "excel.csv", data)
    refused = cli("batch", path)
    assert refused.code == 2 and refused.stdout == ""
    assert "line 2 has the byte \\xEB" in refused.stderr and "--encoding cp1252" in refused.stderr
    run = cli("batch", path, "--encoding", "cp1252")
    out = quoted(run)
    assert run.code == 0 and [r["id"] for r in out] == ["Zoë-1", "L-2"]
    assert "\ufffd" not in run.stdout


def test_excel_csv_utf8_has_a_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, "utf8.csv", "\ufeffID,Weight\r\nZoë-1,70\r\n".encode())
    out = quoted(cli("batch", path))
    assert out[0]["id"] == "Zoë-1" and out[0]["dose"]["dose_mg"] == 35


def test_libreoffice_pads_rows_with_empty_cells_past_the_header(tmp_path: Path) -> None:
    # LibreOffice and Excel write L-1,70,, for a row whose sheet has more columns in use.
    path = write(tmp_path, "lo.csv", "id,weight\nL-1,70,,\nL-2,80,\n,,,\n")
    run = cli("batch", path)
    assert run.code == 0 and [r["id"] for r in quoted(run)] == ["L-1", "L-2"]


def test_google_sheets_crlf_without_a_final_line_end(tmp_path: Path) -> None:
    path = write(tmp_path, "sheets.csv", "id,weight,start\r\nG-1,70,9:00 AM\r\nG-2,80,2:15 PM")
    out = quoted(cli("batch", path))
    assert [r["session"]["start"] for r in out] == ["09:00", "14:15"]


def test_pandas_writes_whole_numbers_with_blanks_as_6_point_0(tmp_path: Path) -> None:
    # df.to_csv(index=False) for an integer column with a missing value.
    path = write(tmp_path, "pandas.csv", "id,weight,infusions,start\nP1,70.0,6.0,09:00:00\nP2,82.5,,\n")
    run = cli("batch", path)
    out = quoted(run)
    assert run.code == 0 and [r["series"]["infusions"] for r in out] == [6, 6]
    assert out[0]["session"]["start"] == "09:00"
    bad = quoted(cli("batch", write(tmp_path, "half.csv", "weight,infusions\n70,6.5\n")))
    assert bad[0]["error"]["field"] == "infusions"


def test_a_european_export_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    # Excel with a German or French locale: semicolons, decimal commas, quoted names with commas.
    text = '"Name, last";"Name, first";Weight;Price\r\nDoe;"Zoë, A.";82,5;1.250,00\r\n'
    path = write(tmp_path, "eu.csv", text.encode("cp1252"))
    run = cli("batch", path, "--encoding", "cp1252", "--decimal", "comma")
    out = quoted(run)
    assert run.code == 0 and out[0]["patient"]["weight_kg"] == 82.5
    assert out[0]["cost"]["per_infusion"]["min"] == "1250.00"
    without = quoted(cli("batch", path, "--encoding", "cp1252"))
    assert "--decimal comma" in without[0]["error"]["message"]


@pytest.mark.parametrize("text", ["1.25", "82,5,1", "1.2345,6"])
def test_decimal_comma_mode_refuses_what_it_cannot_read_unambiguously(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "eu.csv", f'weight;rate\n70;"{text}"\n')
    out = quoted(cli("batch", path, "--decimal", "comma"))
    assert "error" in out[0]


def test_the_delimiter_can_be_given(tmp_path: Path) -> None:
    path = write(tmp_path, "bar.csv", "id|weight\nA|70\n")
    assert quoted(cli("batch", path))[0]["id"] == "A"  # detected
    # More commas than semicolons in the header, but the file is semicolon-separated.
    path = write(tmp_path, "odd.csv", "id;weight;note, more, words\nA;70;x\n")
    assert cli("batch", path).code == 2  # detected as commas: no weight column
    out = quoted(cli("batch", path, "--delimiter", ";"))
    assert out[0]["id"] == "A" and out[0]["dose"]["dose_mg"] == 35
    tabs = write(tmp_path, "tabs.tsv", "id\tweight\nT\t70\n")
    assert quoted(cli("batch", tabs, "--delimiter", "tab"))[0]["id"] == "T"
    assert cli("batch", path, "--delimiter", "x").code == 2


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "cell", "kg"),
    [
        ("Weight (kg)", "70", 70),
        ("Weight (lb)", "154", 69.85),
        ("Weight [lbs]", "154", 69.85),
        ("WEIGHT (LB)", "154 lb", 69.85),
    ],
)
def test_a_unit_in_the_header_applies_to_bare_numbers(tmp_path: Path, header: str, cell: str, kg: float) -> None:
    out = quoted(cli("batch", write(tmp_path, "u.csv", f"id,{header}\nA,{cell}\n")))
    assert out[0]["patient"]["weight_kg"] == kg


def test_a_bare_weight_under_lb_is_never_kg_and_a_cell_that_disagrees_is_an_error(tmp_path: Path) -> None:
    out = quoted(cli("batch", write(tmp_path, "u.csv", "Weight (lb),Height (in),sex\n154,69,m\n70 kg,69,m\n")))
    assert out[0]["patient"]["weight_kg"] == 69.85 and out[0]["patient"]["height_cm"] == 175.3
    assert "disagree" in out[1]["error"]["message"]


def test_a_header_unit_the_field_cannot_take_is_exit_2(tmp_path: Path) -> None:
    run = cli("batch", write(tmp_path, "u.csv", "Weight (cm)\n70\n"))
    assert run.code == 2 and "not a unit of weight" in run.stderr


def test_a_price_header_names_the_currency(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "weight,Price (EUR),currency\n70,650,\n70,650,GBP\n")
    out = quoted(cli("batch", path))
    assert out[0]["cost"]["currency"] == "EUR" and "disagree" in out[1]["error"]["message"]


def test_column_maps_any_header_to_a_field(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "Masse,Ref\n70,R1\n")
    assert cli("batch", path).code == 2
    out = quoted(cli("batch", path, "--column", "weight=Masse", "--column", "id=ref"))
    assert out[0]["id"] == "R1" and out[0]["dose"]["dose_mg"] == 35
    missing = cli("batch", path, "--column", "weight=Mass")
    assert missing.code == 2 and "no such column" in missing.stderr
    assert cli("batch", path, "--column", "mass=Masse").code == 2


@pytest.mark.parametrize("header", ["Patient ID", "MRN", "Patient"])
def test_common_id_headers_are_the_id(tmp_path: Path, header: str) -> None:
    run = cli("batch", write(tmp_path, "i.csv", f"{header},Weight\nX-9,70\n"))
    assert quoted(run)[0]["id"] == "X-9" and "looks like an id" not in run.stderr


def test_an_id_like_column_left_unread_is_named_on_stderr(tmp_path: Path) -> None:
    run = cli("batch", write(tmp_path, "i.csv", "id,MRN,weight\nA,M-1,70\n"))
    assert quoted(run)[0]["id"] == "A"
    assert "note: the column 'MRN' looks like an id but is not read" in run.stderr


# --- workbooks --------------------------------------------------------------------------------


def _workbook(tmp_path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> str:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["nothing to read here"])
    data = book.create_sheet(sheet)
    for row in rows:
        data.append(row)
    path = tmp_path / "patients.xlsx"
    book.save(path)
    return str(path)


def test_xlsx_typed_cells_are_read_as_what_they_are(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Patient ID", "Weight (kg)", "Infusions", "Start"],
        ["W-1", 82.5, 6, datetime.time(9, 0)],
        ["W-2", 70, 4.0, datetime.time(14, 15)],
    ]
    path = _workbook(tmp_path, rows, "Patients")
    first = cli("batch", path)  # the first sheet has no weight column
    assert first.code == 2 and "weight" in first.stderr
    run = cli("batch", path, "--sheet", "Patients")
    out = quoted(run)
    assert run.code == 0 and [r["id"] for r in out] == ["W-1", "W-2"]
    assert out[0]["patient"]["weight_kg"] == 82.5 and out[1]["series"]["infusions"] == 4
    assert [r["session"]["start"] for r in out] == ["09:00", "14:15"]
    assert cli("batch", path, "--sheet", "Nope").code == 2


def test_xlsx_is_read_without_the_extra_and_written_only_with_it(tmp_path: Path) -> None:
    # Reading is ketacalc's own bounded reader (ketacalc.batch.workbook); writing one needs XlsxWriter.
    path = _workbook(tmp_path, [["weight"], [70]])

    def without_openpyxl(*args: str) -> subprocess.CompletedProcess[str]:
        code = (
            "import sys; sys.modules['openpyxl'] = sys.modules['xlsxwriter'] = sys.modules['python_calamine'] = None\n"
            f"sys.argv = ['ketacalc', 'batch', {path!r}, '--sheet', 'Sheet1', *{list(args)!r}]\n"
            "from ketacalc.cli import main\nmain()\n"
        )
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    read = without_openpyxl()
    assert read.returncode == 0 and '"dose_mg":35' in read.stdout
    written = without_openpyxl("--output", "xlsx")
    assert written.returncode == 2 and "pip install 'ketacalc[excel]'" in written.stderr
    assert "pipx inject ketacalc xlsxwriter python-calamine" in written.stderr
    assert written.stdout == ""


# --- out -------------------------------------------------------------------------------------


def test_csv_with_a_bom_opens_in_excel_as_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "z.csv", "id,weight\nZoë,70\n")
    run = cli("batch", path, "--output", "csv", "--bom")
    assert run.stdout.startswith("\ufeffid,weight,row,line,patient.weight_kg,")
    assert "Zoë" in run.stdout.encode("utf-8").decode("utf-8-sig")
    assert not cli("batch", path, "--output", "csv").stdout.startswith("\ufeff")


def test_xlsx_output_holds_numbers_money_and_text_never_formulas(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "id,weight,price\n=HYPERLINK(1),70,649.99\nB,oops,\n")
    target = tmp_path / "quotes.xlsx"
    code = (
        f"import sys; sys.argv = ['ketacalc', 'batch', {path!r}, '--output', 'xlsx']\n"
        "from ketacalc.cli import main\nmain()\n"
    )
    with target.open("wb") as out:
        result = subprocess.run([sys.executable, "-c", code], stdout=out, stderr=subprocess.PIPE, check=False)
    assert result.returncode == 3
    sheet = openpyxl.load_workbook(target)["quotes"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=True))
    assert first["id"] == "=HYPERLINK(1)"  # text, not a formula
    assert sheet.cell(row=2, column=header.index("id") + 1).data_type == "s"
    assert first["dose.dose_mg"] == 35 and Decimal(str(first["cost.total.mid"])) == Decimal("3899.94")
    second = dict(zip(header, rows[2], strict=True))
    assert second["error.field"] == "weight"


def test_xlsx_output_to_a_terminal_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "weight\n70\n")
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ketacalc", "batch", path, "--output", "xlsx"],
            stdout=follower,
            stderr=subprocess.PIPE,
            check=False,
            timeout=30,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2 and b"redirect stdout to a file" in result.stderr


def test_totals_per_currency_never_mixed_and_as_a_summary_document(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.csv",
        "id,weight,currency,price,infusions\nA,70,USD,650,6\nB,80,EUR,500,4\nC,70,USD,600,2\nD,x,USD,1,1\n",
    )
    summary = tmp_path / "summary.json"
    run = cli("batch", path, "--summary-json", str(summary))
    lines = run.stderr.splitlines()
    assert lines[0] == "4 rows: 3 quoted, 1 rejected"
    assert "EUR: 1 quoted, series total EUR 2,000 / EUR 2,000 / EUR 2,000 (min / mid / max), drug 160 mg" in lines
    assert "USD: 2 quoted, series total $5,100 / $5,100 / $5,100 (min / mid / max), drug 280 mg" in lines
    document = json.loads(summary.read_text())
    Draft202012Validator(SCHEMA).validate(document)
    assert document["kind"] == "batch_summary" and document["rejected"] == 1
    assert [(c["currency"], c["total"]["mid"], c["total_dose_mg"]) for c in document["by_currency"]] == [
        ("EUR", "2000.00", 160),
        ("USD", "5100.00", 280),
    ]


def test_quiet_drops_the_summary(tmp_path: Path) -> None:
    path = write(tmp_path, "q.csv", "weight\n70\n")
    run = cli("batch", path, "-q")
    assert run.stderr == "" and quoted(run)
    bad = cli("batch", path, "-q", "--encoding", "nope")
    assert bad.code == 2 and bad.stderr  # errors still show


def test_summary_json_to_an_unwritable_path_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "q.csv", "weight\n70\n")
    run = cli("batch", path, "--summary-json", str(tmp_path / "no" / "such" / "dir.json"))
    assert run.code == 2 and run.stdout == "" and len(run.stderr.splitlines()) == 1
    assert "--summary-json" in run.stderr and "cannot be written" in run.stderr


def test_jpy_totals_have_no_minor_unit(tmp_path: Path) -> None:
    path = write(tmp_path, "j.csv", "weight\n70\n")
    summary = tmp_path / "s.json"
    cli("batch", path, "--currency", "JPY", "--price", "120000", "--summary-json", str(summary))
    assert json.loads(summary.read_text())["by_currency"][0]["total"] == {
        "min": "720000",
        "mid": "720000",
        "max": "720000",
    }


def test_workbook_cells_read_as_a_csv_export_would_hold_them(tmp_path: Path) -> None:
    from ketacalc.batch import workbook

    row = [70.0, 82.5, 0.1, datetime.time(9, 5), None, True, "io", datetime.datetime(2025, 12, 8, 9, 30)]
    book = openpyxl.Workbook()
    book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    (_, present), *_ = list(workbook.read(data, None).rows)
    cells = [present.get(i, workbook.Cell("")) for i in range(8)]
    assert [cell.text for cell in cells] == ["70", "82.5", "0.1", "09:05", "", "TRUE", "io", "2025-12-08 09:30:00"]
    assert [cell.typed for cell in cells[:3]] == [True, True, True]


# --- fuzzers: a decimal comma is read exactly, or refused; never a number off by 10x or 1000x ---


def _european(value: Decimal, grouped: bool) -> str:
    whole, _, fraction = f"{value:f}".partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", ".")
    return whole + ("," + fraction if fraction else "")


@given(st.decimals(min_value="0", max_value="9999999", places=2), st.booleans())
def test_decimal_comma_numbers_read_exactly(value: Decimal, grouped: bool) -> None:
    from ketacalc.batch.numbers import from_decimal_comma

    text = _european(value, grouped)
    converted = from_decimal_comma(text)
    assert converted is not None and Decimal(converted) == value


@given(st.decimals(min_value="1", max_value="635", places=1).filter(lambda d: d % 1 != 0))
def test_a_decimal_comma_weight_without_the_option_is_an_error_that_says_so(value: Decimal) -> None:
    text = _european(value, grouped=False)  # 82,5
    out = records(cli("batch", "--delimiter", ";", input=f"weight;rate\n{text};0.5\n").stdout)
    assert "error" in out[0] and "--decimal comma" in out[0]["error"]["message"]


@given(
    st.sampled_from(["Weight", "weight", "WEIGHT", " Weight "]),
    st.sampled_from(["({})", "[{}]", " ( {} ) "]),
    st.sampled_from(["lb", "LB", "lbs", "pounds"]),
    st.decimals(min_value="66", max_value="550", places=1),
)
def test_a_pound_header_is_never_read_as_kilograms(name: str, brackets: str, unit: str, value: Decimal) -> None:
    header = name + brackets.format(unit)
    out = records(cli("batch", input=f'"{header}"\n{value}\n').stdout)
    expected = (value * Decimal("0.45359237")).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert Decimal(repr(out[0]["patient"]["weight_kg"])) == expected


# --- what a clerk's review found ----------------------------------------------------------------


def test_a_column_mapped_by_column_keeps_its_headers_unit_and_currency(tmp_path: Path) -> None:
    path = write(tmp_path, "cm.csv", "ID,Body Weight (lb),Price (EUR)\nA,154,650\n")
    out = quoted(cli("batch", path, "--column", "weight=Body Weight (lb)", "--column", "price=Price (EUR)"))
    assert out[0]["patient"]["weight_kg"] == 69.85 and out[0]["dose"]["dose_mg"] == 34.93
    assert out[0]["cost"]["currency"] == "EUR"


def test_column_chooses_between_two_candidate_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "two.csv", "ID,MRN,Weight,Body weight\nI-1,M-1,70,80\n")
    out = quoted(cli("batch", path, "--column", "id=MRN", "--column", "weight=Body weight"))
    assert out[0]["id"] == "M-1" and out[0]["patient"]["weight_kg"] == 80


def test_typed_workbook_numbers_are_not_read_as_decimal_commas(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [["weight", "rate", "Price (KWD)"], [82.5, 0.125, 12.345]], "Sheet1")
    out = quoted(cli("batch", path, "--sheet", "Sheet1", "--decimal", "comma"))
    assert out[0]["patient"]["weight_kg"] == 82.5 and out[0]["dose"]["rate_mg_per_kg"] == 0.125
    assert out[0]["cost"]["per_infusion"]["min"] == "12.345" and out[0]["cost"]["currency"] == "KWD"


def test_a_formula_without_a_saved_value_is_that_rows_error(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [["weight", "price"], [70, "=600+50"], [80, 650]], "Sheet1")
    out = quoted(cli("batch", path, "--sheet", "Sheet1"))
    assert out[0]["error"]["field"] == "price" and "formula" in out[0]["error"]["message"]
    assert out[1]["cost"]["per_infusion"]["min"] == "650.00"


def test_a_default_price_is_never_used_in_another_currency(tmp_path: Path) -> None:
    path = write(tmp_path, "cur.csv", "id,weight,currency,price\nA,70,JPY,\nB,70,EUR,650\nC,70,USD,\n")
    out = quoted(cli("batch", path, "--price", "650"))
    assert out[0]["error"]["field"] == "currency" and "no built-in price" in out[0]["error"]["message"]
    assert out[1]["cost"]["currency"] == "EUR" and out[2]["cost"]["per_infusion"]["min"] == "650.00"
    usd_row = write(tmp_path, "usd.csv", "weight,currency\n70,USD\n")  # the EUR default price is not its price
    assert quoted(cli("batch", usd_row, "--currency", "EUR", "--price", "650"))[0]["cost"]["per_infusion"] == {
        "min": "400.00",
        "max": "800.00",
        "mid": "600.00",
    }
    # A row under Price (EUR) is in EUR, its price cell empty too: the USD default is not its price.
    empty_price = write(tmp_path, "eur.csv", "weight,Price (EUR)\n70,\n")
    assert quoted(cli("batch", empty_price, "--price", "650"))[0]["error"]["field"] == "currency"
    euros = quoted(cli("batch", empty_price, "--price", "650", "--currency", "EUR"))[0]
    assert euros["cost"]["currency"] == "EUR" and euros["cost"]["per_infusion"]["min"] == "650.00"
    config = write(tmp_path, "c.toml", '[cost]\ncurrency = "USD"\nprice_min = "450"\nprice_max = "750"\n')
    assert cli("cost", "--config", config, "--currency", "JPY").code == 2
    assert cli("cost", "--config", config, "--currency", "JPY", "--price", "90000").code == 0


def test_a_currency_default_with_every_row_priced_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path, "pr.csv", "weight,price\n70,650\n")
    run = cli("batch", path, "--currency", "EUR")
    assert run.code == 0 and quoted(run)[0]["cost"]["currency"] == "EUR"


def test_summary_json_never_truncates_a_file_before_the_batch_is_done(tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", "weight\n70\n")
    same = cli("batch", path, "--summary-json", path)
    assert same.code == 2 and Path(path).read_text() == "weight\n70\n"
    summary = tmp_path / "s.json"
    summary.write_text("previous\n")
    assert cli("batch", write(tmp_path, "empty.csv", ""), "--summary-json", str(summary)).code == 2
    assert summary.read_text() == "previous\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("\ufeffMRN,Weight\r\nM1,70\r\n".encode(), "utf-8"),
        ("\ufeffMRN,Weight\r\nM1,70\r\n".encode("utf-16-le"), "utf-16-le"),
        (b"\xef\xbb\xbfMRN,Weight\r\nM1,70\r\n", "cp1252"),
    ],
)
def test_a_named_encoding_drops_the_bom(tmp_path: Path, data: bytes, encoding: str) -> None:
    run = cli("batch", write(tmp_path, "b.csv", data), "--encoding", encoding)
    if encoding == "cp1252":  # a UTF-8 BOM says the file is UTF-8: the encoding named is wrong
        assert run.code == 2 and "UTF-8 BOM" in run.stderr and run.stdout == ""
        return
    out = quoted(run)
    assert out[0]["id"] == "M1" and out[0]["dose"]["dose_mg"] == 35


def test_utf16_with_a_lone_surrogate_is_that_rows_error_not_a_crash(tmp_path: Path) -> None:
    body = "id,weight\r\n".encode("utf-16") + "A,70\r\n".encode("utf-16-le")
    body += b"\x00\xd8" + "B,70\r\nC,80\r\n".encode("utf-16-le")  # a lone high surrogate before B
    run = cli("batch", write(tmp_path, "u16.csv", body))
    out = quoted(run)
    assert run.code == 3 and "Traceback" not in run.stderr
    assert out[0]["id"] == "A" and "error" in out[1] and out[2]["id"] == "C"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-le"])
def test_a_wrong_wide_encoding_is_row_errors_or_exit_2_never_a_crash(tmp_path: Path, encoding: str) -> None:
    run = cli("batch", write(tmp_path, "a.csv", "id,weight\nZoë,70\n".encode()), "--encoding", encoding)
    assert run.code in (2, 3) and "unexpected" not in run.stderr


@pytest.mark.parametrize("encoding", ["idna", "punycode", "base64", "rot13", "hex"])
def test_codecs_that_cannot_hold_a_csv_are_refused(tmp_path: Path, encoding: str) -> None:
    run = cli("batch", write(tmp_path, "a.csv", "weight\n70\n"), "--encoding", encoding)
    assert run.code == 2 and "--encoding" in run.stderr


def test_description_brackets_and_currency_signs_in_headers(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", "ID (MRN),Weight (kg),Sex (M/F),Start (24h),Price ($)\nA,70,m,09:00,650\n")
    out = quoted(cli("batch", path))
    assert out[0]["id"] == "A" and out[0]["patient"]["sex"] == "male"
    assert out[0]["cost"]["per_infusion"]["min"] == "650.00" and out[0]["cost"]["currency"] == "USD"


def test_options_for_another_format_are_refused(tmp_path: Path) -> None:
    csv_path = write(tmp_path, "a.csv", "weight\n70\n")
    assert cli("batch", csv_path, "--sheet", "Patients").code == 2
    book = _workbook(tmp_path, [["weight"], [70]], "Sheet1")
    assert cli("batch", book, "--encoding", "cp1252").code == 2
    piped = process("batch", "-", input=Path(book).read_bytes())
    assert piped.returncode == 2 and b"is an Excel workbook (.xlsx): give --input-format xlsx" in piped.stderr


def test_a_three_decimal_currency_refuses_an_ambiguous_comma_and_dollars_in_euros() -> None:
    assert cli("cost", "--currency", "BHD", "--price", "12,345").code == 2
    assert cli("cost", "--currency", "EUR", "--price", "$650").code == 2
    assert cli("cost", "--price", "$650").code == 0
    low_high = cli("cost", "--currency", "BHD", "--price-min", "400.126", "--price-max", "400.125")
    assert "400.126" in low_high.stderr and "400.125" in low_high.stderr


def test_config_path_shows_a_missing_named_file_rather_than_failing() -> None:
    run = cli("config", "--path", "--json", env={"KETACALC_CONFIG": "/no/such/config.toml"})
    assert run.code == 0
    searched = run.json()["file"]["searched"]
    assert searched[1] == {"where": "$KETACALC_CONFIG", "path": "/no/such/config.toml", "exists": False}


def test_a_missing_option_argument_names_the_commands_help() -> None:
    run = cli("cost", "--price")
    assert run.code == 2 and "see 'ketacalc cost --help'" in run.stderr


@pytest.mark.parametrize("codec", ["utf-32", "utf-16"])
def test_a_wide_file_with_a_bom_is_read_and_a_bom_contradicting_encoding_is_refused(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path, "w.csv", "id,weight\nZoë,70\n".encode(codec))  # Python writes the BOM
    assert quoted(cli("batch", path))[0]["id"] == "Zoë"
    refused = cli("batch", path, "--encoding", "cp1252")
    assert refused.code == 2 and f"{codec.upper()} BOM" in refused.stderr


# --- money as cells show it (#21) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "currency", "amount"),
    [
        ("€650", "EUR", "650.00"),
        ("€1,250.00", "EUR", "1250.00"),
        ("£650.00", "GBP", "650.00"),
        ("EUR 650", "EUR", "650.00"),
        ("650 EUR", "EUR", "650.00"),
        ("650 €", "EUR", "650.00"),
        ("650,00 €", "EUR", "650.00"),  # a comma before two digits is no thousands separator
        ("$650", "USD", "650.00"),
        ("JPY 120000", "JPY", "120000"),
    ],
)
def test_a_price_cell_that_names_its_currency_is_read_in_it(
    tmp_path: Path, cell: str, currency: str, amount: str
) -> None:
    with (tmp_path / "money.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "weight", "price"], ["A", "70", cell]])  # quoted as Excel quotes
    cost = records(cli("batch", str(tmp_path / "money.csv")).stdout)[0]["cost"]
    assert cost["currency"] == currency and cost["per_infusion"]["min"] == amount


def test_a_decimal_comma_price_with_its_sign_needs_the_option(tmp_path: Path) -> None:
    source = tmp_path / "de.csv"
    source.write_text('id;weight;price\nA;70;"1.250,00 €"\n', encoding="utf-8")
    without = records(cli("batch", str(source)).stdout)[0]
    assert "error" in without  # 1.250 could be either: never guessed
    cost = records(cli("batch", str(source), "--decimal", "comma").stdout)[0]["cost"]
    assert cost["currency"] == "EUR" and cost["per_infusion"]["min"] == "1250.00"


@pytest.mark.parametrize(
    ("header", "cell", "said"),
    [
        ("id,weight,Price (EUR)", "£650", "is in GBP, but its column 'Price (EUR)' is in EUR"),
        ("id,weight,price,currency", "£650,EUR", "is in GBP, but the row's currency is EUR"),
    ],
)
def test_a_cells_currency_must_agree_with_its_column_and_row(header: str, cell: str, said: str) -> None:
    run = cli("batch", "-", input=f"{header}\nA,70,{cell}\n")
    (record,) = records(run.stdout)
    assert record["error"]["field"] == "price" and said in record["error"]["message"]


def test_an_error_echoes_the_cell_as_the_file_has_it(tmp_path: Path) -> None:
    """Not the text ketacalc made of it: a clerk searches the sheet for what the message shows."""
    source = tmp_path / "de.csv"
    source.write_text("id;weight;price\nA;70;1.250,005 €\n", encoding="utf-8")
    (record,) = records(cli("batch", str(source), "--decimal", "comma").stdout)
    assert record["error"]["message"].startswith("price '1.250,005 €': has more decimal places than EUR has (2)")


def test_an_unknown_sign_or_code_is_no_currency(tmp_path: Path) -> None:
    run = cli("batch", "-", input="id,weight,price\nA,70,¥650\nB,70,650 XYZ\n")
    assert [r["error"]["message"].split(":")[0] for r in records(run.stdout)] == ["price '¥650'", "price '650 XYZ'"]


def test_a_money_cell_is_evidence_of_its_files_decimal_mark_as_written(tmp_path: Path) -> None:
    """650,00 € shows a decimal comma (it was once rewritten to 650.00 first, and read as a point)."""
    source = tmp_path / "de.csv"
    source.write_text("id;weight;price\nA;70;650,00 €\nB;80;1.250 €\n", encoding="utf-8")
    run = cli("batch", str(source))
    assert [r["cost"]["per_infusion"]["min"] for r in records(run.stdout)] == ["650.00", "1250.00"]
    assert "decimal comma, as line 2 price '650,00 €' shows" in run.stderr


@pytest.mark.parametrize("cell", ["€0,650", "0,001", "0,650"])
def test_a_thousands_group_never_follows_a_leading_zero(cell: str) -> None:
    (record,) = records(cli("batch", "-", input=f'id,weight,price\nA,70,"{cell}"\n').stdout)
    assert record["error"]["field"] == "price"


def test_under_a_decimal_comma_every_money_cell_reads_as_a_german_export_writes_it(tmp_path: Path) -> None:
    source = tmp_path / "de.csv"
    source.write_text(
        "id;weight;price\nA;70;650,00 €\nB;70;1.250,00 €\nC;70;1,5 €\nD;70;€1.250\nE;70;€1,250.00\n", encoding="utf-8"
    )
    out = records(cli("batch", str(source), "--decimal", "comma").stdout)
    assert [r.get("cost", {}).get("per_infusion", {}).get("min") for r in out[:4]] == [
        "650.00",
        "1250.00",
        "1.50",
        "1250.00",
    ]
    assert out[4]["error"]["message"] == "price '€1,250.00' is not a number written with a decimal comma"


def test_stdin_is_read_once_from_where_it_starts(tmp_path: Path) -> None:
    """A file given as stdin part-way through (after a shell read two lines) is never rewound to its
    start: the rows before stdin's start were never the batch's."""
    source = tmp_path / "two.csv"
    source.write_text("id;weight;price\nOLD;70;999\nid;weight;price\nNEW;82,5;1.250\n", encoding="utf-8")
    with source.open("rb", buffering=0) as handle:
        handle.seek(len("id;weight;price\nOLD;70;999\n"))  # where `read; read` in a shell leaves it
        done = subprocess.run(
            [sys.executable, "-m", "ketacalc", "batch", "-"], stdin=handle, capture_output=True, timeout=30, check=False
        )
    out = records(done.stdout.decode())
    assert [r["id"] for r in out] == ["NEW"] and "could be read two ways" in out[0]["error"]["message"]


def test_a_workbook_text_cell_that_reads_two_ways_is_its_rows_error(tmp_path: Path) -> None:
    """A price typed as text, "1.250 €", is 1.25 or 1250: refused without --decimal (a number cell,
    1250 formatted as money, has no mark to read and is read as it is)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "weight", "price"])
    sheet.append(["A", 70, "1.250 €"])
    sheet.append(["B", 70, 1250])
    path = tmp_path / "prices.xlsx"
    book.save(path)
    first, second = records(cli("batch", str(path)).stdout)
    assert (
        first["error"]["message"]
        == "price '1.250 €' could be read two ways (1.25 or 1250): give --decimal comma or --decimal point"
    )
    assert second["cost"]["per_infusion"]["min"] == "1250.00"
    first, _ = records(cli("batch", str(path), "--decimal", "comma").stdout)
    assert first["cost"]["currency"] == "EUR" and first["cost"]["per_infusion"]["min"] == "1250.00"


@pytest.mark.parametrize(
    ("number_format", "header", "currency", "error"),
    [
        ("#,##0.00 [$€-407]", "price", "EUR", None),
        ('"£"#,##0.00', "price", "GBP", None),
        ("[$CHF] #,##0.00", "price", "CHF", None),
        ('"$"#,##0.00', "Price (EUR)", None, "is in USD, but its column 'Price (EUR)' is in EUR"),
        ("[$£-809]#,##0.00;[$$-409]#,##0.00", "price", None, "shows different units by value"),
    ],
)
def test_a_price_cells_money_format_names_its_currency(
    tmp_path: Path, number_format: str, header: str, currency: str | None, error: str | None
) -> None:
    """1250 shown as "1.250,00 €" is EUR 1,250: the format's currency, never the default USD."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "weight", header])
    sheet.append(["A", 70, 1250])
    sheet["C2"].number_format = number_format
    path = tmp_path / "formatted.xlsx"
    book.save(path)
    (record,) = records(cli("batch", str(path)).stdout)
    if error is None:
        assert record["cost"]["currency"] == currency and record["cost"]["per_infusion"]["min"] == "1250.00"
    else:
        assert error in record["error"]["message"], record
