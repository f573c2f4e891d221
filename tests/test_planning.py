"""ketacalc plan: a whole treatment course, its dates, doses, boosters, prices, and calendar."""

from __future__ import annotations

import datetime
import decimal
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from jsonschema import Draft202012Validator

import ketacalc
from ketacalc import plan, to_document
from ketacalc.errors import InputError
from tests.helpers import cli, write

SCHEMA = cli("schema").json()
START = "2026-12-01"  # a Tuesday


def course(*args: str) -> dict[str, Any]:
    run = cli("plan", "70", "--start-date", START, *args, "--json")
    assert run.code == 0, run.stderr
    document: dict[str, Any] = run.json()
    Draft202012Validator(SCHEMA).validate(document)
    assert document["kind"] == "plan"
    return document


def dates(document: dict[str, Any]) -> list[str]:
    return [s["date"] for s in document["sessions"]]


@pytest.mark.parametrize(
    ("per_week", "weekdays"),
    [
        ("1", ["mon"]),
        ("2", ["mon", "thu"]),
        ("3", ["mon", "wed", "fri"]),
        ("4", ["mon", "tue", "thu", "fri"]),
        ("5", ["mon", "tue", "wed", "thu", "fri"]),
    ],
)
def test_per_week_picks_the_issues_weekdays(per_week: str, weekdays: list[str]) -> None:
    document = course("--per-week", per_week)
    assert document["plan"]["days"] == weekdays
    assert {s["weekday"] for s in document["sessions"]} <= set(weekdays)
    first = datetime.date.fromisoformat(document["sessions"][0]["date"])
    assert first >= datetime.date.fromisoformat(START) and first - datetime.date.fromisoformat(
        START
    ) < datetime.timedelta(7)


def test_the_default_is_mon_and_thu_from_the_first_plan_day_on_or_after_the_start() -> None:
    document = course()
    assert dates(document) == ["2026-12-03", "2026-12-07", "2026-12-10", "2026-12-14", "2026-12-17", "2026-12-21"]
    assert document["plan"] == {
        "start_date": START,
        "days": ["mon", "thu"],
        "infusions": 6,
        "boosters": 0,
        "booster_every_days": None,
        "skipped": [],
        "package_price": None,
    }
    on_a_plan_day = cli("plan", "70", "--start-date", "2026-12-03", "--json").json()
    assert on_a_plan_day["sessions"][0]["date"] == "2026-12-03"


def test_skipped_dates_are_passed_over_and_boosters_follow_the_interval() -> None:
    document = course(
        "--days", "mon,thu", "--skip", "2026-12-07,2026-12-24", "--boosters", "2", "--booster-every", "4w"
    )
    assert dates(document)[:6] == ["2026-12-03", "2026-12-10", "2026-12-14", "2026-12-17", "2026-12-21", "2026-12-28"]
    # Booster 1: the first plan weekday on or after 2026-12-28 + 28 days; booster 2 four weeks after that.
    assert dates(document)[6:] == ["2027-01-25", "2027-02-22"]
    kinds = [(s["kind"], s["index"]) for s in document["sessions"]]
    assert kinds[5:] == [("induction", 6), ("booster", 1), ("booster", 2)]
    assert document["totals"]["sessions"] == 8 and document["totals"]["boosters"] == 2


def test_a_booster_interval_lands_on_the_next_plan_weekday() -> None:
    document = course("--days", "mon", "--infusions", "1", "--boosters", "1", "--booster-every", "10d")
    assert dates(document) == ["2026-12-07", "2026-12-21"]  # 12-07 + 10 days is a Thursday: the next Monday


