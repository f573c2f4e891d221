"""The published JSON Schema validates the real output of every command."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ketacalc.schema import schema
from tests.helpers import cli
from tests.surfaces import BASE, FLAGS

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
    assert pump["bag_ml"]["maximum"] == limits.BAG_ML.high and pump["bag_ml"]["type"] == ["number", "null"]
    assert pump["concentration_mg_per_ml"]["minimum"] == limits.CONCENTRATION_MG_PER_ML.low
    standard = pump["standard_concentration_mg_per_ml"]
    assert standard["maximum"] == limits.FINAL_CONCENTRATION_MG_PER_ML.high


def test_every_object_in_the_schema_is_closed() -> None:
    """Derived from the declarations (ketacalc.shapes), every object stays closed: a field ketacalc
    never writes is an error, however deep."""

    def objects(node: object) -> list[dict[str, object]]:
        found = []
        if isinstance(node, dict):
            if node.get("type") in ("object", ["object", "null"]) and "properties" in node:
                found.append(node)
            for value in node.values():
                found += objects(value)
        elif isinstance(node, list):
            for value in node:
                found += objects(value)
        return found

    every = objects(schema()["$defs"])
    assert len(every) > 30
    for node in every:
        assert node["additionalProperties"] is False, node


def test_a_field_declared_once_reaches_the_schema() -> None:
    """The schema is made from ketacalc.shapes: what a declaration says is what the schema says."""
    from typing import Annotated, get_args, get_origin, get_type_hints

    from ketacalc import shapes

    defs = schema()["$defs"]
    for kind, annotated in shapes.DOCUMENTS.items():
        declared = get_args(annotated)[0] if get_origin(annotated) is Annotated else annotated
        assert set(defs[kind]["properties"]) == set(get_type_hints(declared)), kind
        required = declared.__required_keys__
        assert set(defs[kind]["required"]) == set(required), kind


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


def _documents(tmp_path: Path) -> dict[str, Any]:
    """One real document of every kind."""
    path = tmp_path / "p.csv"
    path.write_text("id,weight\na,70\nb,oops\n")
    summary = tmp_path / "summary.json"
    batch = [json.loads(line) for line in cli("batch", str(path), "--summary-json", str(summary)).stdout.splitlines()]
    return {
        "dose": cli("dose", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--start", "9:00", "--json").json(),
        "cost": cli("cost", "--json").json(),
        "quote": cli("quote", "70", "--json").json(),
        "chart": cli("chart", "--json").json(),
        "plan": cli(
            *("plan", "70", "--start-date", "2026-12-01", "--boosters", "1", "--booster-every", "4w"),
            *("--time", "9:00", "--concentration", "10 mg/mL", "--bag", "100 mL", "--json"),
        ).json(),
        "config": cli("config", "--json").json(),
        "batch_quote": batch[0],
        "batch_error": batch[1],
        "batch_summary": json.loads(summary.read_text()),
    }


def test_every_document_names_its_kind_and_validates_as_that_kind(tmp_path: Path) -> None:
    from ketacalc.schema import KINDS

    documents = _documents(tmp_path)
    assert sorted(documents) == sorted(KINDS)
    for kind, document in documents.items():
        assert document["kind"] == kind
        validate(document, kind)


def _mutations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The document with a wrong type, a required field removed, and an unknown field, at the
    top level and in every nested object."""
    out = []

    def walk(node: Any, path: list[Any]) -> None:
        if isinstance(node, dict):
            for key in list(node):
                changed = json.loads(json.dumps(document))
                target = changed
                for step in path:
                    target = target[step]
                wrong = [] if node[key] is None or isinstance(node[key], str) else "text"
                out.append((f"{path + [key]} wrong type", {**changed} if target.update({key: wrong}) else changed))
                removed = json.loads(json.dumps(document))
                target = removed
                for step in path:
                    target = target[step]
                target.pop(key)
                out.append((f"{path + [key]} removed", removed))
                walk(node[key], [*path, key])
            extra = json.loads(json.dumps(document))
            target = extra
            for step in path:
                target = target[step]
            target["unexpected"] = 1
            out.append((f"{path} unknown field", extra))
        elif isinstance(node, list) and node:
            walk(node[0], [*path, 0])

    walk(document, [])
    return out


# Fields whose removal is allowed: the optional blocks and clock times.
# The id and inputs are the command line's (a Python caller's to_document has its own arguments).
_OPTIONAL = {"pump", "start", "infusion_end", "recovery_end", "crosses_midnight", "settings", "pump_rates_ml_per_h"}
_OPTIONAL |= {"id", "inputs", "line", "sheet", "sheet_row"}  # where a batch row is: as its input names it


