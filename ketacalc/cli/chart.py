"""``ketacalc chart``: a dosing chart for a range of weights by a set of rates."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ketacalc import charting, limits
from ketacalc.cli.options import (
    WEIGHT_UNITS,
    BagOpt,
    ChartRatesOpt,
    ConcentrationOpt,
    ConfigOpt,
    DurationOpt,
    FinalConcentrationOpt,
    JsonOpt,
    StrictOpt,
    VtbiOpt,
    choices,
    inputs,
    named_by,
    resolved,
)
from ketacalc.cli.shell import app, finish, say, show, writing
from ketacalc.errors import (
    InputError,
)


def chart_defaults(index: int) -> str:
    return " / ".join(f"{values[index]} {unit}" for unit, values in charting.DEFAULT_RANGE.items())


CHART_SETTINGS = ("rates", "concentration", "bag", "duration", "final_concentration", "vtbi")


@app.command(
    "chart",
    short_help="A dosing chart: doses for a range of weights by a set of rates.",
    help=(
        "\b\nExample: ketacalc chart --from 40 --to 150 --step 5 --rates 0.25,0.5,0.75\n\n"
        "Print a reference card of doses in mg for a range of weights (in kg, or lb with --unit lb) "
        f"at each rate ({limits.RATE_MG_PER_KG.allowed()}). With --concentration "
        "and --bag it also gives the pump rate in mL/h over --duration "
        f"(default {limits.DURATION_DEFAULT_MINUTES.text()}). Table, --json or --csv."
    ),
)
def chart_command(
    start: Annotated[
        str | None, typer.Option("--from", metavar="WEIGHT", help=f"First weight (default {chart_defaults(0)}).")
    ] = None,
    stop: Annotated[
        str | None, typer.Option("--to", metavar="WEIGHT", help=f"Last weight (default {chart_defaults(1)}).")
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            metavar="STEP",
            help=f"Weight step (default {chart_defaults(2)}); at most {charting.MAX_ROWS} rows.",
        ),
    ] = None,
    unit: Annotated[
        str,
        typer.Option(
            "--unit",
            metavar="UNIT",
            autocompletion=choices(WEIGHT_UNITS),
            help="Unit of --from, --to, --step: kg or lb.",
        ),
    ] = "kg",
    rates: ChartRatesOpt = None,
    concentration: ConcentrationOpt = None,
    bag: BagOpt = None,
    final_concentration: FinalConcentrationOpt = None,
    vtbi: VtbiOpt = None,
    duration: DurationOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (a header, one line per weight).")] = False,
    strict: StrictOpt = False,
) -> None:
    from ketacalc.config import values
    from ketacalc.documents import chart_csv, chart_document
    from ketacalc.render import chart_blocks

    if as_json and as_csv:
        raise InputError("csv", None, "cannot be given with --json", "one of --json and --csv")
    settings = resolved(config, locals(), CHART_SETTINGS)
    s = values(settings, CHART_SETTINGS)
    with named_by(settings):
        result = charting.chart(start, stop, step, unit=unit, **s)  # type: ignore[arg-type]
    used = inputs(settings, CHART_SETTINGS, {"from": start, "to": stop, "step": step, "unit": unit})
    if not as_csv:
        document = {**chart_document(result), "inputs": used}
        show(result, lambda r: document, chart_blocks, as_json=as_json, strict=strict)
        return
    import csv

    with writing():
        csv.writer(sys.stdout, lineterminator="\n").writerows(chart_csv(result))
        sys.stdout.flush()
    say(f"note: {limits.DISCLAIMER}")  # kept out of the CSV itself
    finish(result.warnings, strict)
