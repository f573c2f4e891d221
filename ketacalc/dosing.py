"""Weight -> dosing weight -> dose -> infusion rates. Pure: no I/O.

All arithmetic is Decimal, so nothing is rounded before the dose is computed and
a dose is exactly dosing weight x rate. Rounding happens only when a number is
written out (see ``ketacalc.render`` and ``ketacalc.documents``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Literal

from ketacalc import limits, places, units
from ketacalc.errors import InputError, SoftWarning
from ketacalc.exact import EXACT, Exact, add, div, exact, mul, rounded, settled
from ketacalc.limits import plain
from ketacalc.pump import (
    Pump,
    VisitTimes,
    VtbiBasis,
    both_or_neither,
    parse_bag,
    parse_concentration,
    parse_diluent,
    parse_final_concentration,
    parse_start,
    parse_vtbi_basis,
    pump,
    visit_times,
)
from ketacalc.values import Given, as_text, bounded_quantity, in_range

Basis = Literal["actual", "ideal", "adjusted"]
Sex = Literal["female", "male"]
BASES: tuple[Basis, ...] = ("actual", "ideal", "adjusted")
SEXES: tuple[Sex, ...] = ("female", "male")


WEIGHT_ALLOWED = f"a body weight of {limits.WEIGHT_KG.allowed()}, e.g. 70, 70 kg, 154 lb, 11 st 4 lb"
RATE_ALLOWED = (
    f"{limits.RATE_MG_PER_KG.allowed()} for the session (a bare number is mg/kg; also mcg/kg), "
    "or an order per time with its unit, e.g. 0.75 mg/kg/h or 12.5 mcg/kg/min"
)
DURATION_ALLOWED = f"{limits.DURATION_MINUTES.allowed()} (e.g. 45, 45 min, 1.5 h)"
HEIGHT_ALLOWED = f"{limits.HEIGHT_CM.allowed()} with a unit, e.g. 175 cm, 1.75 m, 69 in, 5 ft 9 in"
SEX_ALLOWED = "female or male"
BASIS_ALLOWED = "actual, ideal or adjusted"

# 5 ft 9 in, 5ft9, 5' 9", 5 feet 9 inches: pint would read the space as a
# product, so feet-and-inches is matched here and never handed to pint.
_FEET_INCHES_RE = re.compile(
    r"[ \t]*([0-9]{1,2})[ \t]*(?:ft|feet|foot|')"
    r"[ \t]*(?:([0-9]{1,2}(?:\.[0-9]+)?)[ \t]*(?:in|inch|inches|\"|'')?)?[ \t]*",
    re.IGNORECASE,
)


# An order per time: 0.75 mg/kg/h, 12.5 mcg/kg/min (the mass per kg, then the time).
def _lazy_pattern(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A pattern compiled when first used: a plain ``quote 70`` never needs these, and compiling
    them all at import costs every start-up (tests/benchmarks/bench.py)."""

    @functools.cache
    def compiled() -> re.Pattern[str]:
        return re.compile(pattern, flags)

    return compiled


# ASCII case folding only: a Greek capital Mu (U+039C) is not a micro sign, nor K (U+212A) a k.
_PER_TIME_RE = _lazy_pattern(
    r"[ \t]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t]*([A-Za-zµμ]+)[ \t]*/[ \t]*(kg|kilograms?)[ \t]*/[ \t]*"
    r"([A-Za-z]+)\.?[ \t]*",
    re.IGNORECASE | re.ASCII,
)
_MINUTES_IN: dict[str, Decimal] = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), units.MINUTES_PER_HOUR),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), Decimal(1)),
}
# 11 st 4 lb, 11st 4lbs, 11 stone 4 pounds: British weights, read here and never handed to pint.
_STONE_POUNDS_RE = _lazy_pattern(
    r"[ \t]*([0-9]{1,3})[ \t]*(?:st|stone|stones)[ \t]*([0-9]{1,2}(?:\.[0-9]+)?)[ \t]*(?:lb|lbs|pound|pounds)?[ \t]*",
    re.IGNORECASE,
)
_POUNDS_PER_STONE = 14


