"""What the handout says (#22, section 1), read as a patient reads it: the page's text, without a
browser (tests/test_handout.py prints it). Money is compared as amounts, not strings."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import cli, write

PLAN = ["plan", "70", "--start-date", "2026-12-07", "--boosters", "2", "--booster-every", "4w"]
QUOTE = ["quote", "70"]
MONEY = re.compile(r"(?:[$€£¥]|[A-Z]{3}\s)([0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?)")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "title")
        self.parts.append(" " if tag in _BLOCKS else "")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "title")
        self.parts.append(" " if tag in _BLOCKS else "")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


_BLOCKS = {"td", "th", "tr", "li", "p", "div", "dt", "dd", "h1", "h2", "section", "aside", "header", "br", "text"}


def page_text(page: str) -> str:
    """The page's words as a reader sees them: cells and blocks apart, inline text run together."""
    parser = _Text()
    parser.feed(page)
    return " ".join("".join(parser.parts).split())


def handout(tmp_path: Path, args: list[str], *extra: str, clinic: dict[str, str] | None = None) -> str:
    """The page's text, made with a [clinic] section of ``clinic``."""
    lines = ["[clinic]"] + [f"{key} = {json.dumps(value)}" for key, value in (clinic or {}).items()]
    config = write(tmp_path, "c.toml", "\n".join(lines) + "\n")
    run = cli(*args, "--config", config, "--html", "-", "--date", "2026-11-27", *extra)
    assert run.code in (0, 4), run.stderr
    return page_text(run.stdout)


def amounts(text: str) -> list[Decimal]:
    return [Decimal(found.replace(",", "")) for found in MONEY.findall(text)]


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ([*QUOTE, "--infusions", "23", "--price", "200"], "$4,600.00"),
        ([*QUOTE, "--currency", "JPY", "--price", "120000"], "¥720,000"),
        ([*QUOTE, "--currency", "BHD", "--price", "400.125"], "BHD 2,400.750"),
        ([*QUOTE, "--currency", "EUR", "--price", "650"], "€3,900.00"),
    ],
)
def test_money_is_written_as_people_read_it_and_equals_the_json(tmp_path: Path, args: list[str], shown: str) -> None:
    text = handout(tmp_path, args)
    assert shown in text
    total = cli(*args, "--json").json()["cost"]["total"]
    assert Decimal(total["min"]) in amounts(text)


def test_a_currency_code_stays_with_its_amount() -> None:
    page = cli(*QUOTE, "--currency", "BHD", "--price", "400.125", "--html", "-").stdout
    assert "BHD\u00a02,400.750" in page and "BHD 2" not in page


def test_every_plan_amount_is_the_jsons(tmp_path: Path) -> None:
    args = [*PLAN, "--price-min", "1250", "--price-max", "1999.99"]
    text = handout(tmp_path, args)
    document = cli(*args, "--json").json()
    shown = amounts(text)
    for name in ("min", "mid", "max"):
        assert Decimal(document["totals"]["cost"][name]) in shown
    for session in document["sessions"]:
        assert Decimal(session["price"]["max"]) in shown


def test_a_package_is_one_line_and_its_sessions_say_in_package(tmp_path: Path) -> None:
    text = handout(tmp_path, [*PLAN, "--package-price", "2999.99", "--booster-price", "450"])
    assert re.search(r"Package of 6 infusions\s+\$2,999\.99", text), text
    assert text.count("in package") == 6
    assert "499.99" not in text and "500.04" not in text
    assert "$3,899.99" in text  # the package and two boosters


def test_gaps_are_weeks_without_a_session_never_weeks_later(tmp_path: Path) -> None:
    text = handout(tmp_path, PLAN)
    assert "weeks later" not in text
    # Induction to 2026-12-24 (week of 21 Dec), boosters on 2027-01-21 and 2027-02-18: three empty weeks each.
    assert text.count("3 weeks without a session") == 2


def test_appointment_times_only_with_time(tmp_path: Path) -> None:
    assert "08:30–09:40" in handout(tmp_path, [*PLAN, "--time", "08:30"])
    assert not re.search(r"[0-9]{2}:[0-9]{2}–", handout(tmp_path, PLAN))


def test_prices_after_the_valid_until_date_may_change(tmp_path: Path) -> None:
    text = handout(tmp_path, PLAN)  # valid 30 days from 2026-11-27: the boosters in 2027 are after it
    assert "prices for the sessions from 2027-01-21 may change" in text
    assert text.count("$800.00*") == 2
    assert "may change" not in handout(tmp_path, PLAN, "--valid-days", "120")


