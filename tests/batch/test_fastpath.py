"""The faster paths that duplicate slower ones agree with them (issue: batch
throughput). The batch writes records through ``quote_record_json``, which
pre-encodes repeating parts; it must equal plain ``json.dumps`` of the document.
Unit factors and parses are cached; the cached answers must equal fresh ones."""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import Quote, quote, units
from ketacalc.batch.fastpath import FastPath
from ketacalc.batch.rows import Row
from ketacalc.batch.run import quote_row
from ketacalc.batch.writers import Picker, csv_columns
from ketacalc.documents import batch_quote, quote_record_json
from ketacalc.exact import EXACT

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
    assert quote_record_json(row, row_id, q) == plain(batch_quote(row, row_id, q))


@given(st.sampled_from(["09:00", "23:59"]), st.sampled_from(["10 mg/mL", "50 mg/mL"]))
def test_records_with_times_and_pump_also_agree(start: str, concentration: str) -> None:
    q = quote("70", start=start, concentration=concentration, bag="100 mL")
    assert quote_record_json(7, "x", q) == plain(batch_quote(7, "x", q))


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


def test_the_written_unit_factors_are_pints_exact_factors() -> None:
    """units._FACTORS (written by cog) against pint's live conversion at 200
    digits: the same value, to within what pint's Decimal must round (1/60)."""
    from tests.docgen import new_registry

    registry = new_registry()
    for kind in units.KINDS:
        for pint_unit in set(kind.spellings.values()):
            ours = Fraction(units.factor(pint_unit, kind.target))
            with localcontext(EXACT):
                forward = Fraction(registry.Quantity(Decimal(1), pint_unit).to(kind.target).magnitude)
            assert abs(ours - forward) <= abs(forward) * Fraction(1, 10**190), pint_unit
    assert units.factor("second", "minute") == Fraction(1, 60)
    assert units.factor("pound", "kilogram") == Decimal("0.45359237")


def test_a_duration_in_seconds_is_exact_at_the_window_ends() -> None:
    # 1/60 written as pint's 28-digit Decimal made 6000 s 100.00000000000000000000000002 min.
    assert units.parse_quantity("duration", "6000 s", units.DURATION, "x").value == 100
    assert units.parse_quantity("duration", "2400 s", units.DURATION, "x").value == 40
    assert quote(70, duration="6000 s").dose.duration_min == 100


def test_cached_parse_agrees_with_a_fresh_parse() -> None:
    cached = units.parse_quantity("weight", "154 lb", units.WEIGHT, "x")
    units.parse_quantity.cache_clear()
    assert units.parse_quantity("weight", "154 lb", units.WEIGHT, "x") == cached


# The batch's fast path (ketacalc.batch.fastpath) against the plain path (quote_row):
# whatever a row holds, the fast path either declines (None) or writes exactly
# the plain record. Values are drawn around every bound, tie and unit it reads.
def _decimal_text(low: str, high: str, max_places: int, min_places: int = 0) -> st.SearchStrategy[str]:
    return st.integers(min_value=min_places, max_value=max_places).flatmap(
        lambda n: st.decimals(min_value=low, max_value=high, places=n).map(lambda d: f"{d:f}")
    )


_pads = st.sampled_from(["", " ", "\t", "  ", " " * 70])  # over 64 characters: refused by the plain path
_weight_units = st.sampled_from(
    ["", "kg", "KG", "Kg", "kgs", "lb", "lbs", "LB", "st", "g", "pounds", "oz", "kg.", "mg"]
)
_fast_weights = st.builds(
    lambda pad, number, gap, unit, tail: f"{pad}{number}{gap if unit else ''}{unit}{tail}",
    _pads,
    st.one_of(_decimal_text("0", "700", 4), _decimal_text("0", "1600", 2), st.sampled_from(["1", "635", "30", "300"])),
    st.sampled_from(["", " ", "\t"]),
    _weight_units,
    _pads,
)
_fast_rates = st.one_of(
    st.none(),
    _decimal_text("0", "0.9", 5),
    st.sampled_from(["0.1", "0.75", "0.5", ".5", "0.75001", "500 mcg/kg", "0.5" + " " * 70]),
)
_fast_durations = st.one_of(
    st.none(),
    _decimal_text("30", "110", 3),
    st.sampled_from(["40", "100", "40.0", "1.5 h", "99.995", "63", " " * 70 + "40"]),
)
_fast_infusions = st.sampled_from(
    [None, "1", "6", "7", "12", "6.0", "0", "53", "x", " 8 ", 6, 6.5, True, [6], {"a": 1}]
)
_batch_defaults = st.fixed_dictionaries(
    {},
    optional={
        "rate": st.sampled_from(["0.3", "0.75"]),
        "duration": st.sampled_from(["45", "100", "2500 s", "0.7 h"]),
        "infusions": st.sampled_from(["4", "9"]),
        "price": st.sampled_from(["650", "0"]),
        "currency": st.sampled_from(["EUR", "usd"]),
        "dosing_weight": st.sampled_from(["actual", "ideal"]),
        "height": st.just("170 cm"),
    },
)


