"""The command line: options in, the core called, a renderer chosen. No arithmetic.

Every value arrives as text and is parsed by the core, so every bad input gets
the same one-line error (exit 2). Errors are turned into that line in one place,
``_Group.main``.

The imports inside the commands are deliberate: each command loads only what it
uses, which start-up measurably needs (tests/benchmarks/bench.py: `quote 70
--json` answers in about 0.9x the time of a bare Typer command that imports
pint, because it never loads Rich, pint, platformdirs or the batch reader;
tests/test_process.py checks that JSON and errors do not import Rich).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import errno
import io
import json
import os
import signal
import stat
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from ketacalc import __version__, chart, limits
from ketacalc.errors import (
    ExitStatus,
    InputError,
    KetacalcError,
    OutputError,
    ReaderGone,
    SoftWarning,
    is_terminal,
    printable,
)
from ketacalc.limits import plain
from ketacalc.values import Given

if TYPE_CHECKING:
    from ketacalc.config import Setting
    from ketacalc.render import Block

R = TypeVar("R")

DEBUG_ENV = "KETACALC_DEBUG"
# Errors that only a write can raise here: every read of an input is caught
# where it happens and named as an input error.
_FULL_OUTPUT = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)

# How the core's field names are shown on the command line.
_FLAG_NAMES = {"weight": "WEIGHT", "dose": "dose", "source": "INPUT"}


def flag_name(field: str) -> str:
    return _FLAG_NAMES.get(field, "--" + field.replace("_", "-"))


def _say(line: str) -> None:
    """One line on stderr, never through Rich (no markup, no wrapping). Control
    characters from user text are escaped. A closed or full stderr loses the
    commentary, never the run: results written still mean success."""
    try:
        sys.stderr.write(printable(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def fail(message: str, status: ExitStatus) -> NoReturn:
    """One line on stderr (line breaks and control characters escaped), then exit."""
    _say("error: " + message)
    raise SystemExit(int(status))


class _Group(TyperGroup):
    """Runs the app and turns every failure into one line on stderr and a
    documented exit status: never a traceback, unless KETACALC_DEBUG=1."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if threading.current_thread() is threading.main_thread():
            # From here on, Ctrl-C is a KeyboardInterrupt that the boundary below
            # turns into one line and exit 130, after what was written is flushed.
            from ketacalc.stdout import on_interrupt

            signal.signal(signal.SIGINT, on_interrupt)
        stdout = sys.stdout
        given = list(args) if args is not None else sys.argv[1:]
        if stdout is None and any(word in ("-h", "--help") for word in given):
            # Click prints help to a closed stdout without a word: say it, as every other output does.
            fail("cannot write output: stdout is closed", ExitStatus.FAILURE)
        try:
            status = super().main(
                args=args,
                prog_name=prog_name or "ketacalc",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except InputError as error:
            fail(error.describe(flag_name(error.field)), ExitStatus.INVALID_INPUT)
        except OutputError as error:
            fail(str(error), ExitStatus.FAILURE)
        except KetacalcError as error:  # a config file or batch input that cannot be used
            fail(str(error), ExitStatus.INVALID_INPUT)
        except SystemExit as done:
            if sys.stdout is not stdout and done.code == 1:
                # Typer met a broken pipe (printing --help into `| head`): it swaps in a
                # flush-pacifying stdout and exits 1. The reader went away: a quiet 141.
                raise SystemExit(int(ExitStatus.BROKEN_PIPE)) from None
            raise
        except (ReaderGone, BrokenPipeError):
            # The reader went away (| head): stop quietly, as a shell tool does.
            # stdout now points at /dev/null so the interpreter's last flush is silent.
            with contextlib.suppress(OSError, ValueError, AttributeError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(int(ExitStatus.BROKEN_PIPE)) from None
        except typer.TyperException as error:  # Click's usage errors, through Typer's public base class
            format_message = getattr(error, "format_message", None)
            message = format_message() if callable(format_message) else str(error)
            context = getattr(error, "ctx", None)  # the (sub)command it happened in
            command = getattr(context, "command_path", None) or "ketacalc"
            if command == "ketacalc":  # some errors carry the group's context: the command named is the first
                given = list(args) if args is not None else sys.argv[1:]
                named = next((word for word in given if word in self.commands), None)
                command = f"ketacalc {named}" if named else command
            fail(f"{str(message).rstrip('.')} (see '{command} --help')", ExitStatus.INVALID_INPUT)
        except (typer.Abort, KeyboardInterrupt):
            fail("interrupted", ExitStatus.INTERRUPTED)
        except Exception as error:  # the one place an unexpected failure is caught
            if isinstance(error, OSError) and error.errno in _FULL_OUTPUT:  # help text into /dev/full
                fail(f"cannot write output: {error.strerror}", ExitStatus.FAILURE)
            if os.environ.get(DEBUG_ENV) == "1":
                traceback.print_exc()
            detail = f": {error}" if isinstance(error, OSError) else ""
            fail(
                f"unexpected failure ({type(error).__name__}{detail}); set {DEBUG_ENV}=1 for details",
                ExitStatus.FAILURE,
            )
        if status == ExitStatus.INTERRUPTED:
            fail("interrupted", ExitStatus.INTERRUPTED)
        raise SystemExit(status or 0)


app = typer.Typer(
    cls=_Group,
    name="ketacalc",
    help=(
        "Ketamine infusion dose and cost calculator. Informational only: not medical advice.\n\n"
        "\b\nExamples:\n  ketacalc quote 70kg\n  ketacalc dose '154 lb' --rate 0.5 --duration 45\n"
        "  ketacalc cost --infusions 6 --price 650 --json"
    ),
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _chart_defaults(index: int) -> str:
    return " / ".join(f"{values[index]} {unit}" for unit, values in chart.DEFAULT_RANGE.items())


def _version(value: bool) -> None:
    if value:
        with writing():
            sys.stdout.write(f"ketacalc {__version__}\n")
            sys.stdout.flush()
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Ketamine infusion dose and cost calculator."""
    if ctx.invoked_subcommand is None:  # plain `ketacalc`: the help, as asked for
        with writing():
            sys.stdout.write(ctx.get_help() + "\n")
            sys.stdout.flush()


# --- options shared by the commands ------------------------------------------------

WeightArg = Annotated[
    str,
    typer.Argument(
        metavar="WEIGHT",
        help=(
            f"Patient weight: a number and an optional unit (kg, lb, st, g), e.g. 70, 70kg, '154 lb', "
            f"'11 stone', '11 st 4 lb'. A bare number is kg. {limits.WEIGHT_KG.allowed()}; "
            f"outside {limits.WEIGHT_PLAUSIBLE_KG.allowed()} warns."
        ),
        show_default=False,
    ),
]
RateOpt = Annotated[
    str | None,
    typer.Option(
        "--rate",
        metavar="RATE",
        help=(
            f"Dose rate, {limits.RATE_MG_PER_KG.allowed()} "
            f"(default {limits.RATE_DEFAULT_MG_PER_KG.text()}). Also '0.5 mg/kg' or '500 mcg/kg'."
        ),
    ),
]
DurationOpt = Annotated[
    str | None,
    typer.Option(
        "--duration",
        metavar="DURATION",
        help=(
            f"Infusion duration, {limits.DURATION_MINUTES.allowed()} "
            f"(default {limits.DURATION_DEFAULT_MINUTES.text()}). A bare number is minutes; also '45 min', '1.5 h'."
        ),
    ),
]
InfusionsOpt = Annotated[
    str | None,
    typer.Option(
        "--infusions",
        metavar="N",
        help=(
            f"Infusions in the series, {limits.INFUSIONS.allowed()} "
            f"(default {int(limits.INFUSIONS_DEFAULT.value)}); more than {int(limits.INFUSIONS_USUAL_MAX.value)} warns."
        ),
    ),
]
PriceMinOpt = Annotated[
    str | None,
    typer.Option(
        "--price-min",
        metavar="AMOUNT",
        help=f"Lowest price per infusion (default {plain(limits.PRICE_DEFAULT.low)}).",
    ),
]
PriceMaxOpt = Annotated[
    str | None,
    typer.Option(
        "--price-max",
        metavar="AMOUNT",
        help=f"Highest price per infusion (default {plain(limits.PRICE_DEFAULT.high)}).",
    ),
]
PriceOpt = Annotated[
    str | None,
    typer.Option(
        "--price",
        metavar="AMOUNT",
        help="One known price per infusion (instead of --price-min/--price-max). 0 or more, to the cent.",
    ),
]
CurrencyOpt = Annotated[
    str | None,
    typer.Option(
        "--currency",
        metavar="CODE",
        help=f"ISO 4217 code, a label only, no exchange rates (default {limits.PRICE_DEFAULT.unit}).",
    ),
]
JsonOpt = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON document on stdout instead of tables."),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Exit 4 when there is any warning (results are still printed)."),
]
DosingWeightOpt = Annotated[
    str | None,
    typer.Option(
        "--dosing-weight",
        metavar="BASIS",
        help="Weight the dose is computed on: actual (default), ideal or adjusted (need --height and --sex).",
    ),
]
HeightOpt = Annotated[
    str | None,
    typer.Option("--height", metavar="HEIGHT", help="Height with a unit: '175 cm', '1.75 m', '69 in', '5 ft 9 in'."),
]
SexOpt = Annotated[
    str | None,
    typer.Option("--sex", metavar="SEX", help="female or male, for Devine's ideal weight."),
]
ConcentrationOpt = Annotated[
    str | None,
    typer.Option(
        "--concentration",
        metavar="MG_PER_ML",
        help=(
            "Ketamine stock, mass per volume: '10 mg/mL', '50 mg/mL', '100 mg/mL' "
            f"({limits.CONCENTRATION_MG_PER_ML.allowed()}). Needs --bag."
        ),
    ),
]
BagOpt = Annotated[
    str | None,
    typer.Option(
        "--bag",
        metavar="VOLUME",
        help=(
            "Diluent volume the dose is drawn into: '100 mL', '0.25 L' "
            f"({limits.BAG_ML.allowed()}). Needs --concentration."
        ),
    ),
]
ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="PATH",
        help="Clinic config file (TOML). Default: $KETACALC_CONFIG, else config.toml in the user config directory.",
    ),
]
ChartRatesOpt = Annotated[
    str | None,
    typer.Option(
        "--rates",
        metavar="RATES",
        help=(
            f"Chart: comma-separated rates, each {limits.RATE_MG_PER_KG.allowed()} "
            f"(up to {chart.MAX_RATES}; default {chart.DEFAULT_RATES})."
        ),
    ),
]
HtmlOpt = Annotated[
    str | None,
    typer.Option(
        "--html",
        metavar="FILE",
        help="Also write a one-page patient handout (HTML) to FILE; - writes it to stdout instead of the usual output.",
    ),
]
DateOpt = Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="Handout: its date (default today).")]
RefOpt = Annotated[
    str | None, typer.Option("--ref", metavar="TEXT", help="Handout: its reference (default generated).")
]
ValidDaysOpt = Annotated[
    str | None, typer.Option("--valid-days", metavar="N", help="Handout: days the estimate is valid (default 30).")
]
IdOpt = Annotated[
    str | None,
    typer.Option(
        "--id",
        metavar="TEXT",
        help="The patient's id or reference: in the heading, the JSON and the handout (the only patient data there).",
    ),
]
PrepSheetOpt = Annotated[
    str | None,
    typer.Option(
        "--prep-sheet",
        metavar="FILE",
        help=(
            "Also write a one-page preparation sheet for the nurse (HTML) to FILE; - writes it to stdout instead "
            "of the usual output. Needs pump settings."
        ),
    ),
]
VtbiOpt = Annotated[
    str | None,
    typer.Option(
        "--vtbi",
        metavar="BASIS",
        help="The volume the pump is programmed with: bag+drug (default) or bag (the bag's nominal volume).",
    ),
]
DiluentOpt = Annotated[
    str | None,
    typer.Option(
        "--diluent",
        metavar="NAME",
        help=f"The diluent's name, for the read-back line (default {limits.DILUENT_DEFAULT}).",
    ),
]
FinalConcentrationOpt = Annotated[
    str | None,
    typer.Option(
        "--final-concentration",
        metavar="MG_PER_ML",
        help=(
            "A standard concentration, e.g. '1 mg/mL' for a premixed bag or '10 mg/mL' in a syringe "
            f"({limits.FINAL_CONCENTRATION_MG_PER_ML.allowed()}): VTBI = dose / it. Not with --bag; with "
            "--concentration, the stock is drawn and made up to volume."
        ),
    ),
]
IncludeDoseOpt = Annotated[bool, typer.Option("--include-dose", help="Handout: show the dose (not shown by default).")]
StartOpt = Annotated[
    str | None,
    typer.Option("--start", metavar="HH:MM", help="Start time (24-hour) for infusion and recovery end times."),
]


# --- output ---------------------------------------------------------------------------


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Around every write to stdout: a reader that went away stops the run
    quietly; a stdout that cannot be written is one line and exit 1."""
    if sys.stdout is None:
        raise OutputError("cannot write output: stdout is closed")
    try:
        yield
    except BrokenPipeError:
        raise ReaderGone from None
    except OSError as error:
        raise OutputError(f"cannot write output: {error.strerror or error}") from None


def emit_json(document: dict[str, Any]) -> None:
    """Exactly one JSON document on stdout, written directly (never through Rich)."""
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
    sys.stdout.flush()


_DOSE_SETTINGS = ("rate", "duration", "dosing_weight", "concentration", "bag", "final_concentration", "vtbi", "diluent")
_COST_SETTINGS = ("infusions", "price_min", "price_max", "price", "currency")


def _resolved(config_path: str | None, flags: Mapping[str, Given | None]) -> dict[str, Setting]:
    """Flags over the config file over the built-in defaults, with sources."""
    from ketacalc.config import resolve

    return resolve(flags, config_path)


def inputs(settings: Mapping[str, Setting], names: Sequence[str], given: Mapping[str, Given | None]) -> dict[str, Any]:
    """The JSON's ``inputs``: every setting the run used, as given, with its
    source (flag, the config file's path, built-in), and every argument given.
    Run again with these as flags, they give the same document."""
    from ketacalc.config import BUILT_IN, SPECS, replaced

    used: dict[str, Any] = {}
    for name, value in given.items():
        if value is not None:
            used[name] = {"value": str(value), "source": FLAG_SOURCE}
    for name in names:
        setting = settings[name]
        if setting.value is not None:
            used[name] = {"value": str(setting.value), "source": setting.source}
    chosen = {name: item["value"] for name, item in used.items()}
    for name in names:
        built_in = SPECS[name].built_in
        if name not in used and built_in is not None and not replaced(name, chosen, ""):
            # The value itself, as it would be typed ("2 (mon,thu)" is shown as 2).
            used[name] = {"value": built_in.split(" (")[0], "source": BUILT_IN}
    return used


FLAG_SOURCE = "flag"
# The clinic's limits in the config: part of a run's inputs when the file sets them.
_LIMITS = ("dose_mg_soft_max", "dose_mg_hard_max", "pump_rate_ml_per_h_soft_max")
ID_MAX_CHARS = 100


def patient_id_of(value: str | None) -> str | None:
    """--id: a short, non-empty line; bytes the shell passed that are not UTF-8 are kept escaped."""
    if value is None:
        return None
    text = value.encode("utf-8", "backslashreplace").decode("utf-8")
    if not text.strip() or len(text) > ID_MAX_CHARS:
        problem = "is empty" if not text.strip() else f"is longer than {ID_MAX_CHARS} characters"
        raise InputError("id", text, problem, f"the patient's id or reference, 1–{ID_MAX_CHARS} characters")
    return text


def audited(document: dict[str, Any], patient_id: str | None, used: dict[str, Any]) -> dict[str, Any]:
    """The document with the patient's id and the inputs, after the notice."""
    return {**document, "id": patient_id, "inputs": used}


@contextlib.contextmanager
def named_by(settings: Mapping[str, Setting]) -> Iterator[None]:
    """An input error about a value the config file gave names the file and the
    key, not a flag nobody typed."""
    from ketacalc.config import BUILT_IN, SPECS, ConfigError

    try:
        yield
    except InputError as error:
        setting = settings.get(error.field)
        if setting is None or setting.source in (BUILT_IN, FLAG_SOURCE):
            raise
        section = SPECS[error.field].section
        raise ConfigError(f"config {setting.source}: [{section}] {error.describe(error.field)}") from None


def show(
    result: R,
    *,
    as_json: bool,
    strict: bool,
    document: Callable[[R], dict[str, Any]],
    blocks: Callable[[R], list[Block]],
    warnings: Sequence[SoftWarning],
) -> None:
    """The one output path of dose, cost, quote, chart and config: one JSON document,
    or the human blocks with their warnings among them; then the warnings on
    stderr (for JSON, and for human output not going to a terminal, where the
    block is not seen), and exit 4 under --strict when there is any."""
    with writing():
        if as_json:
            emit_json(document(result))
        else:
            from ketacalc.render import print_blocks

            print_blocks(blocks(result), warnings)
            sys.stdout.flush()
    _finish(warnings, strict, on_stderr=as_json or not is_terminal(sys.stdout))


# --- commands ---------------------------------------------------------------------------


@app.command(
    "dose",
    short_help="A dose and its infusion rates from a weight.",
    help=(
        "\b\nExample: ketacalc dose 70kg --rate 0.5 --duration 45\n\n"
        "Compute the dose (dosing weight x rate) and the infusion rate in mg/min, mg/h and "
        f"mg/kg/h over the chosen duration and at both ends of the {limits.DURATION_MINUTES.allowed()}"
        f" window, with the {limits.RECOVERY_MINUTES.text()} recovery and "
        "the total visit time."
    ),
)
def dose_command(
    weight: WeightArg,
    rate: RateOpt = None,
    duration: DurationOpt = None,
    dosing_weight: DosingWeightOpt = None,
    height: HeightOpt = None,
    sex: SexOpt = None,
    concentration: ConcentrationOpt = None,
    bag: BagOpt = None,
    final_concentration: FinalConcentrationOpt = None,
    vtbi: VtbiOpt = None,
    diluent: DiluentOpt = None,
    start: StartOpt = None,
    patient_id: IdOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
    prep_sheet: PrepSheetOpt = None,
) -> None:
    from ketacalc.config import clinic_limits, values
    from ketacalc.documents import dose_document
    from ketacalc.dosing import dose
    from ketacalc.render import dose_blocks

    patient_id = patient_id_of(patient_id)
    flags = {"rate": rate, "duration": duration, "dosing_weight": dosing_weight}
    flags |= {"concentration": concentration, "bag": bag, "final_concentration": final_concentration}
    flags |= {"vtbi": vtbi, "diluent": diluent}
    settings = _resolved(config, flags)
    s = values(settings, _DOSE_SETTINGS)
    with named_by(settings):
        result = clinic_limits(settings).check(dose(weight, height=height, sex=sex, start=start, **s))
    given = {"weight": weight, "height": height, "sex": sex, "start": start}
    used = inputs(settings, _used(_DOSE_SETTINGS, result.pump is not None) + _LIMITS, given)
    pages = {"prep_sheet": (prep_sheet, _prep_page(prep_sheet, result, patient_id, as_json))}
    if _emit_outputs(pages, [*_run_files(config), *_handout_inputs(settings)]):
        return _finish(result.warnings, strict)
    show(
        result,
        as_json=as_json,
        strict=strict,
        document=lambda r: audited(dose_document(r), patient_id, used),
        blocks=lambda r: dose_blocks(r, patient_id),
        warnings=result.warnings,
    )


def _run_files(config: str | None) -> list[tuple[str, str | None]]:
    """The files this run reads: the config file (named or found)."""
    from ketacalc.config import find

    try:
        found = find(config, os.environ)
    except KetacalcError:
        found = None
    return [("the config file", None if found is None else str(found))]


def _prep_page(path: str | None, d: Any, patient_id: str | None, as_json: bool) -> bytes | None:
    """The preparation sheet, made (and every option of it checked) before anything is written."""
    if path is None:
        return None
    import datetime as dates

    from ketacalc import prepsheet

    prepsheet.needs_pump(d)
    if path == "-" and as_json:
        raise InputError("prep_sheet", "-", "and --json would both go to stdout", "--prep-sheet FILE with --json")
    return prepsheet.page(d, patient_id, dates.date.today()).encode("utf-8")


def _emit_outputs(pages: Mapping[str, tuple[str | None, bytes | None]], read: list[tuple[str, str | None]]) -> bool:
    """Every output file of the run, made already: each path checked against the run's inputs and the
    other outputs, then all written together (``outputs.write_all``: nothing is replaced unless every
    one can be); a page for stdout ("-") goes there instead of the usual output (True)."""
    given = {field: (path, data) for field, (path, data) in pages.items() if path is not None and data is not None}
    if not given:
        return False  # no output file: the writer is not even imported (bench.py: every quote's start-up)
    from ketacalc import outputs

    to_stdout = [field for field, (path, _) in given.items() if path == "-"]
    if len(to_stdout) > 1:
        raise InputError(
            to_stdout[1],
            "-",
            f"and --{to_stdout[0].replace('_', '-')} - would both go to stdout",
            "one of them to a file",
        )
    files = {field: (str(path), data) for field, (path, data) in given.items() if path != "-"}
    for field, (path, _) in files.items():
        others = [
            (f"--{other.replace('_', '-')}", other_path) for other, (other_path, _) in files.items() if other != field
        ]
        outputs.check(field, path, [*read, *others])
    outputs.write_all([(field, path, data) for field, (path, data) in files.items()])
    if to_stdout:
        with writing():
            sys.stdout.write(given[to_stdout[0]][1].decode("utf-8"))
            sys.stdout.flush()
        return True
    return False


def _used(names: Sequence[str], pump: bool) -> tuple[str, ...]:
    """The settings a result used: the pump's only when it has pump settings."""
    pump_only = ("concentration", "bag", "final_concentration", "vtbi", "diluent")
    return tuple(name for name in names if pump or name not in pump_only)


@app.command(
    "cost",
    short_help="The cost of an infusion series.",
    help=(
        "\b\nExample: ketacalc cost --infusions 6 --price-min 450 --price-max 750\n\n"
        "Price a series of infusions: per infusion and in total, as min, mid and max. "
        f"Defaults: {int(limits.INFUSIONS_DEFAULT.value)} infusions at {limits.PRICE_DEFAULT.allowed()} each. "
        "Money is exact to the cent, "
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
    from ketacalc.documents import cost_document
    from ketacalc.pricing import cost
    from ketacalc.render import cost_blocks

    flags = {"infusions": infusions, "price_min": price_min, "price_max": price_max, "price": price}
    settings = _resolved(config, {**flags, "currency": currency})
    s = values(settings, _COST_SETTINGS)
    with named_by(settings):
        result = cost(**s)
    used = inputs(settings, _COST_SETTINGS, {})
    show(
        result,
        as_json=as_json,
        strict=strict,
        document=lambda r: {**cost_document(r), "inputs": used},
        blocks=cost_blocks,
        warnings=result.warnings,
    )


@app.command(
    "quote",
    short_help="Dose, infusion and series cost together.",
    help=(
        "\b\nExample: ketacalc quote 70kg --infusions 6 --price 650\n\n"
        "Everything 'dose' and 'cost' compute, plus the total drug over the series. "
        "Takes every option of both."
    ),
)
def quote_command(
    weight: WeightArg,
    rate: RateOpt = None,
    duration: DurationOpt = None,
    dosing_weight: DosingWeightOpt = None,
    height: HeightOpt = None,
    sex: SexOpt = None,
    concentration: ConcentrationOpt = None,
    bag: BagOpt = None,
    final_concentration: FinalConcentrationOpt = None,
    vtbi: VtbiOpt = None,
    diluent: DiluentOpt = None,
    start: StartOpt = None,
    infusions: InfusionsOpt = None,
    price_min: PriceMinOpt = None,
    price_max: PriceMaxOpt = None,
    price: PriceOpt = None,
    currency: CurrencyOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    strict: StrictOpt = False,
    html: HtmlOpt = None,
    date: DateOpt = None,
    ref: RefOpt = None,
    valid_days: ValidDaysOpt = None,
    patient_id: IdOpt = None,
    include_dose: IncludeDoseOpt = False,
    prep_sheet: PrepSheetOpt = None,
) -> None:
    from ketacalc.config import clinic_limits, values
    from ketacalc.documents import quote_document
    from ketacalc.render import quote_blocks
    from ketacalc.series import Quote, quote

    patient_id = patient_id_of(patient_id)
    flags = {"rate": rate, "duration": duration, "dosing_weight": dosing_weight, "concentration": concentration}
    flags |= {"bag": bag, "infusions": infusions, "price_min": price_min, "price_max": price_max}
    flags |= {"final_concentration": final_concentration, "vtbi": vtbi, "diluent": diluent}
    settings = _resolved(config, {**flags, "price": price, "currency": currency})
    s = values(settings, _DOSE_SETTINGS + _COST_SETTINGS)
    with named_by(settings):
        plain = quote(weight, height=height, sex=sex, start=start, **s)
    result = Quote(clinic_limits(settings).check(plain.dose), plain.cost)
    handout = Handout(html, date, ref, valid_days, patient_id, include_dose)
    _handout_options(handout, as_json, [config, os.environ.get("KETACALC_CONFIG")])
    given = {"weight": weight, "height": height, "sex": sex, "start": start}
    used = inputs(settings, _used(_DOSE_SETTINGS, result.dose.pump is not None) + _COST_SETTINGS + _LIMITS, given)
    document = audited(quote_document(result), patient_id, used)
    # Every page is made, and every input checked, before anything is written.
    pages = {
        "prep_sheet": (prep_sheet, _prep_page(prep_sheet, result.dose, patient_id, as_json)),
        "html": (html, None if html is None else _handout_page(handout, "quote", result, document, settings).encode()),
    }
    if _emit_outputs(pages, [*_run_files(config), *_handout_inputs(settings)]):
        return _finish(result.warnings, strict)
    show(
        result,
        as_json=as_json,
        strict=strict,
        document=lambda r: document,
        blocks=lambda r: quote_blocks(r, patient_id),
        warnings=result.warnings,
    )


@app.command(
    "plan",
    short_help="A treatment course: dates, doses, boosters and cost.",
    help=(
        "\b\nExample: ketacalc plan 70kg --start-date 2026-12-07 --per-week 2 --boosters 2 --booster-every 4w\n\n"
        f"Plan a course of --infusions induction sessions (default {int(limits.INFUSIONS_DEFAULT.value)}) on the "
        "plan's weekdays from --start-date, then --boosters booster sessions every --booster-every. Each session "
        "has its date, rate, dose, infusion rate, pump settings and price, computed as quote computes them; "
        "the totals add up the printed figures. Table, --json, or an iCalendar file with --ics."
    ),
)
def plan_command(
    weight: WeightArg,
    start_date: Annotated[
        str, typer.Option("--start-date", metavar="YYYY-MM-DD", help="The first day the course may start.")
    ],
    days: Annotated[
        str | None, typer.Option("--days", metavar="DAYS", help="Plan weekdays, e.g. mon,thu (default mon,thu).")
    ] = None,
    per_week: Annotated[
        str | None,
        typer.Option(
            "--per-week",
            metavar="N",
            help=f"Sessions a week, {limits.PER_WEEK.allowed()}: 1 mon, 2 mon,thu, 3 mon,wed,fri, "
            "4 mon,tue,thu,fri, 5 mon-fri.",
        ),
    ] = None,
    infusions: InfusionsOpt = None,
    skip: Annotated[
        str | None, typer.Option("--skip", metavar="DATES", help="Dates passed over (holidays), YYYY-MM-DD,...")
    ] = None,
    rates: Annotated[
        str | None,
        typer.Option("--rates", metavar="R1,R2,...", help="One rate (mg/kg) per induction session."),
    ] = None,
    titrate: Annotated[
        str | None,
        typer.Option(
            "--titrate",
            metavar="FROM:STEP:TO",
            help="Session k gets FROM + STEP x max(0, k-1-K), stopping at TO; STEP may be negative.",
        ),
    ] = None,
    titrate_after: Annotated[
        str | None, typer.Option("--titrate-after", metavar="K", help="Sessions at FROM before stepping (default 0).")
    ] = None,
    boosters: Annotated[
        str | None,
        typer.Option(
            "--boosters", metavar="N", help=f"Booster sessions after the induction, {limits.BOOSTERS.allowed()}."
        ),
    ] = None,
    booster_every: Annotated[
        str | None,
        typer.Option(
            "--booster-every",
            metavar="INTERVAL",
            help=f"Nd or Nw, {limits.BOOSTER_INTERVAL_DAYS.allowed()}, after the previous session.",
        ),
    ] = None,
    booster_rate: Annotated[
        str | None,
        typer.Option("--booster-rate", metavar="MG/KG", help="Boosters' rate (default: the last induction rate)."),
    ] = None,
    booster_price: Annotated[
        str | None,
        typer.Option("--booster-price", metavar="AMOUNT", help="A booster's price (default: the infusion price)."),
    ] = None,
    time: Annotated[
        str | None, typer.Option("--time", metavar="HH:MM", help="Each session's start: adds the clock times.")
    ] = None,
    rate: RateOpt = None,
    duration: DurationOpt = None,
    dosing_weight: DosingWeightOpt = None,
    height: HeightOpt = None,
    sex: SexOpt = None,
    concentration: ConcentrationOpt = None,
    bag: BagOpt = None,
    final_concentration: FinalConcentrationOpt = None,
    vtbi: VtbiOpt = None,
    diluent: DiluentOpt = None,
    price_min: PriceMinOpt = None,
    price_max: PriceMaxOpt = None,
    price: PriceOpt = None,
    currency: CurrencyOpt = None,
    package_price: Annotated[
        str | None,
        typer.Option("--package-price", metavar="AMOUNT", help="One price for the whole induction (all sessions)."),
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
    ics: Annotated[
        str | None, typer.Option("--ics", metavar="FILE", help="Also write the sessions as an iCalendar file.")
    ] = None,
    ics_details: Annotated[
        bool, typer.Option("--ics-details", help="Put weight, dose and price in the calendar (it is often shared).")
    ] = False,
    strict: StrictOpt = False,
    html: HtmlOpt = None,
    date: DateOpt = None,
    ref: RefOpt = None,
    valid_days: ValidDaysOpt = None,
    patient_id: IdOpt = None,
) -> None:
    from ketacalc.config import clinic_limits, values
    from ketacalc.course import plan
    from ketacalc.documents import plan_document
    from ketacalc.render import plan_blocks

    patient_id = patient_id_of(patient_id)
    flags = {"rate": rate, "duration": duration, "dosing_weight": dosing_weight, "concentration": concentration}
    flags |= {"bag": bag, "infusions": infusions, "price_min": price_min, "price_max": price_max}
    flags |= {"price": price, "currency": currency, "days": days, "per_week": per_week, "boosters": boosters}
    flags |= {"booster_every": booster_every, "booster_price": booster_price}
    flags |= {"final_concentration": final_concentration, "vtbi": vtbi, "diluent": diluent}
    # Not settings, but they replace the file's rate or prices (config.replaced).
    replacing = {"session_rates": rates, "titrate": titrate, "package_price": package_price}
    settings = _resolved(config, {**flags, **replacing})
    s = values(settings, _DOSE_SETTINGS + _COST_SETTINGS + _PLAN_SETTINGS)
    if ics_details and ics is None:
        raise InputError("ics_details", None, "needs --ics FILE", "--ics FILE --ics-details")
    if booster_every is not None and str(settings["boosters"].value or "0").strip() == "0":
        raise InputError(
            "booster_every", booster_every, "is given without boosters", "--boosters N (1 or more) with it"
        )
    given_boosters = settings["boosters"]
    if given_boosters.source not in ("built-in", "flag") and settings["booster_every"].value is None:
        if str(given_boosters.value).strip() not in ("0", ""):
            raise KetacalcError(
                f"config {given_boosters.source}: [plan] boosters = {given_boosters.value} needs booster_every "
                '(e.g. booster_every = "4w"), in the file or as --booster-every'
            )
    with named_by(settings):
        result = plan(
            weight,
            start_date,
            skip=skip,
            rates=rates,
            titrate=titrate,
            titrate_after=titrate_after,
            booster_rate=booster_rate,
            time=time,
            height=height,
            sex=sex,
            package_price=package_price,
            clinic=clinic_limits(settings),
            **s,
        )
    given = {"weight": weight, "start_date": start_date, "skip": skip, "rates": rates, "titrate": titrate}
    given |= {"titrate_after": titrate_after, "booster_rate": booster_rate, "time": time, "height": height}
    given |= {"sex": sex, "package_price": package_price}
    names = _used(_DOSE_SETTINGS, result.patient.pump is not None) + _COST_SETTINGS + _PLAN_SETTINGS + _LIMITS
    if rates is not None or titrate is not None:
        names = tuple(name for name in names if name != "rate")
    document = audited(plan_document(result), patient_id, inputs(settings, names, given))
    handout = Handout(html, date, ref, valid_days, patient_id, include_dose=False)
    _handout_options(handout, as_json, [config, os.environ.get("KETACALC_CONFIG"), ics])
    # Every input is checked, and every page made, before anything is written.
    pages = {
        "html": (html, None if html is None else _handout_page(handout, "plan", result, document, settings).encode()),
        "ics": (ics, None if ics is None else _calendar(ics, result, ics_details, patient_id)),
    }
    if _emit_outputs(pages, [*_run_files(config), *_handout_inputs(settings)]):
        return _finish(result.warnings, strict)
    show(
        result,
        as_json=as_json,
        strict=strict,
        document=lambda r: document,
        blocks=lambda r: plan_blocks(r, patient_id),
        warnings=result.warnings,
    )


_PLAN_SETTINGS = ("days", "per_week", "boosters", "booster_every", "booster_price")


@dataclasses.dataclass(frozen=True)
class Handout:
    """The handout options of quote and plan."""

    path: str | None  # --html: None when no handout is asked for
    date: str | None
    ref: str | None
    valid_days: str | None
    patient_id: str | None
    include_dose: bool


def _handout_options(handout: Handout, as_json: bool, others: Sequence[str | None]) -> None:
    """--html's companions need it; its page is not written over another file of the run."""
    if handout.path is None and any(
        value not in (None, False) for value in (handout.date, handout.ref, handout.valid_days, handout.include_dose)
    ):
        raise InputError("html", None, "is needed by --date, --ref, --valid-days and --include-dose", "--html FILE")
    if handout.path == "-" and as_json:
        raise InputError("html", "-", "and --json would both go to stdout", "--html FILE with --json")
    if handout.path not in (None, "-"):
        for other in others:
            if other not in (None, "-") and os.path.exists(other) and os.path.exists(handout.path):
                if os.path.samefile(other, handout.path):
                    raise InputError("html", handout.path, "is a file this command reads or writes", "another file")


def _handout_inputs(settings: Any) -> list[tuple[str, str | None]]:
    """The files a handout reads: the config file and the logo."""
    config = settings["logo"].source if settings["logo"].source not in ("built-in", "flag") else None
    logo = settings["logo"].value
    logo_path = None
    if logo is not None:
        logo_path = Path(str(logo)).expanduser()
        if not logo_path.is_absolute() and config is not None:
            logo_path = Path(config).parent / logo_path
    return [("the [clinic] logo", None if logo_path is None else str(logo_path))]


def _handout_page(handout: Handout, kind: str, result: Any, document: dict[str, Any], settings: Any) -> str:
    """The handout as HTML; every option checked (nothing is written here)."""
    assert handout.path is not None
    from ketacalc import handout as pages
    from ketacalc.course import parse_date

    clinic_fields = {name: settings[name].value for name in ("name", "address", "phone", "email")}
    logo = settings["logo"].value
    logo_path = None
    if logo is not None:
        # A relative path is the config file's neighbour, as a clinic writes it; ~ is the home folder.
        logo_path = Path(str(logo)).expanduser()
        if not logo_path.is_absolute() and settings["logo"].source not in ("built-in", "flag"):
            logo_path = Path(settings["logo"].source).parent / logo_path
    try:
        clinic = pages.Clinic(
            **{name: "" if value is None else pages.parse_text(value, name) for name, value in clinic_fields.items()},
            logo=None if logo_path is None else pages.logo_data_uri(str(logo_path)),
        )
    except pages.HandoutError as error:
        raise KetacalcError(f"config {settings['logo'].source}: [clinic] {error}") from None
    day = datetime.date.today() if handout.date is None else parse_date(handout.date, "date")
    valid = settings["valid_days"].value if handout.valid_days is None else handout.valid_days
    details = pages.Details(
        date=day,
        reference=pages.default_reference(kind, day, {**document, "patient_reference": handout.patient_id})
        if handout.ref is None
        else pages.parse_text(handout.ref, "ref"),
        valid_days=pages.VALID_DAYS_DEFAULT if valid is None else pages.parse_valid_days(valid, "valid_days"),
        patient=None if handout.patient_id is None else pages.parse_text(handout.patient_id, "id"),
        include_dose=handout.include_dose,
    )
    page: str = (
        pages.quote_page(result, clinic, details) if kind == "quote" else pages.plan_page(result, clinic, details)
    )
    return page


def _finish(warnings: Sequence[SoftWarning], strict: bool, on_stderr: bool = True) -> None:
    """The warnings on stderr (where no table shows them), then exit 4 under --strict when there is any."""
    if on_stderr:
        for warning in warnings:
            _say(f"warning: {warning.message} ({warning.code})")
    if strict and warnings:
        raise typer.Exit(int(ExitStatus.STRICT_WARNING))


def _calendar(path: str, result: Any, details: bool, reference: str | None) -> bytes:
    """The calendar file's bytes; ``-`` is refused (stdout holds the table or the JSON)."""
    from ketacalc.ics import plan_calendar

    if path == "-":
        raise InputError("ics", path, "is stdout, where the table or JSON goes", "a file path")
    data: bytes = plan_calendar(result, details=details, reference=reference)
    return data


@app.command(
    "batch",
    short_help="Quotes for many patients from CSV or JSON Lines.",
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
    source: Annotated[str, typer.Argument(metavar="INPUT", help="A CSV or JSON Lines file, or - for stdin.")] = "-",
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            metavar="FORMAT",
            help="csv, jsonl or xlsx (default: from the extension; stdin is csv).",
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--output", metavar="FORMAT", help="jsonl (default), csv or xlsx (needs ketacalc[excel]), on stdout."
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
        str,
        typer.Option("--decimal", metavar="MARK", help="point (82.5, the default) or comma (82,5 and 1.250,00)."),
    ] = "point",
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
    from ketacalc.batch import (
        Reading,
        Writing,
        parse_decimal,
        parse_delimiter,
        parse_encoding,
        parse_output_format,
        run_batch,
    )
    from ketacalc.columns import parse_mappings
    from ketacalc.config import clinic_limits, values

    flags = {"rate": rate, "duration": duration, "dosing_weight": dosing_weight, "concentration": concentration}
    flags |= {"bag": bag, "infusions": infusions, "price_min": price_min, "price_max": price_max}
    flags |= {"final_concentration": final_concentration, "vtbi": vtbi, "diluent": diluent}
    settings = _resolved(config, {**flags, "price": price, "currency": currency})
    defaults = values(settings, _DOSE_SETTINGS + _COST_SETTINGS)
    if defaults["dosing_weight"] is not None:
        from ketacalc.dosing import parse_basis

        defaults["dosing_weight"] = parse_basis(defaults["dosing_weight"])
    reading = Reading(
        format=input_format,
        encoding=None if encoding is None else parse_encoding(encoding),
        delimiter=None if delimiter is None else parse_delimiter(delimiter),
        decimal_comma=parse_decimal(decimal),
        columns=parse_mappings(column or ()),
        ignored=tuple(ignore_column or ()),
        header_row=header_row,
        sheet=sheet,
    )
    writing_as = Writing(format=parse_output_format(output), bom=bom, quiet=quiet)
    if bom and writing_as.format != "csv":
        raise InputError("bom", None, f"is for csv output, and the output is {writing_as.format}", "--output csv --bom")
    _input_is_not_stdout(source)
    if summary_json is not None:
        _check_summary_path(summary_json, source, config)  # before any row is quoted
    with writing():
        summary = run_batch(source, reading, writing_as, defaults, sys.stdout, sys.stderr, clinic_limits(settings))
    if summary_json is not None:
        _write_summary(summary_json, json.dumps(summary.document(), indent=2) + "\n")
    if not quiet:
        for line in summary.lines():
            _say(line)
    if summary.rejected:
        raise typer.Exit(int(ExitStatus.ROWS_REJECTED))
    if strict and summary.warned:
        raise typer.Exit(int(ExitStatus.STRICT_WARNING))


def _input_is_not_stdout(source: str) -> None:
    """The batch input is not the file stdout goes to (batch in.csv >> in.csv would read its own
    records for ever): exit 2, as cat says "input file is output file"."""
    try:
        out = os.fstat(sys.stdout.fileno())
        given = os.fstat(sys.stdin.fileno()) if source == "-" else os.stat(source)
    except (AttributeError, OSError, ValueError):
        return  # no such file or no stdout: said where it is read or written
    if stat.S_ISREG(out.st_mode) and (out.st_dev, out.st_ino) == (given.st_dev, given.st_ino):
        raise InputError("source", source, "is the file stdout is written to", "another file for the output")


def _check_summary_path(path: str, source: str, config: str | None = None) -> None:
    """--summary-json PATH can be written, and is none of the run's inputs (the
    batch input, stdin's file, the config) nor stdout's file: said before any row is quoted."""
    from ketacalc import outputs

    if path == "-":
        raise InputError("summary_json", path, "is stdout, where the records go", "a file path")
    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise InputError("summary_json", path, "cannot be written (no such folder, or not writable)", "a file path")
    inputs = [("the batch input", source if source != "-" else "/dev/stdin"), *_run_files(config)]
    outputs.check("summary_json", path, inputs)


def _write_summary(path: str, text: str) -> None:
    """The summary, written whole or not at all (the guarded writer)."""
    from ketacalc import outputs

    try:
        outputs.write("summary_json", path, text.encode("utf-8"))
    except InputError as error:
        raise OutputError(f"cannot write the summary to {path!r}: {error.problem}") from None


@app.command(
    "schema",
    short_help="Print the JSON Schema of every JSON document.",
    help=(
        "\b\nExample: ketacalc schema > ketacalc.schema.json\n\n"
        "Print a JSON Schema (draft 2020-12) for the dose, cost, quote and chart documents "
        "and both kinds of batch record."
    ),
)
def schema_command() -> None:
    from ketacalc.schema import schema

    with writing():
        emit_json(schema())


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
    from ketacalc.documents import envelope
    from ketacalc.pricing import cost
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
    settings = _resolved(config, flags)
    cost(**values(settings, _COST_SETTINGS))  # the same checks as every other command (price_min <= price_max)
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
        str | None, typer.Option("--from", metavar="WEIGHT", help=f"First weight (default {_chart_defaults(0)}).")
    ] = None,
    stop: Annotated[
        str | None, typer.Option("--to", metavar="WEIGHT", help=f"Last weight (default {_chart_defaults(1)}).")
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            "--step", metavar="STEP", help=f"Weight step (default {_chart_defaults(2)}); at most {chart.MAX_ROWS} rows."
        ),
    ] = None,
    unit: Annotated[str, typer.Option("--unit", metavar="UNIT", help="Unit of --from, --to, --step: kg or lb.")] = "kg",
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
    flags = {"rates": rates, "concentration": concentration, "bag": bag, "duration": duration}
    flags |= {"final_concentration": final_concentration, "vtbi": vtbi}
    settings = _resolved(config, flags)
    s = values(settings, tuple(flags))
    with named_by(settings):
        result = chart.chart(start, stop, step, unit=unit, **s)  # type: ignore[arg-type]
    used = inputs(settings, tuple(flags), {"from": start, "to": stop, "step": step, "unit": unit})
    if not as_csv:
        show(
            result,
            as_json=as_json,
            strict=strict,
            document=lambda r: {**chart_document(r), "inputs": used},
            blocks=chart_blocks,
            warnings=result.warnings,
        )
        return
    import csv

    with writing():
        csv.writer(sys.stdout, lineterminator="\n").writerows(chart_csv(result))
        sys.stdout.flush()
    _say(f"note: {limits.DISCLAIMER}")  # kept out of the CSV itself
    for warning in result.warnings:
        _say(f"warning: {warning.message} ({warning.code})")
    if strict and result.warnings:
        raise typer.Exit(int(ExitStatus.STRICT_WARNING))


def _whole_stdout() -> None:
    """stdout as UTF-8 text over ``WholeWrites``, line-buffered on a terminal."""
    if not isinstance(sys.stdout, io.TextIOWrapper):
        return
    try:
        fd = sys.stdout.fileno()
        sys.stdout.flush()
    except (ValueError, OSError):
        return  # closed (>&-): the commands say so when they write
    from ketacalc.stdout import WholeWrites

    raw = WholeWrites(fd)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=raw.isatty(),
    )


def main() -> None:
    """The console script. Output is UTF-8 whatever the locale; text that UTF-8
    cannot hold (a lone surrogate in an id) is written escaped, never lost; and
    every byte written to stdout is delivered or is an error (``WholeWrites``)."""
    _whole_stdout()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    app()
