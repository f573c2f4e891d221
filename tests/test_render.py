"""render: ISMP number formatting and the human tables."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from ketacalc import quote
from ketacalc.render import amount, money, print_tables, quote_tables, with_unit

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        ("35.0", 2, "35"),
        ("35.00", 2, "35"),
        ("0.5", 2, "0.5"),
        (".5", 2, "0.5"),
        ("34.926612490", 2, "34.93"),
        ("1234.5", 2, "1,234.5"),
        ("1000", 0, "1,000"),
        ("0.0049", 2, "0"),
        ("2.345", 2, "2.35"),
        ("1E+3", 2, "1,000"),
    ],
)
def test_amounts_follow_ismp(value: str, places: int, text: str) -> None:
    assert amount(Decimal(value), places) == text


def test_units_stand_apart_from_numbers() -> None:
    assert with_unit(Decimal("35.0"), 2, "mg") == "35 mg"
    assert with_unit(Decimal("2.5"), 2, "mL") == "2.5 mL"


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [("2400.00", "USD", "$2,400"), ("2400.50", "USD", "$2,400.50"), ("1234567.8", "EUR", "EUR 1,234,567.80")],
)
def test_money(value: str, currency: str, text: str) -> None:
    assert money(Decimal(value), currency) == text


def render(width: int, **kwargs: str) -> str:
    buffer = io.StringIO()
    print_tables(quote_tables(quote(**kwargs)), file=buffer, width=width)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_quote_table_matches_golden_file_at_80_columns() -> None:
    text = render(80, weight="154 lb", duration="45 min", infusions="6")
    golden = GOLDEN / "quote_154lb_80.txt"
    assert text == golden.read_text(encoding="utf-8")


def test_table_is_readable_at_40_columns() -> None:
    text = render(40, weight="70")
    lines = text.splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert "35 mg" in text and "$2,400" in text and "Informational only" in text


def test_no_trailing_zeros_or_bare_decimal_points_in_the_table() -> None:
    text = render(100, weight="70", rate=".5")
    assert "35 mg" in text
    assert ".0 " not in text and " .5" not in text


def test_user_text_is_not_read_as_markup() -> None:
    plain = quote("70 kg")
    hostile = replace(plain, dose=replace(plain.dose, weight_given="[red]70 kg[/red]"))
    buffer = io.StringIO()
    print_tables(quote_tables(hostile), file=buffer, width=100)
    assert "[red]70 kg[/red]" in buffer.getvalue()
