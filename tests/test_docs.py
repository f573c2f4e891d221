"""The README and the pages in ketacalc/docs stay true: their examples run, the set-up commands
are the ones CI uses, every command and option is documented, every link resolves, every limit
named in prose is the code's, and the generated parts are current."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ketacalc.cli import app
from tests.helpers import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "ketacalc" / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = {path.name: path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.md"))}
EVERYTHING = "\n".join([README, *PAGES.values()])
# The prose: every page but the generated command reference (which holds every option by construction).
PROSE = "\n".join([README, *(text for name, text in PAGES.items() if name != "reference.md")])
EXAMPLES = re.findall(r"^\$ ketacalc (.+)$", EVERYTHING, flags=re.MULTILINE)
README_MAX_LINES = 250


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= README_MAX_LINES


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("line", EXAMPLES)
def test_every_readme_example_runs(line: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Run where an example's own files (--prep-sheet prep.html) land in a scratch folder, never in the
    # checkout; tests/data, which examples name, is linked in.
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "data").symlink_to(ROOT / "tests" / "data")
    monkeypatch.chdir(tmp_path)
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
        assert f"{name}.md" in PAGES, f"ketacalc/docs/{name}.md"
        assert f"(ketacalc/docs/{name}.md)" in README, f"the README links {name}'s page"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in PROSE or f"{opt} " in PROSE, f"{name} {opt}"


def test_every_exit_code_is_documented() -> None:
    from ketacalc.errors import ExitStatus

    for status in ExitStatus:
        assert re.search(rf"^\| {int(status)} \|", README, flags=re.MULTILINE), status
        assert re.search(rf"^\| {int(status)} \|", PAGES["output.md"], flags=re.MULTILINE), status


def test_every_warning_code_is_documented() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "ketacalc").rglob("*.py"))
    for code in set(re.findall(r'SoftWarning\(\s*"([a-z_]+)"', source)):
        assert f"`{code}`" in PAGES["output.md"], code


def test_the_worked_batch_example_output_is_true(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.chdir(ROOT)
    run = cli("batch", "tests/data/clinic-export.csv", "--config", "tests/data/clinic.toml")
    shown = re.search(r"```\n(\{\"id\":\"A-101\".+?)\n```", PAGES["batch.md"], flags=re.DOTALL)
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


@pytest.mark.parametrize("name", [name for name, text in PAGES.items() if "[[[cog" in text])
def test_generated_parts_of_the_docs_are_current(name: str) -> None:
    """The limits table, the batch's header names and the command reference are written by cog
    from the code; run `cog -I . -r ketacalc/docs/*.md` after changing a limit or a --help text."""
    from cogapp import Cog

    assert Cog().main(["cog", "--check", "-I", str(ROOT), str(DOCS / name)]) == 0


def test_the_generated_pages_are_the_ones_expected() -> None:
    generated = {name for name, text in PAGES.items() if "[[[cog" in text}
    assert generated == {"json.md", "limits.md", "reference.md", "spreadsheet.md"}


def _links(text: str) -> list[str]:
    return [link for link in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"(https?:|mailto:|#)", link)]


@pytest.mark.parametrize("name", ["README.md", *PAGES])
def test_every_relative_link_resolves(name: str) -> None:
    base = ROOT if name == "README.md" else DOCS
    text = README if name == "README.md" else PAGES[name]
    for link in _links(text):
        assert (base / link.split("#")[0]).exists(), f"{name}: {link}"


def test_every_page_is_reachable_from_the_readme() -> None:
    linked = {Path(link).name for link in _links(README) if link.startswith("ketacalc/docs/")}
    assert linked == set(PAGES) - {"pypi.md"}  # PyPI's page stands alone


def test_the_pypi_page_has_no_relative_links() -> None:
    """PyPI shows ``pypi.md`` (pyproject's readme) without the repository: a relative link would be dead."""
    assert _links(PAGES["pypi.md"]) == []
    assert re.findall(r"\]\(([^)]+)\)", PAGES["pypi.md"]) == []


_RANGE_RE = re.compile(
    r"\$?(?P<low>[0-9][0-9,]*(?:\.[0-9]+)?)\s?[–-]\s?\$?(?P<high>[0-9][0-9,]*(?:\.[0-9]+)?)"
    r"\s?(?P<unit>mg/kg|mg/mL|mL|min(?:ute)?s?|kg|lb|cm|infusions|boosters|days|dates|USD|range|characters)\b"
)


def _known_ranges() -> set[tuple[str, str, str]]:
    from ketacalc import charting, limits
    from ketacalc.cli.options import ID_MAX_CHARS

    known = {
        (limits.plain(n.low), limits.plain(n.high), n.unit)
        for n in limits.every_number()
        if isinstance(n, limits.Range)
    }
    known |= {(low, high, unit) for unit, (low, high, _) in charting.DEFAULT_RANGE.items()}
    known.add(("1", str(ID_MAX_CHARS), "characters"))
    price = limits.PRICE_DEFAULT
    known.add((limits.plain(price.low), limits.plain(price.high), "range"))  # "the seed's $400–$800 range"
    return known


def _named_ranges(text: str) -> list[tuple[str, str, str]]:
    named = []
    for found in _RANGE_RE.finditer(text):
        unit = found["unit"]
        unit = "min" if unit.startswith("min") else unit
        named.append((found["low"], found["high"], unit))
    return named


def test_every_limit_named_in_prose_is_the_codes() -> None:
    """A page that says "0.1–0.75 mg/kg" says what limits.py holds: change a limit, and the prose
    that names the old one fails here."""
    known = _known_ranges()
    named = _named_ranges(EVERYTHING)
    assert ("0.1", "0.75", "mg/kg") in named and ("40", "100", "min") in named
    for found in named:
        assert found in known, f"{found[0]}–{found[1]} {found[2]} is not a limit in limits.py"


def test_a_limit_changed_in_prose_is_caught() -> None:
    known = _known_ranges()
    for changed in ("rates of 0.1–0.8 mg/kg", "a window of 40-120 min", "the seed's $400–$900 range"):
        assert any(found not in known for found in _named_ranges(changed)), changed


def test_the_unit_factors_written_into_units_py_are_current() -> None:
    """``units._FACTORS`` is written by cog from pint: ``cog -r ketacalc/units.py``."""
    from cogapp import Cog

    assert Cog().main(["cog", "--check", "-I", str(ROOT), str(ROOT / "ketacalc" / "units.py")]) == 0
