"""Workbook input: a sheet's rows (``ketacalc.batch.workbook``) read as a CSV export of it would be."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import IO, Any

from ketacalc.batch import workbook
from ketacalc.batch.columns import (
    NUMERIC,
    Header,
    HeaderError,
    normalize,
    prepare,
    recognize,
    same_unit,
)
from ketacalc.batch.csvfile import HEADER_SEARCH_ROWS, header_of
from ketacalc.batch.numbers import read_two_ways
from ketacalc.batch.rows import BLANK, BatchInputError, Reading, Row, echo_id, is_totals
from ketacalc.batch.unitsrow import units_row


def read_xlsx(binary: IO[bytes], reading: Reading, fmt: str = "xlsx") -> tuple[Iterator[Row], Header]:
    """The rows of a workbook's sheet, read as a CSV export of it would be (``ketacalc.batch.workbook``
    for .xlsx: bounded by the cells present, rows placed by their references; ``ketacalc.batch.calamine``
    for .ods, .xls and .xlsb)."""
    try:
        if fmt == "xlsx":
            sheet = workbook.read(binary, reading.sheet)
        else:
            from ketacalc.batch import calamine

            sheet = calamine.read(binary, reading.sheet, fmt)
        rows = sheet.rows
        first: list[workbook.Cell] | None = None
        seen = 0
        mapped = normalize(reading.columns.get("weight", "")) or None
        for number, present in rows:
            cells = [present.get(i, _EMPTY_CELL) for i in range(max(present, default=-1) + 1)] if present else []
            texts = [cell.text for cell in cells]
            if not any(text.strip() for text in texts):
                continue
            seen += 1
            names_weight = any((found := recognize(t)) is not None and found[0] == "weight" for t in texts)
            if first is None:
                first = cells  # the header when no row names a weight column: the error says what is missing
            if names_weight or any(normalize(t) == mapped for t in texts) or number == reading.header_row:
                first = cells
                notes = [f"note: the header is row {number} of the sheet"] if seen > 1 else []
                break
            if seen >= HEADER_SEARCH_ROWS:
                break
        else:
            notes = []
        if first is None:
            raise BatchInputError(f"the sheet {sheet.name!r} is empty: it needs a header row with a 'weight' column")
    except workbook.WorkbookError as error:
        raise BatchInputError(str(error)) from None
    try:
        rows, names, reading = _units_row(rows, [cell.text for cell in first], reading, notes)
    except workbook.WorkbookError as error:
        raise BatchInputError(str(error)) from None
    header = header_of(names, reading)
    # A workbook's cell may name the unit in its number format (0 "lb"), and is read in it.
    assumed = tuple(f"{said} (a cell whose number format shows a unit is read in it)" for said in header.assumed)
    header = replace(header, notes=(*sheet.notes, *notes, *header.notes), names=tuple(names), assumed=assumed)
    held = list(rows)  # held already (placed by reference): looked over once for units in cells' formats
    shown = _units_shown(held, header)
    return _sheet_rows(iter(held), header, reading.decimal_comma, sheet.name, shown), header


_EMPTY_CELL = workbook.Cell("")
SheetRows = Iterator[tuple[int, dict[int, workbook.Cell]]]


def _units_row(
    rows: SheetRows, names: list[str], reading: Reading, notes: list[str]
) -> tuple[SheetRows, list[str], Reading]:
    """The sheet row under the header, when it gives units (``columns.units_row``): applied to the
    names above it; any other row is put back."""
    following = next(rows, None)
    if following is None:
        return rows, names, reading
    texts = [following[1].get(i, _EMPTY_CELL).text for i in range(max(following[1], default=-1) + 1)]
    try:
        found = units_row(names, texts, reading.columns)
    except HeaderError as error:
        raise BatchInputError(str(error)) from None
    if found is None:
        return itertools.chain([following], rows), names, reading
    notes.append(found.note)
    return rows, found.names, replace(reading, columns=found.mappings)


def _units_shown(rows: list[tuple[int, dict[int, workbook.Cell]]], header: Header) -> frozenset[str]:
    """The fields whose column names no unit but some of whose cells show one in their format: a cell
    there that shows none (154 beside "154 lb") could be either, and is its row's error."""
    unnamed = {c.index: c.field for c in header.columns if c.unit is None and c.currency is None and c.field != "id"}
    shown = set()
    for _, present in rows:
        for index, field in unnamed.items():
            cell = present.get(index)
            if cell is not None and cell.unit is not None:
                shown.add(field)
    return frozenset(shown)


