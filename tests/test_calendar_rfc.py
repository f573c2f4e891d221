"""The calendar file as real calendars read it (#22, section 3): parsed by icalendar and by a second,
independent parser (vobject), the RFC 5545 rules held (CRLF, lines folded at 75 octets, one DTSTAMP
and UID per event), the clinic's time zone with its VTIMEZONE, and a reminder the day before."""

from __future__ import annotations

import datetime
import json
import zoneinfo
from pathlib import Path

import pytest

from tests.helpers import cli, write

PLAN = ["plan", "70", "--start-date", "2026-12-07", "--boosters", "2", "--booster-every", "4w"]


def calendar(tmp_path: Path, *extra: str, clinic: dict[str, str] | None = None, plan: str = "") -> bytes:
    lines = ["[clinic]"] + [f"{key} = {json.dumps(value)}" for key, value in (clinic or {}).items()]
    config = write(tmp_path, "c.toml", "\n".join(lines) + "\n" + plan)
    path = tmp_path / "course.ics"
    run = cli(*_without(PLAN, extra), "--config", config, "--ics", str(path), *extra)
    assert run.code == 0, run.stderr
    return path.read_bytes()


def _without(base: list[str], extra: tuple[str, ...] | list[str]) -> list[str]:
    """The base command without the options ``extra`` gives again (an option is given once)."""
    out, words = [], iter(base)
    for word in words:
        if word.startswith("--") and word in extra:
            next(words, None)
            continue
        out.append(word)
    return out


def events_by_vobject(data: bytes) -> list[object]:
    import vobject  # type: ignore[import-untyped]

    parsed = vobject.readOne(data.decode("utf-8"))
    return list(parsed.vevent_list)


