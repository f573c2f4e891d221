"""What the tests share: the CLI in-process (CliRunner) and as a real process, files, records,
terminal widths, and Chromium's location. Fixtures and the Hypothesis profile are conftest's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ketacalc.cli import app

ROOT = Path(__file__).resolve().parents[1]  # the repository

# The handout and preparation-sheet tests print pages in Debian's Chromium (.ci/run installs it).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium as this machine's closed network needs it (no background connections).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Terminal widths: every one from 20 to 200 under the slow marker (.ci/run), and in the default run
# a sample that holds the narrowest, the common ones and their neighbours, and the widest.
EVERY_WIDTH = range(20, 201)
SAMPLED_WIDTHS = (20, 21, 23, 27, 31, 36, 40, 41, 47, 53, 60, 67, 72, 79, 80, 81, 90, 100, 111, 120, 132, 160, 200)
WIDTH_SWEEPS = [
    pytest.param(SAMPLED_WIDTHS, id="sampled"),
    pytest.param(EVERY_WIDTH, id="every", marks=pytest.mark.slow),
]

# "Never a hang": an input that used to loop or grow without bound must answer
# within this. A real answer takes milliseconds; the bound is loose so a busy
# CI machine never makes it fail, and still far below a hang.
HANG_SECONDS = 5.0


class Run:
    """One CLI run: exit code, stdout and stderr kept apart."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code = code
        self.stdout = stdout
        self.stderr = stderr

    def json(self) -> Any:
        return json.loads(self.stdout)


def cli(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Run:
    """Run ketacalc in-process, as CliRunner does, with a fixed 80-column width."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "80", **(env or {})}, input=input)
    return Run(result.exit_code, result.stdout, result.stderr)


def process(
    *args: str, env: dict[str, str] | None = None, input: str | bytes | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[bytes]:
    """Run ketacalc as a real process (python -m ketacalc)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "KETACALC_DEBUG")}
    full_env.update(env or {})
    data = input.encode() if isinstance(input, str) else input
    return subprocess.run(
        [sys.executable, "-m", "ketacalc", *args],
        capture_output=True,
        env=full_env,
        input=data,
        timeout=timeout,
        check=False,
    )


def records(stdout: str) -> list[dict[str, Any]]:
    """JSON Lines output, one record per line (split at line feeds only, as a
    JSON Lines reader does)."""
    return [json.loads(line) for line in stdout.split("\n") if line]


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    """A file in ``tmp_path`` with exactly these bytes (text as UTF-8); its path."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def codes(warned: object) -> list[str]:
    """The warning codes of a result (or of a list of warnings), in order."""
    warnings = getattr(warned, "warnings", warned)
    return [w.code for w in warnings]  # type: ignore[attr-defined]


def assert_answered(run_args: list[str], allowed: set[int], **kwargs: object) -> object:
    """A run that answered in time with one of the ``allowed`` exit codes, and when it is exit 2,
    one line on stderr and nothing on stdout (never a traceback)."""
    start = time.perf_counter()
    run = cli(*run_args, **kwargs)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    assert elapsed < HANG_SECONDS, (run_args, elapsed)
    assert run.code in allowed, (run_args, run.code, run.stderr)
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    if run.code == 2:
        assert run.stdout == ""
        assert len(run.stderr.splitlines()) == 1
        assert run.stderr.startswith("error: ")
    return run


def batch_file(tmp_path: Path, data: bytes) -> tuple[int, list[dict], str]:  # type: ignore[type-arg]
    """A batch of these bytes as a CSV file: its exit code, its records and its stderr (never a traceback)."""
    path = tmp_path / "hostile.csv"
    path.write_bytes(data)
    run = cli("batch", str(path))
    assert "Traceback" not in run.stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    return run.code, records, run.stderr
