"""A batch CSV in which weight, rate, duration and infusions all change from row to row, as in
a clinic's real export: no cache of an earlier row can answer for the next one.

    python tests/benchmarks/make_varied.py 200000 > varied.csv

Every value is within ketacalc's hard limits (weights 45-145 kg, rates 0.1-0.75 mg/kg,
durations 40-100 min, 1-12 infusions), so every row is quoted.
"""

from __future__ import annotations

import sys


def rows(count: int) -> list[str]:
    lines = ["id,weight,rate,duration,infusions"]
    for i in range(count):
        weight = 45 + (i * 0.0173) % 100
        rate = 0.1 + (i * 7 % 6500) / 10000
        lines.append(f"v{i},{weight:.4f},{rate:.4f},{40 + i * 13 % 61},{1 + i % 12}")
    return lines


if __name__ == "__main__":
    sys.stdout.write("\n".join(rows(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)) + "\n")
