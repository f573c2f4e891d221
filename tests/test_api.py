"""Tests of tests/test_api.py."""

from __future__ import annotations

import decimal
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ketacalc
from ketacalc import InputError, cost, dose, quote
from ketacalc.charting import chart
from tests.helpers import HANG_SECONDS

API_CALLS: dict[str, Callable[[], Any]] = {
    "dose": lambda: ketacalc.dose("154 lb", "0.75 mg/kg/h", "45", height="5 ft 7.5 in", sex="f",
                                  dosing_weight="adjusted", concentration="10 mg/mL", bag="100 mL", start="9:30"),
    "cost": lambda: ketacalc.cost(7, "399.99", "799.99", currency="BHD"),
    "quote": lambda: ketacalc.quote(
        "11 st 4 lb", final_concentration="0.7 mg/mL", concentration="10 mg/mL", infusions=52, price="649.99"
    ),
    "plan": lambda: ketacalc.plan("70", "2026-12-07", infusions=52, price="649.99", boosters=2, booster_every="4w",
                                  concentration="10 mg/mL", bag="100 mL"),
    "chart": lambda: chart("40", "60", "5", concentration="10 mg/mL", bag="100 mL"),
}  # fmt: skip


HUGE = [10**5000, -(10**5000), Decimal("1E+1000000"), Decimal("1E-1000000"), Decimal("9" * 5000), 2**20000]


api_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**4000, max_value=10**4400),
    st.floats(),
    st.decimals(),
    st.decimals(allow_nan=True, allow_infinity=True).map(lambda d: d.scaleb(990) if d.is_finite() else d),
    st.text(max_size=20),
    st.builds(object),
    st.lists(st.integers(), max_size=2),
)


@pytest.mark.parametrize("name", API_CALLS)
@pytest.mark.parametrize("context", ["prec=6", "prec=1", "ROUND_FLOOR", "Inexact trapped"])
def test_every_api_function_ignores_the_callers_decimal_context(name: str, context: str) -> None:
    expected = ketacalc.to_document(API_CALLS[name]())
    with decimal.localcontext() as caller:
        if context.startswith("prec"):
            caller.prec = int(context.split("=")[1])
        elif context == "ROUND_FLOOR":
            caller.rounding = decimal.ROUND_FLOOR
        else:
            caller.traps[decimal.Inexact] = True
            caller.traps[decimal.Rounded] = True
        assert ketacalc.to_document(API_CALLS[name]()) == expected


def test_to_document_hands_out_a_fresh_dict_each_time() -> None:
    first = ketacalc.to_document(ketacalc.quote("70 kg"))
    first["session"]["rate_mg_per_h"] = -1
    first["session"]["window_rates"]["shortest"]["rate_mg_per_h"] = -1
    again = ketacalc.to_document(ketacalc.quote("70 kg"))
    assert again["session"]["rate_mg_per_h"] == 52.5
    assert again["session"]["window_rates"]["shortest"]["rate_mg_per_h"] == 52.5


@pytest.mark.parametrize("value", HUGE, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize(
    "call",
    [
        lambda v: dose(v),
        lambda v: dose(70, rate=v),
        lambda v: dose(70, duration=v),
        lambda v: dose(70, concentration=v, bag=100),
        lambda v: dose(70, concentration="10 mg/mL", bag=v),
        lambda v: dose(70, height=v, sex="f"),
        lambda v: cost(infusions=v),
        lambda v: cost(price=v),
        lambda v: cost(price_min=v),
        lambda v: quote(70, price_max=v),
        lambda v: chart(v),
        lambda v: chart(step=v),
    ],
)
def test_huge_python_numbers_raise_input_error_within_a_second(call: Any, value: Any) -> None:
    start = time.perf_counter()
    with pytest.raises(InputError):
        call(value)
    assert time.perf_counter() - start < HANG_SECONDS


@given(
    st.sampled_from(["weight", "rate", "duration", "height", "concentration", "infusions", "price", "price_min"]),
    api_values,
)
def test_fuzzed_python_api_types(name: str, value: object) -> None:
    """Any Python value for any input: a result, or InputError, within a second."""
    kwargs: dict[str, Any] = {"weight": 70}
    kwargs[name] = value
    if name == "height":
        kwargs["sex"] = "f"
    if name == "concentration":
        kwargs["bag"] = 100
    start = time.perf_counter()
    try:
        quote(**kwargs)
    except InputError:
        pass
    assert time.perf_counter() - start < HANG_SECONDS
