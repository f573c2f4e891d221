"""Reading an .xlsx workbook with bounded work, whatever the file claims.

A workbook is a zip of XML parts. Each part is read through a cap on its
decompressed size (a 1.9 MB file can hold a 2 GB string), and parsed as a
stream, with no DTD and no entities. Rows are placed by their cell
references, not by the order they come in or by the sheet's declared
dimension (a 4.9 KB file can declare A1:XFD1048576): a duplicate row is
refused, rows and cells out of order are put in their place, and the work is
bounded by the cells actually present. A malformed cell (an out-of-range
shared string, a number that is not one, a bad date) is that row's problem,
never the whole run's. Standard library only: no openpyxl is needed to read.

Which sheet: the one named, else the active sheet if it is visible, else the
first visible worksheet; a chart sheet is never read, and the sheet read is
named (``Sheet.name``). A number format that names a unit (``0 "lb"``) is
kept as the cell's unit.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO
from xml.etree import ElementTree

from ketacalc.batch.decoding import XLSX_BYTES, what_bytes
from ketacalc.batch.formats import format_currency, format_unit
from ketacalc.errors import KetacalcError, printable, shown

MAX_FILE_BYTES = 256 * 1024 * 1024  # a workbook from stdin is held in memory: bounded
MAX_PART_BYTES = 64 * 1024 * 1024  # any one part, decompressed
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 16_384
MAX_SHARED_CHARS = 32 * 1024 * 1024
MAX_STYLES = 65_000  # Excel's own limit is 64,000 cell formats
_MAX_DEPTH = 64  # a sheet is a few levels deep
_MAX_ROW_ELEMENTS = 4 * MAX_COLUMNS  # every column's cell, value and string, with room
_MAX_SHARED_ELEMENTS = 8_000_000  # a million rows' strings, their runs and formatting
_MAX_STYLE_ELEMENTS = 1_000_000
_MAX_EXPONENT = 300  # a number further from 1 than 1e300 is no clinical value (and 1E-999999 is a million digits)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHARTSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"
_REF_RE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
# Built-in number formats that are dates or times (ECMA-376 18.8.30).
_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_NOISE = Decimal("1e-9")
_EPOCH_1900 = datetime.datetime(1899, 12, 30)
_EPOCH_1904 = datetime.datetime(1904, 1, 1)


class WorkbookError(KetacalcError):
    """A workbook that cannot be read (exit 2): the message says why."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as a CSV export of it would hold it."""

    text: str
    typed: bool = False  # a number cell: it has no decimal mark to read
    unsaved_formula: bool = False  # a formula with no value saved
    problem: str | None = None  # a cell that cannot be read: its row is an error
    unit: str | None = None  # a unit its number format shows (0 "lb")


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    rows: Iterator[tuple[int, dict[int, Cell]]]  # (the sheet's own row number, {column: cell}), cells present
    notes: tuple[str, ...]  # said on stderr: which sheet was read, what was skipped


