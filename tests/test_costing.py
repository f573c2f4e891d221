"""cost: Decimal money for a series."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import cost
from ketacalc.errors import InputError
from tests.helpers import cli


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
        ({"price": "10000000001"}, "price"),
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
    c = cost(currency="eur", price_min="400", price_max="800")
    assert c.currency == "EUR"
    assert c.total_max == Decimal("4800")  # no exchange rate applied


def test_the_seeds_dollar_range_is_never_a_price_in_another_currency() -> None:
    with pytest.raises(InputError) as caught:
        cost(currency="EUR", price_min="500")
    assert caught.value.field == "currency" and "no built-in price" in caught.value.problem
    assert cost(currency="EUR", price="650").total_mid == Decimal("3900")


@pytest.mark.parametrize(
    ("currency", "price", "per_infusion", "total"),
    [
        ("JPY", "120000", "120000", "720000"),  # ISO 4217: no minor unit
        ("BHD", "400.125", "400.125", "2400.750"),  # three
        ("USD", "649.99", "649.99", "3899.94"),
        ("IRR", "500000000", "500000000.00", "3000000000.00"),  # a realistic price under the cap
    ],
)
def test_money_has_the_currencys_minor_units(currency: str, price: str, per_infusion: str, total: str) -> None:
    from ketacalc import to_document

    document = to_document(cost(currency=currency, price=price))
    assert document["cost"]["per_infusion"]["mid"] == per_infusion
    assert document["cost"]["total"]["mid"] == total


@pytest.mark.parametrize(("currency", "price"), [("JPY", "120000.5"), ("USD", "1.999"), ("BHD", "1.0005")])
def test_a_price_finer_than_the_currency_is_refused(currency: str, price: str) -> None:
    with pytest.raises(InputError) as caught:
        cost(currency=currency, price=price)
    assert f"more decimal places than {currency} has" in caught.value.problem


def test_a_mid_price_rounds_half_up_to_the_currencys_unit() -> None:
    assert cost(currency="JPY", price_min="1", price_max="2").price_mid == Decimal("2")
    assert cost(currency="BHD", price_min="0.001", price_max="0.002").price_mid == Decimal("0.002")


def test_the_package_names_are_the_functions_whatever_was_imported_first() -> None:
    """The package imports lazily; no submodule may shadow a public name."""
    import importlib

    import ketacalc

    for name in ketacalc.__all__:
        value = getattr(ketacalc, name)
        assert not isinstance(value, type(importlib)), name


prices = st.decimals(min_value="0", max_value="100000", places=2)


infusion_counts = st.integers(min_value=1, max_value=52)


@given(prices, prices, infusion_counts)
def test_a_total_is_exactly_price_times_infusions(a: Decimal, b: Decimal, n: int) -> None:
    low, high = sorted((a, b))
    c = cost(infusions=str(n), price_min=str(low), price_max=str(high))
    assert c.total_min == low * n
    assert c.total_max == high * n
    assert c.total_min <= c.total_mid <= c.total_max


@given(st.decimals(min_value="0", max_value="100000", places=2), st.integers(min_value=1, max_value=52))
def test_series_totals_are_exact_to_the_cent(price: Decimal, n: int) -> None:
    doc = cli("cost", "--price", str(price), "--infusions", str(n), "--json").json()
    assert Decimal(doc["cost"]["total"]["max"]) == price * n
    assert Decimal(doc["cost"]["total"]["min"]) == price * n
    assert doc["cost"]["total"]["max"] == f"{price * n:.2f}"
