"""``ketacalc config``: the effective settings and where each came from."""

from __future__ import annotations

from typing import Annotated

import typer

from ketacalc.cli.options import (
    COST_SETTINGS,
    DOSE_SETTINGS,
    PLAN_SETTINGS,
    BagOpt,
    ChartRatesOpt,
    ConcentrationOpt,
    ConfigOpt,
    CurrencyOpt,
    DiluentOpt,
    DosingWeightOpt,
    DurationOpt,
    FinalConcentrationOpt,
    InfusionsOpt,
    JsonOpt,
    PriceMaxOpt,
    PriceMinOpt,
    PriceOpt,
    RateOpt,
    VtbiOpt,
    resolved,
)
from ketacalc.cli.shell import app, show


@app.command(
    "config",
    short_help="Show the effective settings and where each came from.",
    help=(
        "\b\nExample: ketacalc config --config clinic.toml\n\n"
        "Print every setting with its value and its source: built-in, the config file's path, "
        "or a flag. Flags beat the config file, which beats the built-in defaults."
    ),
)
def config_command(
    rate: RateOpt = None,
    duration: DurationOpt = None,
    dosing_weight: DosingWeightOpt = None,
    rates: ChartRatesOpt = None,
    concentration: ConcentrationOpt = None,
    bag: BagOpt = None,
    final_concentration: FinalConcentrationOpt = None,
    vtbi: VtbiOpt = None,
    diluent: DiluentOpt = None,
    infusions: InfusionsOpt = None,
    price_min: PriceMinOpt = None,
    price_max: PriceMaxOpt = None,
    price: PriceOpt = None,
    currency: CurrencyOpt = None,
    days: Annotated[str | None, typer.Option("--days", metavar="DAYS", help="Plan weekdays, e.g. mon,thu.")] = None,
    per_week: Annotated[str | None, typer.Option("--per-week", metavar="N", help="Plan sessions a week.")] = None,
    boosters: Annotated[str | None, typer.Option("--boosters", metavar="N", help="Plan boosters.")] = None,
    booster_every: Annotated[
        str | None, typer.Option("--booster-every", metavar="INTERVAL", help="Plan booster interval.")
    ] = None,
    booster_price: Annotated[
        str | None, typer.Option("--booster-price", metavar="AMOUNT", help="Plan booster price.")
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    path: Annotated[
        bool,
        typer.Option("--path", help="Print only where the config file is looked for, and which one is used."),
    ] = False,
) -> None:
    from ketacalc.config import SPECS, file_found, settings_shown
    from ketacalc.documents import envelope
    from ketacalc.render import search_blocks, settings_blocks

    if path:
        document = {**envelope("config"), "file": file_found(config, only_where=True)}
        show(document, dict, search_blocks, as_json=as_json)
        return
    names = DOSE_SETTINGS + COST_SETTINGS + ("rates",) + PLAN_SETTINGS
    given = locals()
    for name in names:
        if given[name] is not None:
            SPECS[name].parse(given[name], name)
    document = {
        **envelope("config"),
        "settings": settings_shown(resolved(config, given, names)),
        "file": file_found(config),
    }
    show(document, dict, settings_blocks, as_json=as_json)
