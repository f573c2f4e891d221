"""Packaging: the declared floors are the ones CI tests, and the metadata is whole."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _floors(requirements: list[str]) -> dict[str, str]:
    floors = {}
    for requirement in requirements:
        match = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement)
        assert match is not None, f"{requirement!r} declares no floor"
        floors[match.group(1).lower()] = match.group(2)
    return floors


def test_ci_tests_exactly_the_declared_minimum_versions() -> None:
    declared = _floors(PYPROJECT["project"]["dependencies"])
    declared |= _floors(PYPROJECT["project"]["optional-dependencies"]["excel"])
    declared["pint"] = _floors(PYPROJECT["project"]["optional-dependencies"]["test"])["pint"]  # the factors' authority
    pinned = {}
    for line in (ROOT / ".ci" / "floor.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[name.strip().lower()] = version.strip()
    assert pinned == declared


def test_every_imported_package_is_declared() -> None:
    # platformdirs came only through pint once: with pint 0.24, `quote 70` failed.
    imported = set()
    for path in (ROOT / "ketacalc").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    # An import name is its distribution's with - as _ (python_calamine is python-calamine).
    third_party = {
        name.replace("_", "-") for name in imported - set(sys.stdlib_module_names) - {"ketacalc", "__future__"}
    }
    declared = set(_floors(PYPROJECT["project"]["dependencies"]))
    extras = set(_floors(PYPROJECT["project"]["optional-dependencies"]["excel"]))
    assert third_party == declared | extras


def test_license_and_metadata() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert project["classifiers"] and project["keywords"] and project["urls"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ketacalc.__version__"}


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_no_development_tool(tmp_path: Path) -> None:
    """A wheel built from the checkout has the cli and batch packages, the templates and the docs' PyPI
    page as its description; the development generator (tests/docgen.py) is not in it."""
    import shutil
    import subprocess
    import zipfile

    had_build = (ROOT / "build").exists()
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    if not had_build:
        shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' scratch folder, in the checkout
    (wheel,) = tmp_path.glob("ketacalc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {path.relative_to(ROOT).as_posix() for path in (ROOT / "ketacalc").rglob("*.py")}
    assert sources <= names, sorted(sources - names)
    assert {"ketacalc/templates/handout.html.j2", "ketacalc/templates/prep-sheet.html.j2"} <= names
    assert "ketacalc/reference.py" not in names and not any("docgen" in name for name in names)
    assert not any(name.startswith(("tests/", "ketacalc/docs/")) for name in names), sorted(names)
    metadata = next(name for name in names if name.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode("utf-8")
    assert "Classifier: Programming Language :: Python :: 3.13" in text and "Author-email:" in text
    assert "](ketacalc/" not in text  # no relative link in the PyPI description
