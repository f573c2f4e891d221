"""ketacalc: a ketamine infusion dose and cost calculator. Informational only.

The Python API is the same core the command line uses::

    >>> from ketacalc import dose, cost, quote
    >>> dose("154 lb").dose_mg
    Decimal('34.926612490')
    >>> cost(infusions=6).total_max
    Decimal('4800.00')
"""

from __future__ import annotations

from ketacalc.cost import Cost, cost
from ketacalc.dosing import Dose, InfusionRate, dose
from ketacalc.errors import ExitStatus, InputError, KetacalcError, SoftWarning
from ketacalc.limits import DISCLAIMER
from ketacalc.series import Quote
from ketacalc.values import Given

__version__ = "0.1.0"

__all__ = [
    "DISCLAIMER",
    "Cost",
    "Dose",
    "ExitStatus",
    "InfusionRate",
    "InputError",
    "KetacalcError",
    "Quote",
    "SoftWarning",
    "__version__",
    "cost",
    "dose",
    "quote",
]


def quote(
    weight: Given,
    rate: Given | None = None,
    duration: Given | None = None,
    *,
    dosing_weight: Given = "actual",
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
        ),
        cost=cost(infusions, price_min, price_max, price, currency),
    )
