"""Weight -> dosing weight -> dose -> infusion rates. Pure: no I/O.

All arithmetic is Decimal, so nothing is rounded before the dose is computed and
a dose is exactly dosing weight x rate. Rounding happens only when a number is
written out (see ``ketacalc.render`` and ``ketacalc.documents``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Literal

from ketacalc import limits, places, units
from ketacalc.errors import InputError, SoftWarning
from ketacalc.exact import EXACT, Exact, add, div, exact, mul, rounded, settled
from ketacalc.pump import (
    Pump,
    VisitTimes,
    both_or_neither,
    parse_bag,
    parse_concentration,
    parse_start,
    pump,
    visit_times,
)
from ketacalc.values import Given, as_text, bounded_quantity, in_range

Basis = Literal["actual", "ideal", "adjusted"]
Sex = Literal["female", "male"]
BASES: tuple[Basis, ...] = ("actual", "ideal", "adjusted")
SEXES: tuple[Sex, ...] = ("female", "male")


WEIGHT_ALLOWED = f"a body weight of {limits.WEIGHT_KG.allowed()}, e.g. 70, 70 kg, 154 lb, 11 st"
RATE_ALLOWED = f"{limits.RATE_MG_PER_KG.allowed()} (or mcg/kg)"
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


@dataclass(frozen=True, slots=True)
class InfusionRate:
    """The infusion rate for one duration. ``mg_per_kg_per_h`` is per kg of
    dosing weight per hour: a rate, not the dose in mg/kg."""

    duration_min: Exact
    mg_per_min: Exact
    mg_per_h: Exact
    mg_per_kg_per_h: Exact


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
    rate_mg_per_kg: Decimal
    dose_mg: Exact
    duration_min: Exact
    recovery_min: Decimal
    pump: Pump | None
    times: VisitTimes | None
    warnings: tuple[SoftWarning, ...]

    @property
    def visit_min(self) -> Exact:
        """Infusion plus recovery."""
        return add(self.duration_min, self.recovery_min)

    def rate_at(self, duration_min: Exact) -> InfusionRate:
        """The infusion rate if the dose runs over ``duration_min``."""
        return infusion_rate(self.dose_mg, self.rate_mg_per_kg, duration_min)


def infusion_rate(dose_mg: Exact, rate_mg_per_kg: Decimal, duration_min: Exact) -> InfusionRate:
    """The rates that run ``dose_mg`` (``rate_mg_per_kg``) over ``duration_min``:
    each one multiplication and then one division, so each rounds exactly."""
    return InfusionRate(
        duration_min=duration_min,
        mg_per_min=div(dose_mg, duration_min),
        mg_per_h=div(mul(dose_mg, units.MINUTES_PER_HOUR), duration_min),
        mg_per_kg_per_h=div(mul(rate_mg_per_kg, units.MINUTES_PER_HOUR), duration_min),
    )


def parse_weight(value: Given, field: str = "weight") -> units.Parsed:
    """A body weight in kg, within ``limits.WEIGHT_KG``."""
    return bounded_quantity(field, value, units.WEIGHT, limits.WEIGHT_KG.low, limits.WEIGHT_KG.high, WEIGHT_ALLOWED)


def parse_rate(value: Given, field: str = "rate") -> Decimal:
    """A dose rate in mg/kg, within the seed's ``limits.RATE_MG_PER_KG``."""
    low, high = limits.RATE_MG_PER_KG.low, limits.RATE_MG_PER_KG.high
    return bounded_quantity(field, value, units.RATE, low, high, RATE_ALLOWED).value


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


