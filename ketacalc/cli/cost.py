"""``ketacalc cost``: the cost of an infusion series."""

from __future__ import annotations

from ketacalc import limits
from ketacalc.cli.options import (
    COST_SETTINGS,
    ConfigOpt,
    CurrencyOpt,
    InfusionsOpt,
    JsonOpt,
    PriceMaxOpt,
    PriceMinOpt,
    PriceOpt,
    StrictOpt,
    inputs,
    named_by,
    resolved,
)
from ketacalc.cli.shell import app, show


@app.command(
    "cost",
    short_help="The cost of an infusion series.",
    help=(
        "\b\nExample: ketacalc cost --infusions 6 --price-min 450 --price-max 750\n\n"
        "Price a series of infusions: per infusion and in total, as min, mid and max. "
        f"Defaults: {int(limits.INFUSIONS_DEFAULT.value)} infusions at {limits.PRICE_DEFAULT.allowed()} each. "
        "Money is exact in the currency's minor units (cents, yen), "
        "midpoints rounded half-up."
    ),
)
def cost_command(
    infusions: InfusionsOpt = None,
    price_min: PriceMinOpt = None,
    price_max: PriceMaxOpt = None,
    price: PriceOpt = None,
    currency: CurrencyOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    from ketacalc.config import values
    from ketacalc.costing import cost
    from ketacalc.documents import cost_document
    from ketacalc.render import cost_blocks

    settings = resolved(config, locals(), COST_SETTINGS)
    s = values(settings, COST_SETTINGS)
    with named_by(settings):
        result = cost(**s)
    used = inputs(settings, COST_SETTINGS, {})
    show(result, lambda r: {**cost_document(r), "inputs": used}, cost_blocks, as_json=as_json, strict=strict)
