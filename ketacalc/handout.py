"""The patient handout: a one-page HTML quote or plan with the clinic's
letterhead, written from a Jinja2 template (``templates/handout.html.j2``) with
autoescaping on, so every piece of text (ids, clinic fields, the reference) is
HTML-escaped; no HTML is built by joining strings in code.

The page is self-contained: inline CSS, no fonts, no scripts, images only as
data URIs, and a Content-Security-Policy that allows nothing else. The letterhead,
the clinic's terms and the logo are read by ``ketacalc.letterhead``; a Good Faith
Estimate's elements are ``ketacalc.gfe``'s.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketacalc import limits, places
from ketacalc.currencies import minor_units
from ketacalc.errors import KetacalcError
from ketacalc.exact import Exact
from ketacalc.formatting import with_unit
from ketacalc.gfe import Patient
from ketacalc.goodfaith import estimate_patient
from ketacalc.letterhead import (
    VALID_DAYS_DEFAULT,
    Clinic,
    HandoutError,
    joined_lines,
    logo_data_uri,
    parse_country,
    parse_paragraph,
    parse_text,
    parse_valid_days,
)
from ketacalc.planning import Plan, Session
from ketacalc.quoting import Quote
from ketacalc.values import as_text

if TYPE_CHECKING:
    from ketacalc.config import Setting

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
# The seed's cost notes are about the US: the FDA and US health insurance (seeds/000_4e4cacf71e069d0d.txt,
# "Because racemic ketamine is not FDA-approved, health insurance may not cover it" and "The FDA has approved
# ketamine nasal spray. It does not appear to be as effective in treating depression"). Made accurate: ketamine
# is FDA-approved, as an anesthetic; its use for depression is what is not.
US_NOTES = (
    "Ketamine is FDA-approved as an anesthetic; its use for depression is off-label, so health insurance may "
    "not cover these infusions.",
    "The ketamine nasal spray (esketamine, Spravato) is FDA-approved for depression and more likely to be covered "
    "by health insurance, though it \u201cdoes not appear to be as effective\u201d as infusions.",
)
# What to expect, from the seed and in its words (seeds/000_4e4cacf71e069d0d.txt): "The first step in any
# treatment is a consultation"; "A ketamine infusion usually lasts for around 40 minutes"; "your physician will
# monitor vital signs"; "a recovery time of about 30 minutes"; "planning ahead for the ride home"; "Bring an
# eye mask", "calming music"; "does not respond to treatment after 6 sessions, further sessions are unlikely to
# show improvements"; "integrating your ketamine infusion therapy with CBT or alternate psychotherapy".
_USUAL = limits.plain(limits.DURATION_DEFAULT_MINUTES.value)  # the seed's numbers, cited in limits.py
_WINDOW_MAX = limits.plain(limits.DURATION_MINUTES.high)
_RECOVERY = limits.plain(limits.RECOVERY_MINUTES.value)
_SERIES = int(limits.INFUSIONS_USUAL_MAX.value)
WHAT_TO_EXPECT = (
    "A consultation with your physician comes first.",
    f"An infusion usually lasts around {_USUAL} minutes (up to {_WINDOW_MAX}), with your vital signs monitored "
    f"throughout; then about {_RECOVERY} minutes of recovery.",  # the quote's own duration instead: expect_for
    "You may feel drowsy afterwards: arrange a ride home.",
    "Some patients bring an eye mask and calming music, with headphones.",
    f"If there is no response after {_SERIES} sessions, more are unlikely to help: your doctor will review the plan "
    "with you.",
    "Infusions work best alongside psychotherapy with a licensed professional.",
)
NOTICE = "An estimate for information, not a bill or medical advice."
CURRENCY_SIGNS = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3", "JPY": "\u00a5"}  # one currency each


@dataclass(frozen=True)
class Details:
    """What the handout says about itself."""

    date: datetime.date
    reference: str
    valid_days: int
    patient: str | None = None  # the --id, and nothing else by default
    include_dose: bool = False
    prepared_by: str = ""
    gfe: Patient | None = None  # a Good Faith Estimate, for this patient


@dataclass(frozen=True)
class Asked:
    """The handout's options, as typed (None: not given)."""

    date: str | None = None
    ref: str | None = None
    valid_days: str | None = None
    patient_id: str | None = None
    include_dose: bool = False
    prepared_by: str | None = None
    gfe: bool = False
    patient_name: str | None = None
    dob: str | None = None