@dataclass(frozen=True, slots=True)
class RateOrder:
    """A dose rate as ordered: mg/kg for the session, or per minute (an order
    written per hour or per minute, kept as written for the output)."""

    mg_per_kg: Decimal | None
    mg_per_kg_per_min: Exact | None = None
    written: str | None = None

    def for_duration(self, duration_min: Exact, field: str = "rate") -> Exact:
        """The dose per kg for a session of ``duration_min``, within the hard limits."""
        if self.mg_per_kg is not None:
            return self.mg_per_kg
        assert self.mg_per_kg_per_min is not None and self.written is not None
        per_kg = mul(self.mg_per_kg_per_min, duration_min)
        low, high = limits.RATE_MG_PER_KG.low, limits.RATE_MG_PER_KG.high
        if not low <= per_kg <= high:
            # "more than 0.75", not a rounded "0.75" that would contradict the range beside it
            side = f"less than {plain(low)}" if per_kg < low else f"more than {plain(high)}"
            over = f"{rounded(duration_min, places.MIN).normalize():f} min"
            raise InputError(
                field, self.written, f"gives {side} mg/kg over {over}, outside the dose range", RATE_ALLOWED
            )
        return per_kg


@dataclass(frozen=True, slots=True)
class InfusionRate:
    """The infusion rate for one duration. ``mg_per_kg_per_h`` is per kg of
    dosing weight per hour: a rate, not the dose in mg/kg."""

    duration_min: Exact
    mg_per_min: Exact
    mg_per_h: Exact
    mg_per_kg_per_h: Exact
    mcg_per_kg_per_min: Exact


@dataclass(frozen=True, slots=True)
class Dose:
    """A dose: the patient, the rate, and the infusion over a duration.

    ``dosing_weight_basis`` is the basis used, ``dosing_weight_requested`` the
    one asked for (adjusted falls back to actual at or below ideal weight).
    Ideal and adjusted weights are given whenever height and sex are, and BMI
    whenever height is, whatever the basis."""

    weight_kg: Decimal
    weight_given: str
    weight_unit_given: bool
    dosing_weight_kg: Exact
    dosing_weight_basis: Basis
    dosing_weight_requested: Basis
    ideal_weight_kg: Exact | None
    adjusted_weight_kg: Exact | None
    bmi_kg_per_m2: Exact | None
    height_cm: Decimal | None
    sex: Sex | None
    rate_mg_per_kg: Exact
    rate_ordered: str | None  # an order per time, as written (0.75 mg/kg/h); None for mg/kg
    dose_mg: Exact
    duration_min: Exact
    recovery_min: Decimal
    pump: Pump | None
    times: VisitTimes | None
    warnings: tuple[SoftWarning, ...]
    diluent: str = limits.DILUENT_DEFAULT

    @property
    def bmi_class(self) -> str | None:
        """WHO's class for the BMI as printed: underweight, normal weight, overweight, obese class I-III."""
        return None if self.bmi_kg_per_m2 is None else bmi_class(self.bmi_kg_per_m2)

    @property
    def visit_min(self) -> Exact:
        """Infusion plus recovery."""
        return add(self.duration_min, self.recovery_min)

    def rate_at(self, duration_min: Exact) -> InfusionRate:
        """The infusion rate if the dose runs over ``duration_min``."""
        return infusion_rate(self.dose_mg, self.rate_mg_per_kg, duration_min)


def bmi_class(bmi_kg_per_m2: Exact) -> str:
    """WHO's class for a BMI, as printed (25.0 is overweight; 24.96 prints 25 and is too)."""
    printed = rounded(bmi_kg_per_m2, places.BMI)
    return [name for low, name in limits.BMI_CLASSES if printed >= low][-1]


def infusion_rate(dose_mg: Exact, rate_mg_per_kg: Exact, duration_min: Exact) -> InfusionRate:
    """The rates that run ``dose_mg`` (``rate_mg_per_kg``) over ``duration_min``:
    each one multiplication and then one division, so each rounds exactly."""
    return InfusionRate(
        duration_min=duration_min,
        mg_per_min=div(dose_mg, duration_min),
        mg_per_h=div(mul(dose_mg, units.MINUTES_PER_HOUR), duration_min),
        mg_per_kg_per_h=div(mul(rate_mg_per_kg, units.MINUTES_PER_HOUR), duration_min),
        mcg_per_kg_per_min=div(mul(rate_mg_per_kg, _MCG_PER_MG), duration_min),
    )


