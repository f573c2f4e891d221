"""``ketacalc batch``: quotes for many patients (``ketacalc.batch`` does the work)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ketacalc.cli.files import check_summary_path, input_is_not_stdout, write_summary
from ketacalc.cli.options import (
    COST_SETTINGS,
    DECIMAL_MARKS,
    DOSE_SETTINGS,
    INPUT_FORMATS,
    OUTPUT_FORMATS,
    BagOpt,
    ConcentrationOpt,
    ConfigOpt,
    CurrencyOpt,
    DiluentOpt,
    DosingWeightOpt,
    DurationOpt,
    FinalConcentrationOpt,
    InfusionsOpt,
    PriceMaxOpt,
    PriceMinOpt,
    PriceOpt,
    RateOpt,
    StrictOpt,
    VtbiOpt,
    choices,
    resolved,
)
from ketacalc.cli.shell import app, say, writing
from ketacalc.errors import (
    ExitStatus,
    InputError,
)


@app.command(
    "batch",
    short_help="Quotes for many patients from CSV, JSON Lines or a spreadsheet.",
    help=(
        "\b\nExample: ketacalc batch patients.csv --price 650 > quotes.jsonl\n\n"
        "Read one patient per row (a 'weight' column is required; optional: id, rate, duration, "
        "infusions, price, price_min, price_max, currency, dosing_weight, height, sex, concentration, "
        "bag, start) and write exactly one record per row, in order: the quote --json document plus "
        "'row' and 'id', or an 'error'. Empty cells take the defaults: these options, then the config "
        "file, then the built-in ones. Exit 0 when every row was quoted, 3 when some were rejected, "
        "2 when the input cannot be used."
    ),
)
def batch_command(
    source: Annotated[
        str,
        typer.Argument(metavar="INPUT", help="A CSV, JSON Lines or spreadsheet file, or - for stdin."),
    ] = "-",
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            autocompletion=choices(INPUT_FORMATS),
            metavar="FORMAT",
            help="csv, jsonl, xlsx, ods, xls or xlsb (default: from the extension; stdin is csv).",
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            metavar="FORMAT",
            autocompletion=choices(OUTPUT_FORMATS),
            help="jsonl (default), csv or xlsx (needs ketacalc[excel]), on stdout.",
        ),
    ] = "jsonl",
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            metavar="NAME",
            help="The input's text encoding, e.g. cp1252 (default: UTF-8, or UTF-16 with a BOM; never guessed).",
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option("--delimiter", metavar="CHAR", help="CSV delimiter: , ; tab or | (default: from the header)."),
    ] = None,
    decimal: Annotated[
        str | None,
        typer.Option(
            "--decimal",
            metavar="MARK",
            autocompletion=choices(DECIMAL_MARKS),
            help=(
                "point (82.5) or comma (82,5 and 1.250,00). Default: point, but a ; or tab file with a cell "
                "such as 1.250 is read as the file's other cells show, or refused"
            ),
        ),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            metavar="FIELD=HEADER",
            help="Read a field from a column of any name, e.g. --column weight='Body weight'. Repeatable.",
        ),
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            "--header-row",
            metavar="N",
            min=1,
            max=1_000_000,
            help=(
                "The line (CSV) or sheet row (workbook) the header is on "
                "(default: the first of the first 20 rows naming a weight column)."
            ),
        ),
    ] = None,
    ignore_column: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore-column",
            metavar="HEADER",
            help="Leave a column unread that looks like a field (e.g. 'Infusion date'). Repeatable.",
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            metavar="NAME",
            help="xlsx input: the sheet to read (default: the active sheet if visible, else the first visible one).",
        ),
    ] = None,
    bom: Annotated[
        bool, typer.Option("--bom", help="csv output: start with a UTF-8 BOM, so Excel opens it as UTF-8.")
    ] = False,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel", help="csv output as Excel on Windows opens it: a UTF-8 BOM, CRLF line ends and a sep=, line."
        ),
    ] = False,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            metavar="LIST",
            help=(
                "csv or xlsx output: ketacalc's columns after the input's own, by the names --fields all "
                "writes, comma-separated (e.g. default,session.start,pump.rate_ml_per_h), or all. The default "
                "set: row, where the row is, id, patient.weight_kg, dose.rate_mg_per_kg, dose.dose_mg, "
                "series.infusions, cost.*, warnings, error.*."
            ),
        ),
    ] = None,
    summary_json: Annotated[
        str | None,
        typer.Option(
            "--summary-json", metavar="PATH", help="Also write the summary and totals as a JSON document to PATH."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress on stderr.")] = False,
    rate: RateOpt = None,
    duration: DurationOpt = None,
    dosing_weight: DosingWeightOpt = None,
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
    config: ConfigOpt = None,
    strict: StrictOpt = False,
) -> None:
    from ketacalc.batch.columns import parse_mappings
    from ketacalc.batch.decoding import parse_encoding
    from ketacalc.batch.rows import Reading, Writing, parse_decimal, parse_delimiter, parse_output_format
    from ketacalc.batch.run import run_batch
    from ketacalc.config import clinic_limits, values

    settings = resolved(config, locals(), DOSE_SETTINGS + COST_SETTINGS)
    defaults = values(settings, DOSE_SETTINGS + COST_SETTINGS)
    if defaults["dosing_weight"] is not None:
        from ketacalc.dosing import parse_basis

        defaults["dosing_weight"] = parse_basis(defaults["dosing_weight"])
    reading = Reading(
        format=input_format,
        encoding=None if encoding is None else parse_encoding(encoding),
        delimiter=None if delimiter is None else parse_delimiter(delimiter),
        decimal_comma=None if decimal is None else parse_decimal(decimal),
        columns=parse_mappings(column or ()),
        ignored=tuple(ignore_column or ()),
        header_row=header_row,
        sheet=sheet,
    )
    from ketacalc.batch.writers import parse_fields

    writing_as = Writing(
        format=parse_output_format(output),
        bom=bom,
        excel=excel,
        quiet=quiet,
        fields=None if fields is None else parse_fields(fields),
    )
    for name, given, example in (("bom", bom, "--bom"), ("excel", excel, "--excel")):
        if given and writing_as.format != "csv":
            raise InputError(
                name, None, f"is for csv output, and the output is {writing_as.format}", f"--output csv {example}"
            )
    if fields is not None and writing_as.format == "jsonl":
        raise InputError(
            "fields", fields, "is for csv or xlsx output (JSON Lines has every field)", "--output csv --fields LIST"
        )
    input_is_not_stdout(source)
    if summary_json is not None:
        check_summary_path(summary_json, source, config)  # before any row is quoted
    with writing():
        summary = run_batch(source, reading, writing_as, defaults, sys.stdout, sys.stderr, clinic_limits(settings))
    if summary_json is not None:
        write_summary(summary_json, json.dumps(summary.document(), indent=2) + "\n")
    if not quiet:
        for line in summary.lines():
            say(line)
    if summary.rejected:
        raise typer.Exit(int(ExitStatus.ROWS_REJECTED))
    if strict and summary.warned:
        raise typer.Exit(int(ExitStatus.STRICT_WARNING))
