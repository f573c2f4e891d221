"""The batch's fast path: a row of plain numbers, quoted in whole-number arithmetic.

Most rows of a clinic's export are a weight (bare, or with a weight unit) and
perhaps a rate, a duration and a number of infusions, each a plain decimal
within its limits. For such a row this module computes every figure as the
exact rational value rounded half-up once, in Python integers (no decimal
context, no Fraction), and builds the same record as the plain path,
``documents.quote_record_json`` of ``series.quote``: a property test holds the
two byte-identical.

It answers only what it can answer exactly as the plain path would. Any other
row returns None and the plain path quotes it: another column (price, height,
pump ...), another spelling (``1.5 h``, ``500 mcg/kg``, ``.5``), a value outside
its hard limits (the plain path words the error) or a weight outside the
plausible adult range (the plain path words the warning).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from ketacalc import limits, places, units
from ketacalc.costing import Cost, cost
from ketacalc.documents import BATCH_ENVELOPE, cost_block, record_json
from ketacalc.dosing import HEIGHT_AND_SEX_SUGGESTED, parse_duration, parse_rate
from ketacalc.errors import InputError
from ketacalc.shapes import Patient, nullable_fields
from ketacalc.values import Given

# A plain decimal (digits, then optionally a point and digits), and for a
# weight a unit word after it: a strict subset of what units.parse_quantity reads.
_PLAIN = re.compile(r"[ \t]*([0-9]{1,6})(?:\.([0-9]{1,12}))?[ \t]*")
_WEIGHT = re.compile(r"[ \t]*([0-9]{1,6})(?:\.([0-9]{1,12}))?[ \t]*([A-Za-z]{1,9})?[ \t]*")

# The columns a row may have for this path; the defaults it can take over.
_ROW_FIELDS = frozenset({"weight", "rate", "duration", "infusions"})
_COST_FIELDS = ("price_min", "price_max", "price", "currency")
_DEFAULT_FIELDS = frozenset({"rate", "duration", "infusions", *_COST_FIELDS})

Ratio = tuple[int, int]  # numerator, denominator (> 0): an exact value

# A row with a weight alone: every field of the patient block that may be null is null (the declaration's).
_PATIENT_NULLS = dict.fromkeys(nullable_fields(Patient))


def _ratio(value: Decimal | Fraction) -> Ratio:
    return value.as_integer_ratio()


def _half_up(numerator: int, denominator: int, scale: int) -> int:
    """numerator / denominator x scale, rounded half-up to a whole number
    (both positive: half-up is half away from zero)."""
    return (2 * numerator * scale + denominator) // (2 * denominator)


def _plain(text: Any) -> Ratio | None:
    """A plain decimal cell as an exact ratio, or None for anything else
    (text over units.MAX_INPUT_CHARS too: the plain path refuses it)."""
    if type(text) is not str or len(text) > units.MAX_INPUT_CHARS or (match := _PLAIN.fullmatch(text)) is None:
        return None
    whole, fraction = match.groups()
    if fraction is None:
        return int(whole), 1
    return int(whole + fraction), 10 ** len(fraction)


Bounds = tuple[int, int, int, int]  # low and high, as ratios


def _bounds(limit: limits.Range) -> Bounds:
    return (*_ratio(limit.low), *_ratio(limit.high))


def _within(value: Ratio, bounds: Bounds) -> bool:
    n, d = value
    low_n, low_d, high_n, high_d = bounds
    return n * low_d >= low_n * d and n * high_d <= high_n * d


_WEIGHT_KG = _bounds(limits.WEIGHT_KG)
_WEIGHT_PLAUSIBLE_KG = _bounds(limits.WEIGHT_PLAUSIBLE_KG)
_RATE_MG_PER_KG = _bounds(limits.RATE_MG_PER_KG)
_DURATION_MINUTES = _bounds(limits.DURATION_MINUTES)


def _scale(place: Decimal) -> int:
    """A place as a scale: a figure to 0.01 is a whole number of hundredths."""
    return int(1 / place)


_KG = _scale(places.KG)
_MG_PER_KG = _scale(places.MG_PER_KG)
_MG = _scale(places.MG)
_MIN = _scale(places.MIN)
_MG_PER_MIN = _scale(places.MG_PER_MIN)
_MG_PER_H = _scale(places.MG_PER_H)
_MG_PER_KG_PER_H = _scale(places.MG_PER_KG_PER_H)
_PER_HOUR = int(units.MINUTES_PER_HOUR)
_MCG_PER_KG_PER_MIN = _scale(places.MCG_PER_KG_PER_MIN)
_MCG_PER_MG = 1000
_HEAVY_KG = int(limits.HEAVY_WITHOUT_HEIGHT_KG.value * _KG)
# The plain path's note for a heavy patient without height and sex, as its record writes it.
_HEAVY = ({"code": HEIGHT_AND_SEX_SUGGESTED.code, "message": HEIGHT_AND_SEX_SUGGESTED.message},)


def series_warnings(series: Cost) -> list[dict[str, str]]:
    return [{"code": w.code, "message": w.message} for w in series.warnings]


_SHORTEST = _ratio(limits.DURATION_MINUTES.low)
_LONGEST = _ratio(limits.DURATION_MINUTES.high)
_RECOVERY = _ratio(limits.RECOVERY_MINUTES.value)
_CACHE_MAX = 4096  # distinct infusions cells remembered (a batch has a handful)


class FastRecord(NamedTuple):
    """A row's record (its JSON line, or for a CSV or workbook the document), and what the batch's
    totals need."""

    line: str  # empty when the document was asked for
    document: Mapping[str, Any] | None
    cost: Cost
    total_dose_centi_mg: int  # the series' drug, in hundredths of a mg (as printed)
    codes: tuple[str, ...]  # its warnings' codes


class FastPath:
    """Quotes the plain rows of one batch (see the module's docstring)."""

    def __init__(self, rate: Ratio, duration: Ratio, cost_defaults: Mapping[str, Given]) -> None:
        self._rate = rate
        self._duration = duration
        self._cost_defaults = dict(cost_defaults)
        self._costs: dict[object, Cost | None] = {}
        self._factors: dict[str, Ratio] = {}

    @classmethod
    def for_batch(cls, defaults: Mapping[str, Given | None]) -> FastPath | None:
        """The fast path for a batch with these defaults, or None when they ask
        for what only the plain path does (a dosing weight basis, a height, a pump)."""
        given = {name: value for name, value in defaults.items() if value is not None}
        if given.pop("dosing_weight", "actual") != "actual" or not given.keys() <= _DEFAULT_FIELDS:
            return None
        try:
            rate = parse_rate(given["rate"]) if "rate" in given else limits.RATE_DEFAULT_MG_PER_KG.value
            duration = (
                parse_duration(given["duration"]) if "duration" in given else limits.DURATION_DEFAULT_MINUTES.value
            )
        except InputError:
            return None  # the plain path says what is wrong
        costs = {name: given[name] for name in (*_COST_FIELDS, "infusions") if name in given}
        return cls(_ratio(rate), _ratio(duration), costs)

    # Long because it is the hot loop of a batch, inlined: a call per figure costs measurably (docs/performance.md).
    def record(
        self,
        number: int,
        row_id: Any,
        cells: Mapping[str, Any],
        where: tuple[tuple[str, Any], ...] = (),
        as_json: bool = True,
        with_session: bool = True,
    ) -> FastRecord | None:
        """The row's record (its JSON line; ``as_json`` False: the document), or None when the plain
        path must quote it. ``with_session`` False: the document's session block is None, for a CSV
        or workbook that writes none of its columns (the default set), which then skips its rates."""
        if not cells.keys() <= _ROW_FIELDS:
            return None
        weight = self._weight(cells.get("weight"))
        if weight is None:
            return None
        (wn, wd), unit_given, given = weight
        rate = self._rate if (cell := cells.get("rate")) is None else _plain(cell)
        duration = self._duration if (cell := cells.get("duration")) is None else _plain(cell)
        series = self._cost(cells.get("infusions"))
        if (
            rate is None
            or duration is None
            or series is None
            or not _within(rate, _RATE_MG_PER_KG)
            or not _within(duration, _DURATION_MINUTES)
        ):
            return None
        weight_kg = _half_up(wn, wd, _KG)
        if not _within((weight_kg, _KG), _WEIGHT_PLAUSIBLE_KG):
            return None  # a warning the plain path words
        rn, rd = rate
        dn, dd = wn * rn, wd * rd  # the dose in mg, exactly
        dose = _half_up(dn, dd, _MG)
        tn, td = duration
        rate_mg_per_kg, recovery_min, visit_min = _session_constants(rn, rd, tn, td)
        record = {
            "row": number,
            **dict(where),
            "id": row_id,
            **BATCH_ENVELOPE,
            "warnings": (warnings := [*(_HEAVY if weight_kg > _HEAVY_KG else ()), *series_warnings(series)]),
            "patient": {
                "weight_kg": _number(weight_kg, _KG),
                "weight_given": given,
                "weight_unit_given": unit_given,
                "dosing_weight_kg": _number(weight_kg, _KG),
                "dosing_weight_basis": "actual",
                "dosing_weight_requested": "actual",
                **_PATIENT_NULLS,
            },
            "dose": {
                "rate_mg_per_kg": rate_mg_per_kg,
                "rate_ordered": None,
                "dose_mg": _number(dose, _MG),
            },
            "session": _session(dn, dd, rate, duration, recovery_min, visit_min) if with_session else None,
            "series": {"infusions": series.infusions, "total_dose_mg": _number(dose * series.infusions, _MG)},
            "cost": cost_block(series),
        }
        codes = tuple([warning["code"] for warning in warnings]) if warnings else ()
        if as_json:
            return FastRecord(record_json(record), None, series, dose * series.infusions, codes)
        return FastRecord("", record, series, dose * series.infusions, codes)

    def _weight(self, text: Any) -> tuple[Ratio, bool, str] | None:
        if type(text) is not str or len(text) > units.MAX_INPUT_CHARS or (match := _WEIGHT.fullmatch(text)) is None:
            return None
        whole, fraction, unit = match.groups()
        n, d = (int(whole + fraction), 10 ** len(fraction)) if fraction else (int(whole), 1)
        if unit is not None:
            factor = self._factor(unit.lower())
            if factor is None:
                return None
            n, d = n * factor[0], d * factor[1]
        if not _within((n, d), _WEIGHT_KG):
            return None
        return (n, d), unit is not None, text.strip()

    def _factor(self, spelling: str) -> Ratio | None:
        pint_unit = units.WEIGHT.spellings.get(spelling)
        if pint_unit is None:
            return None
        if (factor := self._factors.get(pint_unit)) is None:
            factor = self._factors[pint_unit] = _ratio(units.factor(pint_unit, units.WEIGHT.target))
        return factor

    def _cost(self, infusions: Any) -> Cost | None:
        if infusions is not None and type(infusions) not in (str, int):
            return None  # a JSON list, object or number with a fraction: the plain path words it
        key = (type(infusions), infusions)
        if key in self._costs:
            return self._costs[key]
        kwargs = dict(self._cost_defaults)
        if infusions is not None:
            kwargs["infusions"] = infusions
        try:
            found: Cost | None = cost(**kwargs)
        except InputError:
            found = None  # the plain path words the error
        if len(self._costs) < _CACHE_MAX:
            self._costs[key] = found
        return found


def _number(scaled: int, scale: int) -> float | int:
    """A figure counted in units of its places, as documents.num writes it: 35, not 35.0 (exact: the
    figures are far below 2**53, so the float division is the exact quotient rounded once)."""
    value = scaled / scale
    return int(value) if value.is_integer() else value


def _session(
    dn: int, dd: int, rate: Ratio, duration: Ratio, recovery_min: float | int, visit_min: float | int
) -> dict[str, Any]:
    """The session block of a dose of dn/dd mg at ``rate`` over ``duration``: its rates over the
    duration and over the window's ends."""
    rn, rd = rate
    shortest = _at(dn, dd, rn, rd, _SHORTEST)
    longest = _at(dn, dd, rn, rd, _LONGEST)
    chosen = shortest if duration == _SHORTEST else longest if duration == _LONGEST else _at(dn, dd, rn, rd, duration)
    return {
        "duration_min": chosen["duration_min"],
        "window_min": {"min": shortest["duration_min"], "max": longest["duration_min"]},
        "recovery_min": recovery_min,
        "visit_min": visit_min,
        "rate_mg_per_min": chosen["rate_mg_per_min"],
        "rate_mg_per_h": chosen["rate_mg_per_h"],
        "rate_mg_per_kg_per_h": chosen["rate_mg_per_kg_per_h"],
        "rate_mcg_per_kg_per_min": chosen["rate_mcg_per_kg_per_min"],
        "window_rates": {"shortest": shortest, "longest": longest},
    }


def _at(dn: int, dd: int, rn: int, rd: int, duration: Ratio) -> dict[str, float | int]:
    """The session's rates over one duration, as documents._rate gives them."""
    tn, td = duration
    duration_min, per_kg_per_h, mcg_per_kg_per_min = _per_kg(rn, rd, tn, td)
    return {
        "duration_min": duration_min,
        "rate_mg_per_min": _number(_half_up(dn * td, dd * tn, _MG_PER_MIN), _MG_PER_MIN),
        "rate_mg_per_h": _number(_half_up(_PER_HOUR * dn * td, dd * tn, _MG_PER_H), _MG_PER_H),
        "rate_mg_per_kg_per_h": per_kg_per_h,
        "rate_mcg_per_kg_per_min": mcg_per_kg_per_min,
    }


@functools.lru_cache(maxsize=4096)  # rates and durations repeat from row to row; doses do not
def _per_kg(rn: int, rd: int, tn: int, td: int) -> tuple[float | int, float | int, float | int]:
    """The duration and the per-kg rates over it, which depend on the rate and the duration only."""
    return (
        _number(_half_up(tn, td, _MIN), _MIN),
        _number(_half_up(_PER_HOUR * rn * td, rd * tn, _MG_PER_KG_PER_H), _MG_PER_KG_PER_H),
        _number(_half_up(_MCG_PER_MG * rn * td, rd * tn, _MCG_PER_KG_PER_MIN), _MCG_PER_KG_PER_MIN),
    )


@functools.lru_cache(maxsize=4096)
def _session_constants(rn: int, rd: int, tn: int, td: int) -> tuple[float | int, float | int, float | int]:
    """The rate per kg, the recovery and the visit, which depend on the rate and the duration only."""
    cn, cd = _RECOVERY
    return (
        _number(_half_up(rn, rd, _MG_PER_KG), _MG_PER_KG),
        _number(_half_up(cn, cd, _MIN), _MIN),
        _number(_half_up(tn * cd + cn * td, td * cd, _MIN), _MIN),
    )