_MCG_PER_MG = 1000


def parse_weight(value: Given, field: str = "weight") -> units.Parsed:
    """A body weight in kg, within ``limits.WEIGHT_KG``: a number and a unit, or stones and pounds."""
    if isinstance(value, str) and len(value) <= units.MAX_INPUT_CHARS:
        british = _STONE_POUNDS_RE().fullmatch(value) if "st" in value.lower() else None
        if british is not None:
            stones, pounds = int(british.group(1)), Decimal(british.group(2))
            if pounds >= _POUNDS_PER_STONE:
                raise InputError(field, value, "has 14 or more pounds after the stones", WEIGHT_ALLOWED)
            kg = mul(stones * _POUNDS_PER_STONE + pounds, units.decimal_factor("pound", "kilogram"))
            in_range(field, value, kg, limits.WEIGHT_KG.low, limits.WEIGHT_KG.high, WEIGHT_ALLOWED)
            return units.Parsed(kg, unit_given=True)
        if "g" in value.lower() and _MG_WEIGHT_RE().fullmatch(value):
            raise InputError(
                field,
                value,
                "is in mg or mcg, a dose's unit: a body weight in mg is more likely a dose typed in the wrong place",
                WEIGHT_ALLOWED,
            )
    return bounded_quantity(field, value, units.WEIGHT, limits.WEIGHT_KG.low, limits.WEIGHT_KG.high, WEIGHT_ALLOWED)


_MG_WEIGHT_RE = _lazy_pattern(
    r"[ \t]*[0-9.]+[ \t]*(?:mg|mgs|milligrams?|mcg|µg|μg|ug|micrograms?)[ \t]*", re.IGNORECASE
)


def parse_rate_order(value: Given, field: str = "rate") -> RateOrder:
    """A dose rate as ordered: mg/kg for the session (a bare number, mg/kg or
    mcg/kg, within ``limits.RATE_MG_PER_KG``), or an order per time with its
    unit (0.75 mg/kg/h, 12.5 mcg/kg/min), checked once the duration is known."""
    if isinstance(value, str) and len(value) <= units.MAX_INPUT_CHARS:
        per_time = _PER_TIME_RE().fullmatch(value) if value.count("/") >= 2 else None
        if per_time is not None:
            number, mass, _, time = per_time.groups()
            ratio = units.RATE.spellings.get(f"{mass.lower()}/kg")
            if ratio is None or mass.lower() in ("g", "gram", "grams"):
                raise InputError(field, value, f"unknown unit {mass!r} per kg per time (use mg or mcg)", RATE_ALLOWED)
            minutes = _MINUTES_IN.get(time.lower())
            if minutes is None:
                raise InputError(
                    field, value, f"is per {time!r}: an order per time is per hour or per minute", RATE_ALLOWED
                )
            per_kg = mul(Decimal(number), units.factor(ratio, units.RATE.target))
            if not per_kg > 0:
                raise InputError(field, value, "is not above 0", RATE_ALLOWED)
            # A Fraction where it does not terminate (0.151/60): the duration may cancel it.
            per_min = settled(Fraction(per_kg) / Fraction(minutes))
            return RateOrder(None, per_min, " ".join(value.split()))
    return RateOrder(parse_rate(value, field))


PLAIN_RATE_ALLOWED = f"{limits.RATE_MG_PER_KG.allowed()} for the session (a bare number is mg/kg; also mcg/kg)"


def parse_rate(value: Given, field: str = "rate", per_time_allowed: bool = True) -> Decimal:
    """A dose rate in mg/kg for the session, within the seed's ``limits.RATE_MG_PER_KG``.
    Where no order per time is taken (chart rates, titration, a booster's rate), one is refused saying so."""
    low, high = limits.RATE_MG_PER_KG.low, limits.RATE_MG_PER_KG.high
    allowed = RATE_ALLOWED if per_time_allowed else PLAIN_RATE_ALLOWED
    if not per_time_allowed and isinstance(value, str) and _PER_TIME_RE().fullmatch(value[: units.MAX_INPUT_CHARS]):
        raise InputError(field, value, "is an order per time, which is not taken here", allowed)
    return bounded_quantity(field, value, units.RATE, low, high, allowed).value


