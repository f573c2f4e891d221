"""stdout: every byte delivered or an error, and Ctrl-C never cuts a record
(ketacalc/stdout.py), as real processes see it."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import HANG_SECONDS

ROWS = 5_000  # megabytes of output: far more than a pipe holds


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "med.csv"
    path.write_text("id,weight\n" + "".join(f"P{i},{50 + i % 50}\n" for i in range(ROWS)))
    return path


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("KETACALC_CONFIG", "NO_COLOR")}


@pytest.mark.parametrize("output", ["jsonl", "csv", pytest.param("xlsx", marks=pytest.mark.slow)])
def test_a_non_blocking_stdout_gets_every_byte(medium: Path, output: str, tmp_path: Path) -> None:
    reader, writer = os.pipe()
    fcntl.fcntl(writer, fcntl.F_SETFL, fcntl.fcntl(writer, fcntl.F_GETFL) | os.O_NONBLOCK)
    args = [sys.executable, "-m", "ketacalc", "batch", str(medium), "--output", output]
    proc = subprocess.Popen(args, stdout=writer, stderr=subprocess.PIPE, env=_env())
    os.close(writer)
    time.sleep(0.5)  # let the pipe fill: the writer must wait, not drop
    chunks = []
    while chunk := os.read(reader, 1 << 16):
        chunks.append(chunk)
    os.close(reader)
    assert proc.wait(timeout=60) == 0
    data = b"".join(chunks)
    if output == "jsonl":
        lines = data.decode().split("\n")
        assert lines[-1] == "" and len(lines) == ROWS + 1
        assert all(json.loads(line)["kind"] == "batch_quote" for line in lines[:-1])
    elif output == "csv":
        assert data.count(b"\n") == ROWS + 1 and b"\n\n" not in data
    else:
        workbook = tmp_path / "out.xlsx"
        workbook.write_bytes(data)
        openpyxl = pytest.importorskip("openpyxl")
        sheet = openpyxl.load_workbook(workbook, read_only=True)["quotes"]
        assert sum(1 for _ in sheet.iter_rows(values_only=True)) == ROWS + 1


@pytest.mark.parametrize("output", ["jsonl", pytest.param("xlsx", marks=pytest.mark.slow)])
def test_a_reader_that_takes_ten_bytes_is_141_not_success(medium: Path, output: str) -> None:
    args = [sys.executable, "-m", "ketacalc", "batch", str(medium), "--output", output]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert proc.stdout is not None
    proc.stdout.read(10)
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141
    assert proc.stderr is not None and b"quoted" not in proc.stderr.read()


def test_after_ctrl_c_the_last_record_ends_with_its_newline(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    args = [sys.executable, "-m", "ketacalc", "batch", "-"]
    with out.open("wb") as stdout:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=stdout, stderr=subprocess.PIPE, env=_env())
        assert proc.stdin is not None
        proc.stdin.write(b"id,weight\n" + b"".join(b"P%d,%d\n" % (i, 50 + i % 50) for i in range(30_000)))
        proc.stdin.flush()
        deadline = time.monotonic() + HANG_SECONDS * 6
        while out.stat().st_size < 100_000 and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)  # stdin is still open: the batch is mid-run
        assert proc.wait(timeout=30) == 130
    data = out.read_bytes()
    assert data.endswith(b"\n")
    lines = data.decode().splitlines()
    assert lines and all(json.loads(line)["kind"] == "batch_quote" for line in lines)
    assert [json.loads(line)["row"] for line in lines] == list(range(1, len(lines) + 1))
