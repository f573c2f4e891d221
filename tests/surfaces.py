"""The registry of every surface ketacalc reads from or writes to: command-line
arguments and options, config keys, batch columns, Python API parameters, and
output files. The hostile tests (tests/test_surfaces.py) run every class of
hostile input over every input here, and every kind of collision over every
output; a test fails when the CLI, the config, the batch or the API has a
surface this registry does not list, so a new one inherits the hardening."""

from __future__ import annotations

# What a command needs before the option under test (a weight, a start date, pump settings ...).
BASE: dict[str, list[str]] = {
    "dose": ["dose", "70"],
    "cost": ["cost"],
    "quote": ["quote", "70"],
    "plan": ["plan", "70", "--start-date", "2026-12-07"],
    "batch": ["batch", "-"],
    "config": ["config"],
    "chart": ["chart"],
    "schema": ["schema"],
}
PUMP = ["--concentration", "10 mg/mL", "--bag", "100 mL"]

# Every option that takes a value, per command: (option, a valid value). Paths are listed with OUTPUTS
# and INPUT_PATHS below, not here.
_DOSE = {
    "--rate": "0.5",
    "--duration": "45",
    "--dosing-weight": "actual",
    "--height": "175 cm",
    "--sex": "female",
    "--concentration": "10 mg/mL",
    "--bag": "100 mL",
    "--final-concentration": "1 mg/mL",
    "--vtbi": "bag",
    "--diluent": "glucose 5%",
    "--start": "09:30",
}
_COST = {"--infusions": "6", "--price-min": "450", "--price-max": "750", "--price": "650", "--currency": "EUR"}
_HANDOUT = {
    "--date": "2026-11-27",
    "--ref": "Q-1",
    "--valid-days": "30",
    "--prepared-by": "J. Rivera",
    "--patient-name": "Jane Q. Public",
    "--dob": "1984-03-09",
}
_PLAN = {
    "--days": "mon,thu",
    "--per-week": "2",
    "--skip": "2026-12-10",
    "--rates": "0.5,0.5,0.5,0.5,0.5,0.5",
    "--titrate": "0.5:0.05:0.75",
    "--titrate-after": "1",
    "--boosters": "1",
    "--booster-every": "4w",
    "--booster-rate": "0.5",
    "--booster-price": "500",
    "--time": "08:30",
    "--package-price": "3000",
}
OPTIONS: dict[str, dict[str, str]] = {
    "dose": {**_DOSE, "--id": "P-1"},
    "cost": dict(_COST),
    "quote": {**_DOSE, **_COST, **_HANDOUT, "--id": "P-1"},
    "plan": {
        **{k: v for k, v in _DOSE.items() if k != "--start"},
        **{k: v for k, v in _COST.items() if k != "--infusions"},
        "--infusions": "6",
        **_PLAN,
        **_HANDOUT,
        "--start-date": "2026-12-07",
        "--id": "P-1",
    },
    "batch": {
        **{k: v for k, v in _DOSE.items() if k not in ("--height", "--sex", "--start")},
        **_COST,
        "--input-format": "csv",
        "--output": "jsonl",
        "--encoding": "utf-8",
        "--delimiter": ",",
        "--decimal": "point",
        "--column": "weight=weight",
        "--ignore-column": "weight",
        "--header-row": "1",
        "--sheet": "Sheet1",
        "--fields": "id",
    },
    "config": {
        **{k: v for k, v in _DOSE.items() if k not in ("--height", "--sex", "--start")},
        **_COST,
        "--rates": "0.25,0.5",
        "--days": "mon,thu",
        "--per-week": "2",
        "--boosters": "1",
        "--booster-every": "4w",
        "--booster-price": "500",
    },
    "chart": {
        "--from": "50",
        "--to": "70",
        "--step": "10",
        "--unit": "kg",
        "--rates": "0.25,0.5",
        "--concentration": "10 mg/mL",
        "--bag": "100 mL",
        "--final-concentration": "1 mg/mL",
        "--vtbi": "bag",
        "--duration": "45",
    },
    "schema": {},
}
# Options that only switch something on.
FLAGS: dict[str, set[str]] = {
    "dose": {"--json", "--strict"},
    "cost": {"--json", "--strict"},
    "quote": {"--json", "--strict", "--include-dose", "--gfe"},
    "plan": {"--json", "--strict", "--ics-details", "--include-dose", "--gfe"},
    "batch": {"--bom", "--excel", "--quiet", "--strict"},
    "config": {"--json", "--path"},
    "chart": {"--json", "--csv", "--strict"},
    "schema": set(),
}
# Options that may be given more than once, each time adding to the last (every other option that
# takes a value, given twice, is refused: Click would keep the last without a word).
REPEATABLE: dict[str, set[str]] = {"plan": {"--skip"}, "batch": {"--column", "--ignore-column"}}
# Positional arguments.
ARGUMENTS: dict[str, list[str]] = {"dose": ["weight"], "quote": ["weight"], "plan": ["weight"], "batch": ["source"]}
# Paths read: the config file, the batch input ("-" is stdin).
INPUT_PATHS: dict[str, set[str]] = {name: {"--config"} for name in OPTIONS if name != "schema"}
# Files written: (command, option, what the command needs to write it).
OUTPUTS: list[tuple[str, str, list[str]]] = [
    ("dose", "--prep-sheet", [*BASE["dose"], *PUMP]),
    ("quote", "--prep-sheet", [*BASE["quote"], *PUMP]),
    ("quote", "--html", BASE["quote"]),
    ("plan", "--html", BASE["plan"]),
    ("plan", "--ics", BASE["plan"]),
    ("batch", "--summary-json", ["batch", "-"]),
]
# The Python API: each function and every parameter it takes.
API: dict[str, set[str]] = {
    "dose": {
        "weight", "rate", "duration", "dosing_weight", "height", "sex", "concentration", "bag", "start",
        "final_concentration", "vtbi", "diluent",
    },
    "cost": {"infusions", "price_min", "price_max", "price", "currency"},
    "quote": {
        "weight", "rate", "duration", "dosing_weight", "height", "sex", "concentration", "bag", "start",
        "infusions", "price_min", "price_max", "price", "currency", "final_concentration", "vtbi", "diluent",
    },
    "plan": {
        "weight", "start_date", "days", "per_week", "infusions", "skip", "rates", "titrate", "titrate_after",
        "boosters", "booster_every", "booster_rate", "booster_price", "time", "rate", "duration", "dosing_weight",
        "height", "sex", "concentration", "bag", "price_min", "price_max", "price", "currency", "package_price",
        "clinic", "final_concentration", "vtbi", "diluent", "today",
    },
    "chart": {
        "start", "stop", "step", "unit", "rates", "concentration", "bag", "duration", "final_concentration", "vtbi",
    },
}  # fmt: skip

# The hostile classes every text input meets.
HOSTILE_TEXT: dict[str, str] = {
    "control characters": "70\x1b[31m\x07kg",
    "line break": "70\nkg",
    "bidi override": "\u202e70",
    "huge number": "9" * 5000,
    "overflowing number": "1e400",
    "odd digits": "\uff17\uff10",  # full-width 70
    "wrong type": "[70, {}]",
    "huge text": "x" * 100_000,
    "deeply nested": "[" * 10_000,
    "empty": "",
}
# The hostile classes every Python API parameter meets.
HOSTILE_VALUES: dict[str, object] = {
    "bool": True,
    "list": [70],
    "dict": {"kg": 70},
    "nan": float("nan"),
    "infinity": float("inf"),
    "huge int": 10**5000,
    "huge text": "9" * 100_000,
    "nested": [[[[[[70]]]]]],
    "object": object(),
    "bytes": b"70",
}