def parse_duration(value: Given, field: str = "duration") -> Exact:
    """An infusion duration in minutes, within the seed's window, ``limits.DURATION_MINUTES``:
    exact, so a Fraction for seconds that are no terminating number of minutes."""
    low, high = limits.DURATION_MINUTES.low, limits.DURATION_MINUTES.high
    return bounded_quantity(field, value, units.DURATION, low, high, DURATION_ALLOWED).exact


def parse_height(value: Given, field: str = "height") -> Decimal:
    """A height in cm. A unit is required: a bare 69 could be inches or cm."""
    text = as_text(value)
    feet_inches = _FEET_INCHES_RE.fullmatch(text) if len(text) <= units.MAX_INPUT_CHARS else None
    if feet_inches is None:
        low, high = limits.HEIGHT_CM.low, limits.HEIGHT_CM.high
        return bounded_quantity(field, text, units.HEIGHT, low, high, HEIGHT_ALLOWED, unit_required=True).value
    inches_part = Decimal(feet_inches.group(2) or 0)
    if inches_part >= units.INCHES_PER_FOOT:
        raise InputError(field, text, "has 12 or more inches after the feet", HEIGHT_ALLOWED)
    inches = Decimal(feet_inches.group(1)) * units.INCHES_PER_FOOT + inches_part
    height_cm = inches * units.CM_PER_INCH
    in_range(field, value, height_cm, limits.HEIGHT_CM.low, limits.HEIGHT_CM.high, HEIGHT_ALLOWED)
    return height_cm


def parse_sex(value: Given, field: str = "sex") -> Sex:
    """female or male (f, m, any case), for Devine's ideal weight."""
    value = as_text(value)
    word = value.strip().lower()
    if word in ("f", "female"):
        return "female"
    if word in ("m", "male"):
        return "male"
    raise InputError(field, value, "is not female or male", SEX_ALLOWED)


def parse_basis(value: Given, field: str = "dosing_weight") -> Basis:
    """actual, ideal or adjusted."""
    value = as_text(value)
    word = value.strip().lower()
    for basis in BASES:
        if word == basis:
            return basis
    raise InputError(field, value, "is not a dosing-weight basis", BASIS_ALLOWED)


def ideal_weight_kg(height_cm: Decimal, sex: Sex) -> Exact:
    """Devine's ideal body weight: 50 kg (men) or 45.5 kg (women) + 2.3 kg per
    inch over 60 inches. Below 60 inches the same line is extended. Exact:
    a height in cm gives a Fraction (an inch is 2.54 cm)."""
    height_in = Fraction(height_cm) / Fraction(units.CM_PER_INCH)
    over_in = height_in - Fraction(limits.DEVINE_BASE_HEIGHT_IN.value)
    return settled(Fraction(_devine_base_kg(sex)) + Fraction(limits.DEVINE_KG_PER_INCH.value) * over_in)


def adjusted_weight_kg(weight_kg: Decimal, ideal_kg: Exact) -> Exact:
    """Adjusted body weight: ideal + 0.4 x (actual - ideal)."""
    ideal = Fraction(ideal_kg)
    return settled(ideal + Fraction(limits.ADJUSTED_FACTOR.value) * (Fraction(weight_kg) - ideal))


def bmi(weight_kg: Decimal, height_cm: Decimal) -> Exact:
    """Body-mass index in kg/m²: weight over height in metres squared."""
    return div(mul(weight_kg, 10000), mul(height_cm, height_cm))


def _devine_base_kg(sex: Sex) -> Decimal:
    return limits.DEVINE_BASE_MALE_KG.value if sex == "male" else limits.DEVINE_BASE_FEMALE_KG.value


def _devine_shortest_cm(sex: Sex) -> Decimal:
    """The height at which Devine's line reaches 0 kg."""
    inches = limits.DEVINE_BASE_HEIGHT_IN.value - EXACT.divide(_devine_base_kg(sex), limits.DEVINE_KG_PER_INCH.value)
    return EXACT.multiply(inches, units.CM_PER_INCH).quantize(Decimal("0.1"), rounding=ROUND_CEILING)


