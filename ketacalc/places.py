"""How many decimal places each kind of figure keeps: one table for the
tables, the JSON and the CSV (money: the currency's minor units,
``ketacalc.currencies``). Each figure is the exact value rounded half-up
once to these places (``ketacalc.exact.rounded``)."""

from __future__ import annotations

from decimal import Decimal

KG = Decimal("0.01")
CM = Decimal("0.1")
BMI = Decimal("0.1")  # kg/m², as charts and calculators give it
MG_PER_KG = Decimal("0.0001")
MG = Decimal("0.01")
MIN = Decimal("0.01")
MG_PER_MIN = Decimal("0.001")
MG_PER_H = Decimal("0.01")
MG_PER_KG_PER_H = Decimal("0.0001")
MCG_PER_KG_PER_MIN = Decimal("0.01")  # as anaesthesia orders are written: 12.5 mcg/kg/min
MG_PER_ML = Decimal("0.0001")
# Pump programming: mL/h to 0.1, the resolution of common infusion pumps; the
# stock volume to 0.01 mL (a 1 mL syringe's marks); bag and volume to be
# infused to 0.1 mL, as a pump takes a VTBI.
ML_PER_H = Decimal("0.1")
DRUG_ML = Decimal("0.01")
DRUG_ML_EXACT = Decimal("0.0001")  # the JSON's draw: a draw below 0.01 mL is never 0 there
VOLUME_ML = Decimal("0.1")