def read(binary: IO[bytes], sheet: str | None) -> Sheet:
    """The sheet to read (see the module) and its rows, bounded."""
    data = binary.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(f"the workbook is over {MAX_FILE_BYTES // 1024 // 1024} MiB")
    said = what_bytes(data[:512])
    if said is not None and not said.startswith(XLSX_BYTES):  # an .xls, .ods, web page or PDF named .xlsx
        raise WorkbookError(f"the input is not an .xlsx workbook: it is {said}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise WorkbookError("not a readable .xlsx workbook (not a zip file): save it as .xlsx or 'CSV UTF-8'") from None
    book = _Book(archive)
    name, path, notes = book.choose(sheet)
    return Sheet(name, book.rows(path), notes)


class _Book:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        workbook = self.tree("xl/workbook.xml")
        self.date1904 = any(element.get("date1904") in ("1", "true") for element in workbook.iter(f"{_MAIN}workbookPr"))
        view = next(workbook.iter(f"{_MAIN}workbookView"), None)
        self.active = _whole(view.get("activeTab") if view is not None else None, 0)
        rels = self.relationships("xl/_rels/workbook.xml.rels", "xl")
        self.sheets: list[tuple[str, str, str, str]] = []  # name, state, kind, path
        for element in workbook.iter(f"{_MAIN}sheet"):
            target, kind = rels.get(element.get(f"{_REL}id", ""), ("", ""))
            self.sheets.append((element.get("name", ""), element.get("state", "visible"), kind, target))
        self._shared: list[str] | None = None
        self._formats: tuple[list[bool], list[str | None]] | None = None

    # --- parts, bounded ---------------------------------------------------------------------------

    def part(self, name: str) -> bytes:
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise WorkbookError(f"not a readable .xlsx workbook (no {name})") from None
        if info.file_size > MAX_PART_BYTES:
            raise WorkbookError(f"the workbook's part {name} is over {MAX_PART_BYTES // 1024 // 1024} MiB unpacked")
        with self.archive.open(info) as handle:
            data = handle.read(MAX_PART_BYTES + 1)  # the size in the zip's directory may lie: read through a cap
        if len(data) > MAX_PART_BYTES:
            raise WorkbookError(f"the workbook's part {name} is over {MAX_PART_BYTES // 1024 // 1024} MiB unpacked")
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
            raise WorkbookError(f"the workbook's part {name} is UTF-16, which no spreadsheet writes")
        if re.search(rb"<!DOCTYPE|<!ENTITY", data, re.IGNORECASE):
            raise WorkbookError(f"the workbook's part {name} holds a DTD, which no spreadsheet writes")
        return data

    def tree(self, name: str) -> ElementTree.Element:
        data = self.part(name)
        _count_elements(name, data, _MAX_STYLE_ELEMENTS)  # a whole tree is built only for a part of bounded size
        try:
            return ElementTree.fromstring(data)
        except ElementTree.ParseError as error:
            raise WorkbookError(f"not a readable .xlsx workbook ({name}: {error})") from None

    def relationships(self, name: str, base: str) -> dict[str, tuple[str, str]]:
        if name not in self.archive.namelist():
            return {}
        found = {}
        for element in self.tree(name).iter(f"{_PKG_REL}Relationship"):
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            found[element.get("Id", "")] = (path, element.get("Type", ""))
        return found

    # --- which sheet ------------------------------------------------------------------------------

    def choose(self, wanted: str | None) -> tuple[str, str, tuple[str, ...]]:
        names = ", ".join(repr(printable(name)) for name, *_ in self.sheets)
        worksheets = [(i, s) for i, s in enumerate(self.sheets) if s[2] != _CHARTSHEET]
        if wanted is not None:
            for _, (name, _state, kind, path) in enumerate(self.sheets):
                if name == wanted:
                    if kind == _CHARTSHEET:
                        raise WorkbookError(f"the sheet {shown(wanted)} is a chart, not a table (sheets: {names})")
                    return name, path, (f"note: reading sheet {printable(name)!r}",)
            raise WorkbookError(f"the workbook has no sheet {shown(wanted)} (sheets: {names})")
        visible = [(i, s) for i, s in worksheets if s[1] == "visible"]
        if not visible:
            raise WorkbookError(f"the workbook has no visible worksheet; name one with --sheet (sheets: {names})")
        index, (name, _, _, path) = next(((i, s) for i, s in visible if i == self.active), visible[0])
        notes = [f"note: reading sheet {printable(name)!r}"]
        skipped = [s[0] for i, s in enumerate(self.sheets) if i < index and (s[1] != "visible" or s[2] == _CHARTSHEET)]
        if skipped:
            notes.append("note: not read: " + ", ".join(repr(printable(n)) for n in skipped) + " (hidden or a chart)")
        return name, path, tuple(notes)

    # --- shared strings and number formats ----------------------------------------------------------

    def shared(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if "xl/sharedStrings.xml" in self.archive.namelist():
                total = elements = 0
                data = self.part("xl/sharedStrings.xml")
                try:
                    # Streamed, each string cleared once read: memory holds the texts, not the tree.
                    root = None
                    for event, item in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
                        root = item if root is None else root
                        elements += 1
                        if elements > _MAX_SHARED_ELEMENTS:
                            raise WorkbookError("the workbook's shared strings have too many parts to be a sheet's")
                        if event != "end" or item.tag != f"{_MAIN}si":
                            continue
                        # The text is <t> or the runs' <r><t>; a phonetic guide (<rPh>) is not shown in the cell.
                        pieces = [*item.findall(f"{_MAIN}t"), *item.findall(f"{_MAIN}r/{_MAIN}t")]
                        text = "".join(t.text or "" for t in pieces)
                        total += len(text)
                        if total > MAX_SHARED_CHARS:
                            raise WorkbookError("the workbook's shared strings are over 32 million characters")
                        self._shared.append(text)
                        root.clear()  # the strings read so far leave the tree: memory holds their texts only
                except ElementTree.ParseError as error:
                    raise WorkbookError(f"not a readable .xlsx workbook (sharedStrings.xml: {error})") from None
        return self._shared

    def formats(self) -> tuple[list[bool], list[str | None]]:
        """Per cell style: whether it is a date or time, and a unit its number format shows."""
        if self._formats is None:
            is_date: list[bool] = []
            units: list[str | None] = []
            if "xl/styles.xml" in self.archive.namelist():
                styles = self.tree("xl/styles.xml")
                codes = {_whole(f.get("numFmtId"), -1): f.get("formatCode", "") for f in styles.iter(f"{_MAIN}numFmt")}
                cell_xfs = next(styles.iter(f"{_MAIN}cellXfs"), None)
                for count, xf in enumerate(cell_xfs.iter(f"{_MAIN}xf") if cell_xfs is not None else ()):
                    if count >= MAX_STYLES:
                        raise WorkbookError(f"the workbook has more than {MAX_STYLES:,} cell styles")
                    number = _whole(xf.get("numFmtId") or "0", -1)
                    if number < 0:  # a format id that is no number: its unit cannot be known
                        is_date.append(False)
                        units.append("?")
                        continue
                    code = codes.get(number, "")
                    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).lower()
                    is_date.append(number in _DATE_FORMATS or bool(re.search(r"[dmyhs]", plain)))
                    units.append(format_unit(code) or format_currency(code))
            self._formats = (is_date, units)
        return self._formats

    # --- rows -------------------------------------------------------------------------------------

    def rows(self, path: str) -> Iterator[tuple[int, dict[int, Cell]]]:
        """The sheet's rows in order of their numbers, each cell in its column. Work is bounded by the
        cells present: a declared dimension is never used."""
        if not path:
            raise WorkbookError("not a readable .xlsx workbook (its sheet has no part: no xl/_rels/workbook.xml.rels?)")
        data = self.part(path)
        rows: dict[int, dict[int, Cell]] = {}
        path_tags: list[str] = []  # the open elements, outermost first
        in_row = 0  # elements opened inside the current row: bounded, so one row cannot hold millions
        last = 0
        try:
            for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
                if event == "start":
                    path_tags.append(element.tag)
                    if len(path_tags) > _MAX_DEPTH:
                        raise WorkbookError(f"the sheet {path} is nested deeper than a spreadsheet writes")
                    if f"{_MAIN}row" in path_tags:
                        in_row += 1
                        if in_row > _MAX_ROW_ELEMENTS:
                            raise WorkbookError(f"the sheet has a row of more than {_MAX_ROW_ELEMENTS:,} elements")
                    continue
                path_tags.pop()
                if element.tag != f"{_MAIN}row":
                    continue
                in_row = 0
                # A row is a patient only as a child of <sheetData>, never inside another element.
                if path_tags[-1:] != [f"{_MAIN}sheetData"]:
                    element.clear()
                    continue
                number = _row_number(element, rows, last)
                last = number
                cells: dict[int, Cell] = {}
                previous = -1
                for cell in element.findall(f"{_MAIN}c"):
                    column = _column(cell.get("r"), number, previous + 1)
                    previous = column
                    if column in cells:
                        raise WorkbookError(f"the sheet has the cell {cell.get('r')!r} twice")
                    read = self.cell(cell)
                    if read.text or read.unsaved_formula or read.problem:
                        cells[column] = read  # an empty cell takes no room, however far right it is
                rows[number] = cells
                element.clear()
        except ElementTree.ParseError as error:
            raise WorkbookError(f"not a readable .xlsx workbook ({path}: {error})") from None
        return self._in_order(rows)

    @staticmethod
    def _in_order(rows: dict[int, dict[int, Cell]]) -> Iterator[tuple[int, dict[int, Cell]]]:
        # Sparse: a row holds the cells present, so one far to the right costs nothing.
        for number in sorted(rows):
            yield number, rows[number]

    def cell(self, element: ElementTree.Element) -> Cell:
        kind = element.get("t", "n")
        value_element = element.find(f"{_MAIN}v")
        value = None if value_element is None else value_element.text
        formula = element.find(f"{_MAIN}f") is not None
        style = _whole(element.get("s") or "0", -1)
        if kind == "inlineStr":
            inline = element.find(f"{_MAIN}is")
            pieces = [] if inline is None else [*inline.findall(f"{_MAIN}t"), *inline.findall(f"{_MAIN}r/{_MAIN}t")]
            return Cell("".join(t.text or "" for t in pieces))
        if value is None:
            return Cell("", unsaved_formula=formula)
        if kind == "s":
            shared = self.shared()
            if _whole(value, -1) < 0 or int(value) >= len(shared):
                return Cell("", problem=f"refers to shared string {printable(value)[:20]}, which the workbook lacks")
            return Cell(shared[int(value)])
        if kind in ("str", "e"):
            return Cell(value) if kind == "str" else Cell("", problem=f"is a spreadsheet error ({printable(value)})")
        if kind == "b":
            return Cell("TRUE" if value == "1" else "FALSE")
        if kind == "d":
            return _iso_date(value)
        return self._number(value, style)

    def _number(self, value: str, style: int) -> Cell:
        # ASCII digits as a spreadsheet writes them (Decimal alone would take ٧٠, ７０ and 7_0).
        if not _NUMBER_RE.fullmatch(value.strip()):
            return Cell("", problem=f"holds {printable(value)[:20]!r} in a number cell")
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return Cell("", problem=f"holds {printable(value)[:20]!r} in a number cell")
        is_date, units = self.formats()
        if style < 0 or (style > 0 and style >= len(units)):
            return Cell("", problem="refers to a cell style the workbook lacks, so its unit cannot be known")
        if not number.is_finite() or abs(number.adjusted()) > _MAX_EXPONENT:
            return Cell("", problem=f"holds {printable(value)[:20]!r} in a number cell")
        if style < len(is_date) and is_date[style]:
            return self._serial(number)
        return Cell(number_text(number), typed=True, unit=units[style] if style < len(units) else None)

    def _serial(self, number: Decimal) -> Cell:
        """A date or time cell (days since the workbook's epoch): as CSV holds it."""
        if not Decimal(-1) < number < Decimal(2958466):  # up to 9999-12-31
            return Cell("", problem=f"holds {number} as a date, which is no date")
        epoch = _EPOCH_1904 if self.date1904 else _EPOCH_1900
        moment = epoch + datetime.timedelta(seconds=round(float(number) * 86400))
        if number < 1:  # a time of day
            seconds = moment.second
            return Cell(f"{moment.hour:02d}:{moment.minute:02d}" + (f":{seconds:02d}" if seconds else ""))
        if moment.time() == datetime.time():
            return Cell(moment.date().isoformat())
        return Cell(moment.isoformat(sep=" "))


_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,10})?")


