"""The workbook written in a second process (on Linux, beside the batch's own work): the same
workbook as one written in this process, and a writer that stops, or a Ctrl-C, leaves an error and
no file or process behind, never a broken-pipe exit or a hang."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import process, write

# The same command with the workbook written in this process, as it is where no second one can start.
IN_PROCESS = (
    "import sys, ketacalc.batch.xlsx as x; x.WorkbookWriter._start = lambda *a: False; "
    "from ketacalc.__main__ import main; sys.argv[0] = 'ketacalc'; main()"
)


def cells(data: bytes) -> dict[str, list[tuple[tuple[Any, str | None], ...]]]:
    """Every sheet's cells: each value with its number format (money in its currency's)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {
        name: [tuple((cell.value, getattr(cell, "number_format", None)) for cell in row) for row in book[name].rows]
        for name in book.sheetnames
    }


def test_the_second_process_writes_the_same_workbook(tmp_path: Path) -> None:
    rows = [
        f"P{i},{50 + i % 60} kg,{'0.25' if i % 3 else ''},{'EUR' if i % 5 == 0 else ''},"
        f"{'700' if i % 10 == 0 else ''},note {i}"  # half the euro rows priced in euros, half refused
        for i in range(2500)
    ]
    rows += ["7,70,,,,", '0042,154 lb,,,,=HYPERLINK("x")', "long,70,,,," + "x" * 40_000]
    source = write(tmp_path, "in.csv", "id,weight,rate,currency,price,notes\n" + "\n".join(rows) + "\n")
    forked = process("batch", source, "--output", "xlsx", "--price", "650")
    assert forked.returncode == 3, forked.stderr  # some rows rejected: their errors are in the workbook too
    here = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, "batch", source, "--output", "xlsx", "--price", "650"],
        capture_output=True,
        timeout=120,
    )
    assert here.returncode == 3, here.stderr
    theirs, ours = cells(forked.stdout), cells(here.stdout)
    assert theirs == ours
    assert len(theirs["quotes"]) == 2504 and theirs["quotes"][-2][0][0] == "0042"
    # Every money cell is in its row's currency's format (the columns take the first's).
    header = [value for value, _ in theirs["quotes"][0]]
    currency, total = header.index("cost.currency"), header.index("cost.total.min")
    priced = [row for row in theirs["quotes"][1:] if len(row) > total and row[total][0] is not None]
    assert {row[currency][0] for row in priced} == {"EUR", "USD"}
    assert all(row[total][1] == f'#,##0.00 "{row[currency][0]}"' for row in priced)


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in found.read_text().split()] if found.exists() else []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the second process is Linux's")
def test_a_writer_that_stops_is_exit_2_with_no_file_left(tmp_path: Path) -> None:
    folder = tmp_path / "tmp"
    folder.mkdir()
    source = write(tmp_path, "big.csv", "id,weight\n" + "".join(f"P{i},70\n" for i in range(300_000)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketacalc", "batch", source, "--output", "xlsx", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(folder)},
    )
    deadline = time.monotonic() + 20
    while not (writers := _children(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writers, "no writing process"
    time.sleep(1)
    os.kill(writers[0], signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2, stderr
    assert stdout == b"" and b"Traceback" not in stderr and len(stderr.decode().splitlines()) == 1
    assert b"workbook could not be written" in stderr
    assert list(folder.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the second process is Linux's")
def test_ctrl_c_ends_the_writing_process_too(tmp_path: Path) -> None:
    source = write(tmp_path, "big.csv", "id,weight\n" + "".join(f"P{i},70\n" for i in range(300_000)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketacalc", "batch", source, "--output", "xlsx", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while not (writers := _children(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writers
    time.sleep(1)
    os.killpg(os.getpgid(proc.pid), 0)  # the group exists; SIGINT goes to the batch, as a terminal's Ctrl-C does
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130 and b"Traceback" not in stderr
    time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in writers)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"
