"""A Good Faith Estimate (#22, section 2): every element 45 CFR 149.610(c)(1) requires is on the page,
a missing one is exit 2 naming it, and nothing identifying the patient is on a page without --gfe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import cli, write
from tests.test_handout_content import page_text

CLINIC = {
    "name": "Harbour Wellness Clinic",
    "address": "12 Quay Street, Boston, MA 02110",
    "npi": "1234567893",
    "tin": "12-3456789",
}
CODES = '[clinic.codes]\ninfusion_code = "96365, J3490"\nbooster_code = "96366"\ndiagnosis_codes = "F33.2, F41.1"\n'
PLAN = ["plan", "70", "--start-date", "2026-12-07", "--boosters", "2", "--booster-every", "4w", "--time", "08:30"]
PLAN += ["--price", "650", "--booster-price", "450"]  # an estimate's expected charges: the clinic's own
PATIENT = ["--gfe", "--patient-name", "Jane Q. Public", "--dob", "1984-03-09"]


def config(tmp_path: Path, clinic: dict[str, str] = CLINIC, codes: str = CODES) -> str:
    lines = ["[clinic]"] + [f"{key} = {json.dumps(value)}" for key, value in clinic.items()]
    return write(tmp_path, "c.toml", "\n".join(lines) + "\n" + codes)


def estimate(tmp_path: Path, args: list[str], *extra: str) -> str:
    run = cli(*args, "--config", config(tmp_path), "--html", "-", "--date", "2026-11-27", *PATIENT, *extra)
    assert run.code == 0, run.stderr
    return " ".join(page_text(run.stdout).split())


def test_every_required_element_is_on_a_plans_estimate(tmp_path: Path) -> None:
    text = estimate(tmp_path, PLAN)
    required = {
        "(i) the patient's name and date of birth": ["Jane Q. Public", "born 1984-03-09"],
        "(ii) the primary service and its dates": [
            "A course of 6 intravenous ketamine infusions and 2 booster infusions, 2026-12-07 to 2027-02-18"
        ],
        "(iii) the items itemised with their charges": [
            "Ketamine infusion × 6 96365, J3490 $650.00 $3,900.00",
            "Booster infusion × 2 96366 $450.00 $900.00",
            "Total: $4,800.00",
        ],
        "(iv) the diagnosis codes": ["diagnosis F33.2, F41.1"],
        "(v) the provider, NPI, TIN and location": [
            "Harbour Wellness Clinic, NPI 1234567893, TIN 12-3456789",
            "Location 12 Quay Street, Boston, MA 02110",
        ],
        "(vi), (vii) items scheduled separately": ["Scheduled separately, not in this estimate", "Consultation"],
        "(viii) more may be recommended": ["additional items or services"],
        "(ix) only an estimate": ["It is only an estimate", "may differ"],
        "(x) the right to dispute": [
            "you have the right to dispute the bill",
            "$400 or more above this estimate",
            "patient-provider dispute resolution process",
            "120 calendar days",
            "www.cms.gov/nosurprises",
            "1-800-985-3059",
            "will not affect the quality of the care",
        ],
        "(xi) not a contract": ["is not a contract"],
        "the dates of service and of the estimate": ["2026-12-07", "2027-02-18", "Date of estimate 2026-11-27"],
    }
    for element, phrases in required.items():
        for phrase in phrases:
            assert phrase in text, (element, phrase)
    assert text.startswith("Harbour Wellness Clinic") and "Good Faith Estimate" in text


def test_a_quotes_estimate_has_them_too(tmp_path: Path) -> None:
    text = estimate(tmp_path, ["quote", "70", "--price", "650"])
    for phrase in ("Jane Q. Public", "NPI 1234567893", "on dates to be scheduled", "96365, J3490", "is not a contract"):
        assert phrase in text, phrase


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        ("--patient-name", "--patient-name"),
        ("--dob", "--dob"),
        ("name", "[clinic] name"),
        ("address", "[clinic] address"),
        ("npi", "[clinic] npi"),
        ("tin", "[clinic] tin"),
        ("codes", "[clinic.codes] infusion_code"),
    ],
)
def test_a_missing_element_is_exit_2_naming_it(tmp_path: Path, drop: str, named: str) -> None:
    clinic = {key: value for key, value in CLINIC.items() if key != drop}
    codes = "" if drop == "codes" else CODES
    patient = [*PATIENT]
    if drop.startswith("--"):
        index = patient.index(drop)
        del patient[index : index + 2]
    page = tmp_path / "gfe.html"
    run = cli(*PLAN, "--config", config(tmp_path, clinic, codes), "--html", str(page), *patient)
    assert run.code == 2 and named in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr
    assert not page.exists()


def test_diagnosis_codes_are_where_the_clinic_has_them(tmp_path: Path) -> None:
    run = cli(*PLAN, "--config", config(tmp_path, codes='[clinic.codes]\ninfusion_code = "96365"\n'), "--html", "-",
              *PATIENT)  # fmt: skip
    assert run.code == 0 and "diagnosis" not in page_text(run.stdout) and "96365" in page_text(run.stdout)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (["--price-min", "400", "--price-max", "800"], "not a range"),
        (["--boosters", "6", "--booster-every", "12w"], "at most 12 months"),
        (["--currency", "EUR"], "in dollars"),
    ],
)
def test_an_estimate_is_one_expected_charge_a_session_over_at_most_a_year(
    tmp_path: Path, extra: list[str], problem: str
) -> None:
    base = [arg for arg in PLAN if arg not in ("--price", "650")] if "--price-min" in extra else PLAN
    if "--boosters" in extra:  # given once: the plan's own boosters left out
        base = [arg for arg in base if arg not in ("--boosters", "2", "--booster-every", "4w")]
    run = cli(*base, *extra, "--config", config(tmp_path), "--html", "-", *PATIENT)
    assert run.code == 2 and problem in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr


def test_a_clinic_outside_the_us_issues_no_estimate(tmp_path: Path) -> None:
    run = cli(*PLAN, "--config", config(tmp_path, {**CLINIC, "country": "GB"}), "--html", "-", *PATIENT)
    assert run.code == 2 and "country is GB" in run.stderr


def test_an_estimate_is_in_dollars(tmp_path: Path) -> None:
    run = cli(*PLAN, "--config", config(tmp_path), "--html", "-", *PATIENT, "--currency", "EUR")
    assert run.code == 2 and "USD" in run.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("npi", "1234567890"),  # the check digit fails
        ("npi", "123456789"),
        ("tin", "12-34567"),
        ("tin", "ab-cdefghi"),
        ("infusion_code", "96365; DROP TABLE"),
        ("diagnosis_codes", ""),
    ],
)
def test_a_wrong_identifier_or_code_is_exit_2_naming_the_key(tmp_path: Path, key: str, value: str) -> None:
    if key.endswith(("code", "codes")):
        path = config(tmp_path, codes=f"[clinic.codes]\n{key} = {json.dumps(value)}\n")
    else:
        path = config(tmp_path, {**CLINIC, key: value}, codes="")
    run = cli(*PLAN, "--config", path, "--html", "-", *PATIENT)
    assert run.code == 2 and key in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr


@pytest.mark.parametrize("dob", ["2026-11-28", "1890-01-01", "09/03/1984", "1984-02-30", "yesterday"])
def test_a_date_of_birth_that_is_none_is_exit_2(tmp_path: Path, dob: str) -> None:
    run = cli(*PLAN, "--config", config(tmp_path), "--html", "-", "--date", "2026-11-27", "--gfe",
              "--patient-name", "Jane", "--dob", dob)  # fmt: skip
    assert run.code == 2 and "dob" in run.stderr


def test_the_patients_name_is_only_on_an_estimate(tmp_path: Path) -> None:
    run = cli(*PLAN, "--config", config(tmp_path), "--html", "-", "--patient-name", "Jane Q. Public")
    assert run.code == 2 and "--gfe" in run.stderr
    run = cli(*PLAN, "--gfe", *PATIENT[1:])
    assert run.code == 2 and "--html" in run.stderr
    plain = cli(*PLAN, "--config", config(tmp_path), "--html", "-", "--id", "P-1").stdout
    text = page_text(plain)
    assert "Jane" not in text and "1984" not in text and "Good Faith" not in text


def test_a_hostile_name_is_text_and_a_long_one_is_refused(tmp_path: Path) -> None:
    run = cli(*PLAN, "--config", config(tmp_path), "--html", "-", "--gfe", "--patient-name",
              "<img src=x onerror=alert(1)>\u202eJane", "--dob", "1984-03-09")  # fmt: skip
    assert run.code == 0 and "<img" not in run.stdout and "&lt;img" in run.stdout and "\\u202e" in run.stdout
    long = cli(*PLAN, "--config", config(tmp_path), "--html", "-", "--gfe", "--patient-name", "N" * 71,
               "--dob", "1984-03-09")  # fmt: skip
    assert long.code == 2 and "at most 70" in long.stderr


@pytest.mark.parametrize(("last", "code"), [("2027-11-27", 0), ("2027-11-28", 2)])
def test_twelve_months_to_the_day(tmp_path: Path, last: str, code: int) -> None:
    """From 2026-11-27, a course may run to 2027-11-27 and not a day more (one session on a Saturday)."""
    args = ["plan", "70", "--start-date", last, "--days", "sat", "--infusions", "1", "--price", "650"]
    run = cli(*args, "--config", config(tmp_path), "--html", "-", "--date", "2026-11-27", *PATIENT)
    assert run.code == code, run.stderr


def test_a_leap_day_estimate_counts_its_year_to_28_february() -> None:
    import datetime

    from ketacalc.goodfaith import _months_after

    assert _months_after(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 2, 28)
    assert _months_after(datetime.date(2026, 12, 31), 2) == datetime.date(2027, 2, 28)
