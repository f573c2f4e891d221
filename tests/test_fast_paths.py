"""The faster paths that duplicate slower ones agree with them (issue: batch
throughput). The batch writes records through ``quote_record_json``, which
pre-encodes repeating parts; it must equal plain ``json.dumps`` of the document.
Unit factors and parses are cached; the cached answers must equal fresh ones."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ketacalc import quote, units
from ketacalc.documents import quote_document, quote_record_json

weights = st.one_of(
    st.decimals(min_value="1", max_value="600", places=2).map(str),
    st.decimals(min_value="2.3", max_value="1300", places=1).map(lambda d: f"{d} lb"),
    st.integers(min_value=1, max_value=600),
)
rates = st.sampled_from([None, "0.1", "0.25", "0.5", "0.75", "500 mcg/kg", "0.333"])
durations = st.sampled_from([None, "40", "45", "1.5 h", "100", "63.5"])
infusions = st.integers(min_value=1, max_value=52)
prices = st.one_of(st.none(), st.decimals(min_value="0", max_value="5000", places=2).map(str))
ids = st.one_of(st.none(), st.text(max_size=20), st.integers())


@given(weights, rates, durations, infusions, prices, ids, st.integers(min_value=1, max_value=10**6))
def test_batch_record_json_equals_plain_json_dumps(
    weight: str | int, rate: str | None, duration: str | None, n: int, price: str | None, row_id: object, row: int
) -> None:
    q = quote(weight, rate, duration, infusions=n, price=price)
    assert quote_record_json(row, row_id, q) == plain({"row": row, "id": row_id, **quote_document(q)})


@given(st.sampled_from(["09:00", "23:59"]), st.sampled_from(["10 mg/mL", "50 mg/mL"]))
def test_records_with_times_and_pump_also_agree(start: str, concentration: str) -> None:
    q = quote("70", start=start, concentration=concentration, bag="100 mL")
    assert quote_record_json(7, "x", q) == plain({"row": 7, "id": "x", **quote_document(q)})


def plain(record: dict[str, object]) -> str:
    """What the standard library writes for the same record, compactly."""
    return json.dumps(record, separators=(",", ":"))


def test_a_cached_session_never_answers_for_another_dose() -> None:
    # Same rate and duration, so the same template; a different dose must still
    # get its own rates.
    first = json.loads(quote_record_json(1, None, quote("70 kg", "0.5")))
    other = json.loads(quote_record_json(2, None, quote("80 kg", "0.5")))
    again = json.loads(quote_record_json(3, None, quote("70 kg", "0.5")))
    assert first["session"]["rate_mg_per_h"] == 52.5
    assert other["session"]["rate_mg_per_h"] == 60
    assert again["session"] == first["session"]


def test_cached_unit_factors_agree_with_pint() -> None:
    registry = units.registry()
    for kind in (units.WEIGHT, units.RATE, units.DURATION, units.HEIGHT, units.CONCENTRATION, units.VOLUME):
        for pint_unit in set(kind.spellings.values()):
            fresh = Decimal(registry.Quantity(Decimal(1), pint_unit).to(kind.target).magnitude)
            assert units.factor(pint_unit, kind.target) == fresh


def test_cached_parse_agrees_with_a_fresh_parse() -> None:
    cached = units.parse_quantity("weight", "154 lb", units.WEIGHT, "x")
    units.parse_quantity.cache_clear()
    assert units.parse_quantity("weight", "154 lb", units.WEIGHT, "x") == cached
