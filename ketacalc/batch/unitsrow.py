"""A units row: the row under a header that gives the units of the columns above it (``ID,Weight,Price``
then ``,(lb),EUR``), as clinics' sheets write them, in a CSV or a workbook alike."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ketacalc.batch.columns import (
    HeaderError,
    currency_code,
    has_units,
    is_unit_of,
    normalize,
    recognize,
    same_unit,
)
from ketacalc.batch.numbers import PRICE_FIELDS
from ketacalc.errors import printable

# A cell of a units row: a unit, bare or bracketed, or after "in" ("(lb)", "[kg]", "lb", "in lbs", "€").
_UNIT_CELL_RE = re.compile(r"[ \t]*(?:in[ \t]+)?[(\[]?[ \t]*([^()\[\]0-9]{1,12}?)[ \t]*[)\]]?[ \t]*", re.IGNORECASE)


class UnitsRow(NamedTuple):
    names: list[str]  # the header's names with their units added: "Weight (lb)"
    mappings: dict[str, str]  # --column's mappings, renamed to match
    note: str


def units_row(names: Sequence[str], cells: Sequence[str], mappings: Mapping[str, str]) -> UnitsRow | None:
    """The row under the header, when it gives units (``ID,Weight,Price`` then ``,(lb),EUR``): the
    names with their units, or None when it is a data row. It is a units row when no cell holds a
    digit and a cell under a column ketacalc reads is a unit of that column's field. Then every such
    cell must be one (HeaderError naming it), and agree with a unit the header already names; cells
    under other columns ("C", "yyyy-mm-dd", "#") describe columns ketacalc does not read."""
    if any(any(char.isdigit() for char in cell) for cell in cells):
        return None
    fields = _fields_of(names, mappings)
    found: dict[int, str] = {}
    for index, cell in enumerate(cells[: len(names)]):
        unit = _UNIT_CELL_RE.fullmatch(cell) if cell.strip() else None
        field = fields.get(index)
        if unit is not None and field is not None and is_unit_of(field, unit.group(1)):
            found[index] = unit.group(1).strip()
    if not found:
        return None
    merged = list(names)
    renamed = dict(mappings)
    for index, cell in enumerate(cells[: len(names)]):
        field = fields.get(index)
        if not cell.strip() or field is None or not has_units(field):
            continue
        if index not in found:
            raise HeaderError(
                f"the units row under the header gives {printable(cell.strip())!r} for the column "
                f"{printable(names[index])!r}, which is not a unit of {field}"
            )
        named = recognize(names[index])
        if named is not None and named[1]:
            if not _same_unit_or_currency(field, named[1], found[index]):
                raise HeaderError(
                    f"the header {printable(names[index])!r} names {named[1]!r}, and the units row under it "
                    f"{found[index]!r}"
                )
            continue  # "Dose (mg/kg)" over "mg/kg": said twice, read once
        merged[index] = f"{names[index]} ({found[index]})"
        for mapped_field, wanted in mappings.items():
            if normalize(wanted) == normalize(names[index]):
                renamed[mapped_field] = merged[index]
    shown = ", ".join(printable(merged[index]) for index in sorted(found) if merged[index] != names[index])
    return UnitsRow(merged, renamed, f"note: the second header row gives units: {shown or 'none new'}")


def _same_unit_or_currency(field: str, first: str, second: str) -> bool:
    if field in PRICE_FIELDS:
        return currency_code(first) == currency_code(second)
    return same_unit(field, first, second)


def _fields_of(names: Sequence[str], mappings: Mapping[str, str]) -> dict[int, str]:
    """The field each column is read as, by --column or by its name."""
    fields: dict[int, str] = {}
    for index, name in enumerate(names):
        mapped = [field for field, wanted in mappings.items() if normalize(wanted) == normalize(name)]
        found = recognize(name)
        if mapped:
            fields[index] = mapped[0]
        elif found is not None:
            fields[index] = found[0]
    return fields
