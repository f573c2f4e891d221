"""The human output: blocks of figures (formatted by ``ketacalc.formatting``)
laid out as Rich tables, or as lines when a table would not fit.

This and the batch's progress bar (``batch.progress``) are the only modules that import
Rich, and only inside functions, so the JSON path and ``--version`` never pay for it. User text reaches Rich only as
``Text`` objects, never as markup.

A number is never split across lines, at any width: table cells never wrap,
and when a table is wider than the terminal its block is printed as lines
instead, wrapped only at spaces that are not between a number and its unit.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from ketacalc import limits, places
from ketacalc.bedside import draw_text, rate_text, read_back, vtbi_basis
from ketacalc.charting import Chart
from ketacalc.costing import Cost
from ketacalc.dosing import Dose, InfusionRate
from ketacalc.errors import SoftWarning, printable
from ketacalc.exact import Exact
from ketacalc.formatting import amount, minutes, money, with_unit
from ketacalc.quoting import Quote

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from ketacalc.planning import Plan, Session  # for plan_blocks only: quote's start-up never imports it

_INDENT = "  "
_NBSP = "\u00a0"
# A space that must not become a line break: between a number and its unit
# (35 mg, 45 min), and between a currency code and its amount (EUR 2,400).
_BOUND_SPACE_RE = re.compile(r"(?<=[0-9]) (?=[A-Za-zµ%/(×=])|(?<=\b[A-Z]{3}) (?=[0-9])|(?<=[<>≤≥]) (?=[0-9])")


# --- blocks: what is shown, apart from how -------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    """A line that names what follows: the drug and the patient."""

    title: str


@dataclass(frozen=True, slots=True)
class Pairs:
    """Labelled figures: a two-column table, or ``label: value`` lines.
    ``strong`` is the label of the row printed bold (the pump rate to
    program); ``footer`` a line under them all (the read-back line)."""

    title: str
    rows: Sequence[tuple[str, str]]
    strong: str = ""
    footer: str = ""


@dataclass(frozen=True, slots=True)
class Grid:
    """A table with a header. As lines, each row is a heading and then one line
    per column: the cell, its column's unit, and the column's note."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    units: Sequence[str] = ()  # per column after the first, for the line layout
    notes: Sequence[str] = ()  # per column after the first, for the line layout
    caption: str = ""  # printed under the table, e.g. what a column means
    preface: str = ""  # printed above the table, e.g. what every row shares
    row_lines: Sequence[str] = ()  # as lines: each row's own line (wrapped), in place of a line per cell
    left: int = 1  # the leading columns of words, set left; figures are set right


Block = Heading | Pairs | Grid


def heading(what: str, patient_id: str | None) -> Heading:
    """ "Ketamine infusion: dose" and the patient's id, escaped like every echoed text."""
    title = f"Ketamine infusion: {what}"
    if patient_id is not None:
        title += f" for patient {printable(patient_id)}"
    return Heading(title)


def _weight_rows(d: Dose) -> list[tuple[str, str]]:
    weight = with_unit(d.weight_kg, places.KG, "kg")
    if not d.weight_unit_given:
        weight += " (no unit given: read as kg)"
    elif d.weight_given:
        weight += f" (given as {printable(d.weight_given)})"
    rows = [("Weight", weight)]
    if d.height_cm is not None:
        rows.append(("Height", with_unit(d.height_cm, places.CM, "cm")))
    if d.sex is not None:
        rows.append(("Sex", d.sex))
    if d.bmi_kg_per_m2 is not None:
        rows.append(("BMI", f"{with_unit(d.bmi_kg_per_m2, places.BMI, 'kg/m²')} ({d.bmi_class}, WHO)"))
    if d.ideal_weight_kg is not None:
        rows.append(("Ideal weight", f"{with_unit(d.ideal_weight_kg, places.KG, 'kg')} (Devine)"))
    if d.adjusted_weight_kg is not None:
        rows.append(("Adjusted weight", with_unit(d.adjusted_weight_kg, places.KG, "kg")))
    basis: str = d.dosing_weight_basis
    if d.dosing_weight_requested != d.dosing_weight_basis:
        basis += f"; {d.dosing_weight_requested} was asked for"
    rows.append(("Dosing weight", f"{with_unit(d.dosing_weight_kg, places.KG, 'kg')} ({basis})"))
    if d.rate_ordered is not None:
        rows.append(("Rate", rate_text(d)))
    rate = with_unit(d.rate_mg_per_kg, places.MG_PER_KG, "mg/kg")
    rows.append(("Dose", f"{with_unit(d.dose_mg, places.MG, 'mg')} ({rate} of dosing weight)"))
    return rows


