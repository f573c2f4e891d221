"""The patient handout: a one-page HTML quote or plan with the clinic's
letterhead, written from a Jinja2 template (``templates/handout.html.j2``) with
autoescaping on, so every piece of text (ids, clinic fields, the reference) is
HTML-escaped; no HTML is built by joining strings in code.

The page is self-contained: inline CSS, no fonts, no scripts, images only as
data URIs, and a Content-Security-Policy that allows nothing else. A logo is a
PNG, JPEG or SVG file of at most 256 KiB; an SVG that holds script, event
handlers, animation, CSS, external references or anything else outside an
allowlist of static drawing elements is refused, not cleaned (``ketacalc.svglogo``).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ketacalc import limits, places
from ketacalc.currencies import minor_units
from ketacalc.errors import InputError, KetacalcError
from ketacalc.formatting import with_unit
from ketacalc.planning import Plan
from ketacalc.quoting import Quote
from ketacalc.values import Given, as_text, whole_number

if TYPE_CHECKING:
    from ketacalc.config import Setting

MAX_LOGO_BYTES = 256 * 1024
MAX_FIELD_CHARS = 100  # a letterhead line; longer ones would push a 6 + 2 plan onto a second page
VALID_DAYS_DEFAULT = int(limits.QUOTE_VALID_DAYS.value)
VALID_DAYS_MAX = 365
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
# The seed's own words (seeds/000_4e4cacf71e069d0d.txt), for the patient.
SEED_NOTES = (
    "Because racemic ketamine is not FDA-approved, health insurance may not cover it.",
    "Because nasal ketamine (esketamine) is FDA-approved, it is more likely to be covered under health insurance "
    "and may be the more accessible option.",
)


class HandoutError(KetacalcError):
    """A handout that cannot be made: a logo file, most often (exit 2)."""


@dataclass(frozen=True)
class Clinic:
    """The letterhead, from the config's [clinic] section."""

    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    logo: str | None = None  # a data URI


@dataclass(frozen=True)
class Details:
    """What the handout says about itself."""

    date: datetime.date
    reference: str
    valid_days: int
    patient: str | None = None  # the --id, and nothing else by default
    include_dose: bool = False


def parse_text(value: Given, field_name: str) -> str:
    """A letterhead field or a reference: one line of text. Control characters
    (line breaks, NUL, ESC) are dropped; direction overrides and embeddings
    (U+202E would print Q-1234 as 4321-Q) are shown escaped (\\u202e), as every
    other output shows them; every other character is kept as it is (a
    no-break space, a joiner, right-to-left letters) and the template escapes
    it for HTML and isolates its direction."""
    text = as_text(value)
    if len(text) > MAX_FIELD_CHARS:
        raise InputError(field_name, text, "is too long for a letterhead", f"at most {MAX_FIELD_CHARS} characters")
    kept = "".join(char for char in text.strip() if unicodedata.category(char) != "Cc")
    return _BIDI_CONTROLS_RE.sub(lambda found: f"\\u{ord(found.group()):04x}", kept)


# Explicit direction controls: embeddings, overrides, isolates and marks that reorder what follows.
_BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def parse_valid_days(value: Given, field_name: str = "valid_days") -> int:
    return whole_number(field_name, value, 1, VALID_DAYS_MAX, f"a whole number of days, 1–{VALID_DAYS_MAX}")


MAX_PATH_CHARS = 4096  # PATH_MAX on Linux


def parse_logo_path(value: Given, field_name: str = "logo") -> str:
    """A logo's file path: any length a file system takes, no control characters
    (the file itself is checked when a handout is made)."""
    text = as_text(value)
    if len(text) > MAX_PATH_CHARS or any(unicodedata.category(char) == "Cc" for char in text):
        raise InputError(field_name, text, "is not a file path", "the path of a PNG, JPEG or SVG file")
    return text