def test_rates_per_session_and_titration() -> None:
    rates = course("--rates", "0.3,0.4,0.5,0.5,0.6,0.75")
    assert [s["rate_mg_per_kg"] for s in rates["sessions"]] == [0.3, 0.4, 0.5, 0.5, 0.6, 0.75]
    up = course("--titrate", "0.5:0.1:0.75", "--titrate-after", "2")
    assert [s["rate_mg_per_kg"] for s in up["sessions"]] == [0.5, 0.5, 0.5, 0.6, 0.7, 0.75]
    down = course("--titrate", "0.75:-0.1:0.4", "--boosters", "1", "--booster-every", "4w")
    assert [s["rate_mg_per_kg"] for s in down["sessions"]] == [0.75, 0.65, 0.55, 0.45, 0.4, 0.4, 0.4]
    booster = course("--titrate", "0.5:0.1:0.75", "--boosters", "1", "--booster-every", "4w", "--booster-rate", "0.3")
    assert booster["sessions"][-1]["rate_mg_per_kg"] == 0.3


def test_every_session_is_computed_exactly_as_quote_computes_it() -> None:
    document = course("--rates", "0.1,0.25,0.333,0.5,0.6,0.75", "--concentration", "10 mg/mL", "--bag", "100 mL")
    for session in document["sessions"]:
        rate = str(session["rate_mg_per_kg"])
        single = cli("quote", "70", "--rate", rate, "--concentration", "10 mg/mL", "--bag", "100 mL", "--json").json()
        assert session["dose_mg"] == single["dose"]["dose_mg"]
        assert session["rate_mg_per_h"] == single["session"]["rate_mg_per_h"]
        assert session["pump"] == {
            "drug_volume_ml": single["pump"]["drug_volume_ml"],
            "rate_ml_per_h": single["pump"]["rate_ml_per_h"],
            "read_back": single["pump"]["read_back"],
        }
        assert session["price"] == single["cost"]["per_infusion"]


def test_clock_times_only_with_time() -> None:
    assert course()["sessions"][0]["start"] is None
    timed = course("--time", "23:30")["sessions"][0]
    assert (timed["start"], timed["infusion_end"], timed["recovery_end"]) == ("23:30", "00:10", "00:40")


def test_totals_are_the_printed_session_figures_added_up() -> None:
    document = course("--rates", "0.333,0.333,0.333,0.333,0.333,0.333", "--price-min", "399.99", "--price-max", "800")
    doses = [Decimal(str(s["dose_mg"])) for s in document["sessions"]]
    assert Decimal(str(document["totals"]["dose_mg"])) == sum(doses)
    for name in ("min", "mid", "max"):
        assert Decimal(document["totals"]["cost"][name]) == sum(Decimal(s["price"][name]) for s in document["sessions"])
    assert document["totals"]["cost"]["mid"] == "3600.00"  # 599.995 rounds half-up to 600.00, x 6


def test_a_package_price_is_spread_so_the_lines_add_up_exactly() -> None:
    document = course("--package-price", "3000", "--boosters", "1", "--booster-every", "4w", "--booster-price", "450")
    prices = [s["price"]["mid"] for s in document["sessions"]]
    assert prices == ["500.00"] * 6 + ["450.00"]
    odd = course("--package-price", "1000", "--infusions", "3")
    assert [s["price"]["min"] for s in odd["sessions"]] == ["333.33", "333.33", "333.34"]
    assert odd["totals"]["cost"] == {"currency": "USD", "min": "1000.00", "mid": "1000.00", "max": "1000.00"}
    assert cli("plan", "70", "--start-date", START, "--package-price", "1000", "--price", "5").code == 2


@given(st.integers(min_value=1, max_value=52), st.decimals(min_value="0", max_value="99999.99", places=2))
def test_a_package_always_adds_up_to_itself(infusions: int, package: Decimal) -> None:
    result = plan("70", START, infusions=infusions, package_price=str(package))
    assert result.total_price.mid == package
    shares = [s.price.mid for s in result.sessions]
    assert max(shares) - min(shares) < Decimal("0.01") * infusions


