"""Fuzz target for the quantity parser (the one place user text meets pint).

In the suite it runs a few hundred examples; for a long local run:

    KETACALC_FUZZ_EXAMPLES=200000 .venv/bin/python -m pytest tests/test_fuzz_units.py -q
"""

from __future__ import annotations

import time
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ketacalc import units
from ketacalc.errors import InputError
from tests.helpers import HANG_SECONDS

KINDS = [units.WEIGHT, units.RATE, units.DURATION, units.HEIGHT, units.CONCENTRATION, units.VOLUME]

# Text shaped like quantities (digits, dots, signs, unit letters, operators),
# and any text at all.
quantity_like = st.text(alphabet="0123456789.+-eE*/^() kKgGlbsmtLhinµ_,x\n\t", max_size=40)
anything = st.text(max_size=80)


@given(st.one_of(quantity_like, anything), st.sampled_from(KINDS))
def test_parser_returns_a_finite_decimal_or_an_input_error(text: str, kind: units.Kind) -> None:
    start = time.perf_counter()
    try:
        parsed = units.parse_quantity("field", text, kind, "allowed")
    except InputError as error:
        assert error.field == "field"
        assert "\n" not in error.describe("field")
    else:
        # Exact: a Decimal, or a Fraction for seconds that are no terminating number of minutes.
        if isinstance(parsed.exact, Decimal):
            assert parsed.exact.is_finite() and parsed.value == parsed.exact
        else:
            assert isinstance(parsed.exact, Fraction) and kind is units.DURATION
    assert time.perf_counter() - start < HANG_SECONDS
