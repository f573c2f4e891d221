"""Shared helpers: the CLI in-process (CliRunner) and as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from ketacalc.cli import app

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, headless, driven by Playwright."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


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


# One Hypothesis profile for every property and fuzz test; KETACALC_FUZZ_EXAMPLES
# raises the budget for long local runs (docs/robustness.md).
settings.register_profile(
    "ketacalc",
    max_examples=int(os.environ.get("KETACALC_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ketacalc")