def test_warnings_more_than_six_and_the_doses_own_once_per_code() -> None:
    run = cli("plan", "300", "--start-date", START, "--infusions", "8", "--json")
    codes = [w["code"] for w in run.json()["warnings"]]
    assert codes.count("infusions_above_usual_series") == 1 and codes.count("weight_above_adult_range") == 1
    assert cli("plan", "300", "--start-date", START, "--strict", "--json").code == 4


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--start-date", "2026-02-30"], "--start-date"),
        (["--start-date", "tomorrow"], "--start-date"),
        (["--start-date", START, "--days", "mon,funday"], "--days"),
        (["--start-date", START, "--days", ","], "--days"),
        (["--start-date", START, "--per-week", "6"], "--per-week"),
        (["--start-date", START, "--days", "mon", "--per-week", "2"], "--days"),
        (["--start-date", START, "--titrate", "0.5:0.1:0.9"], "--titrate"),
        (["--start-date", START, "--titrate", "0.5:-0.1:0.75"], "--titrate"),
        (["--start-date", START, "--titrate", "0.5:0.1"], "--titrate"),
        (["--start-date", START, "--rates", "0.5,0.5"], "--rates"),
        (["--start-date", START, "--boosters", "2", "--booster-every", "6d"], "--booster-every"),
        (["--start-date", START, "--boosters", "2", "--booster-every", "27w"], "--booster-every"),
        (["--start-date", START, "--boosters", "2"], "--booster-every"),
        (["--start-date", START, "--booster-price", "1.999"], "--booster-price"),
        (["--start-date", START, "--skip", "2026-13-01"], "--skip"),
    ],
)
def test_invalid_input_is_exit_2_with_one_line(args: list[str], field: str) -> None:
    run = cli("plan", "70", *args)
    assert run.code == 2 and run.stdout == "" and len(run.stderr.splitlines()) == 1
    assert field in run.stderr


def test_a_plan_section_in_the_config_with_provenance(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "clinic.toml",
        '[plan]\nper_week = 3\nboosters = 2\nbooster_every = "4w"\nbooster_price = "450"\n',
    )
    document = cli("plan", "70", "--start-date", START, "--config", config, "--json").json()
    assert document["plan"]["days"] == ["mon", "wed", "fri"] and document["plan"]["boosters"] == 2
    assert document["sessions"][-1]["price"]["mid"] == "450.00"
    flagged = cli("plan", "70", "--start-date", START, "--config", config, "--days", "tue", "--json").json()
    assert flagged["plan"]["days"] == ["tue"]  # a flag's days replace the file's per_week
    settings = cli("config", "--config", config, "--json").json()["settings"]
    assert settings["per_week"] == {"value": "3", "source": config}
    assert settings["days"]["source"] == "built-in"
    assert cli("config", "--config", write(tmp_path, "bad.toml", "[plan]\nboosters = 99\n")).code == 2


