"""The README stays true: its examples run, its set-up commands are the ones CI
uses, and it documents every command and option."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ketacalc.cli import app
from tests.conftest import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"^\$ ketacalc (.+)$", README, flags=re.MULTILINE)


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("line", EXAMPLES)
def test_every_readme_example_runs(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # examples name files under tests/data
    run = cli(*shlex.split(line))
    assert run.code in (0, 3), run.stderr  # 3: the sample export has a bad row on purpose
    assert run.stdout


def test_ci_runs_the_readme_test_command() -> None:
    blocks = re.findall(r"```sh\n(.+?)\n```", README, flags=re.DOTALL)
    install_and_quote, install_and_test = blocks[:2]
    assert "ketacalc quote" in install_and_quote
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_and_option_is_documented() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"### {name}" in README, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in README or f"{opt} " in README, f"{name} {opt}"


def test_every_exit_code_is_documented() -> None:
    from ketacalc.errors import ExitStatus

    for status in ExitStatus:
        assert re.search(rf"^\| {int(status)} \|", README, flags=re.MULTILINE), status


def test_every_warning_code_is_documented() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "ketacalc").rglob("*.py"))
    for code in set(re.findall(r'SoftWarning\(\s*"([a-z_]+)"', source)):
        assert f"`{code}`" in README, code


def test_the_worked_batch_example_output_is_true(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.chdir(ROOT)
    run = cli("batch", "tests/data/clinic-export.csv", "--config", "tests/data/clinic.toml")
    shown = re.search(r"```\n(\{\"id\":\"A-101\".+?)\n```", README, flags=re.DOTALL)
    assert shown is not None
    expected = [json.loads(line) for line in shown.group(1).splitlines()]
    got = [
        {
            "id": r["id"],
            "dose_mg": r.get("dose", {}).get("dose_mg"),
            "pump_ml_per_h": r.get("pump", {}).get("rate_ml_per_h"),
            "total_max": r.get("cost", {}).get("total", {}).get("max"),
            "error": r.get("error", {}).get("message"),
        }
        for r in map(json.loads, run.stdout.splitlines())
    ]
    assert got == expected
    assert "5 rows: 4 quoted, 1 rejected" in run.stderr and run.code == 3


def test_generated_parts_of_the_readme_are_current() -> None:
    """The limits table and the command reference are written by cog from the
    code; run `cog -r README.md` after changing a limit or a --help text."""
    from cogapp import Cog

    assert Cog().main(["cog", "--check", str(ROOT / "README.md")]) == 0


def test_the_unit_factors_written_into_units_py_are_current() -> None:
    """``units._FACTORS`` is written by cog from pint: ``cog -r ketacalc/units.py``."""
    from cogapp import Cog

    assert Cog().main(["cog", "--check", str(ROOT / "ketacalc" / "units.py")]) == 0
