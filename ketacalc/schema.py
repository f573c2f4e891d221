"""The JSON Schema (draft 2020-12) of every JSON document ketacalc writes."""

from __future__ import annotations

from typing import Any

from ketacalc import limits
from ketacalc.documents import SCHEMA_VERSION

Schema = dict[str, Any]

_NUMBER: Schema = {"type": "number"}
_NONNEG: Schema = {"type": "number", "minimum": 0}
_MONEY: Schema = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$"}
_CLOCK: Schema = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}


def _object(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _rates() -> Schema:
    return _object(
        {
            "duration_min": _NONNEG,
            "rate_mg_per_min": _NONNEG,
            "rate_mg_per_h": _NONNEG,
            "rate_mg_per_kg_per_h": _NONNEG,
        }
    )


def schema() -> Schema:
    """The whole schema: one of the documents under ``$defs``."""
    envelope: dict[str, Schema] = {
        "schema_version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"},
        "informational_only": {"const": True},
        "disclaimer": {"type": "string"},
        "warnings": {
            "type": "array",
            "items": _object({"code": {"type": "string"}, "message": {"type": "string"}}),
        },
    }
    patient = _object(
        {
            "weight_kg": {
                "type": "number",
                "minimum": float(limits.WEIGHT_MIN_KG),
                "maximum": float(limits.WEIGHT_MAX_KG),
            },
            "weight_given": {"type": "string"},
            "weight_unit_given": {"type": "boolean"},
            "dosing_weight_kg": {"type": "number", "exclusiveMinimum": 0},
            "dosing_weight_basis": {"enum": ["actual", "ideal", "adjusted"]},
            "dosing_weight_requested": {"enum": ["actual", "ideal", "adjusted"]},
            "ideal_weight_kg": {"type": ["number", "null"]},
            "adjusted_weight_kg": {"type": ["number", "null"]},
            "bmi_kg_per_m2": {"type": ["number", "null"]},
            "height_cm": {"type": ["number", "null"]},
            "sex": {"enum": ["female", "male", None]},
        }
    )
    dose = _object(
        {
            "rate_mg_per_kg": {"type": "number", "minimum": 0.1, "maximum": 0.75},
            "dose_mg": _NONNEG,
        }
    )
    session = _object(
        {
            "duration_min": {"type": "number", "minimum": 40, "maximum": 100},
            "window_min": _object({"min": {"const": 40}, "max": {"const": 100}}),
            "recovery_min": _NONNEG,
            "visit_min": _NONNEG,
            "rate_mg_per_min": _NONNEG,
            "rate_mg_per_h": _NONNEG,
            "rate_mg_per_kg_per_h": _NONNEG,
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
            "window_rates",
        ],
    )
    pump = _object(
        {
            "concentration_mg_per_ml": _NONNEG,
            "bag_ml": _NONNEG,
            "drug_volume_ml": _NONNEG,
            "vtbi_ml": _NONNEG,
            "final_concentration_mg_per_ml": _NONNEG,
            "duration_min": _NONNEG,
            "rate_ml_per_h": _NONNEG,
            "window_rates": _object(
                {
                    "shortest": _object({"duration_min": _NONNEG, "rate_ml_per_h": _NONNEG}),
                    "longest": _object({"duration_min": _NONNEG, "rate_ml_per_h": _NONNEG}),
                }
            ),
        }
    )
    money_range = _object({"min": _MONEY, "max": _MONEY, "mid": _MONEY})
    cost = _object(
        {
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "per_infusion": money_range,
            "total": money_range,
        }
    )
    infusions = {"type": "integer", "minimum": 1}
    dose_document = _object(
        {**envelope, "patient": patient, "dose": dose, "session": session, "pump": pump},
        required=[*envelope, "patient", "dose", "session"],
    )
    cost_document = _object(
        {**envelope, "series": _object({"infusions": infusions}), "cost": cost},
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
        },
        required=[*envelope, "patient", "dose", "session", "series", "cost"],
    )
    row_head: dict[str, Schema] = {
        "row": {"type": "integer", "minimum": 1},
        "id": {"type": ["string", "number", "null"]},
    }
    batch_quote: Schema = {
        "allOf": [_ref("quote"), _object(row_head)],
        "not": {"required": ["error"]},
    }
    batch_error = _object(
        {
            **row_head,
            "error": _object({"field": {"type": ["string", "null"]}, "message": {"type": "string"}}),
        }
    )
    chart_row = _object(
        {
            "weight": {"type": "number", "exclusiveMinimum": 0},
            "weight_kg": {
                "type": "number",
                "minimum": float(limits.WEIGHT_MIN_KG),
                "maximum": float(limits.WEIGHT_MAX_KG),
            },
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
                    "weight_unit": {"enum": ["kg", "lb"]},
                    "rates_mg_per_kg": {"type": "array", "items": _NUMBER, "minItems": 1},
                    "duration_min": _NONNEG,
                    "concentration_mg_per_ml": {"type": ["number", "null"]},
                    "bag_ml": {"type": ["number", "null"]},
                    "rows": {"type": "array", "items": chart_row},
                }
            ),
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://ketacalc.invalid/schema/{SCHEMA_VERSION}",
        "title": f"ketacalc JSON documents, schema_version {SCHEMA_VERSION}",
        "description": "Informational only. Money is a decimal string with two places.",
        "anyOf": [_ref(name) for name in ("dose", "cost", "quote", "chart", "batch_quote", "batch_error")],
        "$defs": {
            "dose": dose_document,
            "cost": cost_document,
            "quote": quote_document,
            "chart": chart_document,
            "batch_quote": batch_quote,
            "batch_error": batch_error,
        },
    }
