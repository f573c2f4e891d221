"""The options every command shares, declared once (``Annotated`` aliases), and the way from
flags to settings: flags over the config file over the built-in defaults, and the JSON's
``inputs`` that record where each value came from."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ketacalc import charting, limits
from ketacalc.errors import (
    InputError,
)
from ketacalc.limits import plain
from ketacalc.values import Given

if TYPE_CHECKING:
    from ketacalc.config import Setting


# --- options shared by the commands ------------------------------------------------


def choices(values: Sequence[str]) -> Callable[[str], list[str]]:
    """Shell completion of an option whose values are a fixed list (from the core's own tuple)."""

    def complete(incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete.lower())]

    return complete


# The values each enumerated option takes, as the core spells them (tests/cli/test_app.py holds them to the core's).
BASES = ("actual", "ideal", "adjusted")
SEXES = ("female", "male")
VTBI_BASES = ("bag+drug", "bag")
INPUT_FORMATS = ("csv", "jsonl", "xlsx", "ods", "xls", "xlsb")
OUTPUT_FORMATS = ("jsonl", "csv", "xlsx")
DECIMAL_MARKS = ("point", "comma")
WEIGHT_UNITS = ("kg", "lb")


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
        help=(
            "One known price per infusion (instead of --price-min/--price-max). 0 or more, "
            "in the currency's minor units."
        ),
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
        autocompletion=choices(BASES),
        help="Weight the dose is computed on: actual (default), ideal or adjusted (need --height and --sex).",
    ),
]
HeightOpt = Annotated[
    str | None,
    typer.Option("--height", metavar="HEIGHT", help="Height with a unit: '175 cm', '1.75 m', '69 in', '5 ft 9 in'."),
]
SexOpt = Annotated[
    str | None,
    typer.Option(
        "--sex", metavar="SEX", autocompletion=choices(SEXES), help="female or male, for Devine's ideal weight."
    ),
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
            f"(up to {charting.MAX_RATES}; default {charting.DEFAULT_RATES})."
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
        autocompletion=choices(VTBI_BASES),
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
PreparedByOpt = Annotated[
    str | None,
    typer.Option("--prepared-by", metavar="NAME", help="Handout: who prepared it (default [clinic] prepared_by)."),
]
GfeOpt = Annotated[
    bool,
    typer.Option(
        "--gfe",
        help="Handout: a US Good Faith Estimate (No Surprises Act), in USD; needs --patient-name, --dob and the "
        "[clinic] name, address, npi and tin.",
    ),
]
PatientNameOpt = Annotated[
    str | None, typer.Option("--patient-name", metavar="NAME", help="Handout: the patient's name (--gfe only).")
]
DobOpt = Annotated[
    str | None,
    typer.Option("--dob", metavar="YYYY-MM-DD", help="Handout: the patient's date of birth (--gfe only)."),
]
StartOpt = Annotated[
    str | None,
    typer.Option("--start", metavar="HH:MM", help="Start time (24-hour) for infusion and recovery end times."),
]


DOSE_SETTINGS = ("rate", "duration", "dosing_weight", "concentration", "bag", "final_concentration", "vtbi", "diluent")
COST_SETTINGS = ("infusions", "price_min", "price_max", "price", "currency")


def resolved(config_path: str | None, given: Mapping[str, Any], names: Sequence[str]) -> dict[str, Setting]:
    """Flags over the config file over the built-in defaults, with sources. ``given`` is the command's
    parameters (its ``locals()``): a parameter named as a setting is that setting's flag, so no command
    lists its flags twice."""
    from ketacalc.config import resolve

    return resolve({name: given.get(name) for name in names}, config_path)


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
CLINIC_LIMITS = ("dose_mg_soft_max", "dose_mg_hard_max", "pump_rate_ml_per_h_soft_max")
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


def used_settings(names: Sequence[str], pump: bool) -> tuple[str, ...]:
    """The settings a result used: the pump's only when it has pump settings."""
    pump_only = ("concentration", "bag", "final_concentration", "vtbi", "diluent")
    return tuple(name for name in names if pump or name not in pump_only)


PLAN_SETTINGS = ("days", "per_week", "boosters", "booster_every", "booster_price")
