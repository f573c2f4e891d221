"""A dosing chart: doses (and pump rates) for a range of weights by a set of
rates, for a clinic wall or a binder. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ketacalc import limits, units
from ketacalc.dosing import parse_duration, parse_rate, weight_warnings
from ketacalc.errors import InputError, SoftWarning
from ketacalc.exact import EXACT, Exact, exact, mul
from ketacalc.pump import (
    VtbiBasis,
    both_or_neither,
    parse_bag,
    parse_concentration,
    parse_final_concentration,
    parse_vtbi_basis,
    pump,
)
from ketacalc.values import Given, as_text, in_range

MAX_ROWS = 200
MAX_RATES = 8
DEFAULT_RATES = "0.1,0.25,0.5,0.75"  # the seed's least, typical and most, and a step between
# Defaults per unit: the 40-150 kg by 5, and about the same span in lb.
DEFAULT_RANGE = {"kg": ("40", "150", "5"), "lb": ("90", "330", "10")}
UNIT_ALLOWED = "kg or lb"
STEP_ALLOWED = f"a number above 0, giving at most {MAX_ROWS} rows"
RATES_ALLOWED = f"1 to {MAX_RATES} rates, comma-separated, each {limits.RATE_MG_PER_KG.allowed()}, e.g. 0.25,0.5,0.75"


@dataclass(frozen=True, slots=True)
class ChartRow:
    weight: Decimal  # in the chart's unit
    weight_kg: Decimal
    doses_mg: tuple[Exact, ...]  # one per rate
    pump_rates_ml_per_h: tuple[Exact, ...] | None  # one per rate, with pump settings


@dataclass(frozen=True, slots=True)
class Chart:
    weight_unit: str
    rates_mg_per_kg: tuple[Decimal, ...]
    duration_min: Exact
    concentration_mg_per_ml: Decimal | None
    bag_ml: Decimal | None
    rows: tuple[ChartRow, ...]
    warnings: tuple[SoftWarning, ...]
    standard_mg_per_ml: Decimal | None = None  # --final-concentration
    vtbi_basis: VtbiBasis = "bag+drug"


def parse_rates(value: Given, field: str = "rates") -> tuple[Decimal, ...]:
    value = as_text(value)
    parts = value.split(",") if len(value) <= 200 else []
    if not parts or len(parts) > MAX_RATES:
        raise InputError(field, value, "is not a list of rates", RATES_ALLOWED)
    return tuple(parse_rate(part.strip(), field, per_time_allowed=False) for part in parts)


def chart(
    start: Given | None = None,
    stop: Given | None = None,
    step: Given | None = None,
    *,
    unit: str = "kg",
    rates: str | None = None,
    concentration: Given | None = None,
    bag: Given | None = None,
    duration: Given | None = None,
    final_concentration: Given | None = None,
    vtbi: Given | None = None,
) -> Chart:
    """Doses for weights ``start``..``stop`` by ``step`` (numbers in ``unit``),
    at each of ``rates``. With ``concentration`` and ``bag``, pump rates too.
    The number of rows is known exactly, and bounded, before any is made."""
    with exact():
        weight_unit = as_text(unit).strip().lower()
        if weight_unit not in DEFAULT_RANGE:
            raise InputError("unit", as_text(unit), "is not a chart unit", UNIT_ALLOWED)
        default_start, default_stop, default_step = DEFAULT_RANGE[weight_unit]
        kg_per_unit = units.decimal_factor("pound" if weight_unit == "lb" else "kilogram", "kilogram")
        first = _weight(start if start is not None else default_start, weight_unit, kg_per_unit, "from")
        last = _weight(stop if stop is not None else default_stop, weight_unit, kg_per_unit, "to")
        if last < first:
            raise InputError("to", as_text(stop if stop is not None else default_stop), "is below --from", "to >= from")
        step_text = as_text(step if step is not None else default_step)
        increment = units.parse_quantity("step", step_text, units.WEIGHT, STEP_ALLOWED)
        if increment.unit_given:
            raise InputError("step", step_text, "takes a bare number; set the unit with --unit", STEP_ALLOWED)
        if increment.value <= 0 or EXACT.divide_int(last - first, increment.value) >= MAX_ROWS:
            raise InputError("step", step_text, "gives no rows or too many", STEP_ALLOWED)
        count = int(EXACT.divide_int(last - first, increment.value)) + 1
        rates_mg_per_kg = parse_rates(DEFAULT_RATES if rates is None else rates)
        both_or_neither(concentration, bag, final_concentration)
        concentration_mg_per_ml = None if concentration is None else parse_concentration(concentration)
        bag_ml = None if bag is None else parse_bag(bag)
        standard = None if final_concentration is None else parse_final_concentration(final_concentration)
        basis: VtbiBasis = "bag+drug" if vtbi is None else parse_vtbi_basis(vtbi)
        pumped = bag_ml is not None or standard is not None
        duration_min = limits.DURATION_DEFAULT_MINUTES.value if duration is None else parse_duration(duration)

        rows = []
        warnings: dict[str, SoftWarning] = {}
        for index in range(count):
            weight = first + index * increment.value
            weight_kg = weight * kg_per_unit
            for warning in weight_warnings(weight_kg):
                warnings.setdefault(warning.code, warning)
            doses_mg = tuple(mul(weight_kg, rate) for rate in rates_mg_per_kg)
            pump_rates = None
            if pumped:
                plans = [
                    pump(dose_mg, concentration_mg_per_ml, bag_ml, duration_min, standard, basis)
                    for dose_mg in doses_mg
                ]
                pump_rates = tuple(plan.rate_ml_per_h(duration_min) for plan, _ in plans)
                for _, plan_warnings in plans:
                    for warning in plan_warnings:
                        warnings.setdefault(warning.code, warning)
            rows.append(ChartRow(weight, weight_kg, doses_mg, pump_rates))
        return Chart(
            weight_unit=weight_unit,
            rates_mg_per_kg=rates_mg_per_kg,
            duration_min=duration_min,
            concentration_mg_per_ml=concentration_mg_per_ml,
            bag_ml=bag_ml,
            standard_mg_per_ml=standard,
            vtbi_basis=basis,
            rows=tuple(rows),
            warnings=tuple(warnings.values()),
        )


def _weight(value: Given, unit: str, kg_per_unit: Decimal, field: str) -> Decimal:
    """A chart weight: a bare number in the chart's unit, checked in kg."""
    text = as_text(value)
    allowed = f"a bare number in {unit}, {limits.WEIGHT_KG.allowed()}"
    parsed = units.parse_quantity(field, text, units.WEIGHT, allowed)
    if parsed.unit_given:
        raise InputError(field, text, "takes a bare number; set the unit with --unit", UNIT_ALLOWED)
    in_range(field, text, parsed.value * kg_per_unit, limits.WEIGHT_KG.low, limits.WEIGHT_KG.high, allowed)
    return parsed.value