def test_the_calendar_file_matches_the_json(tmp_path: Path) -> None:
    path = tmp_path / "course.ics"
    args = ["--boosters", "2", "--booster-every", "4w", "--time", "9:30", "--concentration", "10 mg/mL", "--bag", "1 L"]
    args += ["--id", "P-1"]
    document = course(*args, "--ics", str(path), "--ics-details")
    events = list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    assert len(events) == len(document["sessions"]) == 8
    for event, session in zip(events, document["sessions"], strict=True):
        start = event.decoded("dtstart")
        assert start.date().isoformat() == session["date"] and start.strftime("%H:%M") == session["start"]
        end = event.decoded("dtend")
        assert end.strftime("%H:%M") == session["recovery_end"]
        what = "infusion" if session["kind"] == "induction" else "booster"
        of = 6 if session["kind"] == "induction" else 2
        assert str(event["summary"]) == f"Ketamine {what} {session['index']} of {of}"  # details were asked for
        assert "Informational only" in str(event["description"])
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    again = tmp_path / "again.ics"
    course(*args, "--ics", str(again), "--ics-details")
    assert [str(e["uid"]) for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")] == uids


def test_calendar_details_only_when_asked_and_no_invented_time(tmp_path: Path) -> None:
    path = tmp_path / "course.ics"
    course("--ics", str(path), "--ics-details", "--price", "500")
    first = next(iter(Calendar.from_ical(path.read_bytes()).walk("VEVENT")))
    assert first.decoded("dtstart") == datetime.date(2026, 12, 3)  # no --time: an all-day event, not 09:00
    assert first.decoded("dtend") == datetime.date(2026, 12, 4)
    assert "Dose: 35 mg" in str(first["description"]) and "Weight: 70 kg" in str(first["description"])
    assert "Price: $500\n" in str(first["description"]) + "\n" and "to $500" not in str(first["description"])
    unwritable = cli("plan", "70", "--start-date", START, "--ics", str(tmp_path / "no" / "dir.ics"))
    assert unwritable.code == 2 and len(unwritable.stderr.splitlines()) == 1


def test_the_python_api_gives_the_same_plan() -> None:
    result = plan("70", START, boosters=1, booster_every="4w", titrate="0.5:0.1:0.75")
    from_cli = cli(
        "plan",
        "70",
        "--start-date",
        START,
        "--boosters",
        "1",
        "--booster-every",
        "4w",
        "--titrate",
        "0.5:0.1:0.75",
        "--json",
    ).json()
    assert to_document(result) == {k: v for k, v in from_cli.items() if k not in ("id", "inputs")}
    with pytest.raises(InputError):
        plan("70", "2026-02-30")


def test_human_output_has_the_sessions_totals_and_calendar_strip() -> None:
    run = cli("plan", "70", "--start-date", START, "--boosters", "1", "--booster-every", "4w", env={"COLUMNS": "100"})
    assert "Sessions" in run.stdout and "Totals" in run.stdout and "Informational only" in run.stdout
    assert "2026-11-30   ---I---" in run.stdout and "2026-12-07   I--I---" in run.stdout
    assert "2027-01-18   B------" in run.stdout and "…            3 weeks without a session" in run.stdout


# --- what a review found --------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["JPY", "BHD", "EUR"])
def test_a_package_price_in_any_currency(currency: str) -> None:
    document = course("--package-price", "100000", "--currency", currency)
    assert document["totals"]["cost"]["currency"] == currency
    assert Decimal(document["totals"]["cost"]["mid"]) == 100000
    boosters = cli("plan", "70", "--start-date", START, "--package-price", "9000", "--currency", currency)
    assert boosters.code == 0
    needs = cli(
        *("plan", "70", "--start-date", START, "--package-price", "9000", "--currency", currency),
        *("--boosters", "1", "--booster-every", "4w"),
    )
    assert needs.code == 2 and "--booster-price" in needs.stderr


def test_a_package_flag_replaces_the_config_files_price(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[cost]\nprice = 650\n")
    document = cli("plan", "70", "--start-date", START, "--config", config, "--package-price", "3000", "--json").json()
    assert document["totals"]["cost"]["mid"] == "3000.00"


def test_titration_is_plain_numbers_in_mg_per_kg() -> None:
    for bad in ("500 mcg/kg:50:750 mcg/kg", "0.5:1_0:0.75", "0.5:٠.١:0.75", "0.5:0:0.75"):
        assert cli("plan", "70", "--start-date", START, "--titrate", bad).code == 2, bad
    assert [s["rate_mg_per_kg"] for s in course("--titrate", "0.5:0:0.5")["sessions"]] == [0.5] * 6


@pytest.mark.parametrize("start", ["9999-12-20", "3000-01-01", "1899-12-31"])
def test_dates_far_out_are_exit_2_not_a_crash(start: str) -> None:
    run = cli("plan", "70", "--start-date", start)
    assert run.code == 2 and "1900–2999" in run.stderr


def test_a_start_date_more_than_a_year_away_warns() -> None:
    far = (datetime.date.today() + datetime.timedelta(days=800)).isoformat()
    codes = [w["code"] for w in cli("plan", "70", "--start-date", far, "--json").json()["warnings"]]
    assert "start_date_far" in codes


def test_a_long_skip_list_still_finds_the_next_plan_day() -> None:
    mondays = [datetime.date(2026, 12, 7) + datetime.timedelta(weeks=k) for k in range(59)]
    skip = ",".join(day.isoformat() for day in mondays)
    document = course("--per-week", "1", "--infusions", "1", "--skip", skip)
    assert dates(document) == ["2028-01-24"]


def test_calendar_uids_name_the_course_and_the_sessions_place_not_its_date(tmp_path: Path) -> None:
    def uids(*args: str) -> list[str]:
        path = tmp_path / "c.ics"
        course(*args, "--ics", str(path))
        return [str(e["uid"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]

    plain = uids("--id", "P-1")
    assert uids("--id", "P-1", "--skip", "2026-12-10") == plain  # rescheduled: importing it again updates them
    assert uids("--id", "P-1", "--days", "tue,fri") == plain  # other weekdays: the same appointments, moved
    assert uids("--id", "P-1") != uids("--id", "P-2")  # two patients' courses stay apart
    assert set(uids()).isdisjoint(uids())  # no --id: two patients on the same dates never overwrite each other


def test_a_shared_calendar_says_nothing_of_the_treatment_unless_asked(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[clinic]\nname = "Calm Clinic"\naddress = "1 Main St, Springfield"\n')
    path = tmp_path / "c.ics"
    course("--ics", str(path), "--config", config, "--time", "9:30")
    calendar = Calendar.from_ical(path.read_bytes())
    for event in calendar.walk("VEVENT"):
        assert str(event["summary"]) == "Appointment – Calm Clinic"
        assert str(event["location"]) == "1 Main St, Springfield"
        text = str(event["description"]) + str(event["summary"])
        assert not any(word in text.lower() for word in ("ketamine", "mg", "kg", "$", "infusion"))
    assert "METHOD" not in calendar and "SEQUENCE" not in next(iter(calendar.walk("VEVENT")))
    raw = path.read_bytes().decode("utf-8").lower()
    assert not any(word in raw for word in ("keta", "treatment", "medical", "clinician", "dose"))  # the file whole
    assert all(str(event["class"]) == "PRIVATE" for event in calendar.walk("VEVENT"))
    bare = tmp_path / "bare.ics"
    course("--ics", str(bare))
    assert {str(e["summary"]) for e in Calendar.from_ical(bare.read_bytes()).walk("VEVENT")} == {"Appointment"}


def test_a_calendar_with_a_reference_is_published_and_its_sequence_rises() -> None:
    from ketacalc.ics import plan_calendar

    course_plan = plan("70", START)
    first, later = (
        Calendar.from_ical(
            plan_calendar(
                course_plan,
                reference="P-1",
                now=datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC) + datetime.timedelta(minutes=k),
            )
        )
        for k in (0, 5)
    )
    assert str(first["method"]) == "PUBLISH"
    one, two = (next(iter(c.walk("VEVENT"))) for c in (first, later))
    assert str(one["uid"]) == str(two["uid"]) and two.decoded("sequence") == one.decoded("sequence") + 300


def test_rate_with_rates_or_titrate_and_details_without_ics_are_refused() -> None:
    assert cli("plan", "70", "--start-date", START, "--rate", "0.4", "--titrate", "0.5:0.1:0.75").code == 2
    assert cli("plan", "70", "--start-date", START, "--rate", "0.4", "--rates", "0.5,0.5,0.5,0.5,0.5,0.5").code == 2
    assert cli("plan", "70", "--start-date", START, "--ics-details").code == 2


def test_a_config_with_both_days_and_per_week_is_refused_and_config_takes_plan_options(tmp_path: Path) -> None:
    both = write(tmp_path, "both.toml", '[plan]\ndays = "mon"\nper_week = 3\n')
    run = cli("config", "--config", both)
    assert run.code == 2 and "both days and per_week" in run.stderr
    settings = cli("config", "--days", "tue,fri", "--boosters", "2", "--json").json()["settings"]
    assert settings["days"] == {"value": "tue,fri", "source": "flag"} and settings["boosters"]["value"] == "2"


def test_no_booster_interval_without_boosters(tmp_path: Path) -> None:
    # From the config it is a default for courses with boosters; as a flag without boosters it is a slip.
    config = write(tmp_path, "c.toml", '[plan]\nbooster_every = "4w"\n')
    assert course("--config", config)["plan"]["booster_every_days"] is None
    for args in (["--booster-every", "4w"], ["--boosters", "0", "--booster-every", "1w"]):
        run = cli("plan", "70", "--start-date", "2026-12-07", *args)
        assert run.code == 2 and "without boosters" in run.stderr
    assert cli("plan", "70", "--start-date", "2026-12-07", "--config", config, "--booster-every", "garbage").code == 2


@pytest.mark.parametrize("width", [20, 30, 40])
def test_a_narrow_calendar_strip_has_labels(width: int) -> None:
    args = ["--boosters", "1", "--booster-every", "4w", "--currency", "BHD", "--price-min", "1234567890"]
    run = cli("plan", "70", "--start-date", START, *args, "--price-max", "9999999999.999", env={"COLUMNS": str(width)})
    assert run.code == 0
    assert "  : " not in run.stdout and "…: 3 weeks without a session" in run.stdout.replace("\n    ", " ")
    assert "BH\n" not in run.stdout and all(len(line) <= width for line in run.stdout.splitlines())


def test_today_is_an_argument_so_the_far_start_warning_is_reproducible() -> None:
    """planning is pure: "more than a year from today" is measured from the ``today`` given."""
    import datetime

    from ketacalc import plan

    start = "2028-01-10"
    near = plan(70, start, today=datetime.date(2027, 6, 1))
    far = plan(70, start, today=datetime.date(2026, 12, 3))
    at_noon = plan(70, start, today=datetime.datetime(2026, 12, 3, 12, 0))
    assert "start_date_far" not in {w.code for w in near.warnings}
    assert "start_date_far" in {w.code for w in far.warnings}
    assert {w.code for w in at_noon.warnings} == {w.code for w in far.warnings}
    with pytest.raises(InputError, match="today"):
        plan(70, start, today="2026-12-03")  # type: ignore[arg-type]


def test_plan_totals_are_exact_under_the_readmes_own_example() -> None:
    with decimal.localcontext() as caller:
        caller.prec = 6
        plan = ketacalc.plan("70", "2026-12-07", infusions=52, price="649.99")
        assert ketacalc.to_document(plan)["totals"]["cost"]["mid"] == "33799.48"


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--booster-every", "garbage"], "without boosters"),
        (["--boosters", "1", "--booster-every", "garbage"], "not an interval"),
        (["--boosters", "0", "--booster-every", "1d"], "without boosters"),
    ],
)
def test_plan_booster_options_are_never_ignored(args: list[str], problem: str) -> None:
    run = cli("plan", "70", "--start-date", "2026-12-07", *args)
    assert run.code == 2 and problem in run.stderr


def test_orders_per_time_in_the_config_batch_and_plan(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[dose]\nrate = "0.75 mg/kg/h"\n')
    assert cli("dose", "70", "--config", config, "--json").json()["dose"]["dose_mg"] == 35
    record = json.loads(cli("batch", input='weight,rate,duration\n70,"0.75 mg/kg/h",60\n').stdout)
    assert record["dose"]["rate_mg_per_kg"] == 0.75 and record["dose"]["rate_ordered"] == "0.75 mg/kg/h"
    doc = cli("plan", "70", "--start-date", "2026-12-07", "--infusions", "2", "--rates", "0.75 mg/kg/h,0.5", "--json")
    assert [s["rate_mg_per_kg"] for s in doc.json()["sessions"]] == [0.5, 0.5]
    bad = cli("config", "--rate", "0.75 mg/kg/week")
    assert bad.code == 2


def test_a_standard_concentration_in_the_config_batch_and_plan(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[pump]\nfinal_concentration = "1 mg/mL"\n')
    assert cli("quote", "70", "--config", config, "--json").json()["pump"]["vtbi_ml"] == 35
    record = json.loads(cli("batch", input="weight,final_concentration\n70,2 mg/mL\n").stdout)
    assert record["pump"]["vtbi_ml"] == 17.5
    plan = cli("plan", "70", "--start-date", "2026-12-07", "--final-concentration", "1 mg/mL", "--json").json()
    assert plan["sessions"][0]["pump"]["rate_ml_per_h"] == 52.5
    # A bag on the command line replaces the file's standard concentration, and the other way round.
    assert cli("quote", "70", "--config", config, "--concentration", "10 mg/mL", "--bag", "100 mL").code == 0


def test_a_plan_with_several_orders_keeps_each_sessions_own() -> None:
    args = ["plan", "70", "--start-date", "2026-12-07", "--infusions", "3", "--rates", "0.75 mg/kg/h,0.3 mg/kg/h,0.5"]
    doc = cli(*args, "--duration", "60", "--json").json()
    assert [s["rate_ordered"] for s in doc["sessions"]] == ["0.75 mg/kg/h", "0.3 mg/kg/h", None]
    assert [s["rate_mg_per_kg"] for s in doc["sessions"]] == [0.75, 0.3, 0.5]
    out = cli(*args, "--duration", "60", env={"COLUMNS": "200"}).stdout
    assert "ordered as" not in out.split("Sessions")[0]  # the patient block names no one session's order


def test_a_plan_at_a_standard_concentration_fits_the_schema() -> None:
    from jsonschema import Draft202012Validator

    schema = cli("schema").json()
    doc = cli("plan", "70", "--start-date", "2026-12-07", "--final-concentration", "1 mg/mL", "--json").json()
    Draft202012Validator(schema).validate(doc)


def test_a_plan_names_each_sessions_warning_and_keeps_its_currency(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[limits]\ndose_mg_soft_max = 40\n")
    args = ["plan", "80", "--start-date", "2026-12-07", "--infusions", "4", "--rates", "0.55,0.6,0.7,0.75"]
    doc = cli(*args, *["--concentration", "10 mg/mL", "--bag", "100"], "--config", config, "--json").json()
    over = [w["message"] for w in doc["warnings"] if w["code"] == "dose_above_clinic_soft_max"]
    assert len(over) == 4 and over[3].startswith("session 4: the dose of 60 mg")
    assert doc["totals"]["cost"]["currency"] == "USD"  # a loop variable once replaced it with a warning code
    out = cli(*args, "--concentration", "10 mg/mL", "--bag", "100", "--config", config).stdout
    assert "$1,600" in out and "dose_above_clinic_soft_max 1" not in out


def test_a_plan_with_pump_settings_says_how_each_bag_is_made() -> None:
    out = cli("plan", "70", "--start-date", "2026-12-07", "--concentration", "50 mg/mL", "--bag", "250",
              env={"COLUMNS": "200"}).stdout  # fmt: skip
    assert "Stock" in out and "250 mL of sodium chloride 0.9%" in out and "VTBI basis" in out
    doc = cli("plan", "70", "--start-date", "2026-12-07", "--concentration", "50 mg/mL", "--bag", "250", "--json")
    assert doc.json()["sessions"][0]["pump"]["read_back"].startswith("Ketamine 35 mg in sodium chloride 0.9% 250.7 mL")


def test_a_plans_orders_per_time_are_shown() -> None:
    out = cli("plan", "70", "--start-date", "2026-12-07", "--infusions", "2", "--rates", "0.75 mg/kg/h,0.5",
              env={"COLUMNS": "200"}).stdout  # fmt: skip
    assert "session 1: 0.75 mg/kg/h" in out.replace("\n    ", " ")


def test_a_multi_line_clinic_address_is_one_line_on_the_calendar(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[clinic]\nname = "Calm\\nClinic"\naddress = """\n1 Main St\nSpringfield"""\n')
    path = tmp_path / "c.ics"
    course("--ics", str(path), "--config", config)
    event = next(iter(Calendar.from_ical(path.read_bytes()).walk("VEVENT")))
    assert str(event["location"]) == "1 Main St, Springfield" and str(event["summary"]) == "Appointment – Calm Clinic"
