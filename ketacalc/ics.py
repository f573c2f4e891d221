"""A plan as an iCalendar file (RFC 5545), written by icalendar.

A calendar is shared and shows on a lock screen, so it says nothing of the treatment unless asked
(``details``, ``--ics-details``): an event is "Appointment – <clinic name>" (or "Appointment"), and
only with details "Ketamine infusion 2 of 6" with the weight, dose and price.

One event per session, from its start (``--time``) to the end of its recovery, in the clinic's
local time (floating: no time zone). Without ``--time`` no time is invented: each session is an
all-day event on its date. ``LOCATION`` is the clinic's address when the config gives one.

Nor does anything else on it by default: the PRODID, the UIDs' domain and the descriptions are
neutral ("Appointment 2 of 6. Informational only: check every time with the clinic."), and every
event is CLASS:PRIVATE.

UIDs: with a patient reference (``--id``) they name the reference and each session's place in the
course (induction 3, booster 1), not its date nor its start or weekdays, so writing the course
again, rescheduled or not, updates the events instead of doubling them; ``SEQUENCE`` rises with
each export (the seconds since 2026), and the file is ``METHOD:PUBLISH``. A session that is no
longer in the course is not cancelled. Without ``--id`` two patients on the same dates could not
be told apart, so each event's UID is random, and writing the course again adds new events.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from ketacalc import limits, places
from ketacalc.formatting import money, with_unit
from ketacalc.planning import Plan, Session

PRODID = "-//ketacalc//treatment plan//EN"  # with --ics-details only
PRIVATE_PRODID = "-//appointments//EN"  # nothing of the treatment, nor of a tool named after the drug
UID_DOMAIN = "appointments.invalid"  # RFC 2606: a name that is nobody's, and says nothing
# The notice, on every event: in words that say nothing of the treatment unless details are asked for.
PRIVATE_NOTICE = "Informational only: check every time with the clinic."
_SEQUENCE_FROM = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)  # SEQUENCE: seconds since, rising


def summary(session: Session, details: bool = True, clinic: str = "") -> str:
    """An event's title: neutral unless the treatment was asked for."""
    if not details:
        return f"Appointment – {clinic}" if clinic else "Appointment"
    what = "infusion" if session.kind == "induction" else "booster"
    return f"Ketamine {what} {session.index} of {session.of}"


def _course_key(reference: str) -> str:
    """The patient reference's key: the same for every export of the course, rescheduled (another
    start, other weekdays) or not, and holding no patient data."""
    return hashlib.sha256(f"ketacalc course|{reference}".encode()).hexdigest()[:24]


def plan_calendar(
    p: Plan,
    *,
    details: bool = False,
    reference: str | None = None,
    clinic: str = "",
    address: str = "",
    now: datetime.datetime | None = None,
) -> bytes:
    """The iCalendar file's bytes (``clinic``, ``address``: the config's [clinic] name and address)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID if details else PRIVATE_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = (now or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC).replace(microsecond=0)
    if reference is not None:
        calendar.add("method", "PUBLISH")
    key = _course_key(reference) if reference is not None else ""
    for session in p.sessions:
        event = Event()
        if reference is not None:
            event.add("uid", f"{key}-{session.kind}-{session.index}@{UID_DOMAIN}")
            event.add("sequence", max(int((stamp - _SEQUENCE_FROM).total_seconds()), 0))
        else:
            event.add("uid", f"{uuid.uuid4()}@{UID_DOMAIN}")
        event.add("class", "PRIVATE")  # a shared calendar shows it as busy, not its title
        event.add("dtstamp", stamp)
        times = session.dose.times
        if times is None:  # no --time: an all-day event, never an invented 09:00
            event.add("dtstart", session.date)
            event.add("dtend", session.date + datetime.timedelta(days=1))
        else:
            midnight = datetime.datetime.combine(session.date, datetime.time())
            event.add("dtstart", midnight + datetime.timedelta(minutes=times.start_min))
            event.add("dtend", midnight + datetime.timedelta(minutes=times.recovery_end_min))
        event.add("summary", summary(session, details, clinic))
        if address:
            event.add("location", address)
        event.add("description", _description(p, session, details))
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _price(session: Session, currency: str) -> str:
    low, high = session.price.min, session.price.max
    return money(low, currency) if low == high else f"{money(low, currency)} to {money(high, currency)}"


def _description(p: Plan, session: Session, details: bool) -> str:
    if not details:
        return f"Appointment {session.number} of {len(p.sessions)}. {PRIVATE_NOTICE}"
    d = session.dose
    lines = [
        f"Session {session.number} of {len(p.sessions)} of the course.",
        f"Weight: {with_unit(d.weight_kg, places.KG, 'kg')}",
        f"Rate: {with_unit(d.rate_mg_per_kg, places.MG_PER_KG, 'mg/kg')}",
        f"Dose: {with_unit(d.dose_mg, places.MG, 'mg')} over {with_unit(d.duration_min, places.MIN, 'min')}",
        f"Price: {_price(session, p.currency)}",
        limits.DISCLAIMER,
    ]
    if d.pump is not None:
        lines.insert(4, f"Pump: {with_unit(d.pump.rate_ml_per_h(d.duration_min), places.ML_PER_H, 'mL/h')}")
    return "\n".join(lines)
