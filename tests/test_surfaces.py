"""Every surface in the registry (tests/surfaces.py) meets every hostile class:
inputs are answered or refused in one line, never a traceback, never raw
control characters echoed; outputs never replace an input, a device, a FIFO,
a directory or a read-only file, and a write that fails leaves the old file
whole. A surface the registry does not list fails the first tests here."""

from __future__ import annotations

import errno
import inspect
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ketacalc
from ketacalc.batch.columns import FIELDS
from ketacalc.charting import chart
from ketacalc.config import SPECS
from ketacalc.errors import InputError
from tests.helpers import assert_answered, cli, write
from tests.surfaces import (
    API,
    ARGUMENTS,
    BASE,
    FLAGS,
    HOSTILE_TEXT,
    HOSTILE_VALUES,
    INPUT_PATHS,
    OPTIONS,
    OUTPUTS,
    REPEATABLE,
)

RAW = ("\x1b", "\x07", "\u202e")


def _cli_surfaces() -> dict[str, dict[str, set[str]]]:
    import typer.main

    from ketacalc.cli import app

    found: dict[str, dict[str, set[str]]] = {}
    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        kinds: dict[str, set[str]] = {"arguments": set(), "options": set(), "flags": set()}
        for param in command.params:
            if param.param_type_name == "argument":
                kinds["arguments"].add(param.name)
            else:
                kinds["flags" if getattr(param, "is_flag", False) else "options"].add(param.opts[0])
        found[name] = kinds
    return found


def test_the_registry_lists_every_command_option_and_argument() -> None:
    outputs = {(command, option) for command, option, _ in OUTPUTS}
    for name, kinds in _cli_surfaces().items():
        listed = set(OPTIONS[name]) | INPUT_PATHS.get(name, set()) | {o for c, o in outputs if c == name}
        assert kinds["options"] == listed, (name, kinds["options"] ^ listed)
        assert kinds["flags"] == FLAGS[name], (name, kinds["flags"] ^ FLAGS[name])
        assert kinds["arguments"] == set(ARGUMENTS.get(name, [])), name


def test_the_registry_lists_every_repeatable_option() -> None:
    import typer.main

    from ketacalc.cli import app

    for name, command in typer.main.get_command(app).commands.items():  # type: ignore[attr-defined]
        repeatable = {param.opts[0] for param in command.params if getattr(param, "multiple", False)}
        assert repeatable == REPEATABLE.get(name, set()), name


def _value_options() -> list[tuple[str, str]]:
    outputs = [(command, option) for command, option, _ in OUTPUTS]
    paths = [(command, option) for command, options in INPUT_PATHS.items() for option in options]
    options = [(command, option) for command, given in OPTIONS.items() for option in given]
    return sorted({*options, *outputs, *paths})


@pytest.mark.parametrize(("command", "option"), _value_options())
def test_an_option_given_twice_is_refused_naming_both_values(command: str, option: str) -> None:
    """Click keeps the last of a repeated option without a word (a script's --rate 0.5, then a
    clinician's --rate 0.25): ketacalc refuses it before reading anything, naming both."""
    base = BASE[command]
    if option in base:  # plan's --start-date: given here twice, not three times
        base = base[: base.index(option)] + base[base.index(option) + 2 :]
    args = [*base, option, "first", option + "=\x1b[31msecond"]
    run = cli(*args, input="weight\n70\n" if command == "batch" else None)
    if option in REPEATABLE.get(command, set()):
        assert "given twice" not in run.stderr
        return
    assert run.code == 2 and run.stdout == "", (run.code, run.stderr)
    assert run.stderr == f"error: {option} is given twice ('first', then '\\x1b[31msecond'); give it once\n"


def test_the_registry_lists_every_api_parameter() -> None:
    functions: dict[str, Callable[..., Any]] = {"dose": ketacalc.dose, "cost": ketacalc.cost, "quote": ketacalc.quote}
    functions |= {"plan": ketacalc.plan, "chart": chart}
    for name, function in functions.items():
        assert set(inspect.signature(function).parameters) == API[name], name


# --- every input, every hostile class ---------------------------------------------------------------


def _option_cases() -> list[tuple[str, str]]:
    return [(command, option) for command, options in OPTIONS.items() for option in options]


def _echoes_nothing_raw(run: Any) -> None:
    for text in (run.stdout, run.stderr):
        assert not any(char in text for char in RAW), text[:200]


@pytest.mark.parametrize(("command", "option"), _option_cases())
def test_every_option_meets_every_hostile_class(command: str, option: str) -> None:
    stdin = "weight\n70\n" if command == "batch" else None
    for hostile in HOSTILE_TEXT.values():
        run = assert_answered([*BASE[command], option, hostile], {0, 2, 3, 4}, input=stdin)
        _echoes_nothing_raw(run)