# The note for a heavy patient without height and sex: one text, which the batch's fast path writes too.
HEIGHT_AND_SEX_SUGGESTED = SoftWarning(
    "height_and_sex_suggested",
    f"the weight is over {limits.HEAVY_WITHOUT_HEIGHT_KG.text()}: give height and sex to see the "
    "ideal and adjusted weights a clinician may dose on",
    "Weight",
)


def weight_warnings(weight_kg: Decimal) -> list[SoftWarning]:
    """A warning when a weight, as printed, is outside the plausible adult range."""
    weight_kg = rounded(weight_kg, places.KG)
    if weight_kg < limits.WEIGHT_PLAUSIBLE_KG.low:
        return [
            SoftWarning(
                "weight_below_adult_range",
                f"weight is below the plausible adult range of {limits.WEIGHT_PLAUSIBLE_KG.allowed()}; "
                "check the weight and its unit",
                "Weight",
            )
        ]
    if weight_kg > limits.WEIGHT_PLAUSIBLE_KG.high:
        return [
            SoftWarning(
                "weight_above_adult_range",
                f"weight is above the plausible adult range of {limits.WEIGHT_PLAUSIBLE_KG.allowed()}; "
                "check the weight and its unit, and consider an adjusted dosing weight",
                "Weight",
            )
        ]
    return []


def dose(
    weight: Given,
    rate: Given | None = None,
    duration: Given | None = None,
    *,
    dosing_weight: Given | None = "actual",
    height: Given | None = None,
    sex: Given | None = None,
    concentration: Given | None = None,
    bag: Given | None = None,
    start: Given | None = None,
    final_concentration: Given | None = None,
    vtbi: Given | None = None,
    diluent: Given | None = None,
) -> Dose:
    """Compute a dose.

    ``weight`` is text such as "70 kg", "154 lb" or "11 st 4 lb", or a number
    in kg. ``rate`` defaults to 0.5 mg/kg and ``duration`` to 40 min (the
    seed); a rate ordered per time ("0.75 mg/kg/h") is converted with the
    duration. With ``dosing_weight`` "ideal" or "adjusted", ``height`` and
    ``sex`` are required. Pump programming comes from ``concentration``
    (stock, mg/mL) with ``bag`` (diluent, mL), or from ``final_concentration``
    (a standard concentration, with or without the stock); ``vtbi`` is
    "bag+drug" (default) or "bag", ``diluent`` the diluent's name for the
    read-back line. ``start`` ("HH:MM") adds the visit's clock times.
    Raises InputError for any input outside its hard limits.
    """
    with exact():
        parsed_weight = parse_weight(weight)
        order = rate_order(rate)
        duration_min = limits.DURATION_DEFAULT_MINUTES.value if duration is None else parse_duration(duration)
        rate_mg_per_kg = order.for_duration(duration_min)
        requested: Basis = "actual" if dosing_weight in (None, "actual") else parse_basis(dosing_weight)
        height_cm = None if height is None else parse_height(height)
        sex_ = None if sex is None else parse_sex(sex)
        made_up = _pump_settings(concentration, bag, final_concentration, vtbi, diluent)
        start_min = None if start is None else parse_start(start)
        weights = _weights(parsed_weight.value, height, height_cm, sex_, requested)
        bmi_kg_per_m2 = None if height_cm is None else bmi(parsed_weight.value, height_cm)
        basis, dosing_kg, basis_warnings = _dosing_weight(parsed_weight.value, weights, requested)
        dose_mg = mul(dosing_kg, rate_mg_per_kg)
        warnings = [*weights.warnings, *basis_warnings]
        if basis == "actual" and requested == "actual":
            warnings += _actual_weight_questioned(parsed_weight.value, weights, bmi_kg_per_m2, rate_mg_per_kg)
        pump_plan = None
        if made_up is not None:
            stock, bag_ml, standard, vtbi_basis, _ = made_up
            pump_plan, pump_warnings = pump(dose_mg, stock, bag_ml, duration_min, standard, vtbi_basis)
            warnings.extend(pump_warnings)
        return Dose(
            weight_kg=parsed_weight.value,
            weight_given=as_text(weight).strip(),
            weight_unit_given=parsed_weight.unit_given,
            dosing_weight_kg=dosing_kg,
            dosing_weight_basis=basis,
            dosing_weight_requested=requested,
            ideal_weight_kg=weights.ideal_kg,
            adjusted_weight_kg=weights.adjusted_kg,
            bmi_kg_per_m2=bmi_kg_per_m2,
            height_cm=height_cm,
            sex=sex_,
            rate_mg_per_kg=rate_mg_per_kg,
            rate_ordered=order.written,
            dose_mg=dose_mg,
            duration_min=duration_min,
            recovery_min=limits.RECOVERY_MINUTES.value,
            pump=pump_plan,
            times=None if start_min is None else visit_times(start_min, duration_min, limits.RECOVERY_MINUTES.value),
            warnings=tuple(warnings),
            diluent=made_up[4] if made_up is not None else limits.DILUENT_DEFAULT,
        )


