"""Behaviour that needs a real process: colour, TTYs, imports, tracebacks."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, cli, process

ESC = b"\x1b["


def read_all(fd: int) -> bytes:
    """Everything a pseudo-terminal's main side receives until the child closes it."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def run_in_tty(*args: str, env: dict[str, str]) -> bytes:
    """Run ketacalc with stdout on a pseudo-terminal, as in a clinician's shell."""
    main, child = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update({"TERM": "xterm-256color", "COLUMNS": "100", **env})
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketacalc", *args], stdout=child, stderr=subprocess.PIPE, env=full_env
    )
    os.close(child)
    out = read_all(main)
    proc.wait(timeout=30)
    return out


def test_tables_on_a_terminal_are_styled() -> None:
    assert ESC in run_in_tty("quote", "70", env={})


def test_no_color_is_honoured_on_a_terminal() -> None:
    out = run_in_tty("quote", "70", env={"NO_COLOR": "1"})
    assert b"35 mg" in out
    assert ESC not in out


def test_piped_tables_carry_no_escape_codes() -> None:
    result = process("quote", "70")
    assert result.returncode == 0
    assert b"35 mg" in result.stdout
    assert ESC not in result.stdout


def test_json_carries_no_colour_codes_even_when_colour_is_forced() -> None:
    result = process("quote", "70", "--json", env={"FORCE_COLOR": "1", "TERM": "xterm-256color"})
    assert result.returncode == 0
    assert ESC not in result.stdout
    assert json.loads(result.stdout)["dose"]["dose_mg"] == 35
    assert result.stderr == b""


