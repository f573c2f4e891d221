"""The smaller breaks a hostile tester found in the surfaces added after the
first hardening (issue: nothing lost, whatever the files, section 5)."""

from __future__ import annotations

import decimal
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ketacalc
from ketacalc.charting import chart
from tests.helpers import cli, records, write

API_CALLS: dict[str, Callable[[], Any]] = {
    "dose": lambda: ketacalc.dose("154 lb", "0.75 mg/kg/h", "45", height="5 ft 7.5 in", sex="f",
                                  dosing_weight="adjusted", concentration="10 mg/mL", bag="100 mL", start="9:30"),
    "cost": lambda: ketacalc.cost(7, "399.99", "799.99", currency="BHD"),
    "quote": lambda: ketacalc.quote(
        "11 st 4 lb", final_concentration="0.7 mg/mL", concentration="10 mg/mL", infusions=52, price="649.99"
    ),
    "plan": lambda: ketacalc.plan("70", "2026-12-07", infusions=52, price="649.99", boosters=2, booster_every="4w",
                                  concentration="10 mg/mL", bag="100 mL"),
    "chart": lambda: chart("40", "60", "5", concentration="10 mg/mL", bag="100 mL"),
}  # fmt: skip


@pytest.mark.parametrize("name", API_CALLS)
@pytest.mark.parametrize("context", ["prec=6", "prec=1", "ROUND_FLOOR", "Inexact trapped"])
def test_every_api_function_ignores_the_callers_decimal_context(name: str, context: str) -> None:
    expected = ketacalc.to_document(API_CALLS[name]())
    with decimal.localcontext() as caller:
        if context.startswith("prec"):
            caller.prec = int(context.split("=")[1])
        elif context == "ROUND_FLOOR":
            caller.rounding = decimal.ROUND_FLOOR
        else:
            caller.traps[decimal.Inexact] = True
            caller.traps[decimal.Rounded] = True
        assert ketacalc.to_document(API_CALLS[name]()) == expected


def test_plan_totals_are_exact_under_the_readmes_own_example() -> None:
    with decimal.localcontext() as caller:
        caller.prec = 6
        plan = ketacalc.plan("70", "2026-12-07", infusions=52, price="649.99")
        assert ketacalc.to_document(plan)["totals"]["cost"]["mid"] == "33799.48"


def test_to_document_hands_out_a_fresh_dict_each_time() -> None:
    first = ketacalc.to_document(ketacalc.quote("70 kg"))
    first["session"]["rate_mg_per_h"] = -1
    first["session"]["window_rates"]["shortest"]["rate_mg_per_h"] = -1
    again = ketacalc.to_document(ketacalc.quote("70 kg"))
    assert again["session"]["rate_mg_per_h"] == 52.5
    assert again["session"]["window_rates"]["shortest"]["rate_mg_per_h"] == 52.5


def test_a_json_lines_id_holding_numbers_is_a_row_like_any_other() -> None:
    run = cli("batch", "--input-format", "jsonl", input='{"id":[1.5],"weight":72}\n{"id":{"a":[2]},"weight":70}\n')
    assert run.code == 0
    assert [r["id"] for r in records(run.stdout)] == ["[1.5]", '{"a": [2]}']


def test_an_unterminated_quote_keeps_the_id_before_it() -> None:
    run = cli("batch", input='id,weight,rate\nB-1,70,0.5\nB-2,72,"0.5\n')
    last = records(run.stdout)[-1]
    assert run.code == 3 and last["kind"] == "batch_error" and last["id"] == "B-2"


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--booster-every", "garbage"], "without boosters"),
        (["--boosters", "1", "--booster-every", "garbage"], "not an interval"),
        (["--boosters", "0", "--booster-every", "1d"], "without boosters"),
    ],
)
def test_plan_booster_options_are_never_ignored(args: list[str], problem: str) -> None:
    run = cli("plan", "70", "--start-date", "2026-12-07", *args)
    assert run.code == 2 and problem in run.stderr


def test_boosters_in_the_config_without_an_interval_name_the_file(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[plan]\nboosters = 2\n")
    run = cli("plan", "70", "--start-date", "2026-12-07", "--config", config)
    assert run.code == 2 and f"config {config}: [plan] boosters = 2 needs booster_every" in run.stderr


@pytest.mark.parametrize("output", ["jsonl", "xlsx"])
def test_bom_is_for_csv_output_only(output: str) -> None:
    run = cli("batch", "--bom", "--output", output, input="weight\n70\n")
    assert run.code == 2 and "is for csv output" in run.stderr and run.stdout == ""


def test_a_long_config_key_says_it_is_long_not_nested(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[dose]\n" + "k" * 300 + " = 1\n")
    run = cli("dose", "70", "--config", config)
    assert run.code == 2 and "a key longer than 200 characters" in run.stderr and "nested" not in run.stderr


def test_an_array_of_tables_is_named_as_such(tmp_path: Path) -> None:
    run = cli("dose", "70", "--config", write(tmp_path, "c.toml", "[[dose]]\nrate = 0.5\n"))
    assert run.code == 2 and "[[dose]] is an array of tables" in run.stderr


@pytest.mark.parametrize("command", ["batch", "dose", "plan", "config"])
def test_help_into_a_closed_stdout_is_one_line_and_exit_1(command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ketacalc", command, "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        check=False, pass_fds=(), close_fds=True, preexec_fn=lambda: __import__("os").close(1),
    )  # fmt: skip
    assert done.returncode == 1 and done.stderr.decode().count("\n") == 1 and b"stdout is closed" in done.stderr


@pytest.mark.parametrize("header", ["Weight (lb]", "Weight [lb)"])
def test_mismatched_brackets_are_no_unit(header: str) -> None:
    run = cli("batch", input=f"id,{header}\nA,154\n")
    assert run.code == 2 and "cannot be mapped with certainty" in run.stderr
    assert json.loads(cli("batch", input="id,Weight [lb]\nA,154\n").stdout)["patient"]["weight_kg"] == 69.85
