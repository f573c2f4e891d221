"""``ketacalc dose``: a dose and its infusion rates from a weight."""

from __future__ import annotations

from ketacalc import limits
from ketacalc.cli.files import emit_outputs, handout_inputs, prep_page, run_files
from ketacalc.cli.options import (
    CLINIC_LIMITS,
    DOSE_SETTINGS,
    BagOpt,
    ConcentrationOpt,
    ConfigOpt,
    DiluentOpt,
    DosingWeightOpt,
    DurationOpt,
    FinalConcentrationOpt,
    HeightOpt,
    IdOpt,
    JsonOpt,
    PrepSheetOpt,
    RateOpt,
    SexOpt,
    StartOpt,
    StrictOpt,
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
    settings = resolved(config, locals(), DOSE_SETTINGS)
    s = values(settings, DOSE_SETTINGS)
    with named_by(settings):
        result = clinic_limits(settings).check(dose(weight, height=height, sex=sex, start=start, **s))
    given = {"weight": weight, "height": height, "sex": sex, "start": start}
    used = inputs(settings, used_settings(DOSE_SETTINGS, result.pump is not None) + CLINIC_LIMITS, given)
    pages = {"prep_sheet": (prep_sheet, prep_page(prep_sheet, result, patient_id, as_json))}
    if emit_outputs(pages, [*run_files(config), *handout_inputs(settings)]):
        return finish(result.warnings, strict)
    show(
        result,
        lambda r: audited(dose_document(r), patient_id, used),
        lambda r: dose_blocks(r, patient_id),
        as_json=as_json,
        strict=strict,
    )
