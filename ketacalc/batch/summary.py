"""What a batch did: counts, skipped rows, and exact totals per currency."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ketacalc import places
from ketacalc.costing import Cost
from ketacalc.documents import Document, envelope, money_text
from ketacalc.formatting import money, with_unit

SKIPPED_SHOWN = 10  # skipped rows named in the summary; more are counted


@dataclass
class Summary:
    """What a batch did, and its totals per currency: each quoted row's cost
    is counted (a batch repeats a few), so the sums are made once, exactly,
    at the end; mixed currencies are never added together."""

    rows: int = 0
    quoted: int = 0
    rejected: int = 0
    warned: int = 0
    costs: dict[Cost, int] = field(default_factory=dict)  # rows quoted at each cost
    dose_centi_mg: dict[str, int] = field(default_factory=dict)  # drug per currency, in 0.01 mg
    assumed: tuple[str, ...] = ()  # units read where a column named none ("weight read as kg: ...")
    skipped: list[str] = field(default_factory=list)  # rows that are no patient ("row 14, a totals row")
    blank: int = 0  # rows of empty cells (,,,), as spreadsheets pad a sheet: skipped, counted
    warned_by_code: dict[str, int] = field(default_factory=dict)  # rows quoted with each warning
    unheaded: int = 0  # rows with a cell under no header (not read): said, never silently dropped
    first_unheaded: str = ""  # where the first is, and what it holds

    def add(self, cost: Cost, total_dose_centi_mg: int, codes: tuple[str, ...]) -> None:
        self.rows += 1
        self.quoted += 1
        if codes:
            self.warned += 1
            by_code = self.warned_by_code
            for code in dict.fromkeys(codes):
                by_code[code] = by_code.get(code, 0) + 1
        costs = self.costs
        costs[cost] = costs.get(cost, 0) + 1
        doses = self.dose_centi_mg
        doses[cost.currency] = doses.get(cost.currency, 0) + total_dose_centi_mg

    def by_currency(self) -> list[dict[str, Any]]:
        """Per currency: the rows quoted, the series totals (min, mid, max)
        added up, and the drug over every series in mg."""
        totals: dict[str, list[Any]] = {}
        for cost, count in self.costs.items():
            entry = totals.setdefault(cost.currency, [0, Decimal(0), Decimal(0), Decimal(0)])
            entry[0] += count
            entry[1] += cost.total_min * count
            entry[2] += cost.total_mid * count
            entry[3] += cost.total_max * count
        return [
            {
                "currency": currency,
                "quoted": quoted,
                "total": {"min": low, "mid": mid, "max": high},
                "total_dose_mg": Decimal(self.dose_centi_mg[currency]).scaleb(-2),
            }
            for currency, (quoted, low, mid, high) in sorted(totals.items())
        ]

    def lines(self) -> list[str]:
        """The stderr summary: the counts, then a line per currency, then the units read where a column
        named none."""
        head = (
            f"{self.rows:,} {'row' if self.rows == 1 else 'rows'}: {self.quoted:,} quoted, {self.rejected:,} rejected"
        )
        skipped = len(self.skipped) + self.blank
        out = [head + (f", {skipped:,} skipped" if skipped else "")]
        if self.warned:
            codes = ", ".join(f"{code} {count:,}" for code, count in sorted(self.warned_by_code.items()))
            out.append(f"warnings: {self.warned:,} {'row' if self.warned == 1 else 'rows'} quoted with them ({codes})")
        for entry in self.by_currency():
            currency, total = entry["currency"], entry["total"]
            series = " / ".join(money(total[name], currency) for name in ("min", "mid", "max"))
            drug = with_unit(entry["total_dose_mg"], places.MG, "mg")
            out.append(f"{currency}: {entry['quoted']:,} quoted, series total {series} (min / mid / max), drug {drug}")
        out += [f"skipped: {skipped}" for skipped in self.skipped[:SKIPPED_SHOWN]]
        if len(self.skipped) > SKIPPED_SHOWN:
            out.append(f"skipped: {len(self.skipped) - SKIPPED_SHOWN:,} more rows")
        if self.blank:
            out.append(f"skipped: {self.blank:,} blank {'row' if self.blank == 1 else 'rows'}")
        if self.unheaded:
            rows = "row has a cell" if self.unheaded == 1 else "rows have cells"
            out.append(f"note: {self.unheaded:,} {rows} under no header, not read (first: {self.first_unheaded})")
        return out + [f"note: {assumed}" for assumed in self.assumed]

    def document(self) -> Document:
        """The same as a JSON document (``--summary-json``), kind ``batch_summary``."""
        return {
            **envelope("batch_summary"),
            "rows": self.rows,
            "quoted": self.quoted,
            "rejected": self.rejected,
            "warned": self.warned,
            "warned_by_code": dict(sorted(self.warned_by_code.items())),
            "skipped": len(self.skipped) + self.blank,
            "blank": self.blank,
            "by_currency": [
                {
                    "currency": entry["currency"],
                    "quoted": entry["quoted"],
                    "total": {name: money_text(value, entry["currency"]) for name, value in entry["total"].items()},
                    "total_dose_mg": float(entry["total_dose_mg"]),
                }
                for entry in self.by_currency()
            ],
        }
