"""Pump programming and visit times for a dose. Pure: no I/O."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from ketacalc import limits, places, units
from ketacalc.errors import InputError, SoftWarning
from ketacalc.exact import Exact, add, div, mul, rounded
from ketacalc.values import Given, as_text, bounded_quantity

_MINUTES_PER_DAY = 24 * 60

CONCENTRATION_ALLOWED = f"{limits.CONCENTRATION_MG_PER_ML.allowed()}, e.g. 10 mg/mL, 50 mg/mL"
BAG_ALLOWED = f"{limits.BAG_ML.allowed()}, e.g. 100 mL, 0.25 L"
START_ALLOWED = "a time HH:MM, e.g. 09:30, 14:05, 9:30 AM or 2:05 PM (seconds only as :00)"

# 14:05, and as spreadsheets write times: 14:05:00, 2:05 PM, 2:05:00 p.m.
_TIME_RE = re.compile(r"[ \t]*([0-9]{1,2}):([0-5][0-9])(?::([0-5][0-9]))?[ \t]*(?:([AaPp])\.?[ \t]?[Mm]\.?)?[ \t]*")


def parse_concentration(value: Given, field: str = "concentration") -> Decimal:
    """Stock concentration in mg/mL. A unit is required: "10" alone is ambiguous."""
    low, high = limits.CONCENTRATION_MG_PER_ML.low, limits.CONCENTRATION_MG_PER_ML.high
    kind = units.CONCENTRATION
    return bounded_quantity(field, value, kind, low, high, CONCENTRATION_ALLOWED, unit_required=True).value


def parse_bag(value: Given, field: str = "bag") -> Decimal:
    """Diluent volume in mL (a bare number is mL)."""
    return bounded_quantity(field, value, units.VOLUME, limits.BAG_ML.low, limits.BAG_ML.high, BAG_ALLOWED).value


def parse_start(value: Given, field: str = "start") -> int:
    """A start time HH:MM, as minutes after midnight."""
    value = as_text(value)
    match = _TIME_RE.fullmatch(value) if len(value) <= units.MAX_INPUT_CHARS else None
    if match is None:
        raise InputError(field, value, "is not a time", START_ALLOWED)
    hour_text, minute, second, half = match.groups()
    hour = int(hour_text)
    if second not in (None, "00"):
        raise InputError(field, value, "has seconds: a start time is to the minute", START_ALLOWED)
    if half is not None:
        if not 1 <= hour <= 12:
            raise InputError(field, value, "is not a 12-hour time (1 to 12 before AM or PM)", START_ALLOWED)
        hour = hour % 12 + (12 if half in "Pp" else 0)
    elif hour > 23:
        raise InputError(field, value, "is not a time of day", START_ALLOWED)
    return hour * 60 + int(minute)


@dataclass(frozen=True, slots=True)
class Pump:
    """A dose drawn from stock into a bag, and the rates to program. The
    volume to be infused (VTBI) is the bag plus the drug drawn into it."""

    concentration_mg_per_ml: Decimal
    bag_ml: Decimal
    dose_mg: Exact

    @property
    def _volume_x_concentration(self) -> Exact:
        # VTBI x concentration, exact: every figure below is one division of it.
        return add(mul(self.bag_ml, self.concentration_mg_per_ml), self.dose_mg)

    @property
    def drug_volume_ml(self) -> Exact:
        return div(self.dose_mg, self.concentration_mg_per_ml)

    @property
    def total_volume_ml(self) -> Exact:
        """The volume to be infused (VTBI)."""
        return div(self._volume_x_concentration, self.concentration_mg_per_ml)

    @property
    def final_concentration_mg_per_ml(self) -> Exact:
        return div(mul(self.dose_mg, self.concentration_mg_per_ml), self._volume_x_concentration)

    def rate_ml_per_h(self, duration_min: Exact) -> Exact:
        """The pump rate that runs the whole bag over ``duration_min``."""
        return div(
            mul(self._volume_x_concentration, units.MINUTES_PER_HOUR),
            mul(self.concentration_mg_per_ml, duration_min),
        )


def pump(
    dose_mg: Exact, concentration_mg_per_ml: Decimal, bag_ml: Decimal, duration_min: Exact
) -> tuple[Pump, list[SoftWarning]]:
    """Draw ``dose_mg`` from stock at ``concentration_mg_per_ml`` into ``bag_ml``,
    to run over ``duration_min``."""
    plan = Pump(concentration_mg_per_ml, bag_ml, dose_mg)
    warnings = []
    # Soft limits compare the figures as printed, so a warning never contradicts them.
    if rounded(plan.drug_volume_ml, places.DRUG_ML) < limits.DRUG_VOLUME_SOFT_MIN_ML.value:
        warnings.append(
            SoftWarning(
                "drug_volume_below_measurable",
                f"the stock volume to draw is below {limits.DRUG_VOLUME_SOFT_MIN_ML.value} mL, too small to measure "
                "accurately; consider a lower stock concentration",
            )
        )
    if rounded(plan.rate_ml_per_h(duration_min), places.ML_PER_H) > limits.PUMP_RATE_SOFT_MAX_ML_PER_H.value:
        warnings.append(
            SoftWarning(
                "pump_rate_above_typical_max",
                f"the pump rate is above {limits.PUMP_RATE_SOFT_MAX_ML_PER_H.text()}, the top of many infusion "
                "pumps; check the bag volume and the duration",
            )
        )
    return plan, warnings


@dataclass(frozen=True, slots=True)
class VisitTimes:
    """Clock times of a visit, as minutes after the start day's midnight.
    Fractional minutes of infusion are rounded up: a chair is not free early."""

    start_min: int
    infusion_end_min: int
    recovery_end_min: int

    @staticmethod
    def clock(minutes: int) -> str:
        """HH:MM on a 24-hour clock, wrapping past midnight."""
        hours, mins = divmod(minutes % _MINUTES_PER_DAY, 60)
        return f"{hours:02d}:{mins:02d}"

    @staticmethod
    def next_day(minutes: int) -> bool:
        return minutes >= _MINUTES_PER_DAY

    @property
    def crosses_midnight(self) -> bool:
        return self.next_day(self.recovery_end_min)


def visit_times(start_min: int, duration_min: Exact, recovery_min: Decimal) -> VisitTimes:
    infusion_end = start_min + math.ceil(duration_min)
    recovery_end = infusion_end + int(recovery_min.to_integral_value(rounding=ROUND_CEILING))
    return VisitTimes(start_min, infusion_end, recovery_end)


def both_or_neither(concentration: Given | None, bag: Given | None) -> None:
    """Pump maths needs both the stock concentration and the bag."""
    if concentration is not None and bag is None:
        raise InputError("bag", None, "is missing (--concentration was given)", "both, or neither")
    if bag is not None and concentration is None:
        raise InputError("concentration", None, "is missing (--bag was given)", "both, or neither")
