"""The bedside texts built from a dose: the read-back line a second nurse
checks against the pump and the bag label, the draw as a syringe is read,
and the rate as it was ordered. Pure text, shared by the terminal, the JSON
and the preparation sheet, so all three say exactly the same."""

from __future__ import annotations

from ketacalc import places
from ketacalc.dosing import Dose
from ketacalc.exact import Exact, rounded
from ketacalc.formatting import amount, minutes, with_unit
from ketacalc.pump import Pump

DRUG = "ketamine"


def draw_text(volume_ml: Exact) -> str:
    """The stock to draw, to a 1 mL syringe's 0.01 mL: never "0 mL" for a draw that is not nothing."""
    if volume_ml > 0 and rounded(volume_ml, places.DRUG_ML) == 0:
        return f"< {amount(places.DRUG_ML, places.DRUG_ML)} mL"
    return with_unit(volume_ml, places.DRUG_ML, "mL")


def rate_text(d: Dose) -> str:
    """The dose per kg, and the order it came from when it was written per time:
    "0.5 mg/kg over 40 min (ordered as 0.75 mg/kg/h)"."""
    text = with_unit(d.rate_mg_per_kg, places.MG_PER_KG, "mg/kg")
    if d.rate_ordered is not None:
        text += f" over {minutes(d.duration_min)} (ordered as {d.rate_ordered})"
    return text


def vtbi_basis(p: Pump) -> str:
    """How the VTBI is counted: "bag + drug", "bag volume", or "dose at the standard concentration"."""
    if p.standard_mg_per_ml is not None:
        return "dose at the standard concentration"
    return "bag volume" if p.vtbi_basis == "bag" else "bag + drug"


def vtbi_basis_code(p: Pump) -> str:
    """The JSON's ``pump.vtbi_basis``: bag+drug, bag or standard."""
    return "standard" if p.standard_mg_per_ml is not None else p.vtbi_basis


def read_back(d: Dose) -> str:
    """One line in the form a bag label carries:
    "Ketamine 35 mg in sodium chloride 0.9% 103.5 mL (0.3382 mg/mL) at 155.3 mL/h over 40 min;
    VTBI 103.5 mL (bag + drug)" (one line)."""
    assert d.pump is not None
    p = d.pump
    rate = with_unit(p.rate_ml_per_h(d.duration_min), places.ML_PER_H, "mL/h")
    vtbi = with_unit(p.total_volume_ml, places.VOLUME_ML, "mL")
    return (
        f"{DRUG.capitalize()} {with_unit(d.dose_mg, places.MG, 'mg')} in {d.diluent} "
        f"{with_unit(p.mixed_volume_ml, places.VOLUME_ML, 'mL')} "
        f"({with_unit(p.final_concentration_mg_per_ml, places.MG_PER_ML, 'mg/mL')}) at {rate} over "
        f"{minutes(d.duration_min)}; VTBI {vtbi} ({vtbi_basis(p)})"
    )