def test_mutated_documents_fail_validation(tmp_path: Path) -> None:
    validator = Draft202012Validator(SCHEMA)
    for kind, document in _documents(tmp_path).items():
        assert validator.is_valid(document), kind
        for what, mutated in _mutations(document):
            last = what.split("]")[0].rsplit(", ", 1)[-1].strip("['")
            if what.endswith("removed") and last in _OPTIONAL:
                continue
            if "'inputs'" in what and not what.startswith("['inputs'] "):
                continue  # inputs holds the settings a run used: any one may be absent
            if what == "['warned_by_code'] unknown field":
                continue  # a map keyed by warning codes: a code ketacalc adds is a new key (the pattern holds)
            if what.endswith("wrong type") and last in ("id",):
                continue  # an id is a string, a number or null: the mutation may still be one
            assert not validator.is_valid(mutated), f"{kind}: {what}"


def test_a_quote_record_that_also_carries_an_error_fails(tmp_path: Path) -> None:
    record = _documents(tmp_path)["batch_quote"]
    record["error"] = {"field": None, "message": "x"}
    assert not Draft202012Validator(SCHEMA).is_valid(record)
    record.pop("error")
    record["kind"] = "batch_error"
    assert not Draft202012Validator(SCHEMA).is_valid(record)


@pytest.mark.parametrize(("currency", "price", "bad"), [("JPY", "5000", "5000.00"), ("USD", "650", "650")])
def test_money_must_have_the_currencys_minor_units(currency: str, price: str, bad: str) -> None:
    document = cli("cost", "--currency", currency, "--price", price, "--json").json()
    validator = Draft202012Validator(SCHEMA)
    assert validator.is_valid(document)
    document["cost"]["total"]["min"] = bad
    assert not validator.is_valid(document)


def test_the_schema_command_and_its_page_name_every_kind() -> None:
    """The help and docs/schema.md list the kinds by hand: each kind the schema has is named there."""
    from pathlib import Path

    from ketacalc.schema import KINDS
    from tests.helpers import cli

    help_text = " ".join(cli("schema", "--help").stdout.split())
    page = (Path(__file__).resolve().parents[1] / "ketacalc" / "docs" / "schema.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert kind in help_text, kind
        assert f"`{kind}`" in page, kind


@pytest.mark.parametrize("command", [name for name, flags in FLAGS.items() if "--json" in flags])
def test_every_commands_json_is_a_kind_the_schema_knows_and_valid(command: str) -> None:
    """From the registry of surfaces: a command that prints --json prints a document the published
    schema validates (a new command's document must be declared in ketacalc/shapes.py)."""
    run = cli(*BASE[command], "--json")
    assert run.code == 0, run.stderr
    document = run.json()
    assert document["kind"] in schema()["$defs"], document["kind"]
    Draft202012Validator(schema()).validate(document)


def test_plan_prices_have_their_currencys_minor_units() -> None:
    document = cli("plan", "70", "--start-date", "2026-12-07", "--currency", "JPY", "--price", "650", "--json").json()
    validator = Draft202012Validator(schema())
    validator.validate(document)
    for where in ("session", "totals"):
        bad = copy.deepcopy(document)
        target = bad["sessions"][0]["price"] if where == "session" else bad["totals"]["cost"]
        target["min"] = target["min"] + ".00"  # yen have no minor unit
        assert list(validator.iter_errors(bad)), where


def test_chart_and_patient_numbers_are_bounded() -> None:
    document = cli("chart", "--from", "50", "--to", "60", "--step", "10", "--json").json()
    validator = Draft202012Validator(schema())
    validator.validate(document)
    bad = copy.deepcopy(document)
    bad["chart"]["rates_mg_per_kg"][0] = -1
    assert list(validator.iter_errors(bad))
    quote = cli("quote", "70", "--height", "170 cm", "--sex", "male", "--json").json()
    bad = copy.deepcopy(quote)
    bad["patient"]["ideal_weight_kg"] = -3
    assert list(validator.iter_errors(bad))


def test_a_schema_shares_no_object_between_its_places() -> None:
    whole = schema()
    quote_cost = whole["$defs"]["quote"]["properties"]["cost"]
    quote_cost["properties"]["per_infusion"]["properties"]["min"]["pattern"] = "changed"
    assert (
        whole["$defs"]["cost"]["properties"]["cost"]["properties"]["per_infusion"]["properties"]["min"]["pattern"]
        != "changed"
    )
