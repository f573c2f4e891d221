"""outputs: every output file (--html, --ics, --prep-sheet, --summary-json) is
written whole or not at all, and never over one of the run's inputs, another
of its outputs, stdout's own file, a device, a FIFO or a directory."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest

from ketacalc import outputs
from ketacalc.errors import InputError
from tests.helpers import HANG_SECONDS, cli, write

PLAN = ["plan", "70", "--start-date", "2026-12-07"]
QUOTE = ["quote", "70"]
PUMP = ["--concentration", "10 mg/mL", "--bag", "100 mL"]


def test_the_calendar_never_replaces_the_named_config(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[cost]\nprice = 650\n")
    run = cli(*PLAN, "--config", config, "--ics", config)
    assert run.code == 2 and "config" in run.stderr
    assert Path(config).read_text() == "[cost]\nprice = 650\n"


def test_the_handout_never_replaces_the_config_found_at_the_default_path(tmp_path: Path) -> None:
    found = tmp_path / "ketacalc" / "config.toml"
    found.parent.mkdir()
    found.write_text("[cost]\nprice = 650\n")
    run = cli(*QUOTE, "--html", str(found), env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert run.code == 2 and "config" in run.stderr and found.read_text() == "[cost]\nprice = 650\n"


def test_the_handout_never_replaces_its_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    config = write(tmp_path, "c.toml", f'[clinic]\nlogo = "{logo}"\n')
    run = cli(*QUOTE, "--config", config, "--html", str(logo))
    assert run.code == 2 and "logo" in run.stderr and logo.read_text().startswith("<svg")


def test_nothing_is_written_before_every_input_is_checked(tmp_path: Path) -> None:
    calendar = tmp_path / "old.ics"
    run = cli(*PLAN, "--ics", str(calendar), "--date", "2026-01-01")  # --date needs --html: refused
    assert run.code == 2 and not calendar.exists()
    bad_date = cli(*PLAN, "--ics", str(calendar), "--html", str(tmp_path / "p.html"), "--date", "2026-02-30")
    assert bad_date.code == 2 and not calendar.exists()


def _ketacalc(
    args: list[str], stdin: int | IO[Any] = subprocess.DEVNULL, stdout: int | IO[Any] = subprocess.PIPE
) -> int:
    env = {k: v for k, v in os.environ.items() if k != "KETACALC_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-m", "ketacalc", *args],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=30,
        check=False,
    )
    return done.returncode


def test_the_summary_never_replaces_the_batch_input_given_on_stdin(tmp_path: Path) -> None:
    batch = tmp_path / "in.csv"
    batch.write_text("weight\n70\n")
    with batch.open("rb") as stdin:
        assert _ketacalc(["batch", "--summary-json", str(batch)], stdin=stdin) == 2
    assert batch.read_text() == "weight\n70\n"


def test_no_output_file_is_the_file_stdout_goes_to(tmp_path: Path) -> None:
    batch = write(tmp_path, "in.csv", "weight\n70\n")
    out = tmp_path / "out.jsonl"
    with out.open("wb") as stdout:
        assert _ketacalc(["batch", batch, "--summary-json", str(out)], stdout=stdout) == 2
    with out.open("wb") as stdout:
        assert _ketacalc([*QUOTE, "--json", "--html", "/dev/stdout"], stdout=stdout) == 2
    assert out.read_bytes() == b""  # refused before a byte went to stdout


@pytest.mark.parametrize("option", ["--html", "--prep-sheet"])
def test_devices_fifos_and_directories_are_refused_without_a_hang(option: str, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in ("/dev/null", str(fifo), str(tmp_path)):
        run = cli(*QUOTE, *PUMP, option, path)
        assert run.code == 2, (path, run.stderr)
    assert Path("/dev/null").is_char_device()


def test_summary_json_dash_is_refused_not_a_file_named_dash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = cli("batch", "--summary-json", "-", input="weight\n70\n")
    assert run.code == 2 and not (tmp_path / "-").exists()
    assert cli(*PLAN, "--ics", "-").code == 2


def test_a_symlink_is_written_through_and_the_mode_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.ics"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.ics"
    link.symlink_to(target)
    assert cli(*PLAN, "--ics", str(link)).code == 0
    assert link.is_symlink() and target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "good.html"
    page.write_text("the old page")

    def full_disk(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(InputError, match="No space left"):
        outputs.write("html", str(page), b"x" * 100_000)
    assert page.read_text() == "the old page"
    assert [p.name for p in tmp_path.iterdir()] == ["good.html"]  # no temporary file left behind


def test_a_kill_during_the_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    page = tmp_path / "good.html"
    page.write_text("the old page")
    # A writer killed before its rename: the target is untouched, whatever it had written.
    code = (
        "import os, signal; from ketacalc import outputs\n"
        "real = os.fsync\n"
        "def stop(fd): real(fd); os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.fsync = stop\n"
        f"outputs.write('html', {str(page)!r}, b'new' * 100000)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=HANG_SECONDS * 6, check=False)
    assert done.returncode == -9
    assert page.read_text() == "the old page"


# --- found by the hostile review ------------------------------------------------------------------


@pytest.mark.parametrize("redirect", ["append", "read-write"])
def test_a_batch_never_writes_into_its_own_input(redirect: str, tmp_path: Path) -> None:
    batch = tmp_path / "in.csv"
    batch.write_text("id,weight\nA,70\n")
    mode = "ab" if redirect == "append" else "r+b"
    with batch.open(mode) as stdout:
        assert _ketacalc(["batch", str(batch)], stdout=stdout) == 2
    with batch.open("rb") as stdin, batch.open("ab") as stdout:
        assert _ketacalc(["batch", "-"], stdin=stdin, stdout=stdout) == 2
    assert batch.read_text() == "id,weight\nA,70\n"


@pytest.mark.parametrize(
    ("args", "bad"),
    [
        ([*QUOTE, *PUMP, "--prep-sheet", "{p}", "--html", "{h}", "--date", "notadate"], "date"),
        ([*QUOTE, *PUMP, "--prep-sheet", "{p}", "--html", "{dir}/missing/h.html"], "folder"),
        ([*PLAN, "--ics", "{p}", "--html", "{dir}/missing/h.html"], "folder"),
        ([*PLAN, "--ics", "{p}", "--html", "{h}", "--valid-days", "0"], "valid days"),
    ],
    ids=["bad date", "quote: no folder", "plan: no folder", "bad valid days"],
)
def test_no_output_is_replaced_when_another_cannot_be_made(args: list[str], bad: str, tmp_path: Path) -> None:
    first = tmp_path / "old.out"
    first.write_text("the old file")
    names = {"p": str(first), "h": str(tmp_path / "h.html"), "dir": str(tmp_path)}
    run = cli(*[arg.format(**names) for arg in args])
    assert run.code == 2, bad
    assert first.read_text() == "the old file" and not (tmp_path / "h.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.out"]  # no temporary file left either


def test_a_sheet_to_stdout_is_instead_of_the_usual_output_with_a_handout_file(tmp_path: Path) -> None:
    run = cli(*QUOTE, *PUMP, "--prep-sheet", "-", "--html", str(tmp_path / "h.html"))
    assert run.code == 0 and run.stdout.startswith("<!DOCTYPE html>") and "Ketamine infusion: dose" not in run.stdout
    assert run.stdout.count("<!DOCTYPE html>") == 1 and (tmp_path / "h.html").exists()
