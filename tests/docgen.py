"""The generated parts of the documentation and of ``units.py``: the limits table, made from
``limits.py``; the batch's header names, from ``batch/columns.py``; the unit factors, from pint; and
each command's ``--help``. cog writes them (``cog -I . -r ketacalc/docs/*.md ketacalc/units.py``
from the repository's root), and ``tests/test_docs.py`` runs ``cog --check`` on every file that
has a cog block, so the docs cannot drift from the code (as sqlite-utils keeps its docs). A
development tool: it lives with the tests, not in the installed package."""

from __future__ import annotations

from decimal import Decimal, Inexact, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING

from ketacalc import limits, units
from ketacalc.exact import EXACT, settled

if TYPE_CHECKING:
    import pint

HELP_COLUMNS = "100"


def limits_table() -> str:
    """Every number in ``limits.py``, its value and its source, as a Markdown table."""
    rows = ["| number | value | source |", "|---|---|---|"]
    for number in limits.every_number():
        value = number.allowed() if isinstance(number, limits.Range) else number.text()
        rows.append(f"| {number.what} | {value} | {number.source} |")
    return "\n".join(rows) + "\n"


def header_names_table() -> str:
    """``columns.HEADER_NAMES``: the headers a batch reads as each field, as a Markdown table."""
    from ketacalc.batch import columns

    by_field: dict[str, list[str]] = {}
    for name, field in columns.HEADER_NAMES.items():
        by_field.setdefault(field, []).append(name.replace("_", " "))
    rows = ["| field | headers read as it (any case and spacing) |", "|---|---|"]
    for field in columns.FIELDS:
        rows.append(f"| `{field}` | {', '.join(f'`{name}`' for name in by_field.get(field, []))} |")
    return "\n".join(rows) + "\n"


def help_text(*command: str) -> str:
    """``ketacalc COMMAND --help``, as a console block, at a fixed width."""
    from typer.testing import CliRunner

    from ketacalc.cli import app

    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": HELP_COLUMNS, "NO_COLOR": "1"})
    words = " ".join(["ketacalc", *command, "--help"])
    body = "\n".join(line.rstrip() for line in result.stdout.splitlines())
    return f"```\n{words}\n\n{body}\n```\n"


def factor_table() -> str:
    """``units._FACTORS``: pint's factor for every unit a field accepts."""
    pairs = sorted({(unit, kind.target) for kind in units.KINDS for unit in kind.spellings.values()})
    lines = ["_FACTORS: dict[tuple[str, str], str] = {"]
    for unit, target in pairs:
        if unit != target:
            lines.append(f'    ("{unit}", "{target}"): "{exact_factor(unit, target)}",')
    return "\n".join(lines) + "\n}\n"


def new_registry() -> pint.UnitRegistry[Decimal]:
    """A pint UnitRegistry of ``units.DEFINITIONS`` alone (Decimal magnitudes, nothing else defined)."""
    import pint

    ureg: pint.UnitRegistry[Decimal] = pint.UnitRegistry(None, non_int_type=Decimal, cache_folder=None)
    for line in units.DEFINITIONS:
        ureg.define(line)
    return ureg


def exact_factor(unit: str, target: str) -> str:
    """pint's factor from ``unit`` to ``target`` as exact text: a decimal, or
    N/D where it does not terminate (a second is 1/60 minute). Each unit is
    taken to pint's root units with Inexact trapped (every scale defined in
    ``units.DEFINITIONS`` is an exact decimal), and the two are divided as
    Fractions, so nothing is rounded whatever the pint version's order of operations."""
    ureg = new_registry()  # built outside the strict context: its definitions are its own
    strict = EXACT.copy()
    strict.traps[Inexact] = True
    with localcontext(strict):
        source = ureg.Quantity(Decimal(1), unit).to_root_units()
        goal = ureg.Quantity(Decimal(1), target).to_root_units()
    if source.units != goal.units:
        raise ValueError(f"{unit} is not a unit of {target}")
    ratio = Fraction(source.magnitude) / Fraction(goal.magnitude)
    value = settled(ratio)
    return str(value) if type(value) is Decimal else f"{ratio.numerator}/{ratio.denominator}"