def rate_order(rate: Given | None) -> RateOrder:
    """The rate as ordered, or the seed's typical rate."""
    return RateOrder(limits.RATE_DEFAULT_MG_PER_KG.value) if rate is None else parse_rate_order(rate)


_PumpSettings = tuple[Decimal | None, Decimal | None, Decimal | None, VtbiBasis, str]


def _pump_settings(
    concentration: Given | None,
    bag: Given | None,
    final: Given | None,
    vtbi: Given | None,
    diluent: Given | None,
) -> _PumpSettings | None:
    """(stock, bag, standard, basis, diluent), or None without pump settings."""
    if concentration is None and bag is None and final is None:
        return None
    both_or_neither(concentration, bag, final)
    stock = None if concentration is None else parse_concentration(concentration)
    standard = None if final is None else parse_final_concentration(final)
    if stock is not None and standard is not None and standard > stock:
        raise InputError(
            "final_concentration",
            as_text(final),
            "is stronger than the stock it is made from",
            f"at most the stock's {stock.normalize():f} mg/mL",
        )
    basis: VtbiBasis = "bag+drug" if vtbi is None else parse_vtbi_basis(vtbi)
    name = limits.DILUENT_DEFAULT if diluent is None else parse_diluent(diluent)
    return stock, None if bag is None else parse_bag(bag), standard, basis, name


@dataclass(frozen=True, slots=True)
class _Weights:
    ideal_kg: Exact | None
    adjusted_kg: Exact | None
    warnings: list[SoftWarning]


# Long because actual, ideal and adjusted weight and BMI, with their warnings, are one clinical decision.
def _weights(
    weight_kg: Decimal, height: Given | None, height_cm: Decimal | None, sex_: Sex | None, requested: Basis
) -> _Weights:
    """Ideal and adjusted weights when height and sex are both given, and the warnings about them."""
    warnings = weight_warnings(weight_kg)
    if requested != "actual" and (height_cm is None or sex_ is None):
        missing = "height" if height_cm is None else "sex"
        also = " (and so is sex)" if height_cm is None and sex_ is None else ""
        raise InputError(
            missing,
            None,
            f"is needed for the {requested} dosing weight{also}",
            "a height and a sex, e.g. height '175 cm' and sex female",
        )
    if height_cm is None or sex_ is None:
        if height_cm is not None:
            warnings.append(
                SoftWarning(
                    "height_without_sex",
                    "a height was given without a sex, so ideal and adjusted weights are not shown (BMI is)",
                    "Height",
                )
            )
        elif sex_ is not None:
            warnings.append(
                SoftWarning(
                    "sex_without_height",
                    "a sex was given without a height, so it is not used: ideal weight needs both",
                    "Sex",
                )
            )
        elif rounded(weight_kg, places.KG) > limits.HEAVY_WITHOUT_HEIGHT_KG.value:
            warnings.append(HEIGHT_AND_SEX_SUGGESTED)
        return _Weights(None, None, warnings)
    ideal_kg: Exact | None = ideal_weight_kg(height_cm, sex_)
    adjusted_kg = None
    assert ideal_kg is not None
    if ideal_kg > 0:
        adjusted_kg = adjusted_weight_kg(weight_kg, ideal_kg) if weight_kg > ideal_kg else None
    elif requested != "actual":
        shortest_cm = _devine_shortest_cm(sex_).normalize()
        raise InputError(
            "height",
            as_text(height) if height is not None else None,
            "is too short for Devine's ideal weight formula (it gives no positive weight)",
            f"a height over {shortest_cm:f} cm for a {sex_} ideal or adjusted dosing weight",
        )
    else:
        ideal_kg = None  # no positive ideal weight to show, and it says so
        warnings.append(
            SoftWarning(
                "ideal_weight_not_defined",
                f"height is below {_devine_shortest_cm(sex_).normalize():f} cm, where Devine's formula gives "
                "no positive ideal weight, so ideal and adjusted weights are not shown",
                "Height",
            )
        )
    if height_cm / units.CM_PER_INCH < limits.DEVINE_BASE_HEIGHT_IN.value and ideal_kg is not None:
        warnings.append(
            SoftWarning(
                "height_below_devine_range",
                f"height is below {limits.DEVINE_BASE_HEIGHT_IN.value} inches "
                f"({(limits.DEVINE_BASE_HEIGHT_IN.value * units.CM_PER_INCH).normalize():f} cm), "
                "where Devine's ideal weight is not validated",
                "Ideal weight",
            )
        )
    return _Weights(ideal_kg, adjusted_kg, warnings)


