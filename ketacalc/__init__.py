"""ketacalc: a ketamine infusion dose and cost calculator. Informational only.

The Python API is the same core the command line uses::

    >>> from ketacalc import dose, cost, quote, to_document
    >>> dose("154 lb").dose_mg
    Decimal('34.926612490')
    >>> cost(infusions=6).total_max
    Decimal('4800.00')
    >>> to_document(quote("70 kg"))["cost"]["total"]["mid"]  # what --json prints
    '3600.00'

The names below are imported when first used: the console script starts from
this package, and its Ctrl-C handling is in place only once the package is
imported, so importing it must cost next to nothing.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing itself is not imported: it costs milliseconds at start-up
if TYPE_CHECKING:
    from ketacalc.charting import Chart, chart
    from ketacalc.costing import Cost, cost
    from ketacalc.documents import to_document
    from ketacalc.dosing import Dose, InfusionRate, dose
    from ketacalc.errors import ExitStatus, InputError, KetacalcError, SoftWarning
    from ketacalc.limits import DISCLAIMER
    from ketacalc.planning import Plan, plan
    from ketacalc.quoting import Quote, quote

__version__ = "0.2.0"  # the one place: pyproject.toml reads it from here

_HOMES = {
    "Chart": "ketacalc.charting",
    "chart": "ketacalc.charting",
    "Cost": "ketacalc.costing",
    "cost": "ketacalc.costing",
    "Dose": "ketacalc.dosing",
    "InfusionRate": "ketacalc.dosing",
    "dose": "ketacalc.dosing",
    "ExitStatus": "ketacalc.errors",
    "InputError": "ketacalc.errors",
    "KetacalcError": "ketacalc.errors",
    "SoftWarning": "ketacalc.errors",
    "DISCLAIMER": "ketacalc.limits",
    "Quote": "ketacalc.quoting",
    "quote": "ketacalc.quoting",
    "to_document": "ketacalc.documents",
    "Plan": "ketacalc.planning",
    "plan": "ketacalc.planning",
}

__all__ = [
    "DISCLAIMER",
    "Chart",
    "Cost",
    "Dose",
    "ExitStatus",
    "InfusionRate",
    "InputError",
    "KetacalcError",
    "Plan",
    "Quote",
    "SoftWarning",
    "__version__",
    "chart",
    "cost",
    "dose",
    "plan",
    "quote",
    "to_document",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ketacalc' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