_PARAGRAPHS = ("includes", "excludes", "payment_terms", "cancellation_policy")


def clinic_from(settings: Mapping[str, Setting]) -> Clinic:
    """The [clinic] section as the page uses it (each value was checked when the file was read)."""
    from ketacalc.config import logo_path
    from ketacalc.gfe import parse_codes

    def given(name: str) -> str | None:
        value = settings[name].value
        return None if value is None else as_text(value)

    logo = logo_path(settings["logo"])
    try:
        logo_uri = None if logo is None else logo_data_uri(str(logo))
    except HandoutError as error:
        raise KetacalcError(f"config {settings['logo'].source}: [clinic] {error}") from None
    texts: dict[str, Any] = {
        name: parse_text(joined_lines(value, ", " if name == "address" else " "), name)
        for name in ("name", "address", "phone", "email")
        if (value := given(name))
    }
    paragraphs: dict[str, Any] = {name: parse_paragraph(value, name) for name in _PARAGRAPHS if (value := given(name))}
    codes: dict[str, Any] = {
        name: parse_codes(value, name)
        for name in ("infusion_code", "booster_code", "diagnosis_codes")
        if (value := given(name))
    }
    notes = given("notes")
    return Clinic(
        **texts,
        **paragraphs,
        **codes,
        logo=logo_uri,
        country="" if (country := given("country")) is None else parse_country(country),
        notes=() if notes is None else tuple(parse_paragraph(notes, "notes").split("\n")),
        npi=given("npi") or "",
        tin=given("tin") or "",
    )


def page_for(result: Quote | Plan, settings: Mapping[str, Setting], asked: Asked) -> str:
    """The handout as HTML, from the command's options and the clinic's settings; every option
    checked (nothing is written here). A Good Faith Estimate missing an element the regulation
    requires is exit 2 naming it."""
    from ketacalc.planning import parse_date

    clinic = clinic_from(settings)
    kind = "quote" if isinstance(result, Quote) else "plan"
    day = datetime.date.today() if asked.date is None else parse_date(asked.date, "date")
    valid = settings["valid_days"].value if asked.valid_days is None else asked.valid_days
    prepared = asked.prepared_by if asked.prepared_by is not None else settings["prepared_by"].value
    details = Details(
        date=day,
        reference=default_reference(kind, day) if asked.ref is None else parse_text(asked.ref, "ref"),
        valid_days=VALID_DAYS_DEFAULT if valid is None else parse_valid_days(valid, "valid_days"),
        patient=None if asked.patient_id is None else parse_text(asked.patient_id, "id"),
        include_dose=asked.include_dose,
        prepared_by="" if prepared is None else parse_text(prepared, "prepared_by"),
        gfe=estimate_patient(asked.gfe, asked.patient_name, asked.dob, clinic, result, day),
    )
    if isinstance(result, Quote):
        return quote_page(result, clinic, details)
    return plan_page(result, clinic, details)


def default_reference(kind: str, date: datetime.date) -> str:
    """Q-20261127-1A2B3C: the kind, the date and six random hex digits. Random, not a digest of the
    figures: a digest of a shared page's figures could be tried weight by weight until it matched,
    and two patients with the same figures would share a number."""
    import secrets

    return f"{kind[0].upper()}-{date:%Y%m%d}-{secrets.token_hex(3).upper()}"


def money(value: Decimal, currency: str) -> str:
    """Money as people read it: thousands separators and the currency's minor units, always shown
    ($4,600.00, \u00a5720,000, BHD\u00a02,400.750); the same value as the JSON's, rounded nowhere."""
    digits = minor_units(currency)
    text = f"{value.quantize(Decimal(1).scaleb(-digits)):,.{digits}f}"
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{text}" if sign else f"{currency}\u00a0{text}"  # the code stays with its amount


