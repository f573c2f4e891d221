"""``ketacalc plan``: a course of sessions with dates, doses, boosters and cost; the handout and the calendar."""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from ketacalc import limits
from ketacalc.cli.files import (
    Handout,
    calendar_bytes,
    check_handout_options,
    emit_outputs,
    handout_inputs,
    run_files,
)
from ketacalc.cli.options import (
    CLINIC_LIMITS,
    COST_SETTINGS,
    DOSE_SETTINGS,
    PLAN_SETTINGS,
    BagOpt,
    ConcentrationOpt,
    ConfigOpt,
    CurrencyOpt,
    DateOpt,
    DiluentOpt,
    DobOpt,
    DosingWeightOpt,
    DurationOpt,
    FinalConcentrationOpt,
    GfeOpt,
    HeightOpt,
    HtmlOpt,
    IdOpt,
    IncludeDoseOpt,
    InfusionsOpt,
    JsonOpt,
    PatientNameOpt,
    PreparedByOpt,
    PriceMaxOpt,
    PriceMinOpt,
    PriceOpt,
    RateOpt,
    RefOpt,
    SexOpt,
    StrictOpt,
    ValidDaysOpt,
    VtbiOpt,
    WeightArg,
    audited,
    inputs,
    named_by,
    patient_id_of,
    resolved,
    used_settings,
)
from ketacalc.cli.shell import app, finish, show
from ketacalc.errors import (
    InputError,
    KetacalcError,
)

if TYPE_CHECKING:
    from ketacalc.config import Setting


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
        list[str] | None,
        typer.Option(
            "--skip", metavar="DATES", help="Dates passed over (holidays), YYYY-MM-DD,...; may be given again."
        ),
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
        bool,
        typer.Option(
            "--ics-details",
            help="Name the treatment in the calendar, with weight, dose and price (it is often shared).",
        ),
    ] = False,
    strict: StrictOpt = False,
    html: HtmlOpt = None,
    date: DateOpt = None,
    ref: RefOpt = None,
    valid_days: ValidDaysOpt = None,
    patient_id: IdOpt = None,
    include_dose: IncludeDoseOpt = False,
    prepared_by: PreparedByOpt = None,
    gfe: GfeOpt = False,
    patient_name: PatientNameOpt = None,
    dob: DobOpt = None,
) -> None:
    from ketacalc.config import clinic_limits, values
    from ketacalc.documents import plan_document
    from ketacalc.planning import PlanRequest, plan_for
    from ketacalc.render import plan_blocks

    skip_dates = None if not skip else ",".join(skip)  # --skip A --skip B: both, never only the last
    del skip
    parameters = {**locals(), "skip": skip_dates}
    patient_id = patient_id_of(patient_id)
    # Not settings, but they replace the file's rate or prices (config.replaced).
    replacing = ("session_rates", "titrate", "package_price")
    setting_names = DOSE_SETTINGS + COST_SETTINGS + PLAN_SETTINGS + replacing
    settings = resolved(config, {**parameters, "session_rates": rates}, setting_names)
    s = values(settings, DOSE_SETTINGS + COST_SETTINGS + PLAN_SETTINGS)
    if ics_details and ics is None:
        raise InputError("ics_details", None, "needs --ics FILE", "--ics FILE --ics-details")
    check_boosters(settings, booster_every, booster_rate)
    with named_by(settings):
        result = plan_for(
            PlanRequest(
                weight,
                start_date,
                skip=skip_dates,
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
            ),
            datetime.date.today(),
        )
    names = (
        used_settings(DOSE_SETTINGS, result.patient.pump is not None) + COST_SETTINGS + PLAN_SETTINGS + CLINIC_LIMITS
    )
    if rates is not None or titrate is not None:
        names = tuple(name for name in names if name != "rate")
    given = {name: parameters[name] for name in ARGUMENTS}
    document = audited(plan_document(result), patient_id, inputs(settings, names, given))
    handout = Handout(html, date, ref, valid_days, patient_id, include_dose, prepared_by, gfe, patient_name, dob)
    check_handout_options(handout, as_json, [config, os.environ.get("KETACALC_CONFIG"), ics])
    # Every input is checked, and every page made, before anything is written.
    pages = {
        "html": (html, handout.page(result, settings)),
        "ics": (ics, None if ics is None else calendar_bytes(ics, result, ics_details, patient_id, settings)),
    }
    if emit_outputs(pages, [*run_files(config), *handout_inputs(settings)]):
        return finish(result.warnings, strict)
    show(result, lambda r: document, lambda r: plan_blocks(r, patient_id), as_json=as_json, strict=strict)


# The plan's arguments that are not settings: recorded in the JSON's ``inputs`` as given.
ARGUMENTS = (
    *("weight", "start_date", "skip", "rates", "titrate", "titrate_after"),
    *("booster_rate", "time", "height", "sex", "package_price"),
)


def check_boosters(settings: Mapping[str, Setting], booster_every: str | None, booster_rate: str | None = None) -> None:
    """--booster-every, --booster-rate and --booster-price need boosters (never silently unused); a
    config file's boosters need an interval, in the file or as a flag."""
    price = settings["booster_price"].value if settings["booster_price"].source == "flag" else None
    for name, value in (("booster_every", booster_every), ("booster_rate", booster_rate), ("booster_price", price)):
        if value is not None and str(settings["boosters"].value or "0").strip() == "0":
            raise InputError(name, str(value), "is given without boosters", "--boosters N (1 or more) with it")
    given_boosters = settings["boosters"]
    if given_boosters.source not in ("built-in", "flag") and settings["booster_every"].value is None:
        if str(given_boosters.value).strip() not in ("0", ""):
            raise KetacalcError(
                f"config {given_boosters.source}: [plan] boosters = {given_boosters.value} needs booster_every "
                '(e.g. booster_every = "4w"), in the file or as --booster-every'
            )
