"""Pump programming and visit times for a dose. Pure: no I/O."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Literal

from ketacalc import limits, places, units
from ketacalc.errors import InputError, SoftWarning
from ketacalc.exact import Exact, add, div, mul, rounded
from ketacalc.limits import plain
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


VtbiBasis = Literal["bag+drug", "bag"]
VTBI_BASES: tuple[VtbiBasis, ...] = ("bag+drug", "bag")
FINAL_CONCENTRATION_ALLOWED = f"{limits.FINAL_CONCENTRATION_MG_PER_ML.allowed()}, e.g. 1 mg/mL, 10 mg/mL"
VTBI_ALLOWED = "bag+drug (the bag and the drug drawn into it) or bag (the bag's nominal volume)"
DILUENT_ALLOWED = "a diluent's name, e.g. sodium chloride 0.9% or glucose 5%, up to 60 characters"
_DILUENT_MAX_CHARS = 60


def parse_final_concentration(value: Given, field: str = "final_concentration") -> Decimal:
    """A standard (final) concentration in mg/mL, for a premixed bag or syringe. A unit is required."""
    low, high = limits.FINAL_CONCENTRATION_MG_PER_ML.low, limits.FINAL_CONCENTRATION_MG_PER_ML.high
    kind = units.CONCENTRATION
    return bounded_quantity(field, value, kind, low, high, FINAL_CONCENTRATION_ALLOWED, unit_required=True).value


def parse_vtbi_basis(value: Given, field: str = "vtbi") -> VtbiBasis:
    """How the volume to be infused is counted: bag+drug (default) or bag."""
    text = as_text(value)
    word = text.strip().lower().replace(" ", "")
    for basis in VTBI_BASES:
        if word == basis:
            return basis
    raise InputError(field, text, "is not a volume basis", VTBI_ALLOWED)


def parse_diluent(value: Given, field: str = "diluent") -> str:
    """The diluent's name, for the read-back line: printable text, one line."""
    text = as_text(value).strip()
    if not text or len(text) > _DILUENT_MAX_CHARS or not text.isprintable():
        problem = "is empty" if not text else "is not a short line of printable text"
        raise InputError(field, text, problem, DILUENT_ALLOWED)
    # The read-back line gives the volume and concentration itself: any other number in the name
    # (250 mL, 250mls, 100, 0.5 mg/mL) could be read instead. A percentage (0.9%, 5%) is the name's own.
    folded = unicodedata.normalize("NFKC", text)
    if any(char.isdigit() for char in re.sub(r"[0-9]+(?:[.,][0-9]+)?\s*%", "", folded)):
        raise InputError(field, text, "holds a number that is not a percentage (the volume is --bag)", DILUENT_ALLOWED)
    return text


@dataclass(frozen=True, slots=True)
class Syringe:
    """The smallest common syringe that holds a draw, and the marks it measures to."""

    capacity_ml: Decimal
    graduation_ml: Decimal


def syringe_for(volume_ml: Decimal) -> Syringe | None:
    """The smallest common syringe (``limits.SYRINGES_ML``) that holds ``volume_ml``; None above the largest."""
    for capacity, graduation in limits.SYRINGES_ML:
        if volume_ml <= capacity:
            return Syringe(capacity, graduation)
    return None


