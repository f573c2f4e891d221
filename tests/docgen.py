"""The generated parts of the documentation and of ``units.py``: the limits table, made from
``limits.py``; the batch's header names, from ``batch/columns.py``; the unit factors, from pint; and
each command's ``--help``. cog writes them (``cog -I . -r ketacalc/docs/*.md ketacalc/units.py``
from the repository's root), and ``tests/test_docs.py`` runs ``cog --check`` on every file that
has a cog block, so the docs cannot drift from the code (as sqlite-utils keeps its docs). A
development tool: it lives with the tests, not in the installed package."""

from __future__ import annotations

import json
import types
import typing
from decimal import Decimal, Inexact, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING, Any

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


def _unwrap(hint: object) -> tuple[Any, tuple[object, ...]]:
    """A declared field's type and its ``Annotated`` metadata, without NotRequired."""
    while typing.get_origin(hint) in (typing.NotRequired, typing.Required):
        (hint,) = typing.get_args(hint)
    if typing.get_origin(hint) is typing.Annotated:
        base, *extra = typing.get_args(hint)
        return base, tuple(extra)
    return hint, ()


def _members(base: Any) -> list[Any]:
    """A union's members other than None, or the type itself."""
    if typing.get_origin(base) in (typing.Union, types.UnionType):
        return [member for member in typing.get_args(base) if member is not type(None)]
    return [base]


_JSON_NAMES: dict[object, str] = {str: "string", bool: "bool", int: "integer", float: "number", type(None): "null"}


def _type_name(hint: object) -> str:
    base, _ = _unwrap(hint)
    origin = typing.get_origin(base)
    if base in _JSON_NAMES:
        return _JSON_NAMES[base]
    if origin is list:
        return "list of " + _type_name(typing.get_args(base)[0])
    if origin is dict or typing.is_typeddict(base):
        return "object"
    if origin is typing.Literal:
        return " or ".join(json.dumps(value) for value in typing.get_args(base))
    if origin in (typing.Union, types.UnionType):
        return "/".join(_type_name(member) for member in typing.get_args(base))
    return "any"


def _field_rows(declared: Any, prefix: str, skipped: set[str]) -> list[str]:
    from ketacalc import shapes

    rows = []
    for name, hint in typing.get_type_hints(declared, include_extras=True).items():
        if not prefix and name in skipped:
            continue
        base, metadata = _unwrap(hint)
        meaning = " ".join(item.text for item in metadata if isinstance(item, shapes.Doc))
        if name not in declared.__required_keys__:
            meaning = f"{meaning} (not always present)".strip()
        rows.append(f"| `{prefix}{name}` | {_type_name(hint)} | {meaning} |")
        suffix = "."
        if typing.get_origin(base) is list:
            base, _ = _unwrap(typing.get_args(base)[0])
            suffix = "[]."
        for member in _members(base):
            member, _ = _unwrap(member)
            if isinstance(member, type) and typing.is_typeddict(member):
                rows += _field_rows(member, f"{prefix}{name}{suffix}", skipped)
    return rows


def field_table(declared_name: str, skip: str = "") -> str:
    """A Markdown table of a document's fields, from its declaration in ``ketacalc.shapes``: each
    field's path, JSON type and meaning (``Doc``). ``skip``: declarations, comma-separated, whose
    fields are left out (the envelope every document has, listed once)."""
    from ketacalc import shapes

    skipped = {name for part in skip.split(",") if part for name in typing.get_type_hints(getattr(shapes, part))}
    rows = ["| field | type | meaning |", "|---|---|---|", *_field_rows(getattr(shapes, declared_name), "", skipped)]
    return "\n".join(rows) + "\n"
