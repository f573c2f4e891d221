"""cost: Decimal money for a series."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacalc import cost
from ketacalc.errors import InputError


def test_defaults_come_from_the_seed() -> None:
    c = cost()
    assert c.infusions == 6
    assert c.currency == "USD"
    assert (c.price_min, c.price_max, c.price_mid) == (Decimal("400"), Decimal("800"), Decimal("600"))
    assert (c.total_min, c.total_max, c.total_mid) == (Decimal("2400"), Decimal("4800"), Decimal("3600"))
    assert c.warnings == ()


def test_one_known_price() -> None:
    c = cost(infusions="4", price="649.99")
    assert c.price_min == c.price_max == Decimal("649.99")
    assert c.total_max == Decimal("2599.96")


def test_midpoint_rounds_half_up_to_the_cent() -> None:
    c = cost(infusions=1, price_min="400.00", price_max="400.01")
    assert c.price_mid == Decimal("400.01")  # 400.005 -> 400.01, not banker's 400.00
    assert str(c.total_mid) == "400.01"


@pytest.mark.parametrize(("text", "value"), [("$600", "600"), ("1,250.50", "1250.50"), (" 0 ", "0"), ("600.", "600")])
def test_price_spellings(text: str, value: str) -> None:
    assert cost(price=text).price_min == Decimal(value)


def test_more_than_six_infusions_warns_with_the_seed_reason() -> None:
    c = cost(infusions="8")
    assert [w.code for w in c.warnings] == ["infusions_above_usual_series"]
    assert "further sessions are unlikely to show improvements" in c.warnings[0].message
    assert cost(infusions="6").warnings == ()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"infusions": "0"}, "infusions"),
        ({"infusions": "1.5"}, "infusions"),
        ({"infusions": "six"}, "infusions"),
        ({"infusions": ""}, "infusions"),
        ({"infusions": "53"}, "infusions"),
        ({"infusions": "99999999999999999999"}, "infusions"),
        ({"price": "-5"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "12.345"}, "price"),
        ({"price": "1,00"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"price": "1e3"}, "price"),
        ({"price": "100001"}, "price"),
        ({"price_min": "900"}, "price_min"),
        ({"price_min": "500", "price_max": "450"}, "price_min"),
        ({"price": "500", "price_min": "400"}, "price"),
        ({"currency": "US"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "dollars"}, "currency"),
    ],
)
def test_bad_cost_inputs_are_rejected(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        cost(**kwargs)
    assert caught.value.field == field


def test_currency_is_a_label_upper_cased() -> None:
    c = cost(currency="eur")
    assert c.currency == "EUR"
    assert c.total_max == Decimal("4800")  # no exchange rate applied


def test_the_package_names_are_the_functions_whatever_was_imported_first() -> None:
    """The package imports lazily; no submodule may shadow a public name."""
    import importlib

    import ketacalc

    for name in ketacalc.__all__:
        value = getattr(ketacalc, name)
        assert not isinstance(value, type(importlib)), name
