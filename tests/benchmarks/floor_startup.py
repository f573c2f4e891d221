"""The start-up floor: the least a command-line quote built on ketacalc's stack can cost.

A Typer app of one command with one argument and two options, which imports pint (the
units library the product names; ketacalc itself no longer imports it at run time, so
this floor is the stricter for it) and prints one JSON line, or with no --json a
one-row Rich table. bench.py times ``ketacalc quote`` against it.

    python tests/benchmarks/floor_startup.py 70 --json
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import pint  # noqa: F401 - importing it is part of what the floor costs
import typer

app = typer.Typer(add_completion=False)


@app.command()
def quote(
    weight: str,
    rate: Annotated[float, typer.Option("--rate")] = 0.5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    if as_json:
        sys.stdout.write(json.dumps({"weight": weight, "rate": rate}) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("weight", "rate")
    table.add_row(weight, str(rate))
    Console().print(table)


if __name__ == "__main__":
    app()
