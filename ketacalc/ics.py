"""A plan as an iCalendar file (RFC 5545), written by icalendar.

One event per session, from its start (``--time``, else 09:00) to the end of
its recovery, in the clinic's local time (floating: no time zone). Summaries
read "Ketamine infusion 2 of 6" and "Ketamine booster 1 of 2". A calendar is
often shared, so no weight, dose or patient data is written unless asked for
(``details``). UIDs name the course (its start date, weekdays, counts, and the patient
reference given with ``--id``) and each session's place in it (induction 3,
booster 1), not its date: writing the course again, rescheduled or not, gives
the same UIDs, so importing it updates the events instead of doubling them.
"""

from __future__ import annotations

import datetime
import hashlib

from ketacalc import limits, places
from ketacalc.formatting import money, with_unit
from ketacalc.planning import Plan, Session
from ketacalc.pump import VisitTimes, visit_times

DEFAULT_START_MIN = 9 * 60  # 09:00
PRODID = "-//ketacalc//treatment plan//EN"


def summary(session: Session) -> str:
    what = "infusion" if session.kind == "induction" else "booster"
    return f"Ketamine {what} {session.index} of {session.of}"


def _times(session: Session) -> VisitTimes:
    d = session.dose
    if d.times is not None:
        return d.times
    return visit_times(DEFAULT_START_MIN, d.duration_min, d.recovery_min)


def _course_key(p: Plan, reference: str | None) -> str:
    """The same course gives the same key; it holds no patient data."""
    course = f"{p.start_date}|{','.join(p.days)}|{p.infusions}|{p.boosters}|{reference or ''}"
    return hashlib.sha256(course.encode()).hexdigest()[:24]


def plan_calendar(p: Plan, *, details: bool = False, reference: str | None = None) -> bytes:
    """The iCalendar file's bytes."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    key = _course_key(p, reference)
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    for session in p.sessions:
        times = _times(session)
        midnight = datetime.datetime.combine(session.date, datetime.time())
        event = Event()
        event.add("uid", f"{key}-{session.kind}-{session.index}@ketacalc")
        event.add("dtstamp", stamp)
        event.add("dtstart", midnight + datetime.timedelta(minutes=times.start_min))
        event.add("dtend", midnight + datetime.timedelta(minutes=times.recovery_end_min))
        event.add("summary", summary(session))
        event.add("description", _description(p, session, details))
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def _description(p: Plan, session: Session, details: bool) -> str:
    lines = [f"Session {session.number} of {len(p.sessions)} of the course.", limits.DISCLAIMER]
    if details:
        d = session.dose
        lines[1:1] = [
            f"Weight: {with_unit(d.weight_kg, places.KG, 'kg')}",
            f"Rate: {with_unit(d.rate_mg_per_kg, places.MG_PER_KG, 'mg/kg')}",
            f"Dose: {with_unit(d.dose_mg, places.MG, 'mg')} over {with_unit(d.duration_min, places.MIN, 'min')}",
            f"Price: {money(session.price.min, p.currency)} to {money(session.price.max, p.currency)}",
        ]
        if d.pump is not None:
            lines.insert(4, f"Pump: {with_unit(d.pump.rate_ml_per_h(d.duration_min), places.ML_PER_H, 'mL/h')}")
    return "\n".join(lines)