@pytest.mark.parametrize("command", sorted(ARGUMENTS))
def test_every_argument_meets_every_hostile_class(command: str) -> None:
    for hostile in HOSTILE_TEXT.values():
        if command == "batch":
            args = ["batch", "--", hostile] if hostile else ["batch", "--", "missing.csv"]
        else:
            args = [*BASE[command][:1], "--", hostile, *BASE[command][2:]]
        run = assert_answered(args, {0, 2})
        _echoes_nothing_raw(run)


@pytest.mark.parametrize("key", sorted(SPECS))
def test_every_config_key_meets_every_hostile_class(key: str, tmp_path: Path) -> None:
    command = {"plan": "plan", "chart": "chart", "clinic": "quote"}.get(SPECS[key].section, "quote")
    for name, hostile in HOSTILE_TEXT.items():
        if name == "huge text":
            continue  # a config file is at most 64 KiB: its own test
        path = write(tmp_path, "c.toml", f"[{SPECS[key].section}]\n{key} = {json.dumps(hostile)}\n")
        extra = ["--html", str(tmp_path / "h.html")] if SPECS[key].section == "clinic" else []
        run = assert_answered([*BASE[command], "--config", path, *extra], {0, 2, 4})
        _echoes_nothing_raw(run)


@pytest.mark.parametrize("column", [field for field in FIELDS if field != "id"])
def test_every_batch_column_meets_every_hostile_class(column: str) -> None:
    for hostile in HOSTILE_TEXT.values():
        cell = '"' + hostile.replace('"', '""') + '"'
        body = f"id,weight,{column}\nbefore,70,\nfuzz,70,{cell}\nafter,80,\n" if column != "weight" else None
        body = body or f"id,weight\nbefore,70\nfuzz,{cell}\nafter,80\n"
        run = assert_answered(["batch", "-"], {0, 3}, input=body)
        records = [json.loads(line) for line in run.stdout.splitlines()]  # type: ignore[attr-defined]
        assert [r["id"] for r in records] == ["before", "fuzz", "after"]
        _echoes_nothing_raw(run)


_API_BASE: dict[str, dict[str, Any]] = {
    "dose": {"weight": "70"},
    "cost": {},
    "quote": {"weight": "70"},
    "plan": {"weight": "70", "start_date": "2026-12-07"},
    "chart": {},
}


@pytest.mark.parametrize(("function", "parameter"), [(f, p) for f, ps in API.items() for p in sorted(ps)])
def test_every_api_parameter_meets_every_hostile_value(function: str, parameter: str) -> None:
    call = chart if function == "chart" else getattr(ketacalc, function)
    for hostile in HOSTILE_VALUES.values():
        try:
            call(**{**_API_BASE[function], parameter: hostile})
        except InputError:
            pass  # refused, saying which input: the one allowed failure


# --- every output, every collision ------------------------------------------------------------------


def _config(tmp_path: Path) -> str:
    return write(tmp_path, "c.toml", "[cost]\nprice = 650\n")


@pytest.mark.parametrize(("command", "option", "base"), OUTPUTS, ids=[f"{c} {o}" for c, o, _ in OUTPUTS])
def test_every_output_refuses_what_it_must_not_replace(
    command: str, option: str, base: list[str], tmp_path: Path
) -> None:
    stdin = "weight\n70\n" if command == "batch" else None
    config = _config(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    locked = tmp_path / "locked.txt"
    locked.write_text("signed")
    locked.chmod(0o444)
    for target in (config, "/dev/null", str(fifo), str(tmp_path), str(locked), str(tmp_path / "no") + "/"):
        run = assert_answered([*base, "--config", config, option, target], {2}, input=stdin)
        assert run.stdout == ""  # type: ignore[attr-defined]
    assert Path(config).read_text() == "[cost]\nprice = 650\n" and locked.read_text() == "signed"
    assert Path("/dev/null").is_char_device()


@pytest.mark.parametrize(("command", "option", "base"), OUTPUTS, ids=[f"{c} {o}" for c, o, _ in OUTPUTS])
def test_every_output_writes_through_a_link_and_whole_or_not_at_all(
    command: str, option: str, base: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = "weight\n70\n" if command == "batch" else None
    real = tmp_path / "real.out"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.out"
    link.symlink_to(real)
    assert cli(*base, option, str(link), input=stdin).code == 0
    assert link.is_symlink() and real.read_text() != "old" and real.stat().st_mode & 0o777 == 0o640
    written = real.read_text()

    def full_disk(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    run = cli(*base, option, str(link), input=stdin)
    assert run.code in (1, 2) and "No space left" in run.stderr and len(run.stderr.strip().splitlines()) <= 3
    assert real.read_text() == written  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.out", "real.out"]
