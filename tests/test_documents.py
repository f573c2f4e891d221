"""documents: the JSON contract."""

from __future__ import annotations

import json

from ketacalc import cost, dose, quote
from ketacalc.documents import SCHEMA_VERSION, cost_document, dose_document, quote_document


def test_quote_document_has_every_required_field() -> None:
    doc = quote_document(quote("70 kg"))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["informational_only"] is True
    assert "not medical advice" in doc["disclaimer"]
    assert doc["warnings"] == []
    assert doc["patient"]["weight_kg"] == 70
    assert doc["dose"] == {"rate_mg_per_kg": 0.5, "rate_ordered": None, "dose_mg": 35}
    session = doc["session"]
    assert session["duration_min"] == 40
    assert session["window_min"] == {"min": 40, "max": 100}
    assert session["recovery_min"] == 30
    assert session["rate_mg_per_min"] == 0.875
    assert session["rate_mg_per_h"] == 52.5
    assert session["rate_mg_per_kg_per_h"] == 0.75
    assert doc["series"] == {"infusions": 6, "total_dose_mg": 210}
    assert doc["cost"] == {
        "currency": "USD",
        "per_infusion": {"min": "400.00", "max": "800.00", "mid": "600.00"},
        "total": {"min": "2400.00", "max": "4800.00", "mid": "3600.00"},
    }


def test_dose_and_cost_documents_carry_only_their_blocks() -> None:
    assert {"patient", "dose", "session"} <= dose_document(dose("70")).keys()
    assert not {"series", "cost"} & dose_document(dose("70")).keys()
    cost_doc = cost_document(cost())
    assert cost_doc["series"] == {"infusions": 6}
    assert not {"patient", "dose", "session"} & cost_doc.keys()


def test_numbers_are_rounded_half_up_and_money_is_text() -> None:
    doc = quote_document(quote("154 lb", infusions=3, price="333.33"))
    assert doc["patient"]["weight_kg"] == 69.85
    assert doc["dose"]["dose_mg"] == 34.93
    assert doc["series"]["total_dose_mg"] == 104.79  # the dose as printed, 34.93 mg, x 3 (not 104.779837470)
    assert doc["cost"]["total"]["max"] == "999.99"
    assert all(isinstance(v, str) for v in doc["cost"]["total"].values())


def test_warnings_appear_in_the_document() -> None:
    doc = quote_document(quote("70", infusions="8"))
    assert [w["code"] for w in doc["warnings"]] == ["infusions_above_usual_series"]
    assert set(doc["warnings"][0]) == {"code", "message"}


def test_document_is_plain_json() -> None:
    text = json.dumps(quote_document(quote("11 st", rate="500 mcg/kg", duration="1.5 h")))
    assert json.loads(text)["session"]["duration_min"] == 90


def test_to_document_is_typed_by_the_documents_kind() -> None:
    """mypy (run on the tests) checks these: each result's document is its kind's declaration."""
    from typing import assert_type

    from ketacalc import chart, cost, dose, plan, quote
    from ketacalc import to_document as document
    from ketacalc.shapes import ChartDocument, CostDocument, DoseDocument, PlanDocument, QuoteDocument

    quoted = assert_type(document(quote("70")), QuoteDocument)
    assert quoted["cost"]["total"]["mid"] == "3600.00"  # 6 x the $400-$800 midpoint
    assert assert_type(document(dose("70")), DoseDocument)["dose"]["dose_mg"] == 35
    assert assert_type(document(cost()), CostDocument)["series"]["infusions"] == 6
    assert assert_type(document(chart("40", "50", "10")), ChartDocument)["chart"]["weight_unit"] == "kg"
    assert assert_type(document(plan(70, "2026-12-07")), PlanDocument)["totals"]["sessions"] == 6
