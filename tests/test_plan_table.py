"""The plan as a clinician reads it in a terminal: at 80 columns the session table is a table, what
every session shares is said once above it, below 80 a session is a line or two, and the pump's draw,
skipped dates and a package are shown as they are (#22, section 4)."""

from __future__ import annotations

import datetime
import re

import pytest

import ketacalc
from tests.helpers import cli

START = ["--start-date", "2026-12-07"]
PUMP = ["--concentration", "10 mg/mL", "--bag", "100 mL"]
TYPICAL = ["plan", "70", *START, "--boosters", "2", "--booster-every", "4w", "--time", "08:30", *PUMP]
EVERYTHING_VARIES = [*TYPICAL, "--titrate", "0.5:0.05:0.75", "--booster-price", "300", "--skip", "2026-12-10"]
SESSION_LINE = re.compile(r"^ +([0-9]+) +2026-|^ +([0-9]+) +2027-")


def sessions_part(text: str) -> list[str]:
    lines = text.splitlines()
    return lines[lines.index("Sessions") + 1 : lines.index("Totals")]


def table_rows(part: list[str]) -> dict[int, str]:
    """The session rows of a table: one line each, starting with the session's number."""
    return {int(m.group(1) or m.group(2)): line for line in part if (m := SESSION_LINE.match(line))}


@pytest.mark.parametrize("args", [TYPICAL, EVERYTHING_VARIES], ids=["typical", "everything varies"])
def test_at_80_columns_the_sessions_are_a_table_of_one_line_each(args: list[str]) -> None:
    run = cli(*args)
    assert run.code == 0, run.stderr
    part = sessions_part(run.stdout)
    assert all(len(line) <= 80 for line in run.stdout.splitlines())
    assert any("Session" in line and "Date" in line for line in part), part  # a header row: a table
    document = cli(*args, "--json").json()
    rows = table_rows(part)
    assert sorted(rows) == [s["number"] for s in document["sessions"]]
    for session in document["sessions"]:
        assert session["date"] in rows[session["number"]]


def test_what_every_session_shares_is_one_line_above_and_the_table_holds_what_varies() -> None:
    part = sessions_part(cli(*TYPICAL).stdout)
    above = " ".join(line.strip() for line in part[: next(i for i, line in enumerate(part) if not line.strip())])
    for shared in ("0.5 mg/kg", "35 mg over 40 min", "52.5 mg/h", "pump 155.3 mL/h", "draw 3.5 mL", "start 08:30"):
        assert shared in above, (shared, above)
    assert "price $400 – $800" in above
    rows = table_rows(part)
    assert not any("35" in row.split("I ")[-1] or "$" in row for row in rows.values())  # said once, not per row


def test_each_sessions_draw_and_pump_rate_when_they_vary() -> None:
    run = cli(*EVERYTHING_VARIES)
    document = cli(*EVERYTHING_VARIES, "--json").json()
    rows = table_rows(sessions_part(run.stdout))
    for session in document["sessions"]:
        row = rows[session["number"]].split()
        draw = f"{session['pump']['drug_volume_ml']:g}"
        pump = f"{session['pump']['rate_ml_per_h']:g}"
        assert draw in row and pump in row, (draw, pump, row)
    assert len({s["pump"]["drug_volume_ml"] for s in document["sessions"]}) > 1


def session_lines(part: list[str]) -> list[list[str]]:
    """Each session's lines, in a table or as lines: from its number to the next row or a blank line."""
    starts = [i for i, line in enumerate(part) if re.match(r"^ +([0-9]+|–) +20[0-9]{2}-", line)]
    found = []
    for first in starts:
        after = first + 1
        while after < len(part) and part[after].strip() and after not in starts:
            after += 1
        if not part[first].lstrip().startswith("–"):
            found.append(part[first:after])
    return found


@pytest.mark.parametrize(
    ("args", "width", "most"),
    [
        *((TYPICAL, width, 1) for width in (79, 60, 40, 31)),  # what varies is only the date: still a table
        *((EVERYTHING_VARIES, width, 2) for width in (79, 72)),  # nine figures varying, with their units
        *((EVERYTHING_VARIES, width, 3) for width in (60, 47)),
        (EVERYTHING_VARIES, 40, 4),
    ],
)
def test_below_80_columns_a_session_is_a_line_or_two_not_ten(args: list[str], width: int, most: int) -> None:
    part = sessions_part(cli(*args, env={"COLUMNS": str(width)}).stdout)
    assert all(len(line) <= width for line in part), part
    sessions = session_lines(part)
    assert len(sessions) == 8, part
    for lines in sessions:
        assert len(lines) <= most, lines
        assert re.search(r"\b[IB] [0-9]/[0-9]", lines[0]), lines


