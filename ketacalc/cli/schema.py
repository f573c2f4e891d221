"""``ketacalc schema``: the JSON Schema of every document."""

from __future__ import annotations

from ketacalc.cli.shell import app, emit_json, writing


@app.command(
    "schema",
    short_help="Print the JSON Schema of every JSON document.",
    help=(
        "\b\nExample: ketacalc schema > ketacalc.schema.json\n\n"
        "Print a JSON Schema (draft 2020-12) of every JSON document ketacalc writes, chosen by its "
        "kind: dose, cost, quote, chart, plan, config, batch_quote, batch_error and batch_summary."
    ),
)
def schema_command() -> None:
    from ketacalc.schema import schema

    with writing():
        emit_json(schema())