def _rate_row(d: Dose, rate: InfusionRate, label: str) -> list[str]:
    row = [
        f"{minutes(rate.duration_min)}{label}",
        amount(rate.mg_per_min, places.MG_PER_MIN),
        amount(rate.mg_per_h, places.MG_PER_H),
        amount(rate.mg_per_kg_per_h, places.MG_PER_KG_PER_H),
        amount(rate.mcg_per_kg_per_min, places.MCG_PER_KG_PER_MIN),
    ]
    if d.pump is not None:
        row.append(amount(d.pump.rate_ml_per_h(rate.duration_min), places.ML_PER_H))
    return row


def _other_durations(d: Dose) -> list[Exact]:
    """The window's ends that were not chosen, shortest first; compared as
    printed, so 99.996 min (printed 100 min) is not shown twice."""
    chosen = minutes(d.duration_min)
    return [m for m in (limits.DURATION_MINUTES.low, limits.DURATION_MINUTES.high) if minutes(m) != chosen]


def _rate_rows(d: Dose) -> list[list[str]]:
    durations = [d.duration_min, *_other_durations(d)]  # the chosen one first, at every width
    rows = []
    for duration_min in durations:
        tags = ["chosen"] if duration_min == d.duration_min else []
        tags += ["shortest"] if duration_min == limits.DURATION_MINUTES.low else []
        tags += ["longest"] if duration_min == limits.DURATION_MINUTES.high else []
        rows.append(_rate_row(d, d.rate_at(duration_min), f" ({', '.join(tags)})"))
    return rows


PUMP_RATE = "Pump rate"


def _pump_rows(d: Dose) -> list[tuple[str, str]]:
    """The rate to program first, once; how the dose is made up; then what
    the other durations would need, labelled as such."""
    assert d.pump is not None
    p = d.pump
    rows = [
        (
            PUMP_RATE,
            f"{with_unit(p.rate_ml_per_h(d.duration_min), places.ML_PER_H, 'mL/h')} over {minutes(d.duration_min)}",
        )
    ]
    if p.concentration_mg_per_ml is not None:
        rows.append(("Stock", with_unit(p.concentration_mg_per_ml, places.MG_PER_ML, "mg/mL")))
        assert p.drug_volume_ml is not None
        syringe = p.syringe
        tool = (
            f"{amount(syringe.capacity_ml, places.DRUG_ML)} mL syringe, "
            f"{amount(syringe.graduation_ml, places.DRUG_ML)} mL marks"
            if syringe is not None
            else "more than one syringe"
        )
        rows.append(("Draw", f"{draw_text(p.drug_volume_ml)} of stock ({tool})"))
    if p.bag_ml is not None:
        rows.append(("Into bag", f"{with_unit(p.bag_ml, places.VOLUME_ML, 'mL')} of {d.diluent}"))
    elif p.diluent_to_add_ml is not None:
        rows.append(("Make up to", f"{with_unit(p.mixed_volume_ml, places.VOLUME_ML, 'mL')} with {d.diluent}"))
    else:
        rows.append(("Premixed", f"{with_unit(p.mixed_volume_ml, places.VOLUME_ML, 'mL')} in {d.diluent}"))
    rows.append(("VTBI", f"{with_unit(p.total_volume_ml, places.VOLUME_ML, 'mL')} ({vtbi_basis(p)})"))
    rows.append(("Final concentration", with_unit(p.final_concentration_mg_per_ml, places.MG_PER_ML, "mg/mL")))
    if p.residual_mg is not None:
        rows.append(("Left in bag and line", with_unit(p.residual_mg, places.MG, "mg")))
    # Another duration keeps the dose; for an order per time that is not the ordered rate, and the label says so.
    label = "Same dose over" if d.rate_ordered is not None else "If run over"
    for other in _other_durations(d):
        rows.append((f"{label} {minutes(other)}", with_unit(p.rate_ml_per_h(other), places.ML_PER_H, "mL/h")))
    return rows


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


