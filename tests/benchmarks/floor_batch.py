"""The batch floor: the same work as ``ketacalc batch`` on a plain CSV, in plain Python.

For each row: the weight (bare, kg, g or lb), the rate (default 0.5 mg/kg) and the
infusions (default 6); the dose and the rates over 40 minutes as floats; the series'
cost from the $400-$800 range in exact Decimal cents; one JSON line out. No checks,
no warnings, no units beyond these: what the quotes cost with no framework at all.

    python tests/benchmarks/floor_batch.py patients.csv > quotes.jsonl
"""

from __future__ import annotations

import csv
import json
import re
import sys
from decimal import ROUND_HALF_UP, Decimal

KG_PER = {"": 1.0, "kg": 1.0, "g": 0.001, "lb": 0.45359237, "lbs": 0.45359237}
WEIGHT = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*$")
CENT = Decimal("0.01")
PRICE_MIN, PRICE_MAX = Decimal(400), Decimal(800)
DURATION_MIN, RECOVERY_MIN = 40.0, 30


def record(number: int, row: dict[str, str]) -> dict[str, object]:
    found = WEIGHT.match(row["weight"])
    assert found is not None, row
    kg = float(found.group(1)) * KG_PER[found.group(2).lower()]
    rate = float(row.get("rate") or 0.5)
    infusions = int(row.get("infusions") or 6)
    dose = kg * rate
    low = (PRICE_MIN * infusions).quantize(CENT, ROUND_HALF_UP)
    high = (PRICE_MAX * infusions).quantize(CENT, ROUND_HALF_UP)
    return {
        "row": number,
        "id": row.get("id"),
        "schema_version": "1.0",
        "informational_only": True,
        "patient": {"weight_kg": round(kg, 2), "dosing_weight_kg": round(kg, 2), "dosing_weight_basis": "actual"},
        "dose": {"rate_mg_per_kg": rate, "dose_mg": round(dose, 2)},
        "session": {
            "duration_min": DURATION_MIN,
            "window_min": {"min": 40, "max": 100},
            "recovery_min": RECOVERY_MIN,
            "visit_min": DURATION_MIN + RECOVERY_MIN,
            "rate_mg_per_min": round(dose / DURATION_MIN, 3),
            "rate_mg_per_h": round(dose / DURATION_MIN * 60, 2),
        },
        "series": {"infusions": infusions, "total_dose_mg": round(dose * infusions, 2)},
        "cost": {
            "currency": "USD",
            "per_infusion": {"min": str(PRICE_MIN.quantize(CENT)), "max": str(PRICE_MAX.quantize(CENT))},
            "total": {
                "min": str(low),
                "max": str(high),
                "mid": str(((low + high) / 2).quantize(CENT, ROUND_HALF_UP)),
            },
        },
        "warnings": [],
    }


def main(path: str) -> None:
    write = sys.stdout.write
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            write(json.dumps(record(number, row)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