@dataclass(frozen=True, slots=True)
class Pump:
    """A dose made up for the pump, and the rates to program.

    Made up one of two ways: drawn from stock (``concentration_mg_per_ml``)
    into a bag of diluent (``bag_ml``); or at a standard concentration
    (``standard_mg_per_ml``, ``--final-concentration``), premixed, or drawn
    from stock and made up to volume when the stock is given too. The volume
    to be infused (VTBI) is the bag plus the drug drawn into it (basis
    ``bag+drug``) or the bag's nominal volume (``bag``); a standard
    concentration's VTBI is the dose's own volume. Every figure is one
    division of exact products."""

    concentration_mg_per_ml: Decimal | None
    bag_ml: Decimal | None
    dose_mg: Exact
    standard_mg_per_ml: Decimal | None = None
    vtbi_basis: VtbiBasis = "bag+drug"

    @property
    def _volume_x_concentration(self) -> Exact:
        # (bag + drug) x stock, exact: the bag's figures are each one division of it.
        assert self.bag_ml is not None and self.concentration_mg_per_ml is not None
        return add(mul(self.bag_ml, self.concentration_mg_per_ml), self.dose_mg)

    @property
    def drug_volume_ml(self) -> Exact | None:
        """The stock to draw; None for a premixed bag (no stock given)."""
        if self.concentration_mg_per_ml is None:
            return None
        return div(self.dose_mg, self.concentration_mg_per_ml)

    @property
    def mixed_volume_ml(self) -> Exact:
        """The volume the dose is made up in: bag plus drug, or the dose at the standard concentration."""
        if self.standard_mg_per_ml is not None:
            return div(self.dose_mg, self.standard_mg_per_ml)
        assert self.concentration_mg_per_ml is not None
        return div(self._volume_x_concentration, self.concentration_mg_per_ml)

    @property
    def total_volume_ml(self) -> Exact:
        """The volume to be infused (VTBI), on the pump's basis."""
        if self.vtbi_basis == "bag" and self.bag_ml is not None:
            return self.bag_ml
        return self.mixed_volume_ml

    @property
    def diluent_to_add_ml(self) -> Exact | None:
        """Drawn from stock to a standard concentration: the diluent that makes it up to volume."""
        if self.standard_mg_per_ml is None or self.concentration_mg_per_ml is None:
            return None
        c, s = self.concentration_mg_per_ml, self.standard_mg_per_ml
        return div(mul(self.dose_mg, add(c, -s)), mul(c, s))  # exact, whatever the caller's context

    @property
    def final_concentration_mg_per_ml(self) -> Exact:
        if self.standard_mg_per_ml is not None:
            return self.standard_mg_per_ml
        assert self.concentration_mg_per_ml is not None
        return div(mul(self.dose_mg, self.concentration_mg_per_ml), self._volume_x_concentration)

    @property
    def residual_mg(self) -> Exact | None:
        """With the bag's nominal volume programmed: the drug left in the bag and line at the end."""
        if self.vtbi_basis != "bag" or self.bag_ml is None:
            return None
        return div(mul(self.dose_mg, self.dose_mg), self._volume_x_concentration)

    def rate_ml_per_h(self, duration_min: Exact) -> Exact:
        """The pump rate that runs the VTBI over ``duration_min``."""
        if self.vtbi_basis == "bag" and self.bag_ml is not None:
            return div(mul(self.bag_ml, units.MINUTES_PER_HOUR), duration_min)
        if self.standard_mg_per_ml is not None:
            return div(mul(self.dose_mg, units.MINUTES_PER_HOUR), mul(self.standard_mg_per_ml, duration_min))
        assert self.concentration_mg_per_ml is not None
        return div(
            mul(self._volume_x_concentration, units.MINUTES_PER_HOUR),
            mul(self.concentration_mg_per_ml, duration_min),
        )

    @property
    def syringe(self) -> Syringe | None:
        """The smallest common syringe for the draw, as printed."""
        volume = self.drug_volume_ml
        return None if volume is None else syringe_for(rounded(volume, places.DRUG_ML))


VTBI_MIN_ALLOWED = (
    f"a volume to infuse of at least {limits.VTBI_MIN_ML.text()}: a lower standard concentration, or a bag"
)


