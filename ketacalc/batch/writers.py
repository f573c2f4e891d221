"""Records out: CSV columns (flattened, spreadsheet-safe) and workbook cells (typed)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ketacalc.batch.rows import FORMULA_START
from ketacalc.documents import Document, batch_quote
from ketacalc.errors import printable
from ketacalc.quoting import quote


def flatten(document: Mapping[str, Any], prefix: str = "", typed: bool = False) -> dict[str, Any]:
    """Nested keys joined with dots, for CSV; the warnings list as codes joined
    by ';'. ``typed`` (for a workbook): numbers and money as Decimals, true and
    false as booleans, text with control characters escaped."""
    flat: dict[str, Any] = {}
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}.", typed))
        elif key == "warnings" and isinstance(value, list):
            flat[name] = ";".join(w["code"] for w in value)
        elif isinstance(value, bool):
            flat[name] = value if typed else ("true" if value else "false")
        elif isinstance(value, float):
            flat[name] = Decimal(_plain_number(value)) if typed else _plain_number(value)
        elif isinstance(value, str):
            money = typed and prefix.startswith(("cost.per_infusion.", "cost.total."))
            flat[name] = Decimal(value) if money else printable(value) if typed else _spreadsheet_safe(value)
        else:
            flat[name] = value
    return flat


def _spreadsheet_safe(text: str) -> str:
    """Text for a CSV cell that a spreadsheet shows as text: control characters
    (line breaks too, so each record is one line) written escaped (\\n), and a
    cell that would start a formula (=, +, -, @) prefixed with ' (OWASP)."""
    text = printable(text)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _plain_number(value: float) -> str:
    """A JSON number as CSV text, by ISMP's rule as chart --csv writes it: no
    trailing zeros (35, not 35.0), no exponent, no thousands separators."""
    text = f"{Decimal(repr(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def csv_columns() -> list[str]:
    """Every column a CSV record can have, from a quote with every block."""
    example = quote("70", concentration="10 mg/mL", bag="100 mL", start="09:00")
    columns = list(flatten(batch_quote(1, None, example)))
    return [columns[0], *_WHERE, *columns[1:4], "error.field", "error.message", *columns[4:]]


_WHERE = ("line", "sheet", "sheet_row")  # where a record's row is, as each input names it


def typed_row(record: Document, columns: list[str]) -> list[object]:
    """A record as workbook cells: numbers as numbers, money as exact
    decimals, the rest as text (as the CSV has it: control characters escaped)."""
    flat = flatten(record, typed=True)
    return [flat.get(name) for name in columns]
