"""Shared helpers: the CLI in-process (CliRunner) and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from typer.testing import CliRunner

from ketacalc.cli import app


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


@pytest.fixture
def run_cli() -> Any:
    return cli