_PER_KG_NOTE = "per kg of dosing weight per hour (a rate, not the dose)"


def dose_blocks(d: Dose, patient_id: str | None = None) -> list[Block]:
    """The heading, patient and dose, the infusion rates, the pump, and the visit."""
    return [heading("dose", patient_id), *_dose_body(d)]


def _dose_body(d: Dose) -> list[Block]:
    pump = d.pump is not None
    blocks: list[Block] = [
        Pairs("Patient and dose", _weight_rows(d)),
        Grid(
            "Infusion rate (chosen duration first)",
            ["Over", "mg/min", "mg/h", "mg/kg/h", "mcg/kg/min", *(["mL/h"] if pump else [])],
            _rate_rows(d),
            units=["mg/min", "mg/h", "mg/kg/h", "mcg/kg/min", *(["mL/h"] if pump else [])],
            notes=["", "", "per kg of dosing weight", "per kg of dosing weight", *([""] if pump else [])],
            caption=f"mg/kg/h is {_PER_KG_NOTE}; mcg/kg/min likewise."
            + (
                f" Other durations keep the {with_unit(d.dose_mg, places.MG, 'mg')} dose, not the ordered "
                f"{d.rate_ordered}."
                if d.rate_ordered is not None
                else ""
            ),
        ),
    ]
    if pump:
        blocks.append(Pairs("Pump", _pump_rows(d), strong=PUMP_RATE, footer=f"Read-back: {read_back(d)}"))
    blocks.append(Pairs("Visit", _visit_rows(d)))
    return blocks


def cost_blocks(c: Cost, series_rows: Sequence[tuple[str, str]] = (), patient_id: str | None = None) -> list[Block]:
    """The series and its cost, per infusion and in total."""
    return [
        *([] if series_rows else [heading("series cost", patient_id)]),
        Pairs("Series", [("Infusions", str(c.infusions)), *series_rows]),
        Grid(
            f"Cost ({c.currency})",
            ["", "Min", "Mid", "Max"],
            [
                ["Per infusion", *(money(v, c.currency) for v in (c.price_min, c.price_mid, c.price_max))],
                [f"Series of {c.infusions}", *(money(v, c.currency) for v in (c.total_min, c.total_mid, c.total_max))],
            ],
            units=["", "", ""],
            notes=["min", "mid", "max"],
        ),
    ]


def quote_blocks(q: Quote, patient_id: str | None = None) -> list[Block]:
    dose_mg = with_unit(q.dose.dose_mg, places.MG, "mg")
    total = ("Total drug", f"{with_unit(q.total_dose_mg, places.MG, 'mg')} = {dose_mg} × {q.cost.infusions}")
    return [heading("dose and series cost", patient_id), *_dose_body(q.dose), *cost_blocks(q.cost, [total])]


