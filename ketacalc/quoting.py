"""A quote: a dose, a series and its cost together. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ketacalc import places
from ketacalc.costing import Cost, cost
from ketacalc.dosing import Dose, dose
from ketacalc.errors import SoftWarning
from ketacalc.exact import EXACT, rounded
from ketacalc.values import Given


@dataclass(frozen=True, slots=True)
class Quote:
    """A dose and the cost of a series of infusions of it."""

    dose: Dose
    cost: Cost

    @property
    def total_dose_mg(self) -> Decimal:
        """The drug over the whole series: the dose as printed (to 0.01 mg)
        times the number of infusions, so the total adds up on the page."""
        return EXACT.multiply(rounded(self.dose.dose_mg, places.MG), self.cost.infusions)

    @property
    def warnings(self) -> tuple[SoftWarning, ...]:
        return self.dose.warnings + self.cost.warnings


def quote(
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
    infusions: Given | None = None,
    price_min: Given | None = None,
    price_max: Given | None = None,
    price: Given | None = None,
    currency: Given | None = None,
    final_concentration: Given | None = None,
    vtbi: Given | None = None,
    diluent: Given | None = None,
) -> Quote:
    """A dose (see ``dose``) and the cost of a series of it (see ``cost``)."""
    return Quote(
        dose=dose(
            weight,
            rate,
            duration,
            dosing_weight=dosing_weight,
            height=height,
            sex=sex,
            concentration=concentration,
            bag=bag,
            start=start,
            final_concentration=final_concentration,
            vtbi=vtbi,
            diluent=diluent,
        ),
        cost=cost(infusions, price_min, price_max, price, currency),
    )
