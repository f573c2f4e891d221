"""render: ISMP number formatting, and human output nobody can misread at any width."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import places, quote
from ketacalc.formatting import amount, money, with_unit
from ketacalc.render import cells, print_blocks, quote_blocks, wrap
from tests.helpers import WIDTH_SWEEPS, cli

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("value", "step", "text"),
    [
        ("35.0", places.MG, "35"),
        ("35.00", places.MG, "35"),
        ("0.5", places.MG, "0.5"),
        (".5", places.MG, "0.5"),
        ("34.926612490", places.MG, "34.93"),
        ("1234.5", places.MG, "1,234.5"),
        ("1000", Decimal(1), "1,000"),
        ("0.0049", places.MG, "0"),
        ("2.345", places.MG, "2.35"),
        ("1E+3", places.MG, "1,000"),
    ],
)
def test_amounts_follow_ismp(value: str, step: Decimal, text: str) -> None:
    assert amount(Decimal(value), step) == text


def test_units_stand_apart_from_numbers() -> None:
    assert with_unit(Decimal("35.0"), places.MG, "mg") == "35 mg"
    assert with_unit(Decimal("2.5"), places.MG, "mL") == "2.5 mL"


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [("2400.00", "USD", "$2,400"), ("2400.50", "USD", "$2,400.50"), ("1234567.8", "EUR", "EUR 1,234,567.80")],
)
def test_money(value: str, currency: str, text: str) -> None:
    assert money(Decimal(value), currency) == text


def render(width: int, **kwargs: str) -> str:
    buffer = io.StringIO()
    q = quote(**kwargs)
    print_blocks(quote_blocks(q), q.warnings, file=buffer, width=width)
    return buffer.getvalue()


def test_quote_table_matches_golden_file_at_80_columns() -> None:
    text = render(80, weight="154 lb", duration="45 min", infusions="6")
    golden = GOLDEN / "quote_154lb_80.txt"
    assert text == golden.read_text(encoding="utf-8")


def test_user_text_is_not_read_as_markup() -> None:
    plain = quote("70 kg")
    hostile = replace(plain, dose=replace(plain.dose, weight_given="[red]70 kg[/red]"))
    buffer = io.StringIO()
    print_blocks(quote_blocks(hostile), file=buffer, width=100)
    assert "[red]70 kg[/red]" in buffer.getvalue()


def test_control_characters_in_user_text_are_escaped_in_tables() -> None:
    plain = quote("70 kg")
    hostile = replace(plain, dose=replace(plain.dose, weight_given="70\x1b]8;;http://x\x07kg"))
    buffer = io.StringIO()
    print_blocks(quote_blocks(hostile), file=buffer, width=100)
    assert "\x1b" not in buffer.getvalue() and "\x07" not in buffer.getvalue()
    assert "\\x1b]8;;http://x\\x07" in buffer.getvalue()


# --- 1. a number never breaks ----------------------------------------------------------

_NUMBER_RE = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")
_UNITS = r"mcg/kg/min|mg/kg/h|mg/kg|mg/min|mg/mL|mg/h|mL/h|mL|mg|kg/m²|kg|min|lb|cm"
_WITH_UNIT_RE = re.compile(rf"([0-9][0-9,]*(?:\.[0-9]+)?) ({_UNITS})(?![A-Za-z/])")

COMMANDS = {
    "dose": ["dose", "154 lb", "--concentration", "10 mg/mL", "--bag", "100 mL", "--duration", "45"],
    "dose-heavy": ["dose", "300", "--rate", "0.75", "--height", "160 cm", "--sex", "f", "--dosing-weight", "adjusted"],
    "cost": ["cost", "--price-min", "1,250.50", "--price-max", "99,999.99", "--infusions", "8", "--currency", "EUR"],
    "quote": ["quote", "11 stone", "--rate", "0.4", "--start", "23:50", "--concentration", "50 mg/mL", "--bag", "1 L"],
    "chart": ["chart", "--from", "40", "--to", "60", "--step", "10", "--concentration", "10 mg/mL", "--bag", "100 mL"],
    "chart-lb": ["chart", "--unit", "lb", "--from", "100", "--to", "300", "--step", "100"],
    "config": ["config", "--price", "650", "--rates", "0.1,0.2,0.25,0.3,0.4,0.5,0.6,0.75"],
    "big-money": ["cost", "--currency", "EUR", "--price", "99999.99", "--infusions", "52"],
    "warned": ["quote", "300", "--infusions", "8", "--concentration", "10 mg/mL", "--bag", "1 L"],
    # The bedside's second round: an hourly order, a questioned dosing weight, a standard concentration,
    # an id; a draw no syringe mark measures and one below its printed places.
    "ordered": ["dose", "140kg", "--height", "165 cm", "--sex", "f", "--rate", "0.75 mg/kg/h", "--id", "P-12"]
    + ["--final-concentration", "1 mg/mL", "--concentration", "50 mg/mL", "--duration", "60"],
    "draw": ["quote", "70", "--duration", "100", "--concentration", "10 mg/mL", "--bag", "100 mL", "--start", "9:30"],
    "tiny-draw": ["dose", "1", "--rate", "0.1", "--concentration", "100 mg/mL", "--bag", "10 mL"],
    "plan": [
        "plan",
        "70",
        "--start-date",
        "2026-12-01",
        "--boosters",
        "2",
        "--booster-every",
        "4w",
        "--titrate",
        "0.5:0.1:0.75",
        "--time",
        "9:30",
        "--concentration",
        "10 mg/mL",
        "--bag",
        "100 mL",
    ],
}


def numbers(text: str) -> set[str]:
    return set(_NUMBER_RE.findall(text))


def figures(text: str) -> set[tuple[str, str]]:
    return set(_WITH_UNIT_RE.findall(text))


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("widths", WIDTH_SWEEPS)
def test_every_number_is_whole_at_every_width_from_20_to_200(name: str, widths: Sequence[int]) -> None:
    wide = cli(*COMMANDS[name], env={"COLUMNS": "200"})
    assert wide.code == 0, wide.stderr
    wide_numbers, wide_figures = numbers(wide.stdout), figures(wide.stdout)
    assert wide_numbers and (wide_figures or name in ("cost", "config", "big-money"))
    for width in widths:
        run = cli(*COMMANDS[name], env={"COLUMNS": str(width)})
        assert run.code == 0
        # A number split across lines shows up as two numbers that the wide
        # output does not have (155.2 -> "155." and "2").
        assert numbers(run.stdout) == wide_numbers, width
        # Every number that carries a unit keeps it on its own line.
        assert figures(run.stdout) >= wide_figures, width
        for line in run.stdout.splitlines():  # a longer line is split by the terminal itself
            assert cells(line) <= width, (width, line)


def test_the_nurses_40_column_pump_rate_is_on_one_line() -> None:
    run = cli(*COMMANDS["dose"], env={"COLUMNS": "40"})
    assert "Pump rate: 138 mL/h over 45 min" in run.stdout
    assert "155.2 mL/h" in run.stdout and "0.6667 mg/kg/h" in run.stdout
    assert not re.search(r"[0-9.]\n\s*[0-9]", run.stdout)


def test_width_from_a_real_terminal_is_honoured() -> None:
    """COLUMNS unset: the width comes from the terminal itself (a pty of 30 columns)."""
    output = _on_a_terminal(["dose", "154 lb", "--concentration", "10 mg/mL", "--bag", "100 mL"], columns=30)
    assert "155.2 mL/h" in output
    assert max(len(line) for line in output.splitlines()) <= 30


def test_columns_0_still_prints() -> None:
    run = cli("dose", "70", env={"COLUMNS": "0"})
    assert "35 mg" in run.stdout and "Informational only" in run.stdout


def test_long_words_break_outside_numbers() -> None:
    lines = wrap("(infusions_above_usual_series) 0.1,0.2,0.25,0.3,0.4,0.5,0.6,0.75 5,199,999.48", 14, "  ", "  ")
    assert all(len(line) <= 14 for line in lines)
    assert "".join(line.strip() for line in lines).startswith("(infusions_above_usual_series)0.1,")
    assert "5,199,999.48" in lines


_WIDE_WORDS = st.text(
    st.one_of(st.sampled_from("患者番号１２３ｶﾀ가é\u0301_,/"), st.characters(min_codepoint=0x20, max_codepoint=0x7E)),
    min_size=1,
    max_size=30,
).filter(lambda word: " " not in word)


@given(words=st.lists(_WIDE_WORDS, min_size=1, max_size=6), width=st.integers(2, 50))
def test_wrap_counts_terminal_columns_not_characters(words: list[str], width: int) -> None:
    """A wide (East Asian) character takes two columns, a combining accent none: no line is wider
    than the terminal (where the terminal itself would split it), and nothing is lost."""
    lines = wrap(" ".join(words), width, "  ", "  ")
    assert all(cells(line) <= width for line in lines), [(cells(line), line) for line in lines]
    assert "".join("".join(lines).split()) == "".join(words)


@pytest.mark.parametrize("width", [20, 30, 40, 80])
def test_a_wide_id_fits_the_terminal(width: int) -> None:
    run = cli("dose", "70", "--id", "患者番号" * 6 + "１２３", env={"COLUMNS": str(width)})
    assert run.code == 0 and all(cells(line) <= width for line in run.stdout.splitlines()), width
    assert "患者番号" * 6 + "１２３" in "".join(run.stdout.split())


def test_wrap_breaks_only_between_figures() -> None:
    lines = wrap("Pump rate over 45 min: 1,505.3 mL/h (EUR 2,400)", 12)
    assert any("45 min:" in line for line in lines) and "1,505.3 mL/h" in lines
    assert any("EUR 2,400" in line for line in lines)


# --- 4. warnings travel with the output ------------------------------------------------


def test_warnings_are_in_the_saved_output_before_the_notice() -> None:
    run = cli("dose", "300", "--rate", "0.75")
    out = run.stdout
    # Beside its figure: in the patient block, before the infusion rates, not in a closing block.
    assert "(weight_above_adult_range)" in out and "Warnings" not in out
    assert out.index("Weight") < out.index("(weight_above_adult_range)") < out.index("Infusion rate")
    # Not a terminal: stderr carries them too, for whoever watches the run.
    assert "warning: " in run.stderr and "(weight_above_adult_range)" in run.stderr


def test_json_keeps_warnings_on_stderr_and_in_the_document_only() -> None:
    run = cli("dose", "300", "--rate", "0.75", "--json")
    assert "Warnings" not in run.stdout
    assert run.json()["warnings"][0]["code"] == "weight_above_adult_range"
    assert run.stderr.startswith("warning: ")


def test_a_terminal_shows_each_warning_once() -> None:
    output = _on_a_terminal(["dose", "300", "--rate", "0.75"], columns=100)
    assert output.count("weight_above_adult_range") == 1
    assert "Warnings" not in output  # it is under the weight it concerns


def _on_a_terminal(args: list[str], columns: int, plain: bool = True) -> str:
    """Run ketacalc with stdout and stderr on a pseudo-terminal of ``columns``
    columns; ``plain`` sets NO_COLOR, else it is an xterm that shows bold."""
    import fcntl
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    if plain:
        env["NO_COLOR"] = "1"
    else:
        env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketacalc", *args], stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.parametrize("widths", WIDTH_SWEEPS)
def test_config_path_fits_every_width_and_keeps_the_path(widths: Sequence[int]) -> None:
    clinic = str(Path(__file__).parent / "data" / "clinic.toml")
    for width in widths:
        run = cli("config", "--path", "--config", clinic, env={"COLUMNS": str(width)})
        assert run.code == 0 and all(len(line) <= width for line in run.stdout.splitlines()), width
        assert "found" in run.stdout
        # The path may be cut at a slash to fit, never lost.
        assert clinic.replace("/", "") in "".join(run.stdout.split()).replace("/", "")


NURSE = ["dose", "70", "--duration", "100", "--concentration", "10 mg/mL", "--bag", "100 mL"]


def test_table_says_which_weight_was_used() -> None:
    out = cli("dose", "100kg", "--dosing-weight", "ideal", "--height", "69 in", "--sex", "male").stdout
    assert "70.7 kg (ideal)" in out and "Devine" in out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["quote", "20 kg"], "weight_below_adult_range"),
        (["quote", "300 kg"], "weight_above_adult_range"),
        (["quote", "70", "--infusions", "7"], "infusions_above_usual_series"),
        (
            ["quote", "60", "--dosing-weight", "adjusted", "--height", "180 cm", "--sex", "m"],
            "adjusted_fell_back_to_actual",
        ),
        (["quote", "50", "--dosing-weight", "ideal", "--height", "150 cm", "--sex", "f"], "height_below_devine_range"),
    ],
)
def test_soft_limits_answer_warn_and_strict_exits_4(args: list[str], code: str) -> None:
    run = cli(*args, "--json")
    assert run.code == 0
    assert code in [w["code"] for w in run.json()["warnings"]]
    assert f"({code})" in run.stderr and run.stderr.startswith("warning: ")
    strict = cli(*args, "--json", "--strict")
    assert strict.code == 4
    assert strict.json()["dose"]["dose_mg"] > 0  # results still printed


@pytest.mark.parametrize("widths", WIDTH_SWEEPS)
def test_only_the_chosen_duration_is_called_the_pump_rate_at_every_width(widths: Sequence[int]) -> None:
    for width in widths:
        out = cli(*NURSE, env={"COLUMNS": str(width)}).stdout
        assert len(re.findall("pump rate", out, re.IGNORECASE)) == 1, width
        pump = out[out.index("Pump\n") :]
        # The first rate in the pump block is the one to program: 62.1 mL/h, over the chosen 100 min.
        assert re.search(r"[0-9.]+ mL/h", pump).group(0) == "62.1 mL/h", width  # type: ignore[union-attr]
        assert "155.3 mL/h" in pump and pump.index("62.1 mL/h") < pump.index("155.3 mL/h")
        assert re.search(r"If run over\s+40 min:?\s+155.3 mL/h", pump.replace("\n", " ")), width
        rates = out[out.index("Infusion rate") : out.index("Pump\n")]
        assert rates.index("100 min") < rates.index("40 min"), width  # the chosen duration first


def test_the_pump_rate_is_bold_on_a_terminal() -> None:
    from tests.test_render import _on_a_terminal

    output = _on_a_terminal(NURSE, columns=40, plain=False)
    assert re.search(r"\x1b\[1m\s*Pump rate: 62.1 mL/h over 100 min", output)
    assert not re.search(r"\x1b\[1m\s*Stock", output)  # only the rate to program


@pytest.mark.parametrize("width", [20, 40, 80, 200])
def test_a_warning_is_printed_under_its_figure_once(width: int) -> None:
    out = re.sub(r"\n\s*", " ", cli(*NURSE, env={"COLUMNS": str(width)}).stdout)  # a code may wrap at its _
    out = out.replace("_ ", "_")
    assert out.count("(draw_not_measurable)") == 1
    assert out.index("Draw") < out.index("draw_not_measurable") < out.index("Read-back")
    assert "Warnings " not in out


def test_a_duration_that_prints_as_a_window_end_is_not_shown_twice() -> None:
    out = cli("dose", "70", "--duration", "99.996", *["--concentration", "10 mg/mL", "--bag", "100"]).stdout
    assert "If run over 100 min" not in out and out.count("100 min (") == 1


def test_other_durations_of_an_order_per_time_are_labelled_as_the_same_dose() -> None:
    out = cli(
        "dose",
        "70",
        "--rate",
        "0.45 mg/kg/h",
        "--duration",
        "100",
        *["--concentration", "10 mg/mL", "--bag", "100"],
        env={"COLUMNS": "200"},
    ).stdout
    assert "Same dose over 40 min" in out and "If run over" not in out
    assert "not the ordered 0.45 mg/kg/h" in out
