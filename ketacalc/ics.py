"""A plan as an iCalendar file (RFC 5545), written by icalendar.

A calendar is shared and shows on a lock screen, so it says nothing of the treatment unless asked
(``details``, ``--ics-details``): an event is "Appointment – <clinic name>" (or "Appointment"), and
only with details "Ketamine infusion 2 of 6" with the weight, dose and price.

One event per session, from its start (``--time``) to the end of its recovery, in the clinic's
time zone (``[clinic] timezone``, an IANA name: TZID-qualified times and a VTIMEZONE for the course's
years), else in floating local time. Without ``--time`` no time is invented: each session is an
all-day event on its date. ``LOCATION`` is the clinic's address when the config gives one. A
reminder (VALARM) ``[plan] reminder`` before each session (default a day; ``none`` for none) carries
the seed's "planning ahead for the ride home"; for an all-day event it comes at 09:00 on the day the
reminder's days (rounded up) before, never at night.

Nor does anything else on it by default: the PRODID, the UIDs' domain and the descriptions are
neutral ("Appointment 2 of 6. Informational only: check every time with the clinic."), and every
event is CLASS:PRIVATE.

UIDs: with a patient reference (``--id``) they are a hash of the clinic's name and the reference
(spaces and case aside), then each session's place in the course (``-3``, a follow-up ``-f1``: no
word of the treatment), not its date nor its start or weekdays, so writing the course
again, rescheduled or not, updates the events instead of doubling them; ``SEQUENCE`` rises with
each export (the seconds since 2026), and the file is ``METHOD:PUBLISH``. A session that is no
longer in the course is not cancelled. Without ``--id`` two patients on the same dates could not
be told apart, so each event's UID is random, and writing the course again adds new events.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from ketacalc import limits, places
from ketacalc.errors import InputError
from ketacalc.formatting import money, with_unit
from ketacalc.planning import Plan, Session
from ketacalc.values import Given, as_text

if TYPE_CHECKING:
    from typing import Any

PRODID = "-//ketacalc//treatment plan//EN"  # with --ics-details only
PRIVATE_PRODID = "-//appointments//EN"  # nothing of the treatment, nor of a tool named after the drug
UID_DOMAIN = "appointments.invalid"  # RFC 2606: a name that is nobody's, and says nothing
# The notice, on every event: in words that say nothing of the treatment unless details are asked for.
PRIVATE_NOTICE = "Informational only: check every time with the clinic."
_SEQUENCE_FROM = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)  # SEQUENCE: seconds since, rising
# The reminder's words: the seed's "We recommend planning ahead for the ride home" (seeds/000_4e4cacf71e069d0d.txt),
# and nothing of the treatment.
REMINDER_TEXT = "Appointment reminder: plan ahead for your ride home afterwards."
REMINDER_ALLOWED = (
    f"none, or a time before each session: Nd ({limits.REMINDER_DAYS.allowed()}) "
    f"or Nh ({limits.REMINDER_HOURS.allowed()}), e.g. 1d"
)
TIMEZONE_ALLOWED = "an IANA time zone name, e.g. America/New_York or Europe/London"
_ALL_DAY_FROM = datetime.timedelta(hours=9)  # an all-day event's reminder counts back from 09:00
_REMINDER_RE = re.compile(r"[ \t]*([0-9]{1,3})[ \t]*([dh])[ \t]*", re.IGNORECASE)


def parse_reminder(value: Given, field: str = "reminder") -> datetime.timedelta | None:
    """``1d``, ``12h`` or ``none``: how long before each session its reminder comes (None: no reminder)."""
    text = as_text(value)
    if text.strip().lower() == "none":
        return None
    match = _REMINDER_RE.fullmatch(text) if len(text) <= 20 else None
    if match is None:
        raise InputError(field, text, "is not a reminder", REMINDER_ALLOWED)
    count, unit = int(match.group(1)), match.group(2).lower()
    if count not in (limits.REMINDER_DAYS if unit == "d" else limits.REMINDER_HOURS):
        raise InputError(field, text, "is outside the reminder's range", REMINDER_ALLOWED)
    return datetime.timedelta(days=count) if unit == "d" else datetime.timedelta(hours=count)


# Names the database holds that are no place's zone: the machine's own, a placeholder, and the
# "right/" (leap seconds) and "posix/" copies, whose offsets calendars do not share.
_NOT_A_PLACE = frozenset({"localtime", "Factory", "posixrules"})


def parse_timezone(value: Given, field: str = "timezone") -> str:
    """An IANA time zone name of a place, as the time zone database lists it (America/New_York, UTC)."""
    import zoneinfo

    text = as_text(value).strip()
    if len(text) > 64 or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*", text):
        raise InputError(field, text, "is not a time zone name", TIMEZONE_ALLOWED)
    if text in _NOT_A_PLACE or text.startswith(("right/", "posix/")) or text not in zoneinfo.available_timezones():
        raise InputError(field, text, "is not a known time zone", TIMEZONE_ALLOWED)
    return text


# Words that name the treatment, or the care it belongs to: on a default calendar, a note says so.
_TREATMENT_RE = re.compile(r"ketamin\w*|esketamin\w*|spravato|infusion\w*|psychiatr\w*|depressi\w*|mental", re.I)


def treatment_words(text: str) -> str:
    """The first word of ``text`` that names the treatment, or "" (accents aside: Kétamine is ketamine)."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    found = _TREATMENT_RE.search(plain)
    return found.group() if found else ""


