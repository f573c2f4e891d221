"""``ketacalc quote``: dose and series cost together, with the handout and the preparation sheet."""

from __future__ import annotations

import os

from ketacalc.cli.files import (
    Handout,
    check_handout_options,
    emit_outputs,
    handout_inputs,
    prep_page,
    run_files,
)
from ketacalc.cli.options import (
    CLINIC_LIMITS,
    COST_SETTINGS,
    DOSE_SETTINGS,
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
    PrepSheetOpt,
    PriceMaxOpt,
    PriceMinOpt,
    PriceOpt,
    RateOpt,
    RefOpt,
    SexOpt,
    StartOpt,
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
    prepared_by: PreparedByOpt = None,
    gfe: GfeOpt = False,
    patient_name: PatientNameOpt = None,
    dob: DobOpt = None,
    prep_sheet: PrepSheetOpt = None,
) -> None:
    from ketacalc.config import clinic_limits, values
    from ketacalc.documents import quote_document
    from ketacalc.quoting import Quote, quote
    from ketacalc.render import quote_blocks

    patient_id = patient_id_of(patient_id)
    settings = resolved(config, locals(), DOSE_SETTINGS + COST_SETTINGS)
    s = values(settings, DOSE_SETTINGS + COST_SETTINGS)
    with named_by(settings):
        plain = quote(weight, height=height, sex=sex, start=start, **s)
    result = Quote(clinic_limits(settings).check(plain.dose), plain.cost)
    handout = Handout(html, date, ref, valid_days, patient_id, include_dose, prepared_by, gfe, patient_name, dob)
    check_handout_options(handout, as_json, [config, os.environ.get("KETACALC_CONFIG")])
    given = {"weight": weight, "height": height, "sex": sex, "start": start}
    used = inputs(
        settings, used_settings(DOSE_SETTINGS, result.dose.pump is not None) + COST_SETTINGS + CLINIC_LIMITS, given
    )
    document = audited(quote_document(result), patient_id, used)
    # Every page is made, and every input checked, before anything is written.
    pages = {
        "prep_sheet": (prep_sheet, prep_page(prep_sheet, result.dose, patient_id, as_json)),
        "html": (html, handout.page(result, settings)),
    }
    if emit_outputs(pages, [*run_files(config), *handout_inputs(settings)]):
        return finish(result.warnings, strict)
    show(result, lambda r: document, lambda r: quote_blocks(r, patient_id), as_json=as_json, strict=strict)
