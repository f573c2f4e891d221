"""What a patient's and a front desk's review of the handout and the calendar found (#22), each a
test that failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import cli
from tests.test_handout_content import handout

PLAN = ["plan", "70", "--start-date", "2026-12-07"]


def test_skip_given_twice_skips_both_dates() -> None:
    document = cli(*PLAN, "--skip", "2026-12-10", "--skip", "2026-12-24", "--json").json()
    assert document["plan"]["skipped"] == ["2026-12-10", "2026-12-24"]
    dates = [s["date"] for s in document["sessions"]]
    assert "2026-12-10" not in dates and "2026-12-24" not in dates


def test_the_estimate_number_is_not_made_from_the_figures(tmp_path: Path) -> None:
    numbers = {
        re.search(r"Estimate number (P-20261127-[0-9A-F]{6})", handout(tmp_path, [*PLAN[:1], weight, *PLAN[2:]]))
        for weight in ("70", "70", "71")
    }
    assert len({found.group(1) for found in numbers if found}) == 3


def test_the_currency_is_named_where_a_sign_could_be_another_dollar(tmp_path: Path) -> None:
    assert "Cost (USD)" in handout(tmp_path, ["quote", "70"])
    assert "Cost (CAD)" in handout(tmp_path, ["quote", "70", "--currency", "CAD", "--price", "500"])


def test_what_to_expect_says_the_plans_own_duration(tmp_path: Path) -> None:
    text = handout(tmp_path, [*PLAN, "--duration", "90"])
    assert "planned to last 90 minutes" in text and "usually lasts around 40 minutes" not in text
    assert "usually lasts around 40 minutes" in handout(tmp_path, PLAN)


def test_the_notice_does_not_send_the_patient_back_to_the_clinic_on_its_own_letterhead(tmp_path: Path) -> None:
    text = handout(tmp_path, PLAN, clinic={"name": "Harbour"})
    assert "Check every figure with the clinic" not in text
    assert "An estimate for information, not a bill or medical advice." in text


def test_words_a_patient_reads_right(tmp_path: Path) -> None:
    one = handout(tmp_path, [*PLAN, "--infusions", "1", "--package-price", "500"])
    assert "Package of 1 infusion " in one + " " and "1 infusions" not in one
    late = handout(tmp_path, [*PLAN, "--time", "23:59"])
    assert "23:59–01:09 next day" in late
    # A skipped Friday never had a session on a Monday-and-Thursday plan: it is not listed as a gap.
    friday = handout(tmp_path, [*PLAN, "--skip", "2026-12-25,2026-12-10"])
    assert "No session on: Thu 2026-12-10." in friday and "2026-12-25" not in friday


def test_a_long_name_is_echoed_in_its_own_letters() -> None:
    run = cli(*PLAN, "--html", "-", "--gfe", "--patient-name", "Concepción Hernández " * 4, "--dob", "1984-03-09")
    assert run.code == 2 and "Concepción Hernández" in run.stderr and "\\xf3" not in run.stderr


def test_a_name_of_nothing_printable_is_no_name_and_bytes_not_utf8_are_no_crash(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[clinic]\nname = "H"\naddress = "1 Main St"\nnpi = "1234567893"\ntin = "12-3456789"\n'
                      '[clinic.codes]\ninfusion_code = "96365"\n')  # fmt: skip
    base = [*PLAN, "--price", "650", "--config", str(config), "--html", "-", "--gfe", "--dob", "1984-03-09"]
    for blank in ("   ", "\x1b", "\x00\x07"):
        run = cli(*base, "--patient-name", blank)
        assert run.code == 2 and "--patient-name" in run.stderr and "empty" in run.stderr, repr(blank)
    run = cli(*base, "--patient-name", "Jos\udcff")  # a byte that was not UTF-8, as Python passes it on
    assert run.code == 0 and "Jos\ufffd" in run.stdout


def test_a_multi_line_address_reads_as_one_on_the_letterhead(tmp_path: Path) -> None:
    text = handout(tmp_path, ["quote", "70"], clinic={"address": "1 Main St\nSpringfield\u2028MA 02110"})
    assert "1 Main St, Springfield, MA 02110" in text


def _gfe_config(tmp_path: Path) -> str:
    config = tmp_path / "g.toml"
    config.write_text('[clinic]\nname = "H"\naddress = "1 Main St"\nnpi = "1234567893"\ntin = "12-3456789"\n'
                      '[clinic.codes]\ninfusion_code = "96365"\n')  # fmt: skip
    return str(config)


def test_an_estimate_comes_before_its_services_and_never_says_its_charges_may_change(tmp_path: Path) -> None:
    gfe = ["--config", _gfe_config(tmp_path), "--html", "-", "--gfe", "--patient-name", "Jane", "--dob", "1984-03-09"]
    before = cli("plan", "70", "--start-date", "2026-01-05", "--price", "650", *gfe, "--date", "2026-12-03")
    assert before.code == 2 and "before its date" in before.stderr
    args = [*PLAN, "--price", "650", "--boosters", "2", "--booster-every", "4w", *gfe, "--date", "2026-11-27"]
    run = cli(*args)
    assert run.code == 0 and "may change" not in run.stdout and "$650.00*" not in run.stdout
    package = cli(*PLAN, "--package-price", "3000", "--boosters", "1", "--booster-every", "4w", *gfe)
    assert package.code == 2 and "--booster-price for the boosters" in package.stderr