VARIANTS = {
    "all-day": ([], {}),
    "timed, floating": (["--time", "08:30"], {}),
    "timed, in a zone": (["--time", "08:30"], {"timezone": "America/New_York", "name": "Harbour"}),
    "details, long address": (
        ["--time", "16:45", "--ics-details", "--id", "P-0042"],
        {"address": "Ünit 4, " + "Long Harbour Road " * 5, "name": "Clinique du Port – Ærø"},
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_file_keeps_rfc_5545s_rules(tmp_path: Path, variant: str) -> None:
    extra, clinic = VARIANTS[variant]
    data = calendar(tmp_path, *extra, clinic=clinic)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")  # every line ends CRLF, no bare LF
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line  # folded at 75 octets, UTF-8 never cut inside a character
        line.decode("utf-8")
    text = data.decode("utf-8")
    blocks = text.split("BEGIN:VEVENT")[1:]
    assert len(blocks) == 8
    for block in blocks:
        event = block.split("END:VEVENT")[0]
        unfolded = event.replace("\r\n ", "")
        names = [line.split(":")[0].split(";")[0] for line in unfolded.split("\r\n") if line]
        assert names.count("DTSTAMP") == 1 and names.count("UID") == 1 and names.count("DTSTART") == 1


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_two_independent_parsers_read_the_same_events(tmp_path: Path, variant: str) -> None:
    from icalendar import Calendar

    extra, clinic = VARIANTS[variant]
    data = calendar(tmp_path, *extra, clinic=clinic)
    mine = list(Calendar.from_ical(data).walk("VEVENT"))
    theirs = events_by_vobject(data)
    assert len(mine) == len(theirs) == 8
    for a, b in zip(mine, theirs, strict=True):
        assert str(a["uid"]) == b.uid.value  # type: ignore[attr-defined]
        assert str(a["summary"]) == b.summary.value  # type: ignore[attr-defined]
        start_a = a.decoded("dtstart")
        start_b = b.dtstart.value  # type: ignore[attr-defined]
        assert start_a == start_b, (start_a, start_b)
        if clinic.get("address"):
            assert b.location.value == str(a["location"])  # type: ignore[attr-defined]


def test_the_clinics_time_zone_gives_zoned_times_and_its_vtimezone(tmp_path: Path) -> None:
    data = calendar(tmp_path, "--time", "08:30", clinic={"timezone": "America/New_York"})
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:America/New_York" in text
    assert "DTSTART;TZID=America/New_York:20261207T083000" in text
    new_york = zoneinfo.ZoneInfo("America/New_York")
    for event in events_by_vobject(data):
        start = event.dtstart.value  # type: ignore[attr-defined]
        assert start.tzinfo is not None and start.utcoffset() == start.astimezone(new_york).utcoffset()
        assert (start.hour, start.minute) == (8, 30)  # wall-clock 08:30, winter or summer
    # The boosters fall after the change to summer time (2027-03-14) when the course runs long.
    later = calendar(tmp_path, "--time", "08:30", "--booster-every", "12w", clinic={"timezone": "America/New_York"})
    offsets = {e.dtstart.value.utcoffset() for e in events_by_vobject(later)}  # type: ignore[attr-defined]
    assert offsets == {datetime.timedelta(hours=-5), datetime.timedelta(hours=-4)}


def test_without_a_time_zone_times_are_floating_and_all_day_events_have_none(tmp_path: Path) -> None:
    floating = calendar(tmp_path, "--time", "08:30").decode()
    assert "VTIMEZONE" not in floating and "DTSTART:20261207T083000\r\n" in floating
    all_day = calendar(tmp_path, clinic={"timezone": "Europe/London"}).decode()
    assert "VTIMEZONE" not in all_day and "DTSTART;VALUE=DATE:20261207" in all_day


@pytest.mark.parametrize("value", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "UTC\x00", "x" * 100, ""])
def test_an_unknown_time_zone_is_exit_2_naming_the_key(tmp_path: Path, value: str) -> None:
    config = write(tmp_path, "c.toml", f"[clinic]\ntimezone = {json.dumps(value)}\n")
    run = cli(*PLAN, "--config", config, "--ics", str(tmp_path / "c.ics"))
    assert run.code == 2 and "timezone" in run.stderr and len(run.stderr.splitlines()) == 1
    assert not (tmp_path / "c.ics").exists()


def test_a_reminder_the_day_before_carries_the_ride_home(tmp_path: Path) -> None:
    from icalendar import Calendar

    timed = Calendar.from_ical(calendar(tmp_path, "--time", "08:30"))
    for event in timed.walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY" and "ride home" in str(alarm["description"])
        assert alarm.decoded("trigger") == -datetime.timedelta(days=1)
        assert "ketamine" not in str(alarm["description"]).lower()
    all_day = Calendar.from_ical(calendar(tmp_path))
    for event in all_day.walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        # From the day's midnight: 09:00 the day before, not midnight.
        assert alarm.decoded("trigger") == -datetime.timedelta(hours=15)


@pytest.mark.parametrize(("setting", "trigger"), [('"2d"', -datetime.timedelta(days=2)), ('"12h"', None)])
def test_the_reminder_is_set_by_the_plan_section(tmp_path: Path, setting: str, trigger: object) -> None:
    from icalendar import Calendar

    data = calendar(tmp_path, "--time", "08:30", plan=f"[plan]\nreminder = {setting}\n")
    (alarm,) = next(iter(Calendar.from_ical(data).walk("VEVENT"))).walk("VALARM")
    assert alarm.decoded("trigger") == (trigger or -datetime.timedelta(hours=12))


def test_no_reminder_when_set_to_none_and_a_bad_one_is_exit_2(tmp_path: Path) -> None:
    data = calendar(tmp_path, "--time", "08:30", plan='[plan]\nreminder = "none"\n')
    assert b"VALARM" not in data
    for bad in ("0d", "8d", "1w", "73h", "soon", "-1d"):
        config = write(tmp_path, "bad.toml", f'[plan]\nreminder = "{bad}"\n')
        run = cli(*PLAN, "--config", config)
        assert run.code == 2 and "reminder" in run.stderr, bad


def test_a_packages_sessions_say_in_package_on_a_detailed_calendar(tmp_path: Path) -> None:
    text = calendar(tmp_path, "--ics-details", "--package-price", "2999.99").decode().replace("\r\n ", "")
    assert text.count("Price: in package (6 infusions: $2\\,999.99)") == 6  # a TEXT value escapes its comma
    assert "499.99" not in text and "500.04" not in text


def test_a_clinic_name_that_names_the_treatment_is_noted_and_calendar_name_replaces_it(tmp_path: Path) -> None:
    clinic = {"name": "Boston Ketamine & Psychiatry Center"}
    config = write(tmp_path, "c.toml", "[clinic]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in clinic.items()))
    run = cli(*PLAN, "--config", config, "--ics", str(tmp_path / "a.ics"))
    assert (
        run.code == 0 and "note: the calendar's events show 'Ketamine'" in run.stderr and "calendar_name" in run.stderr
    )
    data = calendar(tmp_path, clinic={**clinic, "calendar_name": "Quay Street Clinic"}).decode()
    assert "Appointment – Quay Street Clinic" in data and "Ketamine" not in data


def test_uids_name_no_treatment_and_read_the_reference_as_a_person_does(tmp_path: Path) -> None:
    from icalendar import Calendar

    def uids(reference: str, name: str = "Harbour") -> list[str]:
        data = calendar(tmp_path, "--id", reference, clinic={"name": name})
        return [str(e["uid"]) for e in Calendar.from_ical(data).walk("VEVENT")]

    first = uids("P-0042")
    assert not any(word in uid for uid in first for word in ("induction", "booster", "ketamine", "P-0042"))
    assert uids(" p-0042 ") == first
    assert not set(uids("P-0042", "Another Clinic")) & set(first)


@pytest.mark.parametrize("value", ["right/America/New_York", "posix/Europe/London", "localtime", "Factory"])
def test_a_zone_that_is_no_places_is_refused(tmp_path: Path, value: str) -> None:
    config = write(tmp_path, "c.toml", f"[clinic]\ntimezone = {json.dumps(value)}\n")
    run = cli(*PLAN, "--config", config)
    assert run.code == 2 and "timezone" in run.stderr


def test_a_time_the_clocks_skip_is_exit_2(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[clinic]\ntimezone = "America/New_York"\n')
    args = ["plan", "70", "--start-date", "2027-03-14", "--days", "sun", "--time", "02:30", "--infusions", "1"]
    run = cli(*args, "--config", config, "--ics", str(tmp_path / "c.ics"))
    assert run.code == 2 and "2027-03-14 02:30" in run.stderr and "does not exist in America/New_York" in run.stderr
    assert not (tmp_path / "c.ics").exists()


def test_floating_times_are_noted(tmp_path: Path) -> None:
    run = cli(*PLAN, "--time", "08:30", "--ics", str(tmp_path / "c.ics"))
    assert run.code == 0 and "floating" in run.stderr
    assert "floating" not in cli(*PLAN, "--ics", str(tmp_path / "d.ics")).stderr  # all-day events: no times


@pytest.mark.parametrize(("setting", "hours"), [("1h", 15), ("12h", 15), ("24h", 15), ("30h", 39), ("2d", 39)])
def test_an_all_day_events_reminder_is_never_at_night(tmp_path: Path, setting: str, hours: int) -> None:
    from icalendar import Calendar

    data = calendar(tmp_path, plan=f'[plan]\nreminder = "{setting}"\n')
    (alarm,) = next(iter(Calendar.from_ical(data).walk("VEVENT"))).walk("VALARM")
    assert alarm.decoded("trigger") == -datetime.timedelta(hours=hours)  # 09:00, a day or two before


@pytest.mark.parametrize("separator", ["\v", "\x85", "\u2028", "\u2029", "\f", "\r\n"])
def test_an_address_on_several_lines_is_one_line_whatever_breaks_it(tmp_path: Path, separator: str) -> None:
    data = calendar(tmp_path, clinic={"address": f"1 Main St{separator}Springfield{separator}MA 02110"})
    assert "LOCATION:1 Main St\\, Springfield\\, MA 02110\r\n" in data.decode()


def test_a_visit_across_the_night_the_clocks_go_back_lasts_its_70_minutes(tmp_path: Path) -> None:
    from icalendar import Calendar

    config = write(tmp_path, "c.toml", '[clinic]\ntimezone = "America/New_York"\n')
    args = ["plan", "70", "--start-date", "2027-11-07", "--days", "sun", "--infusions", "1", "--time", "01:30"]
    assert cli(*args, "--config", config, "--ics", str(tmp_path / "c.ics")).code == 0
    (event,) = Calendar.from_ical((tmp_path / "c.ics").read_bytes()).walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == datetime.timedelta(minutes=70)
    # An end that falls in the hour the clocks skip is the real time after it, not an error about --time.
    spring = ["plan", "70", "--start-date", "2027-03-14", "--days", "sun", "--infusions", "1", "--time", "01:45"]
    assert cli(*spring, "--config", config, "--ics", str(tmp_path / "s.ics")).code == 0


def test_a_calendar_key_makes_the_uids_the_clinics_secret(tmp_path: Path) -> None:
    from icalendar import Calendar

    def uids(**clinic: str) -> set[str]:
        data = calendar(tmp_path, "--id", "P-0042", clinic={"name": "Harbour", **clinic})
        return {str(e["uid"]) for e in Calendar.from_ical(data).walk("VEVENT")}

    assert uids() != uids(calendar_key="a long secret phrase") == uids(calendar_key="a long secret phrase")


@pytest.mark.parametrize(
    ("key", "value"), [("name", "Boston Kétamine Klinik"), ("address", "Spravato Suite, 1 Main St")]
)
def test_an_accented_or_brand_name_of_the_treatment_is_noted_too(tmp_path: Path, key: str, value: str) -> None:
    config = write(tmp_path, "c.toml", f"[clinic]\n{key} = {json.dumps(value)}\n")
    run = cli(*PLAN, "--config", config, "--ics", str(tmp_path / "a.ics"))
    assert run.code == 0 and f"from the [clinic] {key}" in run.stderr


def test_the_calendar_key_is_never_shown_by_config(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[clinic]\ncalendar_key = "only the clinic knows"\n')
    for args in (["config", "--config", config], ["config", "--config", config, "--json"]):
        run = cli(*args)
        assert run.code == 0 and "only the clinic knows" not in run.stdout and "not shown" in run.stdout