def chart_blocks(c: Chart) -> list[Block]:
    """One row per weight; one column per rate, with the pump rate under the
    dose when pump settings were given."""
    rates = [with_unit(r, places.MG_PER_KG, "mg/kg") for r in c.rates_mg_per_kg]
    rows = []
    for row in c.rows:
        weight = with_unit(row.weight, places.KG, c.weight_unit)
        if c.weight_unit != "kg":
            weight += f" ({with_unit(row.weight_kg, places.KG, 'kg')})"
        cells = [with_unit(d, places.MG, "mg") for d in row.doses_mg]
        if row.pump_rates_ml_per_h is not None:
            cells = [
                f"{cell}\n{with_unit(r, places.ML_PER_H, 'mL/h')}"
                for cell, r in zip(cells, row.pump_rates_ml_per_h, strict=True)
            ]
        rows.append([weight, *cells])
    title = "Ketamine dose by weight"
    if c.concentration_mg_per_ml is not None and c.bag_ml is not None:
        basis = " (the bag's volume programmed)" if c.vtbi_basis == "bag" else ""
        title += (
            f"; pump rate for {with_unit(c.concentration_mg_per_ml, places.MG_PER_ML, 'mg/mL')} stock"
            f" in {with_unit(c.bag_ml, places.VOLUME_ML, 'mL')}{basis} over {minutes(c.duration_min)}"
        )
    elif c.standard_mg_per_ml is not None:
        title += (
            f"; pump rate at {with_unit(c.standard_mg_per_ml, places.MG_PER_ML, 'mg/mL')} over "
            f"{minutes(c.duration_min)}"
        )
    return [Grid(title, ["Weight", *rates], rows, units=["" for _ in rates], notes=[f"at {r}" for r in rates])]


# Long because the table, its totals and its notes are laid out together so their widths agree.
def plan_blocks(p: Plan, patient_id: str | None = None) -> list[Block]:
    """``ketacalc plan``: the patient, the sessions, the totals and the calendar strip. What every session
    shares is one line above the table, so the table holds only what varies and fits 80 columns; below
    that each session is a line (two at most at 40 columns), its figures with their units."""
    first = p.patient
    texts = {name: [column.text(p, s) for s in p.sessions] for name, column in _SESSION_COLUMNS.items()}
    figures = [name for name in _SESSION_COLUMNS if name not in ("date", "session") and texts[name][0]]
    varying = [name for name in figures if len(set(texts[name])) > 1]
    shared = [name for name in figures if name not in varying and name not in _IN_PUMP_BLOCK]
    over = f"over {minutes(first.duration_min)}"
    said = [_bound(name, texts[name][0]) + (f" {over}" if name == "dose" else "") for name in shared]
    preface = "Every session: " + ", ".join(said if "dose" in shared else [over, *said]) + "."
    table_rows: list[tuple[datetime.date, list[str], str]] = []
    for index, session in enumerate(p.sessions):
        place = f"{session.number} {texts['date'][index]} {texts['session'][index].replace(' ', _NBSP)}"
        figures = [_bound(name, texts[name][index]) for name in varying]
        # The table's date without its weekday (the calendar strip below has it): every figure still fits 80.
        cells = [str(session.number), session.date.isoformat(), texts["session"][index]]
        cells += [_SESSION_COLUMNS[name].cell(texts[name][index]) for name in varying]
        table_rows.append((session.date, cells, f"{place}: {', '.join(figures)}" if figures else place))
    moved = p.skipped_sessions
    for day in moved:
        when = f"{day.isoformat()} {day.strftime('%a')}"
        table_rows.append((day, ["–", day.isoformat(), "skipped", *[""] * len(varying)], f"– {when} skipped"))
    others = [day.isoformat() for day in p.skipped if day not in moved]
    if others:
        preface += " Skipped, but no session would have been then: " + ", ".join(others) + "."
    table_rows.sort(key=lambda row: row[0])
    header = ["#", "Date", "Session", *(_SESSION_COLUMNS[name].header for name in varying)]
    caption = "Session: I induction, B booster." if p.boosters else "Session: I induction."
    if p.package is not None:
        caption += f" Package of {p.infusions} infusions: {money(p.package, p.currency)}."
    ordered = [f"{s.number}: {s.dose.rate_ordered}" for s in p.sessions if s.dose.rate_ordered is not None]
    if ordered:
        caption += " mg/kg from orders per time, session " + ", ".join(ordered) + "."
    total = p.total_price
    totals = [
        (
            "Sessions",
            f"{len(p.sessions)} ({p.infusions} induction, {p.boosters} booster{'' if p.boosters == 1 else 's'})",
        ),
        ("Drug", with_unit(p.total_dose_mg, places.MG, "mg")),
        *([("Package", f"{money(p.package, p.currency)} for {p.infusions} infusions")] if p.package else []),
        ("Cost min", money(total.min, p.currency)),
        ("Cost mid", money(total.mid, p.currency)),
        ("Cost max", money(total.max, p.currency)),
    ]
    made_up: list[Block] = []
    if first.pump is not None:
        made_up.append(
            Pairs(
                "Pump (every session)",
                [*_shared_pump_rows(p), ("VTBI basis", vtbi_basis(first.pump))],
                footer="Each session's rate to program is its pump mL/h, with its VTBI; its read-back line is in "
                "--json (sessions[].pump.read_back).",
            )
        )
    return [
        heading("treatment plan", patient_id),
        Pairs("Patient", [row for row in _weight_rows(first) if row[0] not in ("Rate", "Dose")]),
        *made_up,
        Grid(
            "Sessions",
            header,
            [cells for _, cells, _ in table_rows],
            caption=caption,
            preface=preface,
            row_lines=[text for _, _, text in table_rows],
            left=3,
        ),
        Pairs("Totals", totals),
        Pairs("Calendar (I induction, B booster)", calendar_strip(p)),
    ]


