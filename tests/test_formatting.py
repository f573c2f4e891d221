"""ketacalc.formatting: numbers as ISMP prints doses, and money in its currency's minor units."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ketacalc import places
from ketacalc.formatting import amount, fixed_text, minutes, money, with_unit


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (Decimal("35.00"), places.MG, "35"),  # no trailing zero: 35.0 mg is read as 350 mg
        (Decimal("0.5"), places.MG, "0.5"),  # a leading zero: .5 mg is read as 5 mg
        (Decimal("1234.5"), places.MG, "1,234.5"),  # thousands separators
        (Decimal("0.004"), places.MG, "0"),  # never "-0" or ""
        (Decimal("-0.004"), places.MG, "0"),
        (Fraction(2, 3), places.MG, "0.67"),
        (Decimal("62.975"), places.MG_PER_H, "62.98"),  # rounded half-up once
    ],
)
def test_amounts_follow_ismp(value: Decimal | Fraction, step: Decimal, expected: str) -> None:
    assert amount(value, step) == expected


def test_a_unit_follows_after_a_space() -> None:
    assert with_unit(Decimal("34.9266"), places.MG, "mg") == "34.93 mg"
    assert minutes(Decimal("40")) == "40 min"


def test_fixed_text_has_thousands_only_when_asked() -> None:
    assert fixed_text(Decimal("1234.5"), places.MG) == "1234.5"
    assert fixed_text(Decimal("1234.5"), places.MG, thousands=True) == "1,234.5"


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (Decimal("2400.00"), "USD", "$2,400"),
        (Decimal("2400.50"), "USD", "$2,400.50"),
        (Decimal("650"), "EUR", "EUR 650"),
        (Decimal("60000"), "JPY", "JPY 60,000"),
        (Decimal("400.125"), "BHD", "BHD 400.125"),
    ],
)
def test_money_shows_its_currencys_minor_units(value: Decimal, currency: str, expected: str) -> None:
    assert money(value, currency) == expected
