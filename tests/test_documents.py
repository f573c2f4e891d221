"""documents: the JSON contract."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ketacalc import cost, dose, quote
from ketacalc.config import SPECS
from ketacalc.documents import SCHEMA_VERSION, cost_document, dose_document, quote_document
from tests.helpers import cli, records, write


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


def _rerun(document: dict[str, Any], kind: str, tmp_path: Path) -> dict[str, Any]:
    """The command again, from the document's inputs alone: settings a config
    file gave go into a config file, the rest become flags."""
    inputs = document["inputs"]
    positional = {"dose": "weight", "quote": "weight", "plan": "weight"}
    args = [kind]
    if kind in positional:
        args.append(inputs[positional[kind]]["value"])
    lines: dict[str, list[str]] = {}
    for name, item in inputs.items():
        if name == positional.get(kind):
            continue
        if name in SPECS and item["source"] not in ("flag", "built-in"):
            lines.setdefault(SPECS[name].section, []).append(f"{name} = {json.dumps(item['value'])}")
        else:
            args += [f"--{name.replace('_', '-')}", item["value"]]
    config = write(tmp_path, "again.toml", "".join(f"[{s}]\n" + "\n".join(v) + "\n" for s, v in lines.items()))
    if document.get("id") is not None:
        args += ["--id", document["id"]]
    run = cli(*args, "--config", config, "--json", env={"XDG_CONFIG_HOME": str(tmp_path / "none")})
    assert run.code == 0, (args, run.stderr)
    again: dict[str, Any] = run.json()
    return again


_CLINIC = """
[dose]
rate = "0.75 mg/kg/h"
[pump]
concentration = "10 mg/mL"
bag = "100 mL"
diluent = "glucose 5%"
vtbi = "bag"
[cost]
price = 650
currency = "EUR"
[plan]
days = "tue,fri"
"""


def test_json_out_is_strict_rfc_8259() -> None:
    run = cli("batch", "--input-format", "jsonl", input='{"id":1e400,"weight":70}\n{"weight":1e400}\n')
    assert "Infinity" not in run.stdout and "NaN" not in run.stdout
    first, second = records(run.stdout)
    assert first["id"] == "1E+400" and "error" not in first  # an id beyond a float is echoed as its text
    assert second["error"]["field"] == "weight"


@pytest.mark.parametrize(
    "args",
    [
        ["dose", "70"],
        ["cost"],
        ["quote", "70"],
        ["chart", "--from", "50", "--to", "60", "--step", "10"],
        ["plan", "70", "--start-date", "2026-12-07"],
        ["config"],
    ],
)
def test_every_document_names_the_drug_and_its_generator(args: list[str]) -> None:
    from ketacalc import __version__

    doc = cli(*args, "--json").json()
    assert doc["drug"] == "ketamine"
    assert doc["generator"] == {"name": "ketacalc", "version": __version__}


@pytest.mark.parametrize(
    "args",
    [
        ["dose", "154 lb", "--duration", "45", "--height", "5 ft 7.5 in", "--sex", "m", "--id", "A-1"],
        ["cost", "--infusions", "8"],
        ["quote", "11 st 4 lb", "--dosing-weight", "adjusted", "--height", "165 cm", "--sex", "f", "--start", "9:30"],
        ["chart", "--from", "50", "--to", "70", "--step", "10", "--rates", "0.25,0.5"],
        ["plan", "70", "--start-date", "2026-12-07", "--boosters", "1", "--booster-every", "4w", "--time", "08:30"],
    ],
)
def test_the_inputs_alone_give_the_same_document_again(args: list[str], tmp_path: Path) -> None:
    config = write(tmp_path, "clinic.toml", _CLINIC)
    first = cli(*args, "--config", config, "--json")
    assert first.code == 0, first.stderr
    document = first.json()
    assert document["inputs"], "every setting used is listed"
    sources = {item["source"] for item in document["inputs"].values()}
    assert {"flag", config} <= sources
    again = _rerun(document, args[0], tmp_path)
    assert {k: v for k, v in again.items() if k != "inputs"} == {k: v for k, v in document.items() if k != "inputs"}
    assert {k: v["value"] for k, v in again["inputs"].items()} == {k: v["value"] for k, v in document["inputs"].items()}


def test_json_numbers_have_no_trailing_zero() -> None:
    text = cli("quote", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--json").stdout
    assert re.search(r'"dose_mg": 35\s', text)
    assert not re.search(r":\s*-?[0-9]+\.0[,\n\]}]", text)
    line = cli("batch", input="weight\n70\n").stdout
    assert re.search(r'"dose_mg":35[,}]', line) and not re.search(r":-?[0-9]+\.0[,\]}]", line)


def test_the_inputs_hold_the_pump_basis_diluent_and_clinic_limits(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[limits]\ndose_mg_soft_max = 30\n")
    args = ["dose", "70", "--concentration", "10 mg/mL", "--bag", "100 mL", "--config", config, "--json"]
    document = cli(*args).json()
    assert document["inputs"]["vtbi"] == {"value": "bag+drug", "source": "built-in"}
    assert document["inputs"]["dose_mg_soft_max"]["source"] == config
    again = _rerun(document, "dose", tmp_path)
    assert [w["code"] for w in again["warnings"]] == [w["code"] for w in document["warnings"]]
    assert "dose_above_clinic_soft_max" in [w["code"] for w in again["warnings"]]
