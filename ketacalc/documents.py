"""The JSON documents: what ``--json`` prints and what batch writes per row.

The shape is a contract (see ketacalc/docs/json.md). Numbers are JSON numbers
rounded half-up once to the places in ``ketacalc.places``; money is a decimal string in the
currency's ISO 4217 minor units (``"2400.00"``, JPY ``"720000"``, BHD ``"2400.750"``).
Additive changes bump the minor ``SCHEMA_VERSION``, breaking ones the major.
"""

from __future__ import annotations

import copy
import functools
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, overload

import orjson

from ketacalc import __version__, limits, places
from ketacalc.bedside import DRUG, read_back, vtbi_basis_code
from ketacalc.charting import Chart
from ketacalc.costing import Cost
from ketacalc.currencies import quantum
from ketacalc.dosing import Dose, InfusionRate, infusion_rate
from ketacalc.errors import SoftWarning
from ketacalc.exact import Exact, add, rounded
from ketacalc.formatting import fixed_text
from ketacalc.quoting import Quote

if TYPE_CHECKING:  # the plan's module is imported by plan only: quote's start-up never pays for it
    from ketacalc.planning import Plan
    from ketacalc.shapes import ChartDocument, CostDocument, DoseDocument, PlanDocument, QuoteDocument

SCHEMA_VERSION = "3.4"

Document = dict[str, Any]


def num(value: Exact, step: Decimal) -> float | int:
    """A JSON number: the exact value rounded half-up once to ``step``,
    written without a trailing ".0" (35, not 35.0), as ISMP prints it."""
    number = float(rounded(value, step))
    return int(number) if number.is_integer() else number


def _maybe(value: Exact | None, step: Decimal) -> float | int | None:
    return None if value is None else num(value, step)


def money_text(value: Decimal, currency: str) -> str:
    """Money as a JSON string in the currency's minor units (ISO 4217):
    "2400.00" (USD), "60000" (JPY), "400.000" (BHD)."""
    return f"{rounded(value, quantum(currency)):f}"


GENERATOR = {"name": "ketacalc", "version": __version__}


