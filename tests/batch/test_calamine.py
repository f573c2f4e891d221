"""Other spreadsheet files, as their programs write them: .ods (odfpy, LibreOffice's format) and .xls
(xlwt, Excel 97-2003's format), read through python-calamine; and files that are none of them."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from tests.helpers import cli, records, write

Rows = list[list[object]]


def ods(path: Path, sheets: dict[str, Rows], active: str | None = None, hidden: str | None = None) -> str:
    """An .ods as odfpy writes it; ``active``: the sheet open when saved (LibreOffice's settings.xml)."""
    from odf.style import Style, TableProperties

    document = OpenDocumentSpreadsheet()
    hide = Style(name="hidden", family="table")
    hide.addElement(TableProperties(display="false"))
    document.automaticstyles.addElement(hide)
    for name, rows in sheets.items():
        table = Table(name=name, **({"stylename": hide} if name == hidden else {}))
        for row in rows:
            line = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                elif isinstance(value, datetime.datetime):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                line.addElement(cell)
            table.addElement(line)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    if active is not None:
        settings = (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-settings '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"><office:settings>'
            '<config:config-item-set config:name="ooo:view-settings"><config:config-item '
            f'config:name="ActiveTable" config:type="string">{active}</config:config-item>'
            "</config:config-item-set></office:settings></office:document-settings>"
        )
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("settings.xml", settings)
    return str(path)


def xls(path: Path, sheets: dict[str, Rows], hidden: str | None = None) -> str:
    """An .xls as Excel 97-2003 wrote it (xlwt writes BIFF8)."""
    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        if name == hidden:
            sheet.visibility = 1
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime.datetime):
                    sheet.write(r, c, value, xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm"))
                elif value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return str(path)


WRITERS: dict[str, Callable[..., str]] = {"ods": ods, "xls": xls}
CLINIC: Rows = [
    ["March quotes"],
    [],
    ["Name", "Patient ID", "Weight (lb)", "Dose (mg/kg)", "Price (USD)", "Start"],
    ["Ann Lee", 1001, 154, 0.25, 650, datetime.datetime(2025, 12, 8, 9, 30)],
    ["Bo Chan", "B-2", "heavy", None, 650, None],
    ["Total", None, 308, None, 1300, None],
]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_clinic_sheet_reads_as_its_xlsx_would(tmp_path: Path, fmt: str) -> None:
    path = WRITERS[fmt](tmp_path / f"clinic.{fmt}", {"March": CLINIC})
    run = cli("batch", path)
    out = records(run.stdout)
    assert run.code == 3 and [r["id"] for r in out] == [1001, "B-2"]  # the totals row is no patient
    ann, bo = out
    assert ann["patient"]["weight_kg"] == 69.85 and ann["dose"]["dose_mg"] == 17.46  # 154 lb at 0.25 mg/kg
    assert ann["cost"]["per_infusion"]["min"] == "650.00" and ann["date"] == "2025-12-08"
    assert ann["session"]["start"] == "09:30" and (ann["sheet"], ann["sheet_row"]) == ("March", 4)
    assert bo["error"]["field"] == "weight" and bo["sheet_row"] == 5
    assert "note: reading sheet 'March'" in run.stderr and "note: the header is row 3 of the sheet" in run.stderr
    assert "skipped: row 3 (sheet 'March' row 6), a totals row" in run.stderr


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_column_that_names_no_unit_is_refused_as_the_cells_formats_cannot_be_seen(tmp_path: Path, fmt: str) -> None:
    path = WRITERS[fmt](tmp_path / f"plain.{fmt}", {"S": [["ID", "Weight"], ["P1", 154]]})
    run = cli("batch", path)
    assert run.code == 2 and run.stdout == "" and len(run.stderr.splitlines()) <= 3
    assert "the column 'Weight' names no unit" in run.stderr and "'Weight (kg)'" in run.stderr
    priced = WRITERS[fmt](tmp_path / f"priced.{fmt}", {"S": [["ID", "Weight (kg)", "Price"], ["P1", 70, 650]]})
    refused = cli("batch", priced)
    assert refused.code == 2 and "the column 'Price' names no currency" in refused.stderr
    assert cli("batch", priced, "--currency", "EUR").code == 0  # the clerk names it


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_hidden_sheet_is_read_only_when_named(tmp_path: Path, fmt: str) -> None:
    sheets: dict[str, Rows] = {
        "Template": [["ID", "Weight (kg)"], ["T", 999]],
        "Quotes": [["ID", "Weight (kg)"], ["P1", 70]],
    }
    path = WRITERS[fmt](tmp_path / f"h.{fmt}", sheets, hidden="Template")
    run = cli("batch", path)
    assert [r["id"] for r in records(run.stdout)] == ["P1"] and "not read: 'Template'" in run.stderr
    named = cli("batch", path, "--sheet", "Template")
    assert named.code == 3 and records(named.stdout)[0]["id"] == "T"
    missing = cli("batch", path, "--sheet", "Nope")
    assert missing.code == 2 and "sheets: 'Template', 'Quotes'" in missing.stderr


def test_the_sheet_open_when_an_ods_was_saved_is_read(tmp_path: Path) -> None:
    sheets: dict[str, Rows] = {"Old": [["ID", "Weight (kg)"], ["O", 70]], "New": [["ID", "Weight (kg)"], ["N", 80]]}
    run = cli("batch", ods(tmp_path / "a.ods", sheets, active="New"))
    assert [r["id"] for r in records(run.stdout)] == ["N"] and "reading sheet 'New'" in run.stderr


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("book.csv", "xlsx", "is an Excel workbook (.xlsx): give --input-format xlsx"),
        (
            "book.xlsx",
            "ods",
            "not an .xlsx workbook: it is an OpenDocument spreadsheet (.ods): give --input-format ods",
        ),
        ("book.ods", "xlsx", "not an OpenDocument spreadsheet (.ods): it is an Excel workbook (.xlsx)"),
        ("book.csv", "xls", "is an Excel 97-2003 workbook (.xls), or a password-protected one"),
        ("book.xlsx", "xls", "it is an Excel 97-2003 workbook (.xls)"),
        ("book.xls", "html", "it is an HTML page (programs save a web table as .xls)"),
        ("book.csv", "html", "is an HTML page"),
        ("book.xls", "pdf", "it is a PDF"),
        ("book.xls", "junk", "not a readable Excel 97-2003 workbook (.xls)"),
        ("book.ods", "zip", "it is a zip file, not a spreadsheet ketacalc reads"),
    ],
)
def test_a_file_is_known_by_its_bytes_and_the_message_says_how_to_save_it(
    tmp_path: Path, name: str, data: str, said: str
) -> None:
    made = tmp_path / f"made.{data}"
    rows: Rows = [["weight"], [70]]
    if data == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(["weight"])
        book.save(made)
    elif data in WRITERS:
        WRITERS[data](made, {"S": rows})
    else:
        buffer = io.BytesIO()
        if data == "zip":
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("notes.txt", "weight\n70\n")
        made.write_bytes(
            {
                "html": b"<html><body><table><tr><td>weight</td></tr></table></body></html>",
                "pdf": b"%PDF-1.7\n",
                "junk": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
                "zip": buffer.getvalue(),
            }[data]
        )
    run = cli("batch", write(tmp_path, name, made.read_bytes()))
    assert run.code == 2 and run.stdout == "" and len(run.stderr.splitlines()) == 1, run.stderr
    assert said in run.stderr
    assert "Traceback" not in run.stderr


def test_an_ods_that_unpacks_past_its_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", b" " * (65 * 1024 * 1024))
    run = cli("batch", str(path))
    assert run.code == 2 and "unpacks to over 64 MiB" in run.stderr


def test_without_the_excel_extra_an_ods_names_how_to_add_it(tmp_path: Path) -> None:
    path = ods(tmp_path / "a.ods", {"S": [["ID", "Weight (kg)"], ["P1", 70]]})
    code = (
        "import sys, runpy; sys.modules['python_calamine'] = None; "
        f"sys.argv = ['ketacalc', 'batch', {path!r}]; runpy.run_module('ketacalc', run_name='__main__')"
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "pip install 'ketacalc[excel]'" in done.stderr and "pipx" in done.stderr