def weight_warnings(weight_kg: Decimal) -> list[SoftWarning]:
    """A warning when a weight, as printed, is outside the plausible adult range."""
    weight_kg = rounded(weight_kg, places.KG)
    if weight_kg < limits.WEIGHT_PLAUSIBLE_KG.low:
        return [
            SoftWarning(
                "weight_below_adult_range",
                f"weight is below the plausible adult range of {limits.WEIGHT_PLAUSIBLE_KG.allowed()}; "
                "check the weight and its unit",
            )
        ]
    if weight_kg > limits.WEIGHT_PLAUSIBLE_KG.high:
        return [
            SoftWarning(
                "weight_above_adult_range",
                f"weight is above the plausible adult range of {limits.WEIGHT_PLAUSIBLE_KG.allowed()}; "
                "check the weight and its unit, and consider an adjusted dosing weight",
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
) -> Dose:
    """Compute a dose.

    ``weight`` is text such as "70 kg" or "154 lb", or a number in kg. ``rate``
    defaults to 0.5 mg/kg and ``duration`` to 40 min (the seed). With
    ``dosing_weight`` "ideal" or "adjusted", ``height`` and ``sex`` are required.
    ``concentration`` (stock, mg/mL) and ``bag`` (diluent, mL) go together and
    add pump programming; ``start`` ("HH:MM") adds the visit's clock times.
    Raises InputError for any input outside its hard limits.
    """
    with exact():
        return _dose(weight, rate, duration, dosing_weight, height, sex, concentration, bag, start)


def _dose(
    weight: Given,
    rate: Given | None,
    duration: Given | None,
    dosing_weight: Given | None,
    height: Given | None,
    sex: Given | None,
    concentration: Given | None,
    bag: Given | None,
    start: Given | None,
) -> Dose:
    parsed_weight = parse_weight(weight)
    weight_kg = parsed_weight.value
    rate_mg_per_kg = limits.RATE_DEFAULT_MG_PER_KG.value if rate is None else parse_rate(rate)
    duration_min = limits.DURATION_DEFAULT_MINUTES.value if duration is None else parse_duration(duration)
    requested: Basis = "actual" if dosing_weight in (None, "actual") else parse_basis(dosing_weight)
    height_cm = None if height is None else parse_height(height)
    sex_ = None if sex is None else parse_sex(sex)
    if concentration is not None or bag is not None:
        both_or_neither(concentration, bag)
    concentration_mg_per_ml = None if concentration is None else parse_concentration(concentration)
    bag_ml = None if bag is None else parse_bag(bag)
    start_min = None if start is None else parse_start(start)
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
    ideal_kg = adjusted_kg = None
    if height_cm is not None and sex_ is not None:
        ideal_kg = ideal_weight_kg(height_cm, sex_)
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
                )
            )
        if height_cm / units.CM_PER_INCH < limits.DEVINE_BASE_HEIGHT_IN.value and ideal_kg is not None:
            warnings.append(
                SoftWarning(
                    "height_below_devine_range",
                    f"height is below {limits.DEVINE_BASE_HEIGHT_IN.value} inches "
                    f"({(limits.DEVINE_BASE_HEIGHT_IN.value * units.CM_PER_INCH).normalize():f} cm), "
                    "where Devine's ideal weight is not validated",
                )
            )
    elif height_cm is not None:
        warnings.append(
            SoftWarning(
                "height_without_sex",
                "a height was given without a sex, so ideal and adjusted weights are not shown (BMI is)",
            )
        )
    elif sex_ is not None:
        warnings.append(
            SoftWarning(
                "sex_without_height",
                "a sex was given without a height, so it is not used: ideal weight needs both",
            )
        )

    basis: Basis = requested
    dosing_kg: Exact = weight_kg
    if requested == "ideal":
        assert ideal_kg is not None
        dosing_kg = ideal_kg
        if ideal_kg > weight_kg:
            warnings.append(
                SoftWarning(
                    "ideal_above_actual",
                    "ideal weight is above actual weight, so the ideal-weight dose is the larger one",
                )
            )
    elif requested == "adjusted":
        if adjusted_kg is None:
            basis = "actual"
            warnings.append(
                SoftWarning(
                    "adjusted_fell_back_to_actual",
                    "actual weight is at or below ideal weight, so the actual weight is used",
                )
            )
        else:
            dosing_kg = adjusted_kg

    dose_mg = mul(dosing_kg, rate_mg_per_kg)
    pump_plan = None
    if concentration_mg_per_ml is not None and bag_ml is not None:
        pump_plan, pump_warnings = pump(dose_mg, concentration_mg_per_ml, bag_ml, duration_min)
        warnings.extend(pump_warnings)
    return Dose(
        weight_kg=weight_kg,
        weight_given=as_text(weight).strip(),
        weight_unit_given=parsed_weight.unit_given,
        dosing_weight_kg=dosing_kg,
        dosing_weight_basis=basis,
        dosing_weight_requested=requested,
        ideal_weight_kg=ideal_kg,
        adjusted_weight_kg=adjusted_kg,
        bmi_kg_per_m2=None if height_cm is None else bmi(weight_kg, height_cm),
        height_cm=height_cm,
        sex=sex_,
        rate_mg_per_kg=rate_mg_per_kg,
        dose_mg=dose_mg,
        duration_min=duration_min,
        recovery_min=limits.RECOVERY_MINUTES.value,
        pump=pump_plan,
        times=None if start_min is None else visit_times(start_min, duration_min, limits.RECOVERY_MINUTES.value),
        warnings=tuple(warnings),
    )