@given(_fast_weights, _fast_rates, _fast_durations, _fast_infusions, _batch_defaults, ids)
def test_the_batch_fast_path_writes_exactly_the_plain_record_or_declines(
    weight: str,
    rate: str | None,
    duration: str | None,
    infusions: object,
    defaults: dict[str, str],
    row_id: object,
) -> None:
    cells = {"weight": weight, "rate": rate, "duration": duration, "infusions": infusions}
    cells = {name: value for name, value in cells.items() if value is not None}
    fast = FastPath.for_batch(defaults)
    if fast is None:
        assert defaults.get("dosing_weight") == "ideal" or "height" in defaults
        return
    got = fast.record(17, row_id, cells)
    if got is None:
        return
    plain_result = quote_row(Row(17, row_id, cells), defaults)
    assert isinstance(plain_result, Quote)
    assert got.line == quote_record_json(17, row_id, plain_result)
    assert got.codes == tuple(warning.code for warning in plain_result.warnings)
    assert got.cost == plain_result.cost
    assert got.total_dose_centi_mg == plain_result.total_dose_mg * 100
    # For a CSV or workbook, the document: every column taken from it as from the plain path's.
    document = fast.record(17, row_id, cells, as_json=False)
    assert document is not None and document.document is not None
    every = csv_columns()
    plain_document = batch_quote(17, row_id, plain_result)
    for typed in (False, True):
        assert Picker(every, typed)(document.document) == Picker(every, typed)(plain_document)
    # Without the session block (a CSV that writes none of its columns): the same record otherwise.
    bare = fast.record(17, row_id, cells, as_json=False, with_session=False)
    assert bare is not None and bare.document is not None and bare.document["session"] is None
    assert {**bare.document, "session": document.document["session"]} == document.document


@pytest.mark.parametrize(
    "cells",
    [
        {"weight": "70"},
        {"weight": "154 lb", "rate": "0.4", "infusions": "8"},
        {"weight": " 82.35 kg ", "rate": "0.1234", "duration": "53"},
        {"weight": "11 st", "duration": "100"},
    ],
)
def test_the_common_rows_take_the_fast_path(cells: dict[str, str]) -> None:
    fast = FastPath.for_batch({})
    assert fast is not None
    got = fast.record(1, "P1", cells)
    plain_result = quote_row(Row(1, "P1", cells), {})
    assert isinstance(plain_result, Quote) and got is not None
    assert got.line == quote_record_json(1, "P1", plain_result)


@pytest.mark.parametrize(
    "cells",
    [
        {"weight": "0.5"},  # below the hard limit: the plain path words the error
        {"weight": "29.99"},  # below the plausible adult range: the plain path words the warning
        {"weight": "70", "rate": "0.76"},
        {"weight": "70", "duration": "1.5 h"},
        {"weight": "70", "price": "650"},
        {"weight": "70", "infusions": "0"},
        {"weight": "70 oz"},
    ],
)
def test_rows_the_fast_path_cannot_word_go_to_the_plain_path(cells: dict[str, str]) -> None:
    fast = FastPath.for_batch({})
    assert fast is not None and fast.record(1, None, cells) is None


_in_range_weights = st.one_of(
    # Over 100 kg the fast path writes the note asking for height and sex, as the plain path does.
    st.builds(lambda d, unit: f"{d:f}{unit}", st.decimals("30", "250", places=4), st.sampled_from(["", " kg", "kg"])),
    st.builds(lambda d: f"{d:f} lb", st.decimals("66.2", "551", places=2)),
)


@given(
    _in_range_weights,
    _decimal_text("0.1", "0.75", 6, min_places=1),
    _decimal_text("40", "100", 4),
    st.integers(min_value=1, max_value=52).map(str),
    ids,
)
def test_the_fast_path_answers_every_plain_row_within_limits_as_the_plain_path_does(
    weight: str, rate: str, duration: str, infusions: str, row_id: object
) -> None:
    cells = {"weight": weight, "rate": rate, "duration": duration, "infusions": infusions}
    fast = FastPath.for_batch({})
    assert fast is not None
    got = fast.record(3, row_id, cells)
    plain_result = quote_row(Row(3, row_id, cells), {})
    assert isinstance(plain_result, Quote) and got is not None
    assert got.line == quote_record_json(3, row_id, plain_result)


@pytest.mark.parametrize("weight", ["30.0625", "100.125", "70.125"])
def test_a_default_duration_in_seconds_is_exact_on_both_paths(weight: str) -> None:
    # 2500 s is 125/3 min: kept as a Fraction, never a rounded Decimal, so a
    # figure exactly on a half (70.125 kg: 0.8415 mg/min) rounds up.
    defaults = {"duration": "2500 s"}
    fast = FastPath.for_batch(defaults)
    assert fast is not None
    got = fast.record(1, None, {"weight": weight})
    plain_result = quote_row(Row(1, None, {"weight": weight}), defaults)
    assert isinstance(plain_result, Quote) and got is not None
    assert got.line == quote_record_json(1, None, plain_result)
    if weight == "70.125":
        assert json.loads(got.line)["session"]["rate_mg_per_min"] == 0.842


def test_cells_over_64_characters_and_unhashable_cells_go_to_the_plain_path() -> None:
    fast = FastPath.for_batch({})
    assert fast is not None
    assert fast.record(1, None, {"weight": "70" + " " * 70}) is None
    assert fast.record(1, None, {"weight": "70", "infusions": [6]}) is None


@pytest.mark.parametrize("row_id", ["\x7f", "a\x7fb", "\x1b[31m", "Zoë", "\u2028"])
def test_a_control_character_in_an_id_is_escaped_as_the_standard_library_escapes_it(row_id: str) -> None:
    """orjson writes DEL (U+007F) as it is; the standard library escapes it, as every control
    character is escaped where text is echoed (found by the fuzzer above at a larger budget)."""
    q = quote("70")
    line = quote_record_json(1, row_id, q)
    assert line == json.dumps(batch_quote(1, row_id, q), separators=(",", ":"))
    assert line.isascii() and "\x7f" not in line and "\x1b" not in line