def _sheet_rows(
    sheet_rows: Iterator[tuple[int, dict[int, workbook.Cell]]],
    header: Header,
    decimal_comma: bool | None,
    sheet: str = "",
    units_shown: frozenset[str] = frozenset(),
) -> Iterator[Row]:
    """The data rows of a sheet. ``decimal_comma`` None (no --decimal): a text cell whose number reads
    two ways (1.250 €) is its row's error; a typed number cell has no decimal mark to read."""
    number = 0
    units = {c.field: c.unit for c in header.columns}
    width = len(header.names)
    for sheet_row, present in sheet_rows:
        cells = [present[k] for k in sorted(present)]  # the cells present, in column order
        where = (("sheet", sheet), ("sheet_row", sheet_row))  # the spreadsheet's own row number
        if not any(cell.text.strip() or cell.unsaved_formula or cell.problem for cell in cells):
            if cells:  # cells present but empty (a formatted row): counted; rows with no cells are not rows
                yield Row(number, None, {}, skipped=BLANK, where=where)
            continue
        number += 1
        if is_totals(cell.text for cell in cells):
            yield Row(number, None, {}, skipped="a totals row", where=where)
            continue
        own = [_own(present.get(index)) for index in range(max(width, max(present, default=-1) + 1))]
        mine = [(c.field, present[c.index]) for c in header.columns if c.index in present]
        values = {name: cell.text for name, cell in mine if cell.text.strip()}
        row_id = echo_id(_typed_id(values.pop("id", None), present, header))
        unsaved = [name for name, cell in mine if cell.unsaved_formula]
        broken = [(name, cell.problem) for name, cell in mine if cell.problem]
        if unsaved:
            problem = (
                f"{unsaved[0]} is a formula with no value saved in the workbook "
                "(open and save it in a spreadsheet program, or export CSV)"
            )
            yield Row(number, row_id, {}, problem, unsaved[0], where=where, own=own)
            continue
        if broken:
            yield Row(number, row_id, {}, f"{broken[0][0]} cell {broken[0][1]}", broken[0][0], where=where, own=own)
            continue
        shown = _format_units(mine, units, values, units_shown)
        if shown is not None:
            yield Row(number, row_id, {}, shown[1], shown[0], where=where, own=own)
            continue
        typed = frozenset(name for name, cell in mine if cell.typed and values.get(name) == cell.text)
        if decimal_comma is None and (either := read_two_ways(values, NUMERIC - typed)) is not None:
            yield Row(number, row_id, {}, either[1], either[0], where=where, own=own)
            continue
        written = dict(values)
        found = prepare(values, header, bool(decimal_comma), typed)
        yield (
            Row(number, row_id, {}, found[1], found[0], where=where, own=own)
            if found
            else Row(number, row_id, values, where=where, written=written, own=own)
        )


def _own(cell: workbook.Cell | None) -> object:
    """A cell as the output holds it: a number cell as its number, any other as its text."""
    if cell is None:
        return ""
    return Decimal(cell.text) if cell.typed else cell.text


def _typed_id(text: str | None, present: Mapping[int, workbook.Cell], header: Header) -> Any:
    """An id from a number cell stays a number (1002, not "1002"), as the sheet shows it."""
    column = next((c.index for c in header.columns if c.field == "id"), None)
    cell = present.get(column) if column is not None and text is not None else None
    if text is None or cell is None or not cell.typed or not _WHOLE_RE.fullmatch(text):
        return text
    return int(text)


_WHOLE_RE = re.compile(r"-?[0-9]{1,15}")


def _format_units(
    mine: list[tuple[str, workbook.Cell]],
    header_units: Mapping[str, str | None],
    values: dict[str, Any],
    units_shown: frozenset[str] = frozenset(),
) -> tuple[str, str] | None:
    """A number cell whose format shows a unit (154 shown as "154 lb") is read in that unit; one that
    disagrees with its column's header, or whose format shows different units by value, is the row's
    error (field, problem)."""
    for name, cell in mine:
        if name in units_shown and cell.unit is None and cell.typed and name in values:
            return name, (
                f"{name} cell {cell.text} shows no unit, but other cells of its column show one in their "
                "number format; give this cell the same format, or name the unit in the header"
            )
    for name, cell in mine:
        if cell.unit is None or not cell.typed or name not in values or name == "id":
            continue
        if cell.unit == "?":
            return name, f"{name} cell's number format shows different units by value; give the unit in the header"
        header_unit = header_units.get(name)
        if header_unit is not None:
            if not same_unit(name, header_unit, cell.unit):
                return name, (
                    f"{name} cell shows {cell.text} {cell.unit!r}, but the column's header says {header_unit!r}"
                )
            continue
        values[name] = f"{cell.text} {cell.unit}"
    return None