def number_text(number: Decimal) -> str:
    """A number cell's value as a CSV export holds it: no trailing zeros, no exponent, and
    floating-point noise a formula leaves (715.0000000000001, 0.30000000000000004) taken off: within
    1e-9 of a number of 9 places, it is that number; anything further off is kept as it is. (For
    every workbook reader: .xlsx here, .ods, .xls and .xlsb in ``calamine``.)"""
    snapped = number.quantize(_NOISE) if number.adjusted() < 15 else number
    if number != snapped and abs(number - snapped) <= _NOISE:
        number = snapped
    text = f"{number.normalize():f}" if number == number.to_integral_value() else f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _count_elements(name: str, data: bytes, cap: int) -> None:
    """Refuse a part of more than ``cap`` elements before a tree of it is built (expat: constant memory)."""
    import xml.parsers.expat

    count = 0

    def start(*_: object) -> None:
        nonlocal count
        count += 1
        if count > cap:
            raise WorkbookError(f"the workbook's part {name} has more than {cap:,} elements")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        raise WorkbookError(f"not a readable .xlsx workbook ({name}: {error})") from None


def _whole(text: str | None, default: int) -> int:
    """An attribute that is a whole number in ASCII digits ("²" is not one), else ``default``."""
    return int(text) if text is not None and _DIGITS_RE.fullmatch(text) else default