def _wall_time(day: datetime.date, minutes: int, zone: Any) -> datetime.datetime:
    """A session's wall-clock time on its day, in the clinic's zone (floating without one). A time the
    clocks skip (02:30 when they go forward) is refused: no calendar can hold it."""
    when = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minutes)
    if zone is None:
        return when
    zoned = when.replace(tzinfo=zone)
    back = zoned.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)
    if back != when:
        raise InputError(
            "time",
            f"{when:%Y-%m-%d %H:%M}",
            f"does not exist in {zone.key}: the clocks go forward then",
            "another --time, or another day",
        )
    return zoned


def summary(session: Session, details: bool = True, clinic: str = "") -> str:
    """An event's title: neutral unless the treatment was asked for."""
    if not details:
        return f"Appointment – {clinic}" if clinic else "Appointment"
    what = "infusion" if session.kind == "induction" else "booster"
    return f"Ketamine {what} {session.index} of {session.of}"


def _course_key(reference: str, clinic: str, secret: str = "") -> str:
    """The course's key: the same for every export of it, rescheduled (another start, other weekdays)
    or not; the reference as a person reads it (" P-0042" and "p-0042" are P-0042), and the clinic's
    name, so two clinics' P-0042 differ. A slow hash (PBKDF2, 100,000 rounds: a tenth of a second
    once an export), so trying every P-0000 to P-9999 against a shared calendar takes a quarter of an
    hour, not milliseconds; with the clinic's ``[clinic] calendar_key`` (a secret) it cannot be done."""
    course = " ".join(reference.split()).casefold()
    salt = f"appointments|{clinic}|{secret}".encode()
    return hashlib.pbkdf2_hmac("sha256", course.encode(), salt, 100_000).hex()[:24]


def plan_calendar(
    p: Plan,
    *,
    details: bool = False,
    reference: str | None = None,
    clinic: str = "",
    address: str = "",
    now: datetime.datetime | None = None,
    timezone: str | None = None,
    reminder: datetime.timedelta | None = datetime.timedelta(days=1),
    secret: str = "",
) -> bytes:
    """The iCalendar file's bytes (``clinic``, ``address``, ``timezone``: the config's [clinic] name,
    address and time zone; ``reminder``: how long before each session its alarm comes, None for none)."""
    import zoneinfo

    from icalendar import Alarm, Calendar, Event

    zone = None if timezone is None else zoneinfo.ZoneInfo(parse_timezone(timezone))

    calendar = Calendar()
    calendar.add("prodid", PRODID if details else PRIVATE_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = (now or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC).replace(microsecond=0)
    if reference is not None:
        calendar.add("method", "PUBLISH")
    key = _course_key(reference, clinic, secret) if reference is not None else ""
    for session in p.sessions:
        event = Event()
        if reference is not None:
            # The session's place, in letters that name no treatment: 1, 2 ... then f1, f2 for follow-ups.
            place = f"{session.index}" if session.kind == "induction" else f"f{session.index}"
            event.add("uid", f"{key}-{place}@{UID_DOMAIN}")
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
            # Wall-clock times in the clinic's zone (a floating time without one): 08:30 is 08:30 on
            # the day, across a change to or from summer time.
            start, end = _visit(session.date, times.start_min, times.recovery_end_min, zone)
            event.add("dtstart", start)
            event.add("dtend", end)
        event.add("summary", summary(session, details, clinic))
        if address:
            event.add("location", address)
        event.add("description", _description(p, session, details))
        if reminder is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", REMINDER_TEXT)
            alarm.add("trigger", -reminder if times is not None else _all_day_trigger(reminder))
            event.add_component(alarm)
        calendar.add_component(event)
    if zone is not None and p.time_given:  # a VTIMEZONE for the zone, over the course's years only
        first, last = p.sessions[0].date, p.sessions[-1].date
        calendar.add_missing_timezones(datetime.date(first.year, 1, 1), datetime.date(last.year + 1, 1, 1))
    data: bytes = calendar.to_ical()
    return data


def _visit(day: datetime.date, start_min: int, end_min: int, zone: Any) -> tuple[datetime.datetime, datetime.datetime]:
    """A timed visit's start, on the wall clock, and its end, the start plus the visit's length in real
    time: across a change of the clocks (01:30 on the night they go back) it still lasts 70 minutes."""
    start = _wall_time(day, start_min, zone)
    length = datetime.timedelta(minutes=end_min - start_min)
    if zone is None:
        return start, start + length
    end = (start.astimezone(datetime.UTC) + length).astimezone(zone)
    if end.utcoffset() != end.replace(fold=0).utcoffset():
        # The hour the clocks repeat: a zoned time there is read as its first occurrence (RFC 5545,
        # 3.3.5), so the second is written in UTC, which says which one.
        end = end.astimezone(datetime.UTC)
    return start, end


def _all_day_trigger(reminder: datetime.timedelta) -> datetime.timedelta:
    """An all-day event has no start to count hours back from: its reminder comes at 09:00 on the
    day the reminder's days (rounded up) before, so never at night."""
    days = max(1, -(-reminder // datetime.timedelta(days=1)))
    return _ALL_DAY_FROM - datetime.timedelta(days=days)


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
        f"Price: {_price(session, p.currency)}"
        if not p.in_package(session)
        else f"Price: in package ({p.infusions} infusions: {money(p.package or Decimal(0), p.currency)})",
        limits.DISCLAIMER,
    ]
    if d.pump is not None:
        lines.insert(4, f"Pump: {with_unit(d.pump.rate_ml_per_h(d.duration_min), places.ML_PER_H, 'mL/h')}")
    return "\n".join(lines)