@pytest.mark.parametrize("width", [60, 47, 40, 20])
def test_a_figure_is_never_split_from_its_unit_or_across_lines(width: int) -> None:
    lines = sessions_part(cli(*EVERYTHING_VARIES, env={"COLUMNS": str(width)}).stdout)
    document = cli(*EVERYTHING_VARIES, "--json").json()
    text = " ".join(line.strip() for line in lines)
    for session in document["sessions"]:
        for figure in (f"{session['dose_mg']:g} mg", f"{session['pump']['rate_ml_per_h']:g} mL/h"):
            assert figure in text, figure
    for line, after in zip(lines, lines[1:], strict=False):
        # A continuation line (indented under its row) starting with a digit or a unit after a digit.
        number_cut = re.search(r"[0-9][.,]?$", line) and re.match(r"    \s*[0-9.,]", after)
        unit_cut = re.search(r"[0-9]$", line) and re.match(r"    \s*(mg|mL|min)\b", after)
        assert not number_cut and not unit_cut, (line, after)


def test_skipped_dates_are_rows_and_in_the_json() -> None:
    args = [*TYPICAL, "--skip", "2026-12-10,2027-06-01"]
    text = cli(*args).stdout
    assert re.search(r"– +2026-12-10 +skipped", text), text
    assert "Skipped, but no session would have been then: 2027-06-01." in " ".join(text.split())
    document = cli(*args, "--json").json()
    assert document["plan"]["skipped"] == ["2026-12-10", "2027-06-01"]
    assert "2026-12-10" not in [s["date"] for s in document["sessions"]]
    narrow = cli(*args, env={"COLUMNS": "40"}).stdout
    assert re.search(r"– +2026-12-10( Thu)? +skipped", narrow), narrow
    compact = cli(*EVERYTHING_VARIES, env={"COLUMNS": "60"}).stdout
    assert "– 2026-12-10 Thu skipped" in compact


def test_a_package_is_named_once_and_its_sessions_say_in_package() -> None:
    args = ["plan", "70", *START, "--package-price", "2999.99", "--boosters", "1", "--booster-every", "4w"]
    text = cli(*args).stdout
    assert text.count("in package") == 6
    assert "Package of 6 infusions: $2,999.99" in " ".join(text.split())
    assert "499.99" not in text and "500.04" not in text  # no invented per-session share
    document = cli(*args, "--json").json()
    assert [s["in_package"] for s in document["sessions"]] == [True] * 6 + [False]
    assert document["plan"]["package_price"] == "2999.99"
    assert document["totals"]["cost"]["min"] == "3399.99"  # the package and a booster at the seed's $400


def test_a_start_date_in_the_past_warns() -> None:
    past = ketacalc.plan(70, "2026-11-02", today=datetime.date(2026, 12, 3))
    assert "start_date_in_past" in {w.code for w in past.warnings}
    future = ketacalc.plan(70, "2026-12-07", today=datetime.date(2026, 12, 3))
    assert "start_date_in_past" not in {w.code for w in future.warnings}
    run = cli("plan", "70", "--start-date", "2020-01-06", "--strict")
    assert run.code == 4 and "start_date_in_past" in run.stdout


def test_the_pump_block_says_only_what_every_session_shares() -> None:
    args = ["plan", "70", *START, "--titrate", "0.5:0.1:0.7", "--final-concentration", "1 mg/mL"]
    text = cli(*args).stdout
    block = text[text.index("Pump (every session)") : text.index("Sessions")]
    assert "35 mL" not in block and "each session's VTBI" in block and "1 mg/mL" in block
    document = cli(*args, "--json").json()
    rows = table_rows(sessions_part(text))
    for session in document["sessions"]:
        assert f"{session['dose_mg']:g}" in rows[session["number"]].split()  # 1 mg/mL: the VTBI in mL is the dose


@pytest.mark.parametrize("width", [72, 60, 40, 36, 21])
def test_a_label_is_never_left_at_a_lines_end_without_its_figure(width: int) -> None:
    for args in (EVERYTHING_VARIES, ["plan", "1kg", *START, "--rate", "0.1", "--concentration", "100 mg/mL",
                                     "--bag", "10 mL"]):  # fmt: skip
        lines = cli(*args, env={"COLUMNS": str(width)}).stdout.splitlines()
        for line in lines:
            assert not re.search(r"(\bpump|\bdraw|VTBI|price|<|–)$", line.rstrip()), (width, line)


def test_skipped_dates_are_told_apart_by_whether_they_moved_a_session() -> None:
    text = cli("plan", "70", "--start-date", "2026-12-01", "--skip", "2026-12-03,2027-01-01").stdout
    assert re.search(r"– +2026-12-03 +skipped", text)  # the first plan Thursday: the course began later for it
    assert "no session would have been then: 2027-01-01" in " ".join(text.split())  # a Friday
    assert not re.search(r"– +2027-01-01", text)


def test_booster_options_without_boosters_are_refused_not_ignored() -> None:
    for option, value in (("--booster-price", "450"), ("--booster-rate", "0.5")):
        run = cli("plan", "70", *START, option, value)
        assert run.code == 2 and "without boosters" in run.stderr, option


def test_a_thousand_rates_are_counted() -> None:
    run = cli("plan", "70", *START, "--rates", ",".join(["0.5"] * 1000))
    assert run.code == 2 and "gives 1,000 rates for 6" in run.stderr
