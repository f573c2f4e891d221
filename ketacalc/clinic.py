"""A clinic's own limits, set in its config file's ``[limits]`` section, checked
like an infusion pump's drug library: a soft limit warns and still answers, a
hard limit rejects. Pure: no I/O."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from ketacalc import places
from ketacalc.dosing import Dose
from ketacalc.errors import InputError, SoftWarning
from ketacalc.exact import rounded
from ketacalc.formatting import fixed_text
from ketacalc.values import Given, number

DOSE_LIMIT_ALLOWED = "an amount of drug in mg above 0, to 0.01 mg, e.g. 75"
PUMP_LIMIT_ALLOWED = "a pump rate in mL/h above 0, to 0.1 mL/h, e.g. 500"


def parse_limit(value: Given, field: str) -> Decimal:
    """A clinic limit: a plain number above 0 (mg, or mL/h), with no more places
    than the figure it is compared with is printed to (0.01 mg, 0.1 mL/h), so
    a message never shows it rounded."""
    pump = "pump" in field
    allowed = PUMP_LIMIT_ALLOWED if pump else DOSE_LIMIT_ALLOWED
    limit = number(field, value, allowed)
    if limit <= 0:
        raise InputError(field, str(value), "is not above 0", allowed)
    step = places.ML_PER_H if pump else places.MG
    if limit != rounded(limit, step):
        raise InputError(field, str(value), f"has more places than the figure it limits ({step})", allowed)
    return limit


@dataclass(frozen=True, slots=True)
class ClinicLimits:
    dose_mg_soft_max: Decimal | None = None
    dose_mg_hard_max: Decimal | None = None
    pump_rate_ml_per_h_soft_max: Decimal | None = None
    source: str = ""  # the config file they came from

    def check(self, d: Dose) -> Dose:
        """``d`` with the clinic's soft-limit warnings added. Raises InputError
        naming the limit and its file when the dose is above the hard limit.
        Compared as printed, so what is shown is what was checked."""
        if self == _NONE:  # the usual case, once per batch row: nothing to do
            return d
        dose_mg = rounded(d.dose_mg, places.MG)
        shown = f"{fixed_text(dose_mg, places.MG)} mg"
        if self.dose_mg_hard_max is not None and dose_mg > self.dose_mg_hard_max:
            raise InputError(
                "dose",
                shown,
                "is above the clinic's hard limit",
                f"at most {fixed_text(self.dose_mg_hard_max, places.MG)} mg (dose_mg_hard_max in {self.source})",
            )
        warnings: list[SoftWarning] = []
        if self.dose_mg_soft_max is not None and dose_mg > self.dose_mg_soft_max:
            warnings.append(
                SoftWarning(
                    "dose_above_clinic_soft_max",
                    f"the dose of {shown} is above the clinic's soft limit of "
                    f"{fixed_text(self.dose_mg_soft_max, places.MG)} mg (dose_mg_soft_max in {self.source})",
                    "Dose",
                )
            )
        limit = self.pump_rate_ml_per_h_soft_max
        if limit is not None and d.pump is not None:
            rate = rounded(d.pump.rate_ml_per_h(d.duration_min), places.ML_PER_H)
            if rate > limit:
                warnings.append(
                    SoftWarning(
                        "pump_rate_above_clinic_soft_max",
                        f"the pump rate of {fixed_text(rate, places.ML_PER_H)} mL/h is above the clinic's soft "
                        f"limit of {fixed_text(limit, places.ML_PER_H)} mL/h "
                        f"(pump_rate_ml_per_h_soft_max in {self.source})",
                        "Pump rate",
                    )
                )
        return dataclasses.replace(d, warnings=d.warnings + tuple(warnings)) if warnings else d


_NONE = ClinicLimits()