def money_range(low: Decimal, high: Decimal, currency: str) -> str:
    return money(low, currency) if low == high else f"{money(low, currency)} – {money(high, currency)}"


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def expect_for(minutes: Exact) -> tuple[str, ...]:
    """What to expect, with the infusion's own duration where it is not the seed's usual 40 minutes."""
    if minutes == limits.DURATION_DEFAULT_MINUTES.value:
        return WHAT_TO_EXPECT
    during = (
        f"Each infusion is planned to last {with_unit(minutes, places.MIN, 'minutes')} (usually around {_USUAL}), "
        f"with your vital signs monitored throughout; then about {_RECOVERY} minutes of recovery."
    )
    return (WHAT_TO_EXPECT[0], during, *WHAT_TO_EXPECT[2:])


def _cost_notes(clinic: Clinic, currency: str) -> tuple[str, ...]:
    """The clinic's own notes; else the seed's, which are about the US, for a US clinic or a quote in dollars."""
    if clinic.notes:
        return clinic.notes
    return US_NOTES if clinic.country == "US" or (not clinic.country and currency == "USD") else ()


def _page(
    title: str,
    clinic: Clinic,
    details: Details,
    items: list[dict[str, Any]],
    total: dict[str, str],
    currency: str,
    *,
    dose: dict[str, str] | None = None,
    plan: dict[str, Any] | None = None,
    service: tuple[str, tuple[str, ...]],
    minutes: Exact,
) -> str:
    from ketacalc import gfe

    template = _environment().get_template("handout.html.j2")
    terms = [
        (label, getattr(clinic, name))
        for name, label in (
            ("includes", "Included"),
            ("excludes", "Not included"),
            ("payment_terms", "Payment"),
            ("cancellation_policy", "Cancellation"),
        )
        if getattr(clinic, name)
    ]
    page: str = template.render(
        csp=CSP,
        notes=_cost_notes(clinic, currency),
        expect=expect_for(minutes),
        currency=currency,
        notice=NOTICE,
        disclaimer=limits.DISCLAIMER,
        title="Good Faith Estimate" if details.gfe else title,
        subtitle=title if details.gfe else "",
        clinic=clinic,
        details=details,
        valid_until=details.date + datetime.timedelta(days=details.valid_days),
        items=items,
        total=total,
        dose=dose,
        plan=plan,
        terms=terms,
        service=service,
        gfe=gfe if details.gfe else None,
    )
    return page


def _total(low: Decimal, mid: Decimal, high: Decimal, currency: str) -> dict[str, str]:
    return {"min": money(low, currency), "mid": money(mid, currency), "max": money(high, currency)}


def quote_page(q: Quote, clinic: Clinic, details: Details) -> str:
    """A one-page cost estimate for a quote."""
    c = q.cost
    items = [
        {
            "what": f"Ketamine infusion ×\u00a0{c.infusions}",
            "codes": clinic.infusion_code,
            "each": money_range(c.price_min, c.price_max, c.currency),
            "total": money_range(c.total_min, c.total_max, c.currency),
        }
    ]
    dose = None
    if details.include_dose:
        d = q.dose
        dose = {
            "rate": with_unit(d.rate_mg_per_kg, places.MG_PER_KG, "mg/kg"),
            "dose": with_unit(d.dose_mg, places.MG, "mg"),
            "duration": with_unit(d.duration_min, places.MIN, "min"),
        }
    total = _total(c.total_min, c.total_mid, c.total_max, c.currency)
    service = (f"A series of {c.infusions} intravenous ketamine infusions, on dates to be scheduled", ())
    return _page(
        "Cost estimate",
        clinic,
        details,
        items,
        total,
        c.currency,
        dose=dose,
        service=service,
        minutes=q.dose.duration_min,
    )


def plan_page(p: Plan, clinic: Clinic, details: Details) -> str:
    """A one-page treatment plan: line items, totals, sessions and the calendar strip."""
    induction = [s for s in p.sessions if s.kind == "induction"]
    boosters = [s for s in p.sessions if s.kind == "booster"]
    n = len(induction)
    service = f"A course of {n} intravenous ketamine infusion{'s' if n != 1 else ''}"
    if boosters:
        service += f" and {len(boosters)} booster infusion{'s' if len(boosters) != 1 else ''}"
    dates = (p.sessions[0].date.isoformat(), p.sessions[-1].date.isoformat())
    total = p.total_price
    return _page(
        "Treatment plan and cost estimate",
        clinic,
        details,
        _plan_items(p, clinic, induction, boosters),
        _total(total.min, total.mid, total.max, p.currency),
        p.currency,
        plan=_course(p, details),
        service=(service, dates),
        minutes=p.patient.duration_min,
    )


