"""The checks a Good Faith Estimate passes before its page is made: every element 45 CFR
149.610(c)(1) requires is there (the patient, the provider's NPI and TIN, the service code), the
charges are the clinic's own expected charge for each session, in dollars, over at most 12 months,
and the clinic is a US one. A missing element is exit 2 naming it (``ketacalc.gfe`` holds the
elements' wording and parsers)."""

from __future__ import annotations

import datetime

from ketacalc.errors import InputError
from ketacalc.gfe import MAX_NAME_CHARS, Patient, parse_dob
from ketacalc.letterhead import Clinic, parse_text
from ketacalc.planning import Plan
from ketacalc.quoting import Quote


def estimate_patient(
    asked: bool, patient_name: str | None, dob: str | None, clinic: Clinic, result: Quote | Plan, today: datetime.date
) -> Patient | None:
    """The patient of a Good Faith Estimate (``asked``: --gfe), every element it requires checked;
    None without --gfe, when the patient's name and date of birth are refused."""
    if not asked:
        for name, value in (("patient_name", patient_name), ("dob", dob)):
            if value is not None:
                raise InputError(name, None, "is printed only on a Good Faith Estimate", "--gfe with it")
        return None
    if patient_name is not None and len(patient_name) > MAX_NAME_CHARS:  # what was typed, checked first
        raise InputError("patient_name", patient_name, "is too long", f"at most {MAX_NAME_CHARS} characters")
    written = None if patient_name is None else parse_text(patient_name, "patient_name")
    if patient_name is not None and not written:
        raise InputError("patient_name", patient_name, "is empty", "a name")
    birth = None if dob is None else parse_dob(dob, today)
    currency = result.cost.currency if isinstance(result, Quote) else result.currency
    if currency != "USD":
        raise InputError("gfe", currency, "is a US Good Faith Estimate, in dollars", "prices in USD with --gfe")
    if clinic.country not in ("", "US"):
        raise InputError(
            "gfe", None, f"is a US Good Faith Estimate, and [clinic] country is {clinic.country}", "a US clinic"
        )
    _charges(result, today)
    needed = [
        ("--patient-name", patient_name),
        ("--dob", dob),
        ("[clinic] name", clinic.name),
        ("[clinic] address", clinic.address),
        ("[clinic] npi", clinic.npi),
        ("[clinic] tin", clinic.tin),
        ("[clinic.codes] infusion_code", ",".join(clinic.infusion_code)),
    ]
    for name, value in needed:
        if not value:
            raise InputError("gfe", None, f"needs {name}, which a Good Faith Estimate must show", f"{name} with --gfe")
    assert written is not None and birth is not None
    return Patient(written, birth)


# A Good Faith Estimate for a recurring service covers up to 12 months of it, a later part an estimate of its
# own: CMS's guidance for recurring services, as remembered; ketacalc/docs/handout.md says it is unchecked.
GFE_MONTHS = 12


def _months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has none: 29 Feb, 31 Jan)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _charges(result: Quote | Plan, today: datetime.date) -> None:
    """A Good Faith Estimate's expected charges: one price a session (the clinic's, never a range: a
    bill is disputed by its distance from the estimate), over at most 12 months."""
    if isinstance(result, Quote):
        ranges = result.cost.price_min != result.cost.price_max
    else:
        ranges = any(s.price.min != s.price.max for s in result.sessions)
        last = result.sessions[-1].date
        if last > _months_after(today, GFE_MONTHS):
            raise InputError(
                "gfe",
                None,
                f"covers at most {GFE_MONTHS} months, and the course runs to {last.isoformat()}",
                "fewer sessions here, and another estimate for the later ones",
            )
    if ranges:
        booster = isinstance(result, Plan) and result.package is not None
        raise InputError(
            "gfe",
            None,
            "needs the expected charge of each session, not a range",
            "--booster-price for the boosters" if booster else "--price (or --package-price)",
        )
    if isinstance(result, Plan) and result.sessions[0].date < today:
        raise InputError(
            "gfe",
            None,
            f"comes before the services, and the first session ({result.sessions[0].date}) is before its date",
            "a course from the estimate's date on",
        )