@pytest.mark.parametrize(
    ("args", "clinic", "shown"),
    [
        (QUOTE, {}, True),  # dollars, no country: the seed's US notes
        ([*QUOTE, "--currency", "GBP", "--price", "350"], {}, False),
        (QUOTE, {"country": "GB"}, False),  # a UK clinic quoting in dollars
        ([*QUOTE, "--currency", "EUR", "--price", "650"], {"country": "us"}, True),
    ],
)
def test_the_seeds_cost_notes_are_us_notes(
    tmp_path: Path, args: list[str], clinic: dict[str, str], shown: bool
) -> None:
    text = handout(tmp_path, args, clinic=clinic)
    assert ("FDA" in text) is shown
    assert "insurance" in text if shown else "insurance" not in text


def test_the_us_notes_are_accurate_and_keep_the_seeds_caveat(tmp_path: Path) -> None:
    text = handout(tmp_path, QUOTE)
    assert "not FDA-approved" not in text
    assert "FDA-approved as an anesthetic" in text and "off-label" in text
    assert "esketamine, Spravato" in text and "\u201cdoes not appear to be as effective\u201d" in text


def test_the_clinics_own_notes_replace_them(tmp_path: Path) -> None:
    text = handout(tmp_path, QUOTE, clinic={"notes": "Ask us about a payment plan.\nHSA cards are accepted."})
    assert "Ask us about a payment plan." in text and "HSA cards are accepted." in text
    assert "FDA" not in text


def test_what_to_expect_from_the_seed(tmp_path: Path) -> None:
    text = handout(tmp_path, QUOTE)
    for words in (
        "consultation",
        "40 minutes",
        "vital signs monitored",
        "30 minutes of recovery",
        "ride home",
        "eye mask",
        "calming music",
        "after 6 sessions",
        "psychotherapy",
    ):
        assert words in text, words


def test_the_clinics_terms_and_who_prepared_it(tmp_path: Path) -> None:
    clinic = {
        "includes": "Monitoring and recovery.",
        "excludes": "The consultation.",
        "payment_terms": "Due at each visit.",
        "cancellation_policy": "48 hours' notice.",
        "prepared_by": "J. Rivera",
    }
    text = handout(tmp_path, PLAN, clinic=clinic)
    for label, value in zip(
        ("Included", "Not included", "Payment", "Cancellation"), list(clinic.values()), strict=False
    ):
        assert re.search(rf"{label}\s+{re.escape(value)}", text), label
    assert "Prepared by J. Rivera" in " ".join(text.split())
    assert "Prepared by A. Chen" in " ".join(handout(tmp_path, PLAN, "--prepared-by", "A. Chen", clinic=clinic).split())
    assert "Prepared by" not in handout(tmp_path, PLAN)


def test_patient_wording_and_labels_that_cannot_be_confused(tmp_path: Path) -> None:
    text = " ".join(handout(tmp_path, QUOTE, "--id", "P-0042", clinic={"name": "Harbour"}).split())
    assert "depends on the provider" not in text
    assert "An estimate for information, not a bill or medical advice." in text
    assert "Patient reference P-0042" in text and re.search(r"Estimate number Q-20261127-[0-9A-F]{6}", text)


def test_no_dose_on_either_page_without_include_dose(tmp_path: Path) -> None:
    for args in (PLAN, QUOTE):
        assert not re.search(r"[0-9] mg\b", handout(tmp_path, args)), args
        assert re.search(r"35 mg\b", handout(tmp_path, args, "--include-dose")), args


def test_a_titrated_plan_says_its_doses_are_planned_and_adjusted(tmp_path: Path) -> None:
    text = handout(tmp_path, [*PLAN, "--titrate", "0.5:0.05:0.75"])
    assert "doses are planned" in text and "response" in text and "tolerate" in text
    assert "doses are planned" not in handout(tmp_path, PLAN)


def test_skipped_dates_are_on_the_page(tmp_path: Path) -> None:
    assert "No session on: Thu 2026-12-10." in handout(tmp_path, [*PLAN, "--skip", "2026-12-10"])


@pytest.mark.parametrize("key", ["includes", "excludes", "payment_terms", "cancellation_policy", "notes"])
def test_a_term_is_escaped_and_bounded(tmp_path: Path, key: str) -> None:
    page = cli(*QUOTE, "--config", write(tmp_path, "c.toml", f'[clinic]\n{key} = "<script>alert(1)</script>"\n'),
               "--html", "-").stdout  # fmt: skip
    assert "<script>" not in page and html.escape("<script>alert(1)</script>", quote=False) in page
    too_long = write(tmp_path, "long.toml", f'[clinic]\n{key} = "{"x" * 161}"\n')
    run = cli(*QUOTE, "--config", too_long, "--html", "-")
    assert run.code == 2 and key in run.stderr and "at most 160" in run.stderr
    many = write(tmp_path, "many.toml", f'[clinic]\n{key} = """a\nb\nc\nd\ne"""\n')
    assert cli(*QUOTE, "--config", many, "--html", "-").code == 2