def _plan_items(p: Plan, clinic: Clinic, induction: list[Session], boosters: list[Session]) -> list[dict[str, Any]]:
    """The cost lines: a package as one line, else the infusions; the boosters."""
    currency = p.currency
    items: list[dict[str, Any]] = []
    if p.package is not None:
        what = f"Package of {len(induction)} infusion{'s' if len(induction) != 1 else ''}"
        items.append({"what": what, "codes": clinic.infusion_code, "each": "", "total": money(p.package, currency)})
    for label, group, codes in (
        ("Ketamine infusion", [] if p.package is not None else induction, clinic.infusion_code),
        ("Booster infusion", boosters, clinic.booster_code or clinic.infusion_code),
    ):
        if not group:
            continue
        low = sum((s.price.min for s in group), Decimal(0))
        high = sum((s.price.max for s in group), Decimal(0))
        prices = {(s.price.min, s.price.max) for s in group}
        each = money_range(*prices.pop(), currency) if len(prices) == 1 else "varies"
        item = {"what": f"{label} ×\u00a0{len(group)}", "codes": codes, "each": each}
        items.append({**item, "total": money_range(low, high, currency)})
    return items


def _course(p: Plan, details: Details) -> dict[str, Any]:
    """The sessions' table, the remarks under it, and the calendar strip."""
    valid_until = details.date + datetime.timedelta(days=details.valid_days)
    # A Good Faith Estimate's charges are what a bill is disputed against: none is marked "may change".
    late = [] if details.gfe else [s for s in p.sessions if s.date > valid_until and not p.in_package(s)]
    sessions = [
        {
            "number": s.number,
            "date": s.date.isoformat(),
            "weekday": s.weekday.capitalize(),
            "time": "" if s.dose.times is None else _clock_range(s),
            "next_day": s.dose.times is not None and s.dose.times.recovery_end_min >= 24 * 60,
            "what": f"{'Infusion' if s.kind == 'induction' else 'Booster'} {s.index} of {s.of}",
            "dose": with_unit(s.dose.dose_mg, places.MG, "mg"),
            "price": "in package" if p.in_package(s) else money_range(s.price.min, s.price.max, p.currency),
            "late": s in late,
        }
        for s in p.sessions
    ]
    remarks = []
    if late:
        remarks.append(f"* After the valid-until date: prices for the sessions from {late[0].date} may change.")
    if p.time_given:
        remarks.append("† From the start of the infusion to the end of the recovery.")
    if moved := p.skipped_sessions:
        remarks.append("No session on: " + ", ".join(f"{day:%a} {day.isoformat()}" for day in moved) + ".")
    if len({s.dose.rate_mg_per_kg for s in p.sessions}) > 1:
        remarks.append(
            "The doses are planned to change over the course; the clinician adjusts each to your response and "
            "how well you tolerate it."
        )
    return {"sessions": sessions, "timed": p.time_given, "calendar": calendar_strip(p), "remarks": remarks}


def _clock_range(s: Session) -> str:
    times = s.dose.times
    assert times is not None
    return f"{times.clock(times.start_min)}–{times.clock(times.recovery_end_min)}"


def calendar_strip(p: Plan) -> dict[str, Any]:
    """The calendar strip as data for the template's inline SVG: weeks (rows)
    x weekdays (columns), weeks with no session folded into a line that says how many."""
    marks = {s.date: s.kind for s in p.sessions}
    first = p.sessions[0].date
    monday = first - datetime.timedelta(days=first.weekday())
    rows: list[dict[str, Any]] = []
    gap = 0
    while monday <= p.sessions[-1].date:
        week = [monday + datetime.timedelta(days=i) for i in range(7)]
        if any(day in marks for day in week):
            if gap:
                rows.append({"label": f"{gap} week{'s' if gap > 1 else ''} without a session", "days": None})
                gap = 0
            rows.append({"label": f"{monday:%d %b %Y}", "days": [marks.get(day) for day in week]})
        else:
            gap += 1
        monday += datetime.timedelta(days=7)
    return {"rows": rows, "height": 22 * (len(rows) + 1) + 8}