_MADE_UP = ("Into bag", "Make up to", "Premixed")


def _bound(name: str, text: str) -> str:
    """A figure as a line says it, its label and a range's ends bound to it with no-break spaces, so a
    wrapped line never ends "pump" above "155.3 mL/h", nor splits "$400 – $800" into a minus."""
    label = _SESSION_COLUMNS[name].label
    return (label.replace(" ", _NBSP) + text).replace(" – ", f"{_NBSP}–{_NBSP}")


def _shared_pump_rows(p: Plan) -> list[tuple[str, str]]:
    """How every session's bag is made: only what is the same for every session (a titrated course's
    premixed volume is each session's own, in the table's VTBI column, never the first session's)."""
    each = [dict(_pump_rows(s.dose)) for s in p.sessions]
    rows = []
    for label in ("Stock", *_MADE_UP, "VTBI", "Final concentration"):
        values = {found.get(label) for found in each}
        if None in values:
            continue
        if len(values) == 1:
            rows.append((label, str(values.pop())))
        elif label in _MADE_UP:
            how = "with" if label == "Make up to" else "in"
            rows.append((label, f"each session's VTBI (the table) {how} {p.patient.diluent}"))
    return rows


def _session_price(p: Plan, s: Session) -> str:
    return "in package" if p.in_package(s) else _price_range(s.price.min, s.price.max, p.currency)


def _session_pump(s: Session) -> str:
    d = s.dose
    return "" if d.pump is None else with_unit(d.pump.rate_ml_per_h(d.duration_min), places.ML_PER_H, "mL/h")


def _session_draw(s: Session) -> str:
    d = s.dose
    return "" if d.pump is None or d.pump.drug_volume_ml is None else draw_text(d.pump.drug_volume_ml)


def _session_vtbi(s: Session) -> str:
    d = s.dose
    return "" if d.pump is None else with_unit(d.pump.total_volume_ml, places.VOLUME_ML, "mL")


def _session_start(s: Session) -> str:
    times = s.dose.times
    return "" if times is None else times.clock(times.start_min)


@dataclass(frozen=True, slots=True)
class _Column:
    """A session table's column: a session's figure with its unit, the header (naming the unit), the
    unit a cell leaves to it, and the word before the figure in a line (\"pump 155.3 mL/h\")."""

    text: Any  # (Plan, Session) -> str; "" when the plan has none (no pump, no --time)
    header: str = ""
    unit: str = ""
    label: str = ""

    def cell(self, text: str) -> str:
        return text.removesuffix(f" {self.unit}") if self.unit else text


