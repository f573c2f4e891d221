"""The preparation sheet (``dose`` and ``quote --prep-sheet FILE``): one
printable page for the nurse, not the patient, with the patient's id, the
dose, how it is made up, the pump settings and the read-back line, the
monitoring the seed names, and lines for the two signatures. Written from a
Jinja2 template (``templates/prep-sheet.html.j2``) with autoescaping on, a
Content-Security-Policy, and no scripts, as the handout is."""

from __future__ import annotations

import datetime
from typing import Any

from ketacalc import limits, places
from ketacalc.bedside import DRUG, draw_text, rate_text, read_back, vtbi_basis
from ketacalc.dosing import Dose
from ketacalc.errors import InputError, printable
from ketacalc.formatting import minutes, with_unit

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
# seeds/000_4e4cacf71e069d0d.txt: "your physician will monitor vital signs such as heart rate, respiration,
# and your degree of sedation".
MONITORING = ("heart rate", "respiration", "degree of sedation")


def needs_pump(d: Dose) -> None:
    """A preparation sheet describes how the dose is made up: without pump settings there is nothing to prepare."""
    if d.pump is None:
        raise InputError(
            "prep_sheet",
            None,
            "needs pump settings to describe the preparation",
            "--concentration with --bag, or --final-concentration",
        )


def steps(d: Dose) -> list[str]:
    """The preparation, one step a line, in the words a ward uses."""
    assert d.pump is not None
    p = d.pump
    out = []
    if p.concentration_mg_per_ml is not None:
        assert p.drug_volume_ml is not None
        stock = with_unit(p.concentration_mg_per_ml, places.MG_PER_ML, "mg/mL")
        syringe = p.syringe
        tool = (
            " (more than the largest common syringe: in several draws)"
            if syringe is None
            else f" with a {with_unit(syringe.capacity_ml, places.DRUG_ML, 'mL')} syringe"
        )
        out.append(f"Draw {draw_text(p.drug_volume_ml)} of {DRUG} {stock}{tool}.")
    if p.bag_ml is not None:
        out.append(f"Add it to a bag of {with_unit(p.bag_ml, places.VOLUME_ML, 'mL')} of {d.diluent}.")
    elif p.diluent_to_add_ml is not None:
        volume = with_unit(p.mixed_volume_ml, places.VOLUME_ML, "mL")
        out.append(f"Make up to {volume} with {d.diluent} ({with_unit(p.diluent_to_add_ml, places.VOLUME_ML, 'mL')}).")
    else:
        concentration = with_unit(p.final_concentration_mg_per_ml, places.MG_PER_ML, "mg/mL")
        volume = with_unit(p.mixed_volume_ml, places.VOLUME_ML, "mL")
        out.append(f"Take {volume} of premixed {DRUG} {concentration} in {d.diluent}.")
    out.append(f"Label: {read_back(d)}.")
    return out


def page(d: Dose, patient_id: str | None, today: datetime.date) -> str:
    """The sheet as one HTML page."""
    from pathlib import Path

    import jinja2

    needs_pump(d)
    assert d.pump is not None
    p = d.pump
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    basis = d.dosing_weight_basis
    figures: dict[str, Any] = {
        "Weight": with_unit(d.weight_kg, places.KG, "kg"),
        "Dosing weight": f"{with_unit(d.dosing_weight_kg, places.KG, 'kg')} ({basis})",
        "Rate": rate_text(d),
        "Dose": with_unit(d.dose_mg, places.MG, "mg"),
    }
    pump = {
        "Pump rate": f"{with_unit(p.rate_ml_per_h(d.duration_min), places.ML_PER_H, 'mL/h')} over "
        f"{minutes(d.duration_min)}",
        "VTBI": f"{with_unit(p.total_volume_ml, places.VOLUME_ML, 'mL')} ({vtbi_basis(p)})",
        "Final concentration": with_unit(p.final_concentration_mg_per_ml, places.MG_PER_ML, "mg/mL"),
    }
    if p.residual_mg is not None:
        pump["Left in bag and line"] = with_unit(p.residual_mg, places.MG, "mg")
    text: str = environment.get_template("prep-sheet.html.j2").render(
        csp=CSP,
        drug=DRUG.capitalize(),
        patient_id=None if patient_id is None else printable(patient_id),  # exactly as typed: bidi and controls shown
        date=today.isoformat(),
        figures=figures,
        steps=steps(d),
        pump=pump,
        read_back=read_back(d),
        monitoring=MONITORING,
        recovery=minutes(d.recovery_min),
        warnings=[f"{w.message} ({w.code})" for w in d.warnings],
        disclaimer=limits.DISCLAIMER,
    )
    return text
