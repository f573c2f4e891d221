"""The human output: ISMP-style number formatting and the Rich tables.

This is the only module that imports Rich, and only inside functions, so the
JSON path and ``--version`` never pay for it. User text reaches Rich only as
``Text`` objects, never as markup.

ISMP's rules for printed doses: no trailing zero (35 mg, never 35.0 mg), a
leading zero (0.5 mg), a space between number and unit, "mcg" and "mL",
thousands separators (1,000 mg).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from ketacalc import limits
from ketacalc.chart import Chart
from ketacalc.cost import Cost
from ketacalc.dosing import Dose, InfusionRate
from ketacalc.series import Quote
from ketacalc.values import fixed_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

# Places shown, by what is shown.
PLACES_KG = 2
PLACES_MG = 2
PLACES_MG_PER_KG = 4
PLACES_MG_PER_MIN = 3
PLACES_MG_PER_H = 2
PLACES_MG_PER_KG_PER_H = 4
PLACES_MIN = 1
PLACES_CM = 1
# Pump programming: mL/h to 0.1, the resolution of common infusion pumps; the
# stock volume to 0.01 mL (a 1 mL syringe's marks); bag totals to 0.1 mL.
PLACES_ML_PER_H = 1
PLACES_DRUG_ML = 2
PLACES_TOTAL_ML = 1
PLACES_MG_PER_ML = 4

_CURRENCY_SYMBOLS = {"USD": "$"}


def amount(value: Decimal, places: int) -> str:
    """A number as ISMP would print it: rounded half-up to ``places`` decimal
    places, no trailing zeros, a leading zero, thousands separators."""
    return fixed_text(value, Decimal(1).scaleb(-places), thousands=True)


def with_unit(value: Decimal, places: int, unit: str) -> str:
    """``amount`` and its unit, with a space between: "35 mg"."""
    return f"{amount(value, places)} {unit}"


def money(value: Decimal, currency: str) -> str:
    """$2,400 (cents shown only when there are any: $2,400.50); EUR 2,400 for
    codes without a symbol here."""
    text = f"{value:,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    symbol = _CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


def minutes(value: Decimal) -> str:
    return with_unit(value, PLACES_MIN, "min")


def _console(file: IO[str] | None, width: int | None) -> Console:
    from rich.console import Console

    # Rich's own NO_COLOR support drops colours but keeps bold and italic; the
    # convention (no-color.org) is plain output, so styling goes too.
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        file=file,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        color_system=None if plain else "auto",
    )


def _pairs(title: str, rows: Iterable[tuple[str, str]]) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title, style="bold"), title_justify="left", box=box.SIMPLE, show_header=False)
    table.add_column("what", style="dim", overflow="fold")
    table.add_column("value", overflow="fold")
    for what, value in rows:
        table.add_row(Text(what), Text(value))
    return table


def _grid(title: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title, style="bold"), title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column(Text(header[0]), overflow="fold")
    for name in header[1:]:
        table.add_column(Text(name), justify="right", overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def _weight_rows(d: Dose) -> list[tuple[str, str]]:
    weight = with_unit(d.weight_kg, PLACES_KG, "kg")
    if not d.weight_unit_given:
        weight += " (no unit given: read as kg)"
    elif d.weight_given:
        weight += f" (given as {d.weight_given})"
    rows = [("Weight", weight)]
    if d.dosing_weight_basis == "actual":
        rows.append(("Dosing weight", f"{with_unit(d.dosing_weight_kg, PLACES_KG, 'kg')} (actual)"))
    else:
        assert d.ideal_weight_kg is not None and d.height_cm is not None
        rows.append(("Height", f"{with_unit(d.height_cm, PLACES_CM, 'cm')}, {d.sex}"))
        rows.append(("Ideal weight", f"{with_unit(d.ideal_weight_kg, PLACES_KG, 'kg')} (Devine)"))
        rows.append(("Dosing weight", f"{with_unit(d.dosing_weight_kg, PLACES_KG, 'kg')} ({d.dosing_weight_basis})"))
    rows.append(("Rate", with_unit(d.rate_mg_per_kg, PLACES_MG_PER_KG, "mg/kg")))
    rows.append(("Dose", with_unit(d.dose_mg, PLACES_MG, "mg")))
    return rows


def _rate_row(d: Dose, rate: InfusionRate, label: str) -> list[str]:
    row = [
        f"{minutes(rate.duration_min)}{label}",
        amount(rate.mg_per_min, PLACES_MG_PER_MIN),
        amount(rate.mg_per_h, PLACES_MG_PER_H),
        amount(rate.mg_per_kg_per_h, PLACES_MG_PER_KG_PER_H),
    ]
    if d.pump is not None:
        row.append(amount(d.pump.rate_ml_per_h(rate.duration_min), PLACES_ML_PER_H))
    return row


def _rate_rows(d: Dose) -> list[list[str]]:
    durations = sorted({d.duration_min, limits.DURATION_MIN_MIN, limits.DURATION_MAX_MIN})
    return [_rate_row(d, d.rate_at(m), " (chosen)" if m == d.duration_min else "") for m in durations]


def _pump_rows(d: Dose) -> list[tuple[str, str]]:
    assert d.pump is not None
    p = d.pump
    return [
        ("Stock", with_unit(p.concentration_mg_per_ml, PLACES_MG_PER_ML, "mg/mL")),
        ("Draw", with_unit(p.drug_volume_ml, PLACES_DRUG_ML, "mL")),
        ("Into bag", with_unit(p.bag_ml, PLACES_TOTAL_ML, "mL")),
        ("Total volume", with_unit(p.total_volume_ml, PLACES_TOTAL_ML, "mL")),
        ("Final concentration", with_unit(p.final_concentration_mg_per_ml, PLACES_MG_PER_ML, "mg/mL")),
        ("Pump rate", with_unit(p.rate_ml_per_h(d.duration_min), PLACES_ML_PER_H, "mL/h")),
    ]


def _visit_rows(d: Dose) -> list[tuple[str, str]]:
    rows = [
        ("Infusion", minutes(d.duration_min)),
        ("Recovery", minutes(d.recovery_min)),
        ("Total visit", minutes(d.visit_min)),
    ]
    if d.times is not None:
        t = d.times
        next_day = " (next day)"
        rows += [
            ("Start", t.clock(t.start_min)),
            ("Infusion ends", t.clock(t.infusion_end_min) + (next_day if t.next_day(t.infusion_end_min) else "")),
            ("Recovery ends", t.clock(t.recovery_end_min) + (next_day if t.crosses_midnight else "")),
        ]
    return rows


def dose_tables(d: Dose) -> list[Table]:
    """Patient and dose, the infusion rates, and the visit."""
    header = ["Over", "mg/min", "mg/h", "mg/kg/h"] + (["mL/h"] if d.pump is not None else [])
    tables = [
        _pairs("Patient and dose", _weight_rows(d)),
        _grid("Infusion rate", header, _rate_rows(d)),
    ]
    if d.pump is not None:
        tables.append(_pairs("Pump", _pump_rows(d)))
    tables.append(_pairs("Visit", _visit_rows(d)))
    return tables


def cost_tables(c: Cost, series_rows: Sequence[tuple[str, str]] = ()) -> list[Table]:
    """The series and its cost, per infusion and in total."""
    rows = [("Infusions", str(c.infusions)), *series_rows]
    series = _pairs("Series", rows)
    prices = _grid(
        f"Cost ({c.currency})",
        ["", "Min", "Mid", "Max"],
        [
            ["Per infusion", *(money(v, c.currency) for v in (c.price_min, c.price_mid, c.price_max))],
            [
                f"Series of {c.infusions}",
                *(money(v, c.currency) for v in (c.total_min, c.total_mid, c.total_max)),
            ],
        ],
    )
    return [series, prices]


def quote_tables(q: Quote) -> list[Table]:
    total = ("Total drug", with_unit(q.total_dose_mg, PLACES_MG, "mg"))
    return [*dose_tables(q.dose), *cost_tables(q.cost, [total])]


def chart_tables(c: Chart) -> list[Table]:
    """One row per weight; one column per rate, with the pump rate under the
    dose when pump settings were given."""
    header = ["Weight"] + [with_unit(r, PLACES_MG_PER_KG, "mg/kg") for r in c.rates_mg_per_kg]
    rows = []
    for row in c.rows:
        weight = with_unit(row.weight, PLACES_KG, c.weight_unit)
        if c.weight_unit != "kg":
            weight += f" ({with_unit(row.weight_kg, PLACES_KG, 'kg')})"
        cells = [with_unit(d, PLACES_MG, "mg") for d in row.doses_mg]
        if row.pump_rates_ml_per_h is not None:
            cells = [
                f"{cell}\n{with_unit(r, PLACES_ML_PER_H, 'mL/h')}"
                for cell, r in zip(cells, row.pump_rates_ml_per_h, strict=True)
            ]
        rows.append([weight, *cells])
    title = "Ketamine dose by weight"
    if c.concentration_mg_per_ml is not None and c.bag_ml is not None:
        title += (
            f"; pump rate for {with_unit(c.concentration_mg_per_ml, PLACES_MG_PER_ML, 'mg/mL')} stock"
            f" in {with_unit(c.bag_ml, PLACES_TOTAL_ML, 'mL')} over {minutes(c.duration_min)}"
        )
    return [_grid(title, header, rows)]


def print_settings(settings: Mapping[str, Mapping[str, str | None]]) -> None:
    """``ketacalc config``: each setting, its value and where it came from."""
    rows = [[name, value["value"] or "(not set)", value["source"] or ""] for name, value in settings.items()]
    print_tables([_grid("Settings", ["Setting", "Value", "Source"], rows)])


def print_tables(tables: Sequence[Table], file: IO[str] | None = None, width: int | None = None) -> None:
    """Print the tables, then the one-line informational-only notice."""
    from rich.text import Text

    console = _console(file, width)
    for table in tables:
        console.print(table)
    console.print(Text(limits.DISCLAIMER, style="italic"))