_DIGITS_RE = re.compile(r"[0-9]{1,9}")


def _row_number(element: ElementTree.Element, rows: dict[int, dict[int, Cell]], last: int) -> int:
    given = element.get("r")
    number = _whole(given, -1) if given is not None else last + 1  # a row without r follows the one before
    if not 1 <= number <= MAX_ROWS:
        raise WorkbookError(f"the sheet has a row numbered {printable(str(given))[:12]}, past Excel's {MAX_ROWS:,}")
    if number in rows:
        raise WorkbookError(f"the sheet has row {number} twice; open and save it in a spreadsheet program")
    if len(rows) >= MAX_ROWS:
        raise WorkbookError(f"the sheet has more than {MAX_ROWS:,} rows")
    return number


def _column(reference: str | None, row: int, position: int) -> int:
    """A cell's column from its reference (B2 is 1); a cell without one follows the one before."""
    if reference is None:
        return position
    found = _REF_RE.fullmatch(reference)
    if found is None or int(found.group(2)) != row:
        raise WorkbookError(f"the sheet has a cell {printable(reference)[:12]!r} in row {row}")
    column = 0
    for letter in found.group(1):
        column = column * 26 + ord(letter) - 64
    if column > MAX_COLUMNS:
        raise WorkbookError(f"the sheet has a cell {reference!r} past Excel's last column")
    return column - 1


def _iso_date(value: str) -> Cell:
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return Cell("", problem=f"holds {printable(value)[:20]!r} as a date, which is no date")
    if moment.time() == datetime.time():
        return Cell(moment.date().isoformat())
    return Cell(moment.isoformat(sep=" "))