def envelope(kind: str) -> Document:
    """What every document starts with: its version and kind, the drug, what wrote it, and the notice."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": kind,
        "drug": DRUG,
        "generator": dict(GENERATOR),
        "informational_only": True,
        "disclaimer": limits.DISCLAIMER,
    }


def _envelope(kind: str, warnings: tuple[SoftWarning, ...]) -> Document:
    return {
        **envelope(kind),
        "warnings": [{"code": w.code, "message": w.message} for w in warnings],
    }


def _rate(rate: InfusionRate) -> Document:
    return {
        "duration_min": _fixed(rate.duration_min, places.MIN),
        "rate_mg_per_min": num(rate.mg_per_min, places.MG_PER_MIN),
        "rate_mg_per_h": num(rate.mg_per_h, places.MG_PER_H),
        "rate_mg_per_kg_per_h": _fixed(rate.mg_per_kg_per_h, places.MG_PER_KG_PER_H),
        "rate_mcg_per_kg_per_min": _fixed(rate.mcg_per_kg_per_min, places.MCG_PER_KG_PER_MIN),
    }


@functools.lru_cache(maxsize=4096)
def _fixed(value: Exact, step: Decimal) -> float | int:
    """``num`` for values that repeat from row to row (durations, per-kg rates)."""
    return num(value, step)


def _pump_block(d: Dose) -> Document:
    assert d.pump is not None
    p = d.pump

    def at(duration_min: Exact) -> Document:
        return {
            "duration_min": num(duration_min, places.MIN),
            "rate_ml_per_h": num(p.rate_ml_per_h(duration_min), places.ML_PER_H),
        }

    syringe = p.syringe
    return {
        "concentration_mg_per_ml": _maybe(p.concentration_mg_per_ml, places.MG_PER_ML),
        "bag_ml": _maybe(p.bag_ml, places.VOLUME_ML),
        "standard_concentration_mg_per_ml": _maybe(p.standard_mg_per_ml, places.MG_PER_ML),
        "diluent": d.diluent,
        "drug_volume_ml": _maybe(p.drug_volume_ml, places.DRUG_ML_EXACT),
        "syringe": None
        if syringe is None
        else {
            "capacity_ml": num(syringe.capacity_ml, places.DRUG_ML),
            "graduation_ml": num(syringe.graduation_ml, places.DRUG_ML),
        },
        "diluent_to_add_ml": _maybe(p.diluent_to_add_ml, places.VOLUME_ML),
        "mixed_volume_ml": num(p.mixed_volume_ml, places.VOLUME_ML),
        "vtbi_ml": num(p.total_volume_ml, places.VOLUME_ML),
        "vtbi_basis": vtbi_basis_code(p),
        "residual_mg": _maybe(p.residual_mg, places.MG),
        "final_concentration_mg_per_ml": num(p.final_concentration_mg_per_ml, places.MG_PER_ML),
        "duration_min": num(d.duration_min, places.MIN),
        "rate_ml_per_h": num(p.rate_ml_per_h(d.duration_min), places.ML_PER_H),
        "window_rates": {"shortest": at(limits.DURATION_MINUTES.low), "longest": at(limits.DURATION_MINUTES.high)},
        "read_back": read_back(d),
    }


def _dose_blocks(d: Dose) -> Document:
    session = _session(d.dose_mg, d.rate_mg_per_kg, d.duration_min, d.recovery_min)
    if d.times is not None:
        t = d.times
        session = {**session}  # the cached block is shared: never changed in place
        session.update(
            start=t.clock(t.start_min),
            infusion_end=t.clock(t.infusion_end_min),
            recovery_end=t.clock(t.recovery_end_min),
            crosses_midnight=t.crosses_midnight,
        )
    blocks = {"patient": _patient(d), "dose": _dose(d), "session": session}
    if d.pump is not None:
        blocks["pump"] = _pump_block(d)
    return blocks


def _patient(d: Dose) -> Document:
    return {
        "weight_kg": num(d.weight_kg, places.KG),
        "weight_given": d.weight_given,
        "weight_unit_given": d.weight_unit_given,
        "dosing_weight_kg": num(d.dosing_weight_kg, places.KG),
        "dosing_weight_basis": d.dosing_weight_basis,
        "dosing_weight_requested": d.dosing_weight_requested,
        "ideal_weight_kg": _maybe(d.ideal_weight_kg, places.KG),
        "adjusted_weight_kg": _maybe(d.adjusted_weight_kg, places.KG),
        "bmi_kg_per_m2": _maybe(d.bmi_kg_per_m2, places.BMI),
        "bmi_class": d.bmi_class,
        "height_cm": _maybe(d.height_cm, places.CM),
        "sex": d.sex,
    }


def _dose(d: Dose) -> Document:
    return {
        "rate_mg_per_kg": _fixed(d.rate_mg_per_kg, places.MG_PER_KG),
        "rate_ordered": d.rate_ordered,
        "dose_mg": num(d.dose_mg, places.MG),
    }


@functools.lru_cache(maxsize=4096)  # doses repeat across a batch (weights and rates cluster)
def _session(
    dose_mg: Exact,
    rate_mg_per_kg: Exact,
    duration_min: Exact,
    recovery_min: Decimal,
) -> Document:
    # Runs once per batch row, so it avoids repeated work: the chosen duration
    # is usually a window end, and per-kg values repeat across rows.
    shortest = _rate(infusion_rate(dose_mg, rate_mg_per_kg, limits.DURATION_MINUTES.low))
    longest = _rate(infusion_rate(dose_mg, rate_mg_per_kg, limits.DURATION_MINUTES.high))
    if duration_min == limits.DURATION_MINUTES.low:
        chosen = shortest
    elif duration_min == limits.DURATION_MINUTES.high:
        chosen = longest
    else:
        chosen = _rate(infusion_rate(dose_mg, rate_mg_per_kg, duration_min))
    return {
        "duration_min": chosen["duration_min"],
        "window_min": {"min": shortest["duration_min"], "max": longest["duration_min"]},
        "recovery_min": _fixed(recovery_min, places.MIN),
        "visit_min": _fixed(add(duration_min, recovery_min), places.MIN),
        "rate_mg_per_min": chosen["rate_mg_per_min"],
        "rate_mg_per_h": chosen["rate_mg_per_h"],
        "rate_mg_per_kg_per_h": chosen["rate_mg_per_kg_per_h"],
        "rate_mcg_per_kg_per_min": chosen["rate_mcg_per_kg_per_min"],
        "window_rates": {"shortest": shortest, "longest": longest},
    }


def _cost_blocks(c: Cost) -> Document:
    return {
        "series": {"infusions": c.infusions},
        "cost": {
            "currency": c.currency,
            "per_infusion": {
                "min": money_text(c.price_min, c.currency),
                "max": money_text(c.price_max, c.currency),
                "mid": money_text(c.price_mid, c.currency),
            },
            "total": {
                "min": money_text(c.total_min, c.currency),
                "max": money_text(c.total_max, c.currency),
                "mid": money_text(c.total_mid, c.currency),
            },
        },
    }


def dose_document(d: Dose) -> Document:
    """``ketacalc dose --json``: patient, dose and session."""
    return {**_envelope("dose", d.warnings), **_dose_blocks(d)}


def cost_document(c: Cost) -> Document:
    """``ketacalc cost --json``: series.infusions and cost."""
    return {**_envelope("cost", c.warnings), **_cost_blocks(c)}


def quote_document(q: Quote) -> Document:
    """``ketacalc quote --json``: everything."""
    cost_blocks = _cost_blocks(q.cost)
    series = {"infusions": q.cost.infusions, "total_dose_mg": num(q.total_dose_mg, places.MG)}
    return {**_envelope("quote", q.warnings), **_dose_blocks(q.dose), "series": series, "cost": cost_blocks["cost"]}


def chart_document(c: Chart) -> Document:
    """``ketacalc chart --json``."""
    rows = []
    for row in c.rows:
        record: Document = {
            "weight": num(row.weight, places.KG),
            "weight_kg": num(row.weight_kg, places.KG),
            "doses_mg": [num(d, places.MG) for d in row.doses_mg],
        }
        if row.pump_rates_ml_per_h is not None:
            record["pump_rates_ml_per_h"] = [num(r, places.ML_PER_H) for r in row.pump_rates_ml_per_h]
        rows.append(record)
    return {
        **_envelope("chart", c.warnings),
        "chart": {
            "weight_unit": c.weight_unit,
            "rates_mg_per_kg": [num(r, places.MG_PER_KG) for r in c.rates_mg_per_kg],
            "duration_min": num(c.duration_min, places.MIN),
            "concentration_mg_per_ml": _maybe(c.concentration_mg_per_ml, places.MG_PER_ML),
            "bag_ml": _maybe(c.bag_ml, places.VOLUME_ML),
            "standard_concentration_mg_per_ml": _maybe(c.standard_mg_per_ml, places.MG_PER_ML),
            "vtbi_basis": None
            if c.bag_ml is None and c.standard_mg_per_ml is None
            else ("standard" if c.standard_mg_per_ml is not None else c.vtbi_basis),
            "rows": rows,
        },
    }


def plan_document(p: Plan) -> Document:
    """``ketacalc plan --json``: the patient, the plan, every session, the totals."""
    currency = p.currency
    sessions = []
    for session in p.sessions:
        d = session.dose
        times = d.times
        sessions.append(
            {
                "number": session.number,
                "kind": session.kind,
                "index": session.index,
                "date": session.date.isoformat(),
                "weekday": session.weekday,
                "rate_mg_per_kg": _fixed(d.rate_mg_per_kg, places.MG_PER_KG),
                "rate_ordered": d.rate_ordered,
                "dose_mg": num(d.dose_mg, places.MG),
                "duration_min": _fixed(d.duration_min, places.MIN),
                "rate_mg_per_h": num(d.rate_at(d.duration_min).mg_per_h, places.MG_PER_H),
                "pump": None
                if d.pump is None
                else {
                    "drug_volume_ml": _maybe(d.pump.drug_volume_ml, places.DRUG_ML_EXACT),
                    "rate_ml_per_h": num(d.pump.rate_ml_per_h(d.duration_min), places.ML_PER_H),
                    "read_back": read_back(d),
                },
                "start": None if times is None else times.clock(times.start_min),
                "infusion_end": None if times is None else times.clock(times.infusion_end_min),
                "recovery_end": None if times is None else times.clock(times.recovery_end_min),
                "price": {name: money_text(getattr(session.price, name), currency) for name in ("min", "mid", "max")},
                "in_package": p.in_package(session),
            }
        )
    total = p.total_price
    return {
        **_envelope("plan", p.warnings),
        "patient": _patient(p.patient),
        "plan": {
            "start_date": p.start_date,
            "days": list(p.days),
            "infusions": p.infusions,
            "boosters": p.boosters,
            "booster_every_days": p.booster_every_days,
            "skipped": [day.isoformat() for day in p.skipped],
            "package_price": None if p.package is None else money_text(p.package, currency),
        },
        "sessions": sessions,
        "totals": {
            "sessions": len(p.sessions),
            "infusions": p.infusions,
            "boosters": p.boosters,
            "dose_mg": num(p.total_dose_mg, places.MG),
            "cost": {
                "currency": currency,
                **{name: money_text(getattr(total, name), currency) for name in ("min", "mid", "max")},
            },
        },
    }


def chart_csv(c: Chart) -> list[list[str]]:
    """``ketacalc chart --csv``: a header, then one line per weight. Plain numbers
    (no thousands separators), rounded as in the JSON."""
    rates = [f"{r.normalize():f}" for r in c.rates_mg_per_kg]
    header = [f"weight_{c.weight_unit}"] + (["weight_kg"] if c.weight_unit != "kg" else [])
    header += [f"dose_mg_at_{r}_mg_per_kg" for r in rates]
    pump = c.rows and c.rows[0].pump_rates_ml_per_h is not None
    if pump:
        header += [f"pump_ml_per_h_at_{r}_mg_per_kg" for r in rates]
    lines = [header]
    for row in c.rows:
        line = [fixed_text(row.weight, places.KG)]
        line += [fixed_text(row.weight_kg, places.KG)] if c.weight_unit != "kg" else []
        line += [fixed_text(d, places.MG) for d in row.doses_mg]
        if row.pump_rates_ml_per_h is not None:
            line += [fixed_text(r, places.ML_PER_H) for r in row.pump_rates_ml_per_h]
        lines.append(line)
    return lines


@functools.lru_cache(maxsize=256)
def cost_block(c: Cost) -> Document:
    # A batch repeats a few price settings: each one's block is built once
    # (callers never change it: the encoder only reads it).
    block: Document = _cost_blocks(c)["cost"]
    return block


BATCH_ENVELOPE = envelope("batch_quote")


def record_json(record: Document) -> str:
    """One batch record as one compact, ASCII-only JSON line: exactly
    ``json.dumps(record, separators=(",", ":"))`` (a test holds the two equal).
    orjson writes it about ten times faster, which a batch of 200,000 rows
    notices; a record with non-ASCII text (an id such as Zoë, or U+2028 that
    would split a naive reader's line) is left to the standard library, which
    escapes it, as it is a lone surrogate that orjson refuses, and DEL (``\u007f``), which orjson writes
    as it is."""
    try:
        text = orjson.dumps(record)
    except orjson.JSONEncodeError:
        return json.dumps(record, separators=(",", ":"))
    if text.isascii() and b"\x7f" not in text:  # DEL is ASCII, and a control character the standard library escapes
        return text.decode("ascii")
    return json.dumps(record, separators=(",", ":"))


Where = tuple[tuple[str, Any], ...]  # where a row is in its file: ("line", 7), or ("sheet", ..), ("sheet_row", 6)


def batch_quote(row: int, row_id: Any, q: Quote, where: Where = ()) -> Document:
    """A batch record for a quoted row: the quote document, after the row's
    number, where it is and its id, as kind ``batch_quote``."""
    return {"row": row, **dict(where), "id": row_id, **quote_document(q), "kind": "batch_quote"}


def batch_error(row: int, row_id: Any, field: str | None, message: str, where: Where = ()) -> Document:
    """A batch record for a row that could not be quoted."""
    return {
        "row": row,
        **dict(where),
        "id": row_id,
        "schema_version": SCHEMA_VERSION,
        "kind": "batch_error",
        "error": {"field": field, "message": message},
    }


@overload
def to_document(result: Quote) -> QuoteDocument: ...
@overload
def to_document(result: Dose) -> DoseDocument: ...
@overload
def to_document(result: Cost) -> CostDocument: ...
@overload
def to_document(result: Chart) -> ChartDocument: ...
@overload
def to_document(result: Plan) -> PlanDocument: ...


def to_document(result: Dose | Cost | Quote | Chart | Plan) -> Any:
    """The document ``--json`` prints for a result of ``dose``, ``cost``,
    ``quote``, ``plan`` or a chart: the same dict, ready for ``json.dumps``,
    typed by its kind (``ketacalc.shapes``: ``to_document(quote(...))["cost"]``
    is a ``CostBlock`` to a type checker)."""
    return copy.deepcopy(_document(result))  # blocks are cached and shared: a caller gets its own


def _document(result: Dose | Cost | Quote | Chart | Plan) -> Document:
    if isinstance(result, Quote):
        return quote_document(result)
    if isinstance(result, Dose):
        return dose_document(result)
    if isinstance(result, Cost):
        return cost_document(result)
    if isinstance(result, Chart):
        return chart_document(result)
    from ketacalc.planning import Plan

    if isinstance(result, Plan):
        return plan_document(result)
    raise TypeError(f"to_document takes a Dose, Cost, Quote, Plan or Chart, not {type(result).__name__}")


def quote_record_json(row: int, row_id: Any, q: Quote, where: Where = ()) -> str:
    """A batch record as one JSON line: ``record_json(batch_quote(row, row_id,
    q))`` (a test holds the two equal), built from the same
    block functions, with the blocks that repeat from row to row (the cost,
    the session of a dose seen before) cached."""
    d = q.dose
    record = {
        "row": row,
        **dict(where),
        "id": row_id,
        **BATCH_ENVELOPE,
        "warnings": [{"code": w.code, "message": w.message} for w in q.warnings],
        **_dose_blocks(d),
        "series": {"infusions": q.cost.infusions, "total_dose_mg": num(q.total_dose_mg, places.MG)},
        "cost": cost_block(q.cost),
    }
    return record_json(record)
