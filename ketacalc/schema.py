"""The JSON Schema (draft 2020-12) of every JSON document ketacalc writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ketacalc import limits
from ketacalc.bedside import DRUG
from ketacalc.charting import DEFAULT_RANGE
from ketacalc.config import SPECS
from ketacalc.currencies import ISO_4217, minor_units
from ketacalc.documents import SCHEMA_VERSION
from ketacalc.dosing import BASES, SEXES
from ketacalc.planning import WEEKDAYS

Schema = dict[str, Any]

_NUMBER: Schema = {"type": "number"}
_NONNEG: Schema = {"type": "number", "minimum": 0}
_MONEY: Schema = {"type": "string", "pattern": r"^(0|[1-9][0-9]*)(\.[0-9]{2,3})?$"}
_DATE: Schema = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}
_CLOCK: Schema = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}


def _object(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,  # closed: a field ketacalc never writes is an error
    }


def _bounded(bounds: limits.Range, kind: str = "number") -> Schema:
    """A number within a range from ``limits``: the schema's bounds are the code's."""
    return {"type": kind, "minimum": _json_number(bounds.low), "maximum": _json_number(bounds.high)}


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _or_null(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _rates() -> Schema:
    return _object(
        {
            "duration_min": _NONNEG,
            "rate_mg_per_min": _NONNEG,
            "rate_mg_per_h": _NONNEG,
            "rate_mg_per_kg_per_h": _NONNEG,
            "rate_mcg_per_kg_per_min": _NONNEG,
        }
    )


KINDS = ("dose", "cost", "quote", "chart", "plan", "config", "batch_quote", "batch_error", "batch_summary")


def _money_by_currency(money_fields: list[str]) -> Schema:
    """Money strings with exactly the currency's minor units (ISO 4217): an
    object whose ``currency`` is JPY has "60000", one in BHD "400.000"."""
    rules = []
    for places in sorted({minor_units(code) for code in ISO_4217}):
        codes = sorted(code for code in ISO_4217 if minor_units(code) == places)
        pattern = r"^(0|[1-9][0-9]*)" + (rf"\.[0-9]{{{places}}}$" if places else "$")
        amount: Schema = {"type": "string", "pattern": pattern}
        rules.append(
            {
                "if": {"properties": {"currency": {"enum": codes}}, "required": ["currency"]},
                "then": {
                    "properties": {
                        name: _object({"min": amount, "max": amount, "mid": amount}) for name in money_fields
                    }
                },
            }
        )
    return {"allOf": rules}


# Long because it is the schema of every document in one literal, read beside documents.py.
def schema() -> Schema:
    """The whole schema: the document whose ``kind`` it is, under ``$defs``."""
    envelope: dict[str, Schema] = {
        "schema_version": {"const": SCHEMA_VERSION},
        "kind": {"type": "string"},
        "drug": {"const": DRUG},
        "generator": _object({"name": {"const": "ketacalc"}, "version": {"type": "string"}}),
        "informational_only": {"const": True},
        "disclaimer": {"type": "string"},
        "warnings": {
            "type": "array",
            "items": _object({"code": {"type": "string"}, "message": {"type": "string"}}),
        },
    }
    patient = _object(
        {
            "weight_kg": _bounded(limits.WEIGHT_KG),
            "weight_given": {"type": "string"},
            "weight_unit_given": {"type": "boolean"},
            "dosing_weight_kg": {"type": "number", "exclusiveMinimum": 0},
            "dosing_weight_basis": {"enum": list(BASES)},
            "dosing_weight_requested": {"enum": list(BASES)},
            "ideal_weight_kg": {"type": ["number", "null"]},
            "adjusted_weight_kg": {"type": ["number", "null"]},
            "bmi_kg_per_m2": {"type": ["number", "null"]},
            "bmi_class": {"enum": [*(name for _, name in limits.BMI_CLASSES), None]},
            "height_cm": {"anyOf": [_bounded(limits.HEIGHT_CM), {"type": "null"}]},
            "sex": {"enum": [*SEXES, None]},
        }
    )
    dose = _object(
        {
            "rate_mg_per_kg": _bounded(limits.RATE_MG_PER_KG),
            "rate_ordered": {"type": ["string", "null"], "maxLength": 64},
            "dose_mg": _NONNEG,
        }
    )
    session = _object(
        {
            "duration_min": _bounded(limits.DURATION_MINUTES),
            "window_min": _object(
                {
                    "min": {"const": float(limits.DURATION_MINUTES.low)},
                    "max": {"const": float(limits.DURATION_MINUTES.high)},
                }
            ),
            "recovery_min": _NONNEG,
            "visit_min": _NONNEG,
            "rate_mg_per_min": _NONNEG,
            "rate_mg_per_h": _NONNEG,
            "rate_mg_per_kg_per_h": _NONNEG,
            "rate_mcg_per_kg_per_min": _NONNEG,
            "window_rates": _object({"shortest": _rates(), "longest": _rates()}),
            "start": _CLOCK,
            "infusion_end": _CLOCK,
            "recovery_end": _CLOCK,
            "crosses_midnight": {"type": "boolean"},
        },
        required=[
            "duration_min",
            "window_min",
            "recovery_min",
            "visit_min",
            "rate_mg_per_min",
            "rate_mg_per_h",
            "rate_mg_per_kg_per_h",
            "rate_mcg_per_kg_per_min",
            "window_rates",
        ],
    )
    pump = _object(
        {
            "concentration_mg_per_ml": _or_null(_bounded(limits.CONCENTRATION_MG_PER_ML)),
            "bag_ml": _or_null(_bounded(limits.BAG_ML)),
            "standard_concentration_mg_per_ml": _or_null(_bounded(limits.FINAL_CONCENTRATION_MG_PER_ML)),
            "diluent": {"type": "string", "minLength": 1, "maxLength": 60},
            "drug_volume_ml": _or_null(_NONNEG),
            "syringe": _or_null(
                _object(
                    {
                        "capacity_ml": {"enum": [_json_number(c) for c, _ in limits.SYRINGES_ML]},
                        "graduation_ml": {"enum": sorted({_json_number(g) for _, g in limits.SYRINGES_ML})},
                    }
                )
            ),
            "diluent_to_add_ml": _or_null(_NONNEG),
            "mixed_volume_ml": _NONNEG,
            "vtbi_ml": _NONNEG,
            "vtbi_basis": {"enum": ["bag+drug", "bag", "standard"]},
            "residual_mg": _or_null(_NONNEG),
            "final_concentration_mg_per_ml": _NONNEG,
            "duration_min": _NONNEG,
            "rate_ml_per_h": _NONNEG,
            "window_rates": _object(
                {
                    "shortest": _object({"duration_min": _NONNEG, "rate_ml_per_h": _NONNEG}),
                    "longest": _object({"duration_min": _NONNEG, "rate_ml_per_h": _NONNEG}),
                }
            ),
            "read_back": {"type": "string", "pattern": "^Ketamine "},
        }
    )
    # What the CLI adds: the patient's id (--id) and every setting used, with its source.
    audit: dict[str, Schema] = {
        "id": {"type": ["string", "null"]},
        "inputs": {
            "type": "object",
            "additionalProperties": _object({"value": {"type": "string"}, "source": {"type": "string"}}),
        },
    }
    money_range = _object({"min": _MONEY, "max": _MONEY, "mid": _MONEY})
    currency: Schema = {"enum": sorted(ISO_4217)}
    cost = {
        **_object({"currency": currency, "per_infusion": money_range, "total": money_range}),
        **_money_by_currency(["per_infusion", "total"]),
    }
    infusions = _bounded(limits.INFUSIONS, "integer")
    dose_document = _object(
        {**envelope, "patient": patient, "dose": dose, "session": session, "pump": pump, **audit},
        required=[*envelope, "patient", "dose", "session"],
    )
    cost_document = _object(
        {**envelope, "series": _object({"infusions": infusions}), "cost": cost, "inputs": audit["inputs"]},
        required=[*envelope, "series", "cost"],
    )
    quote_series = _object({"infusions": infusions, "total_dose_mg": _NONNEG})
    quote_document = _object(
        {
            **envelope,
            "patient": patient,
            "dose": dose,
            "session": session,
            "pump": pump,
            "series": quote_series,
            "cost": cost,
            **audit,
        },
        required=[*envelope, "patient", "dose", "session", "series", "cost"],
    )
    row_head: dict[str, Schema] = {
        "row": {"type": "integer", "minimum": 1},
        "line": {"type": "integer", "minimum": 1},  # CSV: the physical line the row starts on
        "sheet": {"type": "string"},  # a workbook: the sheet and its own row number
        "sheet_row": {"type": "integer", "minimum": 1},
        "id": {"type": ["string", "number", "null"]},
    }
    batch_quote = _object(
        {**row_head, **{k: v for k, v in quote_document["properties"].items() if k not in audit}},
        required=["row", "id", *quote_document["required"]],
    )
    batch_error = _object(
        {
            **row_head,
            "schema_version": envelope["schema_version"],
            "kind": {},
            "error": _object({"field": {"type": ["string", "null"]}, "message": {"type": "string"}}),
        },
        required=["row", "id", "schema_version", "kind", "error"],
    )
    notice = {
        name: envelope[name]
        for name in ("schema_version", "kind", "drug", "generator", "informational_only", "disclaimer")
    }
    count: Schema = {"type": "integer", "minimum": 0}
    batch_summary = _object(
        {
            **notice,
            "rows": count,
            "quoted": count,
            "rejected": count,
            "warned": count,
            "skipped": count,
            "by_currency": {
                "type": "array",
                "items": {
                    **_object(
                        {
                            "currency": currency,
                            "quoted": count,
                            "total": money_range,
                            "total_dose_mg": _NONNEG,
                        }
                    ),
                    **_money_by_currency(["total"]),
                },
            },
        }
    )
    setting = _object({"value": {"type": ["string", "null"]}, "source": {"type": "string"}})
    config_document = _object(
        {
            **notice,
            "settings": _object(dict.fromkeys(SPECS, setting)),
            "file": _object(
                {
                    "searched": {
                        "type": "array",
                        "items": _object(
                            {
                                "where": {"type": "string"},
                                "path": {"type": ["string", "null"]},
                                "exists": {"type": "boolean"},
                            }
                        ),
                    },
                    "used": {"type": ["string", "null"]},
                }
            ),
        },
        required=[*notice, "file"],  # config --path leaves the settings out: it reads no file
    )
    chart_row = _object(
        {
            "weight": {"type": "number", "exclusiveMinimum": 0},
            "weight_kg": _bounded(limits.WEIGHT_KG),
            "doses_mg": {"type": "array", "items": _NONNEG},
            "pump_rates_ml_per_h": {"type": "array", "items": _NONNEG},
        },
        required=["weight", "weight_kg", "doses_mg"],
    )
    chart_document = _object(
        {
            **envelope,
            "chart": _object(
                {
                    "weight_unit": {"enum": list(DEFAULT_RANGE)},
                    "rates_mg_per_kg": {"type": "array", "items": _NUMBER, "minItems": 1},
                    "duration_min": _NONNEG,
                    "concentration_mg_per_ml": {"type": ["number", "null"]},
                    "bag_ml": {"type": ["number", "null"]},
                    "standard_concentration_mg_per_ml": {"type": ["number", "null"]},
                    "vtbi_basis": {"enum": ["bag+drug", "bag", "standard", None]},
                    "rows": {"type": "array", "items": chart_row},
                }
            ),
            "inputs": audit["inputs"],
        },
        required=[*envelope, "chart"],
    )
    clock_or_null: Schema = {"anyOf": [_CLOCK, {"type": "null"}]}
    session_item = {
        **_object(
            {
                "number": {"type": "integer", "minimum": 1},
                "kind": {"enum": ["induction", "booster"]},
                "index": {"type": "integer", "minimum": 1},
                "date": _DATE,
                "weekday": {"enum": list(WEEKDAYS)},
                "rate_mg_per_kg": _bounded(limits.RATE_MG_PER_KG),
                "rate_ordered": {"type": ["string", "null"], "maxLength": 64},
                "dose_mg": _NONNEG,
                "duration_min": _bounded(limits.DURATION_MINUTES),
                "rate_mg_per_h": _NONNEG,
                "pump": _or_null(
                    _object(
                        {
                            "drug_volume_ml": _or_null(_NONNEG),
                            "rate_ml_per_h": _NONNEG,
                            "read_back": {"type": "string", "pattern": "^Ketamine "},
                        }
                    )
                ),
                "start": clock_or_null,
                "infusion_end": clock_or_null,
                "recovery_end": clock_or_null,
                "price": money_range,
            }
        ),
    }
    plan_document = {
        **_object(
            {
                **envelope,
                "patient": patient,
                "plan": _object(
                    {
                        "start_date": {"type": "string", "maxLength": 64},
                        "days": {
                            "type": "array",
                            "items": {"enum": list(WEEKDAYS)},
                            "minItems": 1,
                            "uniqueItems": True,
                        },
                        "infusions": infusions,
                        "boosters": _bounded(limits.BOOSTERS, "integer"),
                        "booster_every_days": {
                            "anyOf": [_bounded(limits.BOOSTER_INTERVAL_DAYS, "integer"), {"type": "null"}]
                        },
                    }
                ),
                "sessions": {"type": "array", "items": session_item, "minItems": 1},
                "totals": _object(
                    {
                        "sessions": {"type": "integer", "minimum": 1},
                        "infusions": infusions,
                        "boosters": _bounded(limits.BOOSTERS, "integer"),
                        "dose_mg": _NONNEG,
                        "cost": _object({"currency": currency, "min": _MONEY, "mid": _MONEY, "max": _MONEY}),
                    }
                ),
            }
        ),
    }
    plan_document["properties"] = {**plan_document["properties"], **audit}
    definitions = {
        "dose": dose_document,
        "cost": cost_document,
        "quote": quote_document,
        "chart": chart_document,
        "plan": plan_document,
        "config": config_document,
        "batch_quote": batch_quote,
        "batch_error": batch_error,
        "batch_summary": batch_summary,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://ketacalc.invalid/schema/{SCHEMA_VERSION}",
        "title": f"ketacalc JSON documents, schema_version {SCHEMA_VERSION}",
        "description": (
            "Informational only. Every document names its kind, and is checked against that kind's "
            "definition. Money is a decimal string in the currency's minor units (ISO 4217)."
        ),
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": list(KINDS)}},
        "allOf": [
            {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}, "then": _ref(kind)}
            for kind in KINDS
        ],
        "$defs": {kind: _with_kind(document, kind) for kind, document in definitions.items()},
    }


def _with_kind(document: Schema, kind: str) -> Schema:
    return {**document, "properties": {**document["properties"], "kind": {"const": kind}}}
