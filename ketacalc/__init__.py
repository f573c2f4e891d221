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
from ketacalc.series import Quote, quote

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
