"""The preparation sheet (dose and quote --prep-sheet): one printed page on A4 and
Letter in a real browser, every figure in the PDF's text as --json gives it, and
hostile text that runs nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import CHROMIUM, cli, write
from tests.test_handout import pdf_pages_and_text

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (.ci/run installs it)")

CASES = {
    "bag": ["dose", "154 lb", "--duration", "45", "--concentration", "50 mg/mL", "--bag", "100 mL"],
    "standard": [
        "quote",
        "140kg",
        "--height",
        "165 cm",
        "--sex",
        "f",
        "--rate",
        "0.75 mg/kg/h",
        "--final-concentration",
        "1 mg/mL",
    ],
    "made-up": ["dose", "70", "--concentration", "10 mg/mL", "--final-concentration", "2 mg/mL", "--duration", "100"],
}


def _figures(document: dict[str, Any]) -> list[str]:
    """Every figure of the sheet, as the JSON gives it, in the form the page prints it."""
    pump = document["pump"]
    out = [f"{document['dose']['dose_mg']:g} mg", f"{pump['rate_ml_per_h']:g} mL/h", f"{pump['vtbi_ml']:g} mL"]
    out.append(f"{document['patient']['weight_kg']:g} kg")
    out.append(pump["read_back"])
    if pump["drug_volume_ml"] is not None:
        out.append(f"{round(pump['drug_volume_ml'], 2):g} mL")
    return out


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_one_printed_page_with_every_figure_as_the_json_gives_it(
    browser: Any,
    tmp_path: Path,
    case: str,
    paper: str,
) -> None:
    sheet = tmp_path / "prep.html"
    args = CASES[case]
    run = cli(*args, "--id", "P-0042", "--prep-sheet", str(sheet))
    assert run.code == 0, run.stderr
    document = cli(*args, "--json").json()
    pages, text = pdf_pages_and_text(browser, sheet, paper)
    assert pages == 1
    flat = re.sub(r"\s+", " ", text)
    for figure in _figures(document):
        assert figure in flat, (figure, flat)
    for words in ("P-0042", "Ketamine", "heart rate", "respiration", "degree of sedation", "30 min", "Prepared by"):
        assert words in flat
    assert "Checked by" in flat and "Informational only" in flat


def test_hostile_id_runs_nothing(browser: Any, tmp_path: Path) -> None:
    sheet = tmp_path / "prep.html"
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    assert cli(*CASES["bag"], "--id", hostile, "--prep-sheet", str(sheet)).code == 0
    html = sheet.read_text()
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "Content-Security-Policy" in html
    page = browser.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(sheet.as_uri())
    assert dialogs == [] and hostile in page.inner_text("body")
    page.close()


def test_stdout_needs_pump_settings_and_is_not_json(tmp_path: Path) -> None:
    out = cli(*CASES["bag"], "--prep-sheet", "-")
    assert out.code == 0 and out.stdout.startswith("<!DOCTYPE html>") and "Pump rate" in out.stdout
    assert cli(*CASES["bag"], "--prep-sheet", "-", "--json").code == 2
    none = cli("dose", "70", "--prep-sheet", str(tmp_path / "p.html"))
    assert none.code == 2 and "pump settings" in none.stderr and not (tmp_path / "p.html").exists()


def test_the_sheet_never_replaces_an_input_or_a_device(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[pump]\nconcentration = "10 mg/mL"\nbag = "100 mL"\n')
    before = Path(config).read_bytes()
    run = cli("dose", "70", "--config", config, "--prep-sheet", config)
    assert run.code == 2 and "config" in run.stderr and Path(config).read_bytes() == before
    assert cli(*CASES["bag"], "--prep-sheet", "/dev/null").code == 2
    assert cli(*CASES["bag"], "--prep-sheet", str(tmp_path)).code == 2
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert cli(*CASES["bag"], "--prep-sheet", str(fifo)).code == 2
    page = tmp_path / "page.html"
    assert cli("quote", *CASES["bag"][1:], "--html", str(page), "--prep-sheet", str(page)).code == 2


def test_the_sheet_is_written_whole_with_the_umask_and_through_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real.html"
    target.write_text("old")
    target.chmod(0o644)
    link = tmp_path / "link.html"
    link.symlink_to(target)
    assert cli(*CASES["bag"], "--prep-sheet", str(link)).code == 0
    assert link.is_symlink() and target.read_text().startswith("<!DOCTYPE html>")
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    fresh = tmp_path / "fresh.html"
    old = os.umask(0o022)
    try:
        assert cli(*CASES["bag"], "--prep-sheet", str(fresh)).code == 0
    finally:
        os.umask(old)
    assert fresh.stat().st_mode & 0o777 == 0o644  # never 0600: a colleague can read it
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


NURSE = ["dose", "70", "--duration", "100", "--concentration", "10 mg/mL", "--bag", "100 mL"]


def test_the_sheet_shows_an_id_exactly_as_typed(tmp_path: Path) -> None:
    sheet = tmp_path / "p.html"
    assert cli(*NURSE, "--id", "MRN-\u202e00123-9\x1b", "--prep-sheet", str(sheet)).code == 0
    html = sheet.read_text()
    assert "MRN-\\u202e00123-9\\x1b" in html and "\u202e" not in html and "\x1b" not in html


def test_the_sheet_never_replaces_the_logo_a_folder_or_a_read_only_file(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    config = write(tmp_path, "c.toml", f'[clinic]\nlogo = "{logo}"\n')
    assert cli(*NURSE, "--config", config, "--prep-sheet", str(logo)).code == 2
    assert logo.read_text().startswith("<svg")
    assert cli(*NURSE, "--prep-sheet", str(tmp_path / "missing") + "/").code == 2
    locked = tmp_path / "signed.html"
    locked.write_text("signed")
    locked.chmod(0o444)
    assert cli(*NURSE, "--prep-sheet", str(locked)).code == 2 and locked.read_text() == "signed"