def logo_data_uri(path: str) -> str:
    """The logo file as a data URI, or HandoutError saying what is wrong."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would wait forever, /dev/zero never end
            raise HandoutError(f"logo {path!r}: not a regular file")
        with open(path, "rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as error:
        raise HandoutError(f"logo {path!r}: cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_LOGO_BYTES:
        raise HandoutError(f"logo {path!r}: larger than {MAX_LOGO_BYTES // 1024} KiB")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif _is_svg(data):
        from ketacalc import svglogo

        try:
            svglogo.check(data)
        except svglogo.UnsafeSvg as found:
            raise HandoutError(f"logo {path!r}: an SVG holding {found}; a logo holds shapes, paths and text") from None
        kind = "image/svg+xml"
    else:
        raise HandoutError(f"logo {path!r}: not a PNG, JPEG or SVG file")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _is_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in data[:8192].lower()


def page_for(
    result: Quote | Plan,
    document: dict[str, Any],
    settings: Mapping[str, Setting],
    *,
    date: str | None,
    ref: str | None,
    valid_days: str | None,
    patient_id: str | None,
    include_dose: bool,
) -> str:
    """The handout as HTML, from the command's options and the clinic's settings; every option
    checked (nothing is written here)."""
    from ketacalc.config import logo_path
    from ketacalc.planning import parse_date

    logo = logo_path(settings["logo"])
    try:
        clinic = Clinic(
            **{
                name: "" if (value := settings[name].value) is None else parse_text(value, name)
                for name in ("name", "address", "phone", "email")
            },
            logo=None if logo is None else logo_data_uri(str(logo)),
        )
    except HandoutError as error:
        raise KetacalcError(f"config {settings['logo'].source}: [clinic] {error}") from None
    kind = "quote" if isinstance(result, Quote) else "plan"
    day = datetime.date.today() if date is None else parse_date(date, "date")
    valid = settings["valid_days"].value if valid_days is None else valid_days
    details = Details(
        date=day,
        reference=default_reference(kind, day, {**document, "patient_reference": patient_id})
        if ref is None
        else parse_text(ref, "ref"),
        valid_days=VALID_DAYS_DEFAULT if valid is None else parse_valid_days(valid, "valid_days"),
        patient=None if patient_id is None else parse_text(patient_id, "id"),
        include_dose=include_dose,
    )
    if isinstance(result, Quote):
        return quote_page(result, clinic, details)
    return plan_page(result, clinic, details)


def default_reference(kind: str, date: datetime.date, document: dict[str, Any]) -> str:
    """Q-20261127-1a2b3c: the same quote on the same day gets the same reference."""
    digest = hashlib.sha256(repr(sorted(document.items())).encode()).hexdigest()[:6].upper()
    return f"{kind[0].upper()}-{date:%Y%m%d}-{digest}"


def money(value: Decimal, currency: str) -> str:
    """Money on the page exactly as the JSON has it, with its currency: $2400.00, EUR 650.00, JPY 720000."""
    text = f"{value.quantize(Decimal(1).scaleb(-minor_units(currency))):f}"
    return f"${text}" if currency == "USD" else f"{currency}\u00a0{text}"  # the code stays with its amount


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


def _page(
    title: str,
    clinic: Clinic,
    details: Details,
    items: list[dict[str, str]],
    totals: dict[str, str],
    *,
    dose: dict[str, str] | None = None,
    sessions: list[dict[str, Any]] | None = None,
    calendar: dict[str, Any] | None = None,
) -> str:
    template = _environment().get_template("handout.html.j2")
    page: str = template.render(
        csp=CSP,
        notes=SEED_NOTES,
        disclaimer=limits.DISCLAIMER,
        title=title,
        clinic=clinic,
        details=details,
        valid_until=details.date + datetime.timedelta(days=details.valid_days),
        items=items,
        totals=totals,
        dose=dose,
        sessions=sessions,
        calendar=calendar,
    )
    return page


def quote_page(q: Quote, clinic: Clinic, details: Details) -> str:
    """A one-page cost estimate for a quote."""
    c = q.cost
    items = [
        {
            "what": f"Ketamine infusion × {c.infusions}",
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
    totals = {
        "min": money(c.total_min, c.currency),
        "mid": money(c.total_mid, c.currency),
        "max": money(c.total_max, c.currency),
    }
    return _page("Cost estimate", clinic, details, items, totals, dose=dose)


def plan_page(p: Plan, clinic: Clinic, details: Details) -> str:
    """A one-page treatment plan: line items, totals, sessions and the calendar strip."""
    currency = p.currency
    induction = [s for s in p.sessions if s.kind == "induction"]
    boosters = [s for s in p.sessions if s.kind == "booster"]
    items = []
    for label, group in (("Induction infusions", induction), ("Booster infusions", boosters)):
        if not group:
            continue
        low = sum((s.price.min for s in group), Decimal(0))
        high = sum((s.price.max for s in group), Decimal(0))
        if group is induction and p.package is not None:
            what, each = f"Induction package, {len(group)} infusions", "one price"
        else:
            prices = {(s.price.min, s.price.max) for s in group}
            what, each = f"{label} × {len(group)}", money_range(*prices.pop(), currency)
        items.append({"what": what, "each": each, "total": money_range(low, high, currency)})
    total = p.total_price
    sessions = [
        {
            "number": s.number,
            "date": s.date.isoformat(),
            "weekday": s.weekday.capitalize(),
            "what": f"{'Infusion' if s.kind == 'induction' else 'Booster'} {s.index} of {s.of}",
            "dose": with_unit(s.dose.dose_mg, places.MG, "mg"),
            "price": money_range(s.price.min, s.price.max, currency),
        }
        for s in p.sessions
    ]
    totals = {name: money(getattr(total, name), currency) for name in ("min", "mid", "max")}
    title = "Treatment plan and cost estimate"
    return _page(title, clinic, details, items, totals, sessions=sessions, calendar=calendar_strip(p))


def calendar_strip(p: Plan) -> dict[str, Any]:
    """The calendar strip as data for the template's inline SVG: weeks (rows)
    x weekdays (columns), folded where weeks have no session."""
    marks = {s.date: s.kind for s in p.sessions}
    first = p.sessions[0].date
    monday = first - datetime.timedelta(days=first.weekday())
    rows: list[dict[str, Any]] = []
    gap = 0
    while monday <= p.sessions[-1].date:
        week = [monday + datetime.timedelta(days=i) for i in range(7)]
        if any(day in marks for day in week):
            if gap:
                rows.append({"label": f"{gap} week{'s' if gap > 1 else ''} later", "days": None})
                gap = 0
            rows.append({"label": f"{monday:%d %b %Y}", "days": [marks.get(day) for day in week]})
        else:
            gap += 1
        monday += datetime.timedelta(days=7)
    return {"rows": rows, "height": 22 * (len(rows) + 1) + 8}