def imports(package: str, *args: str) -> bool:
    """Whether a real run of ``ketacalc ARGS`` imports ``package``."""
    code = (
        "import sys\n"
        f"sys.argv = ['ketacalc', *{list(args)!r}]\n"
        "from ketacalc.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"sys.stderr.write('IMPORTED=' + str(any(m.split('.')[0] == {package!r} for m in sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False, timeout=30)
    return b"IMPORTED=True" in result.stderr


def imports_rich(*args: str) -> bool:
    return imports("rich", *args)


@pytest.mark.parametrize("args", [["quote", "70", "--json"], ["--version"], ["dose", "0"]])
def test_json_version_and_errors_do_not_import_rich(args: list[str]) -> None:
    assert not imports_rich(*args)


def test_the_human_table_does_import_rich() -> None:
    assert imports_rich("quote", "70")  # the check above can fail


def test_python_m_and_bad_input_in_a_real_process() -> None:
    result = process("dose", "70 kg + 5 lb")
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.count(b"\n") == 1
    assert b"Traceback" not in result.stderr


def test_unexpected_failure_is_one_line_exit_1_and_traceback_only_in_debug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ketacalc.documents

    def broken(*_: object) -> None:
        raise RuntimeError("patient 70 kg secret")

    monkeypatch.setattr(ketacalc.documents, "quote_document", broken)
    run = cli("quote", "70", "--json")
    assert run.code == 1
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1
    assert "RuntimeError" in run.stderr and "KETACALC_DEBUG=1" in run.stderr
    assert "secret" not in run.stderr

    debug = cli("quote", "70", "--json", env={"KETACALC_DEBUG": "1"})
    assert debug.code == 1
    assert "Traceback" in debug.stderr


def shell(command: str) -> subprocess.CompletedProcess[bytes]:
    """A bash command line (for pipes and closed descriptors)."""
    return subprocess.run(command, shell=True, capture_output=True, timeout=60, executable="/bin/bash", check=False)


def test_a_reader_that_goes_away_ends_the_batch_quietly(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("weight\n" + "70\n" * 50_000)
    result = shell(f"'{sys.executable}' -m ketacalc batch '{path}' | head -1")
    assert result.stdout.count(b"\n") == 1
    assert b"BrokenPipe" not in result.stderr and b"Traceback" not in result.stderr
    status = shell(f"'{sys.executable}' -m ketacalc batch '{path}' | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}")
    assert int(status.stdout.strip().splitlines()[-1]) in (0, 141)


def test_a_full_stdout_is_one_line_and_exit_1() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "ketacalc", "quote", "70"], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "error: cannot write output: No space left on device"


def test_a_closed_stdout_is_one_line_and_exit_1() -> None:
    result = shell(f"'{sys.executable}' -m ketacalc quote 70 --json >&-")
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "error: cannot write output: stdout is closed"


def test_batch_progress_shows_on_a_terminal_stderr(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("weight\n" + "70\n" * 4500)
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketacalc", "batch", str(path)], stdout=subprocess.PIPE, stderr=child
    )
    os.close(child)
    stdout, _ = proc.communicate(timeout=60)
    stderr = read_all(main).decode()
    assert "2,000 rows" in stderr and "4,500 rows: 4,500 quoted, 0 rejected" in stderr
    # A Rich bar: the share of the file read and the rate, cleared before the summary.
    assert "%" in stderr and "rows/s" in stderr
    assert "rows/s" not in stderr[stderr.index("4,500 rows: 4,500 quoted") :]
    assert stdout.count(b"\n") == 4500
    assert b"rows" not in stdout.split(b"\n")[-2][-10:]


def test_debug_traceback_never_prints_local_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    import ketacalc.documents

    def broken(*_: object) -> None:
        patient_secret = "SECRET-LOCAL-VALUE"  # noqa: F841 - a local that must not leak
        raise RuntimeError("boom")

    monkeypatch.setattr(ketacalc.documents, "quote_document", broken)
    debug = cli("quote", "70", "--json", env={"KETACALC_DEBUG": "1"})
    assert "Traceback" in debug.stderr
    assert "SECRET-LOCAL-VALUE" not in debug.stderr.replace('patient_secret = "SECRET-LOCAL-VALUE"', "")


@pytest.mark.parametrize("weight", ["154 lb", "11 st", "70000 g"])
def test_a_weight_in_any_unit_answers_without_importing_pint(weight: str) -> None:
    # Every factor is pint's, written into units.py by cog; pint's import
    # alone costs more than a whole answer.
    assert not imports("pint", "quote", weight, "--json")
    assert not imports("pint", "quote", weight, "--rate", "500 mcg/kg", "--duration", "1.5 h", "--json")


def test_no_module_of_ketacalc_imports_pint() -> None:
    # The check above can fail: a module that imported pint would load it. pint is the authority for the
    # factors (tests/docgen.py writes its answers into units.py), not a run-time dependency.
    import ast

    root = ROOT / "ketacalc"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(name.split(".")[0] == "pint" for name in names), path


def loaded(*args: str) -> set[str]:
    """Every module a real run of ``ketacalc ARGS`` imported."""
    code = (
        "import sys\n"
        f"sys.argv = ['ketacalc', *{list(args)!r}]\n"
        "from ketacalc.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('\\nLOADED=' + ','.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False, timeout=30)
    return set(result.stderr.decode().rsplit("LOADED=", 1)[1].split(","))


@pytest.mark.parametrize("args", [["quote", "70", "--json"], ["dose", "154 lb", "--json"]])
def test_a_quote_imports_none_of_the_plan_handout_calendar_or_workbook_modules(args: list[str]) -> None:
    # Each costs every quote's start-up milliseconds (tests/benchmarks/bench.py): imported only when used.
    heavy = {"ketacalc.planning", "ketacalc.handout", "ketacalc.ics", "ketacalc.prepsheet", "ketacalc.batch.workbook"}
    heavy |= {"ketacalc.outputs", "ketacalc.svglogo", "jinja2", "icalendar", "openpyxl", "pint", "rich"}
    heavy |= {"ketacalc.batch.run", "ketacalc.batch.csvfile", "ketacalc.batch.fastpath", "ketacalc.schema"}
    assert not heavy & loaded(*args)


def test_the_console_script_registers_only_the_command_it_runs() -> None:
    # Typer builds every registered command's options at start-up: a quote need not pay for plan's 40.
    assert "ketacalc.cli.plan" not in loaded("quote", "70", "--json")
    assert {"ketacalc.cli.plan", "ketacalc.cli.batch"} <= loaded("--help")
    assert {"ketacalc.cli.plan", "ketacalc.cli.quote"} <= loaded("quot", "70")  # "did you mean 'quote'?"
