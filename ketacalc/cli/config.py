"""``ketacalc config``: the effective settings and where each came from."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ketacalc.cli.app import app, show
from ketacalc.cli.options import (
    COST_SETTINGS,
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
    from ketacalc.config import SPECS, find, search, values
    from ketacalc.costing import cost
    from ketacalc.documents import envelope
    from ketacalc.pump import both_or_neither
    from ketacalc.render import search_blocks, settings_blocks

    if path:
        places = search(config)
        # The first place that names a path decides; a named file that is missing is shown, not an error.
        named = next((place for place in places if place["path"] is not None), None)
        used = named["path"] if named is not None and named["exists"] else None
        document = {**envelope("config"), "file": {"searched": places, "used": used}}
        show(document, as_json=as_json, strict=False, document=dict, blocks=search_blocks, warnings=())
        return

    flags = {"rate": rate, "duration": duration, "dosing_weight": dosing_weight, "concentration": concentration}
    flags |= {"bag": bag, "infusions": infusions, "price_min": price_min, "price_max": price_max}
    flags |= {"price": price, "currency": currency, "rates": rates}
    flags |= {"days": days, "per_week": per_week, "boosters": boosters, "booster_every": booster_every}
    flags |= {"booster_price": booster_price, "final_concentration": final_concentration, "vtbi": vtbi}
    flags |= {"diluent": diluent}
    for name, flag in flags.items():
        if flag is not None:
            SPECS[name].parse(flag, name)
    settings = resolved(config, flags)
    cost(**values(settings, COST_SETTINGS))  # the same checks as every other command (price_min <= price_max)
    both_or_neither(settings["concentration"].value, settings["bag"].value, settings["final_concentration"].value)
    shown = {}
    one_price = settings["price"]
    for name, setting in settings.items():
        if name in ("price_min", "price_max") and one_price.value is not None:
            # One known price replaces the built-in (or the file's) range.
            shown[name] = {"value": None, "source": f"replaced by price ({one_price.source})"}
            continue
        value = setting.value if setting.value is not None else SPECS[name].built_in
        shown[name] = {"value": None if value is None else str(value), "source": setting.source}
    used = find(config, os.environ)
    document = {
        **envelope("config"),
        "settings": shown,
        "file": {"searched": search(config), "used": None if used is None else str(used)},
    }
    show(document, as_json=as_json, strict=False, document=dict, blocks=settings_blocks, warnings=())