def _dosing_weight(weight_kg: Decimal, weights: _Weights, requested: Basis) -> tuple[Basis, Exact, list[SoftWarning]]:
    """The basis used, the dosing weight, and a warning when the basis is not what it seems."""
    if requested == "ideal":
        assert weights.ideal_kg is not None
        warnings = []
        if weights.ideal_kg > weight_kg:
            warnings.append(
                SoftWarning(
                    "ideal_above_actual",
                    "ideal weight is above actual weight, so the ideal-weight dose is larger than the "
                    "actual-weight one",
                    "Dosing weight",
                )
            )
        return "ideal", weights.ideal_kg, warnings
    if requested == "adjusted":
        if weights.adjusted_kg is None:
            warning = SoftWarning(
                "adjusted_fell_back_to_actual",
                "actual weight is at or below ideal weight, so the actual weight is used",
                "Dosing weight",
            )
            return "actual", weight_kg, [warning]
        return "adjusted", weights.adjusted_kg, []
    return "actual", weight_kg, []


def _actual_weight_questioned(
    weight_kg: Decimal, weights: _Weights, bmi_kg_per_m2: Exact | None, rate_mg_per_kg: Exact
) -> list[SoftWarning]:
    """Dosing on actual weight well above ideal (over 130% of it, or BMI 35 or more): a warning that
    gives the adjusted- and ideal-weight doses, so the choice is informed. Never a change of basis."""
    ideal = weights.ideal_kg
    heavy = bmi_kg_per_m2 is not None and rounded(bmi_kg_per_m2, places.BMI) >= limits.BMI_DOSING_SOFT_MAX.value
    if ideal is None or weights.adjusted_kg is None:
        if not heavy:
            return []
        # A height without a sex: BMI is known, ideal weight is not, so the other doses cannot be given.
        return [
            SoftWarning(
                "dosing_on_actual_weight_above_ideal",
                f"the dose is on actual weight at a BMI of {limits.BMI_DOSING_SOFT_MAX.text()} or more; give the "
                "sex too, to see the doses on ideal and adjusted weight",
                "Dosing weight",
            )
        ]
    ratio = div(weight_kg, ideal)
    over = ratio > limits.ACTUAL_OVER_IDEAL_SOFT_MAX.value
    # BMI is compared as printed, so the warning never contradicts the BMI beside it.
    if not (over or heavy):
        return []
    adjusted_mg = rounded(mul(weights.adjusted_kg, rate_mg_per_kg), places.MG).normalize()
    ideal_mg = rounded(mul(ideal, rate_mg_per_kg), places.MG).normalize()
    threshold = f"{plain(limits.ACTUAL_OVER_IDEAL_SOFT_MAX.value * 100)}%"
    # "over 130%", never a rounded "130% (warned over 130%)" that contradicts itself
    reason = (
        f"which is over {threshold} of ideal weight"
        if over
        else f"at a BMI of {limits.BMI_DOSING_SOFT_MAX.text()} or more"
    )
    return [
        SoftWarning(
            "dosing_on_actual_weight_above_ideal",
            f"the dose is on actual weight, {reason}; on adjusted weight it would "
            f"be {adjusted_mg:f} mg, on ideal weight {ideal_mg:f} mg (--dosing-weight adjusted or ideal)",
            "Dosing weight",
        )
    ]
