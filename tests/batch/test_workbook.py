"""workbook: ketacalc's own bounded .xlsx reader, against workbooks written the
way an attacker or a careless generator writes them, and the workbook writer's
limits (xlsx.WorkbookWriter)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ketacalc.batch import workbook, xlsx
from ketacalc.batch.writers import kept
from tests.helpers import HANG_SECONDS, cli, process, records

_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _base(tmp_path: Path, rows: list[list[object]] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Patients"
    for row in rows or [["id", "weight"], ["A", 70], ["B", 80]]:
        sheet.append(row)
    path = tmp_path / "base.xlsx"
    book.save(path)
    return path


def _patched(tmp_path: Path, parts: dict[str, bytes], base: Path | None = None) -> str:
    """The base workbook with some of its parts replaced (or added)."""
    source = zipfile.ZipFile(base or _base(tmp_path))
    out = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, parts.pop(info.filename, source.read(info.filename)))
        for name, data in parts.items():
            target.writestr(name, data)
    return str(out)


def _sheet(body: str, dimension: str = "A1:B3") -> bytes:
    return f'<worksheet {_MAIN}><dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'.encode()


def _row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def _text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _number(ref: str, value: str, kind: str = "n", style: int | None = None) -> str:
    styled = "" if style is None else f' s="{style}"'
    return f'<c r="{ref}" t="{kind}"{styled}><v>{value}</v></c>'


HEADER = _row(1, _text("A1", "id"), _text("B1", "weight"))


def test_a_declared_dimension_of_the_whole_sheet_costs_nothing(tmp_path: Path) -> None:
    body = HEADER + _row(2, _text("A2", "A"), _number("B2", "70"))
    path = _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body, "A1:XFD1048576")})
    start = time.perf_counter()
    run = cli("batch", path)
    assert time.perf_counter() - start < HANG_SECONDS
    assert run.code == 0 and [r["id"] for r in records(run.stdout)] == ["A"]


def test_a_part_that_unpacks_past_its_cap_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    huge = b"<sst " + _MAIN.encode() + b"><si><t>" + b"a" * (workbook.MAX_PART_BYTES + 10) + b"</t></si></sst>"
    body = HEADER + _row(2, _number("A2", "0", kind="s"), _number("B2", "70"))
    path = _patched(tmp_path, {"xl/sharedStrings.xml": huge, "xl/worksheets/sheet1.xml": _sheet(body)})
    assert Path(path).stat().st_size < 1_000_000  # a small file that unpacks to 64 MiB and more
    run = cli("batch", path)
    assert run.code == 2 and "sharedStrings.xml is over 64 MiB unpacked" in run.stderr and run.stdout == ""


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (_number("B2", "99", kind="s"), "shared string 99"),
        (_number("B2", "abc"), "'abc' in a number cell"),
        (_number("B2", "2026-13-45", kind="d"), "no date"),
        (_number("B2", "#DIV/0!", kind="e"), "spreadsheet error"),
    ],
)
def test_a_malformed_cell_is_its_rows_error_and_the_others_are_quoted(tmp_path: Path, cell: str, problem: str) -> None:
    body = HEADER + _row(2, _text("A2", "A"), cell) + _row(3, _text("A3", "B"), _number("B3", "80"))
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body)}))
    assert run.code == 3, run.stderr
    first, second = records(run.stdout)
    assert first["kind"] == "batch_error" and problem in first["error"]["message"] and first["id"] == "A"
    assert second["kind"] == "batch_quote" and second["id"] == "B"


def test_a_dtd_in_a_part_is_one_clear_refusal(tmp_path: Path) -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": doctype + _sheet(HEADER)}))
    assert run.code == 2 and "DTD" in run.stderr


def test_rows_and_cells_out_of_order_are_each_in_their_place(tmp_path: Path) -> None:
    body = (
        _row(3, _number("B3", "80"), _text("A3", "B"))
        + HEADER
        + _row(2, _number("B2", "70"), _text("A2", "A"))
        + _row(5, _text("A5", "C"), _number("B5", "90"))
    )
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body)}))
    assert run.code == 0, run.stderr
    assert [(r["id"], r["patient"]["weight_kg"]) for r in records(run.stdout)] == [("A", 70), ("B", 80), ("C", 90)]


@pytest.mark.parametrize(
    "body",
    [
        HEADER + _row(2, _text("A2", "A"), _number("B2", "70")) + _row(2, _text("A2", "B"), _number("B2", "80")),
        HEADER + _row(2, _text("A2", "A"), _number("B2", "70"), _number("B2", "80")),
    ],
    ids=["a row twice", "a cell twice"],
)
def test_a_row_or_cell_given_twice_refuses_the_file_rather_than_drop_a_patient(tmp_path: Path, body: str) -> None:
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body)}))
    assert run.code == 2 and "twice" in run.stderr and run.stdout == ""


def test_a_chart_sheet_first_is_skipped_with_a_note(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    chart_sheet = book.create_chartsheet("Chart", 0)
    data = book["Sheet"]
    data.title = "Patients"
    for row in (["id", "weight"], ["A", 70]):
        data.append(row)
    chart = openpyxl.chart.BarChart()
    chart.add_data(openpyxl.chart.Reference(data, min_col=2, min_row=1, max_row=2))
    chart_sheet.add_chart(chart)
    book.active = 0
    path = tmp_path / "chart.xlsx"
    book.save(path)
    run = cli("batch", str(path))
    assert run.code == 0, run.stderr
    assert "reading sheet 'Patients'" in run.stderr and "'Chart'" in run.stderr
    assert [r["id"] for r in records(run.stdout)] == ["A"]


def test_a_hidden_first_sheet_is_not_read_unless_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    template = book.active
    template.title = "Template"
    template.append(["id", "weight"])
    template.append(["TEMPLATE", 99])
    template.sheet_state = "hidden"
    real = book.create_sheet("Today")
    for row in (["id", "weight"], ["A", 70]):
        real.append(row)
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    run = cli("batch", str(path))
    assert [r["id"] for r in records(run.stdout)] == ["A"] and "reading sheet 'Today'" in run.stderr
    assert [r["id"] for r in records(cli("batch", str(path), "--sheet", "Template").stdout)] == ["TEMPLATE"]


def _formatted(tmp_path: Path, header: str, number_format: str) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", header])
    sheet.append(["A", 154])
    sheet["B2"].number_format = number_format
    path = tmp_path / "formatted.xlsx"
    book.save(path)
    return str(path)


def test_a_unit_in_a_cells_number_format_is_read(tmp_path: Path) -> None:
    run = cli("batch", _formatted(tmp_path, "weight", '0 "lb"'))
    record = records(run.stdout)[0]
    assert record["dose"]["dose_mg"] == 34.93 and record["patient"]["weight_given"] == "154 lb"


def test_a_number_format_unit_that_disagrees_with_the_header_is_a_row_error(tmp_path: Path) -> None:
    run = cli("batch", _formatted(tmp_path, "Weight (kg)", '0 "lb"'))
    record = records(run.stdout)[0]
    assert run.code == 3 and record["kind"] == "batch_error" and "'lb'" in record["error"]["message"]


# --- writing ----------------------------------------------------------------------------------------


def test_an_id_a_float_cannot_hold_is_written_as_text() -> None:
    done = process(
        "batch", "--input-format", "jsonl", "--output", "xlsx", input='{"id": 12345678901234567890, "weight": 70}\n'
    )
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(io.BytesIO(done.stdout))["quotes"]
    header = [cell.value for cell in sheet[1]]
    id_cell = sheet.cell(2, header.index("id") + 1)
    assert id_cell.value == "12345678901234567890"  # a float would be 1.2345678901234568e19
    assert kept(Decimal("1234567890.123456789")) == "1234567890.123456789"  # a workbook's own cell, 19 digits
    assert kept(Decimal("1234567890.12345")) == Decimal("1234567890.12345")  # 15 digits: a number


def test_more_rows_than_a_sheet_holds_is_an_error_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)  # the header and 2 records
    run = cli("batch", "--output", "xlsx", input="weight\n70\n71\n72\n")
    assert run.code == 2 and "do not fit one sheet" in run.stderr and run.stdout == ""
    assert cli("batch", "--output", "xlsx", input="weight\n70\n71\n").code == 0


def test_records_read_back_from_the_written_workbook(tmp_path: Path) -> None:
    path = tmp_path / "in.xlsx"
    _base(tmp_path, [["id", "weight"], ["A", 70], ["B", 80]]).rename(path)
    assert json.loads(cli("batch", str(path)).stdout.splitlines()[1])["id"] == "B"


def test_floating_point_noise_from_a_formula_is_the_amount(tmp_path: Path) -> None:
    body = HEADER.replace("</row>", _text("C1", "price") + "</row>") + _row(
        2, _text("A2", "A"), _number("B2", "70.00000000000001"), _number("C2", "715.0000000000001")
    )
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body)}))
    record = records(run.stdout)[0]
    assert record["cost"]["per_infusion"]["mid"] == "715.00" and record["patient"]["weight_kg"] == 70
    assert record["patient"]["weight_given"] == "70"


# --- found by the hostile review ------------------------------------------------------------------


def test_a_phonetic_guide_is_not_part_of_a_cells_text(tmp_path: Path) -> None:
    shared = f'<sst {_MAIN}><si><t>7</t><rPh sb="0" eb="1"><t>0</t></rPh></si><si><r><t>A</t></r></si></sst>'
    body = HEADER + _row(2, _number("A2", "1", kind="s"), _number("B2", "0", kind="s"))
    run = cli(
        "batch", _patched(tmp_path, {"xl/sharedStrings.xml": shared.encode(), "xl/worksheets/sheet1.xml": _sheet(body)})
    )
    record = records(run.stdout)[0]
    assert record["id"] == "A" and record["patient"]["weight_kg"] == 7  # as Excel shows it, never 70


@pytest.mark.parametrize(
    ("header", "number_format", "expected"),
    [
        ("weight", "0\\ \\l\\b", 34.93),
        ("Weight (lb)", '0 "lbs"', 34.93),
        ("weight", '[<100]0 "kg";0 "lb"', None),
        ("Weight (kg)", "0\\ \\l\\b", None),
    ],
    ids=["escaped lb", "lbs under (lb)", "units by value", "escaped lb under (kg)"],
)
def test_number_format_units_as_excel_shows_them(
    tmp_path: Path, header: str, number_format: str, expected: float | None
) -> None:
    book = openpyxl.Workbook()
    book.active.append(["id", header])
    book.active.append(["A", 154])
    book.active["B2"].number_format = number_format
    path = tmp_path / "f.xlsx"
    book.save(path)
    record = records(cli("batch", str(path)).stdout)[0]
    if expected is None:
        assert record["kind"] == "batch_error"  # refused, never read as kg
    else:
        assert record["dose"]["dose_mg"] == expected


@pytest.mark.parametrize("value", ["²", "1E+300000000", "7E-999999"])
def test_odd_numbers_in_a_sheet_are_row_errors_or_refusals_never_a_crash(tmp_path: Path, value: str) -> None:
    cases = {
        "²": HEADER
        + f'<row r="2"><c r="A2" t="inlineStr" s="{value}"><is><t>A</t></is></c><c r="B2"><v>70</v></c></row>',
        "1E+300000000": HEADER + _row(2, _text("A2", "A"), _number("B2", value)),
        "7E-999999": HEADER + _row(2, _text("A2", "A"), _number("B2", value)),
    }
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(cases[value])}))
    assert run.code in (0, 2, 3) and "unexpected" not in run.stderr


def test_work_is_bounded_by_the_cells_present(tmp_path: Path) -> None:
    no_refs = HEADER + '<row r="2"><c t="inlineStr"><is><t>A</t></is></c><c><v>70</v></c>' + "<c/>" * 40_000 + "</row>"
    far = HEADER + "".join(
        _row(n, _text(f"A{n}", f"P{n}"), _number(f"B{n}", "70"), f'<c r="XFD{n}"/>') for n in range(2, 3002)
    )
    for body in (no_refs, far):
        start = time.perf_counter()
        run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body)}))
        assert time.perf_counter() - start < HANG_SECONDS and run.code == 0


def test_too_many_cell_styles_is_refused(tmp_path: Path) -> None:
    styles = f"<styleSheet {_MAIN}><cellXfs>{'<xf/>' * 70_000}</cellXfs></styleSheet>".encode()
    body = HEADER + _row(2, _text("A2", "A"), _number("B2", "70", style=1))
    run = cli("batch", _patched(tmp_path, {"xl/styles.xml": styles, "xl/worksheets/sheet1.xml": _sheet(body)}))
    assert run.code == 2 and "cell styles" in run.stderr


def test_a_row_outside_the_sheets_data_is_no_patient(tmp_path: Path) -> None:
    foreign = '<x:extra xmlns:x="urn:x">' + _row(9, _text("A9", "GHOST"), _number("B9", "70")) + "</x:extra>"
    xml = f"<worksheet {_MAIN}><sheetData>{HEADER}{_row(2, _text('A2', 'A'), _number('B2', '70'))}</sheetData>"
    xml += f"{foreign}</worksheet>"
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": xml.encode()}))
    assert [r["id"] for r in records(run.stdout)] == ["A"]


def test_a_dtd_anywhere_or_a_utf16_part_is_refused(tmp_path: Path) -> None:
    padded = b'<?xml version="1.0"?>' + b" " * 5000 + b"<!DOCTYPE x>" + _sheet(HEADER)
    for part in (padded, _sheet(HEADER).decode().encode("utf-16")):
        run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": part}))
        assert run.code == 2, run.stderr


def test_a_sixteen_digit_id_is_written_as_text() -> None:
    done = process(
        "batch", "--input-format", "jsonl", "--output", "xlsx", input='{"id": 1234567890123456, "weight": 70}\n'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(done.stdout))["quotes"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, header.index("id") + 1).value == "1234567890123456"
    assert kept(123456789012345) == 123456789012345  # 15 digits: a number


def test_a_row_inside_another_element_in_sheet_data_is_no_patient(tmp_path: Path) -> None:
    ghost = '<x:wrap xmlns:x="urn:x">' + _row(3, _text("A3", "EVIL"), _number("B3", "99")) + "</x:wrap>"
    body = HEADER + _row(2, _text("A2", "A"), _number("B2", "70")) + ghost
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body)}))
    assert [r["id"] for r in records(run.stdout)] == ["A"]


def test_many_rows_without_references_take_linear_time(tmp_path: Path) -> None:
    body = HEADER + _row(2, _text("A2", "A"), _number("B2", "70")) + "<row/>" * 100_000
    start = time.perf_counter()
    run = cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body)}))
    assert time.perf_counter() - start < HANG_SECONDS and run.code == 0


@pytest.mark.parametrize(
    "cell",
    [_number("B2", "\u0667\u0660"), _number("B2", "\uff17\uff10"), _number("B2", "7_0"), _number("B2", "70", style=9)],
    ids=["Arabic-Indic digits", "full-width digits", "underscore", "a style the workbook lacks"],
)
def test_a_number_cell_is_ascii_digits_with_a_style_the_workbook_has(tmp_path: Path, cell: str) -> None:
    body = HEADER + _row(2, _text("A2", "A"), cell)
    record = records(cli("batch", _patched(tmp_path, {"xl/worksheets/sheet1.xml": _sheet(body)})).stdout)[0]
    assert record["kind"] == "batch_error"


def test_a_workbook_of_quotes_has_its_header_in_view_filters_money_formats_totals_and_notes(
    tmp_path: Path,
) -> None:
    """As a clerk opens it: the header frozen with a filter, money in its currency's format, the totals
    per currency on a sheet of their own, and the notice once (a Notes sheet), not on every row."""
    openpyxl = pytest.importorskip("openpyxl")
    source = tmp_path / "in.csv"
    source.write_text("id,weight,price,currency\nA,70,650,EUR\nB,80,120000,JPY\nC,abc,1,USD\n", encoding="utf-8")
    result = process("batch", str(source), "--output", "xlsx")
    assert result.returncode == 3
    target = tmp_path / "out.xlsx"
    target.write_bytes(result.stdout)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["quotes", "totals", "notes"]
    quotes = book["quotes"]
    header = [cell.value for cell in quotes[1]]
    assert quotes.freeze_panes == "A2" and quotes.auto_filter.ref.endswith("4")
    assert "disclaimer" not in header
    total = header.index("cost.total.min") + 1
    assert (quotes.cell(2, total).value, quotes.cell(2, total).number_format) == (3900, '#,##0.00 "EUR"')
    assert (quotes.cell(3, total).value, quotes.cell(3, total).number_format) == (720000, '#,##0 "JPY"')
    # Money columns take the first currency's format as their own; the header is bold text, in none.
    assert all(cell.font.b and cell.number_format == "General" for cell in quotes[1])
    assert quotes.column_dimensions[quotes.cell(1, total).column_letter].number_format == '#,##0.00 "EUR"'
    assert quotes.cell(4, total).value is None and quotes.cell(4, header.index("error.message") + 1).value
    totals = list(book["totals"].iter_rows(values_only=True))
    assert totals[1][:3] == ("EUR", 1, 3900) and totals[2][:3] == ("JPY", 1, 720000)
    # The totals in their currency's format too, under a bold header (found by a clerk's review).
    sheet = book["totals"]
    assert all(cell.font.b for cell in sheet[1])
    assert [cell.number_format for cell in sheet[2]][2:5] == ['#,##0.00 "EUR"'] * 3
    assert [cell.number_format for cell in sheet[3]][2:5] == ['#,##0 "JPY"'] * 3
    notes = dict(book["notes"].iter_rows(values_only=True))
    assert notes["notice"].startswith("Informational only") and notes["written by"].startswith("ketacalc ")