_IN_PUMP_BLOCK = ("vtbi",)  # said in the Pump block when every session has the same
_SESSION_COLUMNS: dict[str, _Column] = {
    "date": _Column(lambda p, s: f"{s.date.isoformat()} {s.weekday.capitalize()}"),
    "session": _Column(lambda p, s: f"{'I' if s.kind == 'induction' else 'B'} {s.index}/{s.of}"),
    "rate": _Column(lambda p, s: with_unit(s.dose.rate_mg_per_kg, places.MG_PER_KG, "mg/kg"), "Rate\nmg/kg", "mg/kg"),
    "dose": _Column(lambda p, s: with_unit(s.dose.dose_mg, places.MG, "mg"), "Dose\nmg", "mg"),
    "mg_per_h": _Column(
        lambda p, s: with_unit(s.dose.rate_at(s.dose.duration_min).mg_per_h, places.MG_PER_H, "mg/h"),
        "Rate\nmg/h",
        "mg/h",
    ),
    "pump": _Column(lambda p, s: _session_pump(s), "Pump\nmL/h", "mL/h", "pump "),
    "draw": _Column(lambda p, s: _session_draw(s), "Draw\nmL", "mL", "draw "),
    "vtbi": _Column(lambda p, s: _session_vtbi(s), "VTBI\nmL", "mL", "VTBI "),
    "start": _Column(lambda p, s: _session_start(s), "Start", "", "start "),
    "price": _Column(_session_price, "Price", "", "price "),
}


def _price_range(low: Decimal, high: Decimal, currency: str) -> str:
    return money(low, currency) if low == high else f"{money(low, currency)} – {money(high, currency)}"


def calendar_strip(p: Plan) -> list[tuple[str, str]]:
    """Weeks (Monday first) x weekdays, each day a letter: I induction, B
    booster, - none; weeks without a session are folded into one line."""
    marks = {session.date: "I" if session.kind == "induction" else "B" for session in p.sessions}
    first = p.sessions[0].date
    monday = first - datetime.timedelta(days=first.weekday())
    last = p.sessions[-1].date
    rows: list[tuple[str, str]] = [("week of", "MTWTFSS")]
    empty = 0
    while monday <= last:
        week = [monday + datetime.timedelta(days=i) for i in range(7)]
        if any(day in marks for day in week):
            if empty:
                rows.append(("…", f"{empty} {'week' if empty == 1 else 'weeks'} without a session"))
                empty = 0
            rows.append((monday.isoformat(), "".join(marks.get(day, "-") for day in week)))
        else:
            empty += 1
        monday += datetime.timedelta(days=7)
    return rows


def settings_blocks(document: Mapping[str, Any]) -> list[Block]:
    """``ketacalc config``: each setting, its value and where it came from,
    then the config file used."""
    rows = [
        [name, printable(value["value"] or "(not set)"), printable(value["source"] or "")]
        for name, value in document["settings"].items()
    ]
    used = document["file"]["used"]
    return [
        heading("settings", None),
        Grid("Settings", ["Setting", "Value", "Source"], rows, units=["", ""], notes=["value", "from"]),
        Pairs("Config file", [("used", printable(used) if used else "none (built-in settings)")]),
    ]


def search_blocks(document: Mapping[str, Any]) -> list[Block]:
    """``ketacalc config --path``: where the config file is looked for."""
    rows = []
    for place in document["file"]["searched"]:
        path = place["path"]
        state = "found" if place["exists"] else ("not given" if path is None else "not found")
        rows.append([place["where"], printable(path) if path else "-", state])
    used = document["file"]["used"]
    return [
        Grid("Config file search, first named wins", ["Where", "Path", ""], rows, units=["", ""], notes=["", ""]),
        Pairs("Config file", [("used", printable(used) if used else "none (built-in settings)")]),
    ]


# --- layout ----------------------------------------------------------------------------


