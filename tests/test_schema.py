"""The published JSON Schema validates the real output of every command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ketacalc.schema import schema
from tests.conftest import cli

SCHEMA = cli("schema").json()


def validate(document: Any, kind: str) -> None:
    Draft202012Validator(SCHEMA).validate(document)
    Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{kind}"}).validate(document)


def test_the_schema_is_draft_2020_12_and_well_formed() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (["dose", "70", "--json"], "dose"),
        (["dose", "100kg", "--dosing-weight", "ideal", "--height", "69 in", "--sex", "f", "--json"], "dose"),
        (["dose", "70", "--concentration", "50 mg/mL", "--bag", "100 mL", "--start", "23:00", "--json"], "dose"),
        (["cost", "--json"], "cost"),
        (["cost", "--price", "650", "--infusions", "8", "--currency", "GBP", "--json"], "cost"),
        (["quote", "154 lb", "--json"], "quote"),
        (["quote", "70", "--concentration", "10 mg/mL", "--bag", "0.25 L", "--start", "9:00", "--json"], "quote"),
        (["chart", "--json"], "chart"),
        (["chart", "--unit", "lb", "--concentration", "10 mg/mL", "--bag", "100 mL", "--json"], "chart"),
    ],
)
def test_command_output_validates(args: list[str], kind: str) -> None:
    validate(cli(*args).json(), kind)


def test_both_kinds_of_batch_record_validate(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,weight,rate\na,70,\nb,oops,\nc,80,0.9\n,90 kg,\n")
    out = [json.loads(line) for line in cli("batch", str(path)).stdout.splitlines()]
    validate(out[0], "batch_quote")
    validate(out[1], "batch_error")
    validate(out[2], "batch_error")
    validate(out[3], "batch_quote")


def test_the_schema_rejects_money_as_a_number() -> None:
    document = cli("cost", "--json").json()
    document["cost"]["total"]["max"] = 4800
    assert not Draft202012Validator({**SCHEMA, "$ref": "#/$defs/cost"}).is_valid(document)


def test_an_error_record_is_not_a_quote_record() -> None:
    record = {"row": 1, "id": None, "error": {"field": "weight", "message": "weight is missing"}}
    assert not Draft202012Validator({**SCHEMA, "$ref": "#/$defs/batch_quote"}).is_valid(record)


def test_schema_bounds_are_the_limits() -> None:
    """The schema's minimum and maximum come from limits.py, not a copy of them."""
    from ketacalc import limits

    defs = schema()["$defs"]
    quote = defs["quote"]["properties"]
    assert quote["dose"]["properties"]["rate_mg_per_kg"] == {
        "type": "number",
        "minimum": float(limits.RATE_MG_PER_KG.low),
        "maximum": float(limits.RATE_MG_PER_KG.high),
    }
    duration = quote["session"]["properties"]["duration_min"]
    assert (duration["minimum"], duration["maximum"]) == (limits.DURATION_MINUTES.low, limits.DURATION_MINUTES.high)
    weight = quote["patient"]["properties"]["weight_kg"]
    assert (weight["minimum"], weight["maximum"]) == (limits.WEIGHT_KG.low, limits.WEIGHT_KG.high)
    infusions = quote["series"]["properties"]["infusions"]
    assert infusions == {"type": "integer", "minimum": 1, "maximum": 52}
    assert (infusions["minimum"], infusions["maximum"]) == (limits.INFUSIONS.low, limits.INFUSIONS.high)
    pump = quote["pump"]["properties"]
    assert pump["bag_ml"]["maximum"] == limits.BAG_ML.high
    assert pump["concentration_mg_per_ml"]["minimum"] == limits.CONCENTRATION_MG_PER_ML.low


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(schema_version="1.0"),
        lambda d: d["session"].update(window_rates={"min": {}, "max": {}}),
        lambda d: d["pump"].update(window_rates_ml_per_h={"min": 1, "max": 2}),
        lambda d: d["dose"].update(dose_mg="oops"),
        lambda d: d["patient"].pop("bmi_kg_per_m2"),
        lambda d: d.update(error={"field": None, "message": "x"}),
        lambda d: d["series"].update(infusions=53),
    ],
)
def test_the_schema_rejects_what_ketacalc_never_writes(mutate: Any) -> None:
    doc = cli("quote", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--json").json()
    validator = Draft202012Validator(schema())
    assert validator.is_valid(doc)
    mutate(doc)
    assert not validator.is_valid(doc)
