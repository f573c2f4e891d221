"""The generated parts of the README and of ``units.py``: the limits table, made from ``limits.py``,
the unit factors, from pint, and
each command's ``--help``. cog writes them into the README (``cog -r
README.md``), and a test runs ``cog --check README.md``, so the README cannot
drift from the code (as sqlite-utils keeps its docs)."""

from __future__ import annotations

from ketacalc import limits

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
    from ketacalc import units

    pairs = sorted({(unit, kind.target) for kind in units.KINDS for unit in kind.spellings.values()})
    lines = ["_FACTORS: dict[tuple[str, str], str] = {"]
    for unit, target in pairs:
        if unit != target:
            lines.append(f'    ("{unit}", "{target}"): "{units.exact_factor(unit, target)}",')
    return "\n".join(lines) + "\n}\n"