def _console(file: IO[str] | None, width: int | None) -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # Rich's own handler exits 1; the CLI's boundary turns this into a quiet 141.
            raise BrokenPipeError

    # Rich's own NO_COLOR support drops colours but keeps bold and italic; the
    # convention (no-color.org) is plain output, so styling goes too.
    plain = bool(os.environ.get("NO_COLOR"))
    return _Console(
        file=file,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        color_system=None if plain else "auto",
    )


def wrap(text: str, width: int, indent: str = "", hanging: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` columns, broken only at spaces
    that are not between a number and its unit. A word too long for an
    indented line goes unindented; one longer than the width (a path, a
    warning code, a list of rates) is broken after a comma, slash or
    underscore where it can be, and never inside a number."""
    width = max(width, 1)
    lines: list[str] = []
    line = ""
    for word in filter(None, _BOUND_SPACE_RE.sub(_NBSP, text).split(" ")):  # not split(): NBSP is whitespace to it
        lead = indent if not lines and not line.strip() else indent + hanging
        if line and cells(line) + 1 + cells(word) <= width:
            line += " " + word
            continue
        if line:
            lines.append(line)
        if len(lead) + cells(word) <= width:
            line = lead + word
        elif cells(word) <= width:
            line = word  # unindented rather than past the edge, where a terminal would split it
        else:
            *whole, line = _pieces(word, width)
            lines += whole
    lines.append(line)
    return [item.replace(_NBSP, " ") for item in lines]


def cells(text: str) -> int:
    """The terminal columns ``text`` takes: a wide (East Asian) character two, a combining mark none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text
    )


_NUMBER_CHARS = frozenset("0123456789.,")
_THOUSANDS_RE = re.compile(r"[0-9]{3}(?![0-9])")


def _pieces(word: str, width: int) -> list[str]:
    """A word longer than ``width`` in pieces that fit: each cut after a comma,
    slash or underscore if one is in reach, else at any point not inside a number."""
    pieces = []
    while cells(word) > width:
        reach = _reach(word, width)  # the characters that fit in ``width`` columns
        inside = [i for i in range(1, reach + 1) if word[i - 1] in _NUMBER_CHARS and word[i] in _NUMBER_CHARS]
        # A comma between list items (0.25,0.5) is a place to cut; one before three
        # digits (5,199,999) is a thousands separator, inside a number.
        between = [i for i in inside if word[i - 1] == "," and not _THOUSANDS_RE.match(word, i)]
        cuts = sorted(set(range(1, reach + 1)) - set(inside) | set(between))
        preferred = [i for i in cuts if word[i - 1] in ",/_"]
        cut = (preferred or cuts or [reach])[-1]
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def _reach(word: str, width: int) -> int:
    """How many of ``word``'s characters fit in ``width`` columns (at least one)."""
    if word.isascii():
        return min(len(word), width)
    used = 0
    for count, char in enumerate(word):
        used += cells(char)
        if used > width:
            return max(count, 1)
    return len(word)


def _table(block: Pairs | Grid) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if isinstance(block, Pairs):
        table = Table(box=box.SIMPLE, show_header=False, pad_edge=True)
        table.add_column("what", style="dim", no_wrap=True)
        table.add_column("value", no_wrap=True)
        for what, value in block.rows:
            style = "bold" if what == block.strong else ""
            table.add_row(Text(what, style=style), Text(value, style=style))
        return table
    table = Table(box=box.SIMPLE_HEAD, collapse_padding=bool(block.row_lines), pad_edge=not block.row_lines)
    for index, name in enumerate(block.header):
        table.add_column(Text(name), justify="left" if index < block.left else "right", no_wrap=True)
    for row in block.rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def _lines(block: Pairs | Grid, width: int) -> list[tuple[str, str, str]]:
    """The block as lines, for a terminal too narrow for its table: each
    line, its style, and the label of the row it belongs to (the last line of
    a row carries it, so a warning about that row follows it)."""
    if isinstance(block, Pairs):
        out: list[tuple[str, str, str]] = []
        for what, value in block.rows:
            style = "bold" if what == block.strong else ""
            texts = wrap(f"{what}: {value}", width, _INDENT, _INDENT)
            out += [(text, style, what if i == len(texts) - 1 else "") for i, text in enumerate(texts)]
        return out
    return [(text, "", "") for text in _grid_lines(block, width)]


def _grid_lines(block: Grid, width: int) -> list[str]:
    out: list[str] = []
    if block.row_lines:  # a row to a line, wrapped under its start
        for text in block.row_lines:
            out += wrap(text, width, _INDENT, _INDENT)
        return out
    for row in block.rows:
        heading = f"{block.header[0]} {row[0]}".strip()
        out += wrap(f"{heading}:", width, _INDENT, _INDENT)
        for index, cell in enumerate(row[1:]):
            unit = block.units[index] if index < len(block.units) else block.header[index + 1]
            note = block.notes[index] if index < len(block.notes) else ""
            text = ", ".join(part for part in cell.split("\n"))
            text = f"{text} {unit}".rstrip() if unit else text
            if note:
                text = f"{note}: {text}" if not unit else f"{text} ({note})"
            out += wrap(text, width, _INDENT * 2, _INDENT)
    return out


# Long because it lays out each kind of block at each width, side by side so they agree.
def print_blocks(  # noqa: C901
    blocks: Sequence[Block],
    warnings: Sequence[SoftWarning] = (),
    file: IO[str] | None = None,
    width: int | None = None,
) -> None:
    """Print each block as a table when it fits the width, else as lines. A
    warning about one figure is printed in that figure's block (under its
    line, or under the table); the others close the output, marked as such;
    then the one-line informational-only notice."""
    from rich.measure import Measurement
    from rich.text import Text

    console = _console(file, width)
    if console.width < 1:  # COLUMNS=0: not a width anyone can read; Rich would print nothing
        console = _console(file, 80)
    size = console.width

    def line(text: str, style: str = "") -> None:
        console.print(Text(text, style=style), no_wrap=True, overflow="ignore", crop=False)

    def warned(items: Sequence[SoftWarning], indent: str) -> None:
        for warning in items:
            for text in wrap(f"! {warning.message} ({warning.code})", size, indent, _INDENT):
                line(text)

    placed = _placed(blocks, warnings)
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            for title_line in wrap(block.title, size):
                line(title_line, "bold")
            line("")
            continue
        own = placed.get(index, {})
        for title_line in wrap(block.title, size):
            line(title_line, "bold")
        if isinstance(block, Grid) and block.preface:
            for text in wrap(block.preface, size, _INDENT, _INDENT):
                line(text)
        table = _table(block)
        natural = Measurement.get(console, console.options.update_width(1_000_000), table).maximum
        if natural <= size:
            console.print(table)
            warned([w for ws in own.values() for w in ws], _INDENT)
            if own:
                line("")
        else:
            for text, style, label in _lines(block, size):
                line(text, style)
                warned(own.get(label, []), _INDENT * 2)
            line("")
        footer = block.footer if isinstance(block, Pairs) else block.caption
        if footer:
            for text in wrap(footer, size, _INDENT, _INDENT):
                line(text, "" if isinstance(block, Pairs) else "dim")
            line("")
    rest = [w for w in warnings if not any(w in ws for own in placed.values() for ws in own.values())]
    if rest:
        line("Warnings", "bold")
        warned(rest, _INDENT)
        line("")
    for text in wrap(limits.DISCLAIMER, size):
        line(text, "italic")


def _placed(blocks: Sequence[Block], warnings: Sequence[SoftWarning]) -> dict[int, dict[str, list[SoftWarning]]]:
    """Each warning about a figure, by the block and the row label it goes under: the first block with a
    row of that label. Each warning is placed once."""
    placed: dict[int, dict[str, list[SoftWarning]]] = {}
    for warning in warnings:
        if not warning.figure:
            continue
        for index, block in enumerate(blocks):
            if isinstance(block, Pairs) and any(label == warning.figure for label, _ in block.rows):
                placed.setdefault(index, {}).setdefault(warning.figure, []).append(warning)
                break
    return placed
