"""A quote: a dose, a series and its cost together. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ketacalc.cost import Cost
from ketacalc.dosing import Dose
from ketacalc.errors import SoftWarning


@dataclass(frozen=True, slots=True)
class Quote:
    """A dose and the cost of a series of infusions of it."""

    dose: Dose
    cost: Cost

    @property
    def total_dose_mg(self) -> Decimal:
        """The drug over the whole series."""
        return self.dose.dose_mg * self.cost.infusions

    @property
    def warnings(self) -> tuple[SoftWarning, ...]:
        return self.dose.warnings + self.cost.warnings