# Long because it follows a nurse preparing the pump: stock, diluent, syringe, VTBI, rate.
def pump(
    dose_mg: Exact,
    concentration_mg_per_ml: Decimal | None,
    bag_ml: Decimal | None,
    duration_min: Exact,
    standard_mg_per_ml: Decimal | None = None,
    vtbi_basis: VtbiBasis = "bag+drug",
) -> tuple[Pump, list[SoftWarning]]:
    """Make up ``dose_mg`` for the pump (see ``Pump``), to run over ``duration_min``."""
    plan = Pump(concentration_mg_per_ml, bag_ml, dose_mg, standard_mg_per_ml, vtbi_basis)
    if rounded(plan.total_volume_ml, places.VOLUME_ML) < limits.VTBI_MIN_ML.value:
        # A hard limit: 0.35 mL prints as 0.4 mL (40 mg at 100 mg/mL, not 35), and less as 0 mL/h.
        raise InputError(
            "final_concentration",
            f"{standard_mg_per_ml} mg/mL",
            f"gives {plain(rounded(plan.total_volume_ml, Decimal('0.001')))} mL to infuse, too little to program",
            VTBI_MIN_ALLOWED,
        )
    warnings = []
    residual = plan.residual_mg
    # Compared exactly: 5.39% of the dose is more than 5%, though it would print as 5%.
    if residual is not None and mul(residual, 100) > mul(dose_mg, limits.RESIDUAL_SOFT_MAX_PERCENT.value):
        delivered = rounded(add(dose_mg, -residual), places.MG)
        warnings.append(
            SoftWarning(
                "drug_left_in_bag",
                f"with the bag's nominal volume programmed, {plain(rounded(residual, places.MG))} mg stays in the "
                f"bag and line: the patient receives {plain(delivered)} mg, and the rates in mg assume the whole "
                "dose; program the bag plus drug, or a larger bag",
                "Left in bag and line",
            )
        )
    draw = plan.drug_volume_ml
    # Soft limits compare the figures as printed, so a warning never contradicts them.
    if draw is not None:
        printed = rounded(draw, places.DRUG_ML)
        if printed < limits.DRUG_VOLUME_SOFT_MIN_ML.value:
            warnings.append(
                SoftWarning(
                    "drug_volume_below_measurable",
                    f"the stock volume to draw is below {limits.DRUG_VOLUME_SOFT_MIN_ML.value} mL, too small to "
                    "measure accurately; consider a lower stock concentration",
                    "Draw",
                )
            )
        syringe = plan.syringe
        if syringe is not None and printed >= places.DRUG_ML and printed % syringe.graduation_ml:
            assert concentration_mg_per_ml is not None
            # The marks either side; when the draw is exactly between them, both are given (neither is nearer,
            # and choosing the upper one would always lean towards more drug).
            graduation = syringe.graduation_ml
            marks = Fraction(div(draw, graduation))
            whole = math.floor(marks)
            lower, upper = whole * graduation, (whole + 1) * graduation

            def gives(mark_ml: Decimal) -> str:
                mark_mg = rounded(mul(mark_ml, concentration_mg_per_ml), places.MG)
                return f"{plain(mark_ml)} mL ({plain(mark_mg)} mg)"

            if marks - whole == Fraction(1, 2):
                where = f"it is halfway between {gives(lower)} and {gives(upper)}"
            else:
                where = f"its nearest mark is {gives(lower if marks - whole < Fraction(1, 2) else upper)}"
            warnings.append(
                SoftWarning(
                    "draw_not_measurable",
                    f"the draw of {plain(printed)} mL needs finer marks than a {plain(syringe.capacity_ml)} mL "
                    f"syringe's {plain(graduation)} mL; {where}",
                    "Draw",
                )
            )
    if rounded(plan.rate_ml_per_h(duration_min), places.ML_PER_H) > limits.PUMP_RATE_SOFT_MAX_ML_PER_H.value:
        warnings.append(
            SoftWarning(
                "pump_rate_above_typical_max",
                f"the pump rate is above {limits.PUMP_RATE_SOFT_MAX_ML_PER_H.text()}, the top of many infusion "
                "pumps; check the bag volume and the duration",
                "Pump rate",
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


def both_or_neither(concentration: Given | None, bag: Given | None, final: Given | None = None) -> None:
    """Pump maths needs the stock concentration and the bag, or a standard
    (final) concentration, with or without the stock it is made from."""
    if final is not None:
        if bag is not None:
            raise InputError(
                "bag",
                as_text(bag),
                "cannot go with a final concentration (no bag: the dose is made up to volume)",
                "a bag with a stock concentration, or a final (standard) concentration",
            )
        return
    if concentration is not None and bag is None:
        raise InputError("bag", None, "is missing (--concentration was given)", "both, or neither")
    if bag is not None and concentration is None:
        raise InputError("concentration", None, "is missing (--bag was given)", "both, or neither")
