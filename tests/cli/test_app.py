"""The command line, in-process: every exit code, every kind of bad input,
stdout and stderr asserted apart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc import __version__
from tests.fuzzing import check_accepted_quote, hostile_text
from tests.helpers import assert_answered, cli, process
from tests.surfaces import OPTIONS


def test_version() -> None:
    run = cli("--version")
    assert run.code == 0
    assert run.stdout == f"ketacalc {__version__}\n"


def test_quote_prints_tables_and_the_notice() -> None:
    run = cli("quote", "70kg")
    assert run.code == 0
    assert "35 mg" in run.stdout
    assert "$2,400" in run.stdout and "$4,800" in run.stdout
    assert "Informational only" in run.stdout
    assert run.stderr == ""


def test_bare_number_says_it_was_read_as_kg() -> None:
    assert "no unit given: read as kg" in cli("dose", "70").stdout


def test_weight_is_shown_in_kg_and_as_given() -> None:
    out = cli("dose", "154 lbs").stdout
    assert "69.85 kg" in out and "given as 154 lbs" in out


@pytest.mark.parametrize("command", [["dose", "70"], ["cost"], ["quote", "70"]])
def test_json_is_one_document_and_nothing_else(command: list[str]) -> None:
    run = cli(*command, "--json")
    assert run.code == 0
    doc = json.loads(run.stdout)
    assert doc["informational_only"] is True
    assert run.stderr == ""


def test_json_blocks_per_command() -> None:
    assert {"patient", "dose", "session"} <= cli("dose", "70", "--json").json().keys()
    assert "cost" not in cli("dose", "70", "--json").json()
    assert cli("cost", "--json").json()["series"] == {"infusions": 6}
    full = cli("quote", "70", "--json").json()
    assert {"patient", "dose", "session", "series", "cost"} <= full.keys()


def test_quote_takes_every_dose_and_cost_option() -> None:
    doc = cli(
        "quote",
        "11 stone",
        "--rate",
        "500 mcg/kg",
        "--duration",
        "1.5 h",
        "--infusions",
        "4",
        "--price",
        "650",
        "--currency",
        "eur",
        "--json",
    ).json()
    assert doc["dose"]["dose_mg"] == 34.93
    assert doc["session"]["duration_min"] == 90
    assert doc["cost"]["currency"] == "EUR"
    assert doc["cost"]["total"]["max"] == "2600.00"


def test_warning_goes_to_stderr_in_both_modes_and_into_json() -> None:
    human = cli("cost", "--infusions", "8")
    assert human.code == 0
    assert human.stderr.startswith("warning: ")  # stdout is not a terminal here
    assert "further sessions are unlikely to show improvements" in human.stderr
    machine = cli("quote", "70", "--infusions", "8", "--json")
    assert machine.code == 0
    assert machine.stderr.startswith("warning: ")
    assert machine.json()["warnings"][0]["code"] == "infusions_above_usual_series"


def test_strict_turns_a_warning_into_exit_4_and_still_prints() -> None:
    run = cli("quote", "70", "--infusions", "8", "--json", "--strict")
    assert run.code == 4
    assert run.json()["series"]["infusions"] == 8
    assert cli("quote", "70", "--strict").code == 0


BAD_INPUTS = [
    (["dose", ""], "WEIGHT ''", "is empty"),
    (["dose", "abc"], "WEIGHT 'abc'", "not a number"),
    (["dose", "--", "-70"], "WEIGHT '-70'", "below"),
    (["dose", "0"], "WEIGHT '0'", "below"),
    (["dose", "nan"], "WEIGHT 'nan'", "not a number"),
    (["dose", "inf"], "WEIGHT 'inf'", "not a number"),
    (["dose", "1e309"], "WEIGHT '1e309'", "not a number"),
    (["dose", "9" * 80], "WEIGHT", "too long"),
    (["dose", "70 m"], "WEIGHT '70 m'", "a length, not a body weight"),
    (["dose", "70 kg + 5 lb"], "WEIGHT '70 kg + 5 lb'", "not a number"),
    (["dose", "2**99999999 kg"], "WEIGHT '2**99999999 kg'", "not a number"),
    (["dose", "1000 kg"], "WEIGHT '1000 kg'", "above"),
    (["dose", "70", "--rate", "0.9"], "--rate '0.9'", "0.1–0.75 mg/kg"),
    (["dose", "70", "--rate", "0.05"], "--rate '0.05'", "0.1–0.75 mg/kg"),
    (["dose", "70", "--rate", "0.5 mg"], "--rate '0.5 mg'", "not a dose rate"),
    (["dose", "70", "--duration", "30"], "--duration '30'", "40–100 min"),
    (["dose", "70", "--duration", "2 h"], "--duration '2 h'", "40–100 min"),
    (["dose", "70", "--duration", "45 kg"], "--duration '45 kg'", "not a duration"),
    (["cost", "--infusions", "0"], "--infusions '0'", "whole number"),
    (["cost", "--infusions", "2.5"], "--infusions '2.5'", "whole number"),
    (["cost", "--price", "-1"], "--price '-1'", "negative"),
    (["cost", "--price-min", "900"], "--price-min '900'", "greater than the maximum"),
    (["cost", "--price", "5", "--price-max", "9"], "--price '5'", "cannot be given with"),
    (["cost", "--currency", "ZZZ"], "--currency 'ZZZ'", "ISO 4217"),
    (["quote", "70", "--price", "1.999"], "--price '1.999'", "more decimal places than USD has (2)"),
]


@pytest.mark.parametrize(("args", "named", "problem"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_and_nothing_on_stdout(args: list[str], named: str, problem: str) -> None:
    for extra in ([], ["--json"]):
        run = cli(args[0], *extra, *args[1:])
        assert run.code == 2
        assert run.stdout == ""
        lines = run.stderr.splitlines()
        assert len(lines) == 1, run.stderr
        assert lines[0].startswith(f"error: {named}")
        assert problem in lines[0]
        assert "allowed:" in lines[0]
        assert "Traceback" not in run.stderr


def test_hostile_text_is_echoed_on_one_escaped_line() -> None:
    run = cli("dose", "70\n\x1b[31mkg")
    assert run.code == 2
    assert len(run.stderr.splitlines()) == 1
    assert "\x1b" not in run.stderr


def test_usage_errors_are_one_line_exit_2() -> None:
    for args in (["quote"], ["quote", "70", "--bogus"], ["nonsense"]):
        run = cli(*args)
        assert run.code == 2
        assert run.stdout == ""
        assert len(run.stderr.splitlines()) == 1
        assert run.stderr.startswith("error: ")


def test_ideal_weight_without_height_and_sex_names_what_is_missing() -> None:
    run = cli("dose", "70", "--dosing-weight", "ideal")
    assert run.code == 2
    assert run.stderr.startswith("error: --height: is needed for the ideal dosing weight (and so is sex)")


@pytest.mark.parametrize("command", ["dose", "cost", "quote"])
def test_help_leads_with_an_example_and_states_limits(command: str) -> None:
    run = cli(command, "--help")
    assert run.code == 0
    body = run.stdout.split("\n\n", 1)[1]
    assert body.lstrip().startswith(f"Example: ketacalc {command}")
    text = " ".join(run.stdout.split())  # as wrapped at any width
    if command != "cost":
        assert "0.1–0.75" in text and "40–100" in text
    if command != "dose":
        assert "default 6" in text and "default 400" in text


def test_plain_ketacalc_prints_the_help() -> None:
    run = cli()
    assert run.code == 0
    assert "Usage: ketacalc" in run.stdout and "quote" in run.stdout
    assert run.stderr == ""


def test_every_command_has_help_leading_with_an_example() -> None:
    for command in ("chart", "batch", "schema", "config"):
        run = cli(command, "--help")
        assert run.code == 0
        assert run.stdout.split("\n\n", 1)[1].lstrip().startswith(f"Example: ketacalc {command}")


def test_dash_h_is_help_everywhere() -> None:
    for args in ([], ["quote"], ["batch"], ["plan"]):
        run = cli(*args, "-h")
        assert run.code == 0 and "Usage:" in run.stdout and "--help" in run.stdout


def test_shell_completion_completes_commands_and_options() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "_KETACALC_COMPLETE": "complete_bash", "COMP_WORDS": "ketacalc ba", "COMP_CWORD": "1"}
    code = "from ketacalc.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert "batch" in result.stdout.split()
    env |= {"COMP_WORDS": "ketacalc batch --sum", "COMP_CWORD": "2"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert result.stdout.split() == ["--summary-json"]
    # Each shell's script, asked for by name through Click's protocol.
    marks = {"bash": "_ketacalc_completion()", "zsh": "#compdef ketacalc", "fish": "complete --command"}
    for shell, mark in marks.items():
        env = {**os.environ, "_KETACALC_COMPLETE": f"source_{shell}"}
        script = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
        assert mark in script.stdout, shell


@pytest.mark.parametrize(
    ("shell", "mark", "not_mark"),
    [
        ("zsh", "#compdef ketacalc", "COMPREPLY"),
        ("fish", "complete --command ketacalc", "#compdef"),
        ("bash", "_ketacalc_completion()", "#compdef"),
        ("powershell", "Register-ArgumentCompleter", "#compdef"),
    ],
)
def test_show_completion_gives_the_script_of_the_shell_asked_for(shell: str, mark: str, not_mark: str) -> None:
    """`--show-completion zsh` is zsh's script whatever shell runs the command (it once gave bash's)."""
    run = cli("--show-completion", shell)
    assert run.code == 0, run.stderr
    assert mark in run.stdout and not_mark not in run.stdout


def test_show_completion_refuses_a_shell_it_does_not_complete() -> None:
    run = cli("--show-completion", "tcsh")
    assert run.code == 2 and run.stdout == ""
    assert "tcsh" in run.stderr and "bash, zsh, fish" in run.stderr


def _completions(*words: str) -> list[str]:
    import os
    import subprocess
    import sys

    line = " ".join(("ketacalc", *words))
    env = {**os.environ, "_KETACALC_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words))}
    code = "from ketacalc.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    return result.stdout.split()


def test_enumerated_options_complete_their_values_as_the_core_spells_them() -> None:
    from ketacalc.batch.rows import FORMATS, OUTPUTS
    from ketacalc.charting import DEFAULT_RANGE
    from ketacalc.cli import options
    from ketacalc.dosing import BASES, SEXES
    from ketacalc.pump import VTBI_BASES

    # The CLI's copies (kept there so that start-up imports none of these modules) are the core's.
    assert options.BASES == BASES and options.SEXES == SEXES and options.VTBI_BASES == VTBI_BASES
    assert options.INPUT_FORMATS == FORMATS and options.OUTPUT_FORMATS == OUTPUTS
    assert options.WEIGHT_UNITS == tuple(DEFAULT_RANGE)
    assert _completions("batch", "--output", "") == list(OUTPUTS)
    assert _completions("batch", "--input-format", "j") == ["jsonl"]
    assert _completions("batch", "--decimal", "") == ["point", "comma"]
    assert _completions("chart", "--unit", "") == ["kg", "lb"]
    assert _completions("dose", "70", "--dosing-weight", "a") == ["actual", "adjusted"]
    assert _completions("plan", "70", "--sex", "") == ["female", "male"]
    assert _completions("quote", "70", "--vtbi", "bag") == ["bag+drug", "bag"]


def test_config_says_a_price_replaces_the_range() -> None:
    settings = cli("config", "--price", "650", "--json").json()["settings"]
    assert settings["price_min"] == {"value": None, "source": "replaced by price (flag)"}
    assert settings["price_max"] == {"value": None, "source": "replaced by price (flag)"}
    table = cli("config", "--price", "650", env={"COLUMNS": "120"}).stdout
    assert "replaced by price (flag)" in table


def test_config_path_says_where_the_file_is_looked_for(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[dose]\nrate = 0.4\n")
    run = cli("config", "--path", "--config", str(path), "--json")
    document = run.json()
    assert document["kind"] == "config" and document["file"]["used"] == str(path)
    assert [place["where"] for place in document["file"]["searched"]] == ["--config", "$KETACALC_CONFIG", "default"]
    human = cli("config", "--path", "--config", str(path), env={"COLUMNS": "200"}).stdout
    assert str(path) in human and "found" in human


def test_showing_a_completion_script_leaves_the_next_run_alone() -> None:
    """The named shell is passed through Click's variable for that run only: in one process (a test
    runner, an embedding script) the next command is not answered with a completion script."""
    import os

    assert cli("--show-completion", "powershell").code == 0
    assert "_KETACALC_COMPLETE" not in os.environ
    assert cli("quote", "70", "--json").json()["kind"] == "quote"


# From the registry of surfaces (tests/surfaces.py): a new option is fuzzed too.
DOSE_OPTIONS = sorted(OPTIONS["dose"])


COST_OPTIONS = sorted(OPTIONS["cost"])


def one_line_error(run: Any, code: int = 2) -> None:
    assert run.code == code, (run.code, run.stderr)
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: ")


def closed_pipe_run(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run ketacalc with stdout a pipe whose reader has already gone."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [sys.executable, "-m", "ketacalc", *args], stdout=writer, stderr=subprocess.PIPE, timeout=30, check=False
        )
    finally:
        os.close(writer)


NURSE = ["dose", "70", "--duration", "100", "--concentration", "10 mg/mL", "--bag", "100 mL"]


@pytest.mark.parametrize("command", ["batch", "dose", "plan", "config"])
def test_help_into_a_closed_stdout_is_one_line_and_exit_1(command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ketacalc", command, "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        check=False, pass_fds=(), close_fds=True, preexec_fn=lambda: __import__("os").close(1),
    )  # fmt: skip
    assert done.returncode == 1 and done.stderr.decode().count("\n") == 1 and b"stdout is closed" in done.stderr


@given(hostile_text)
def test_fuzzed_weight(text: str) -> None:
    run = assert_answered(["quote", "--json", "--", text], {0, 2})
    if run.code == 0:  # type: ignore[attr-defined]
        check_accepted_quote(run.json())  # type: ignore[attr-defined]


@given(st.sampled_from(DOSE_OPTIONS + COST_OPTIONS), hostile_text)
def test_fuzzed_options_of_quote(option: str, text: str) -> None:
    run = assert_answered(["quote", "70", option, text, "--json"], {0, 2})
    if run.code == 0:  # type: ignore[attr-defined]
        check_accepted_quote(run.json())  # type: ignore[attr-defined]


@given(st.sampled_from(DOSE_OPTIONS), hostile_text)
def test_fuzzed_options_of_dose_under_strict(option: str, text: str) -> None:
    run = assert_answered(["dose", "70", option, text, "--json", "--strict"], {0, 2, 4})
    if run.code in (0, 4):  # type: ignore[attr-defined]
        check_accepted_quote(run.json())  # type: ignore[attr-defined]


@given(st.sampled_from(COST_OPTIONS), hostile_text)
def test_fuzzed_options_of_cost(option: str, text: str) -> None:
    run = assert_answered(["cost", option, text, "--json"], {0, 2})
    if run.code == 0:  # type: ignore[attr-defined]
        doc = run.json()  # type: ignore[attr-defined]
        assert Decimal(doc["cost"]["total"]["max"]) >= 0


@given(st.sampled_from(sorted(OPTIONS["chart"])), hostile_text)
def test_fuzzed_options_of_chart(option: str, text: str) -> None:
    assert_answered(["chart", option, text, "--json"], {0, 2})


def test_a_newline_inside_a_unit_kept_the_error_on_two_lines() -> None:
    # Found by fuzzing: "70 m\n/s" echoed the unit raw, so the error spanned two lines.
    run = cli("dose", "70 m\n/s")
    assert run.code == 2
    assert len(run.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "body", ["", "\n\n", "id,name\nA,1\n", "id,weight,Weight\nA,70,70\n", '"weight\n', "x" * 2_000_000 + "\n"]
)
@pytest.mark.parametrize("output", ["jsonl", "csv"])
def test_exit_2_means_nothing_on_stdout(body: str, output: str) -> None:
    one_line_error(cli("batch", "--output", output, input=body))


@pytest.mark.parametrize("args", [[], ["--help"], ["quote", "70"], ["quote", "70", "--json"], ["chart"], ["schema"]])
def test_a_closed_pipe_is_a_quiet_141(args: list[str]) -> None:
    run = closed_pipe_run(*args)
    assert run.returncode == 141 and run.stderr == b""


@pytest.mark.parametrize("args", [[], ["--help"], ["quote", "70"], ["cost", "--json"]])
def test_a_full_stdout_is_one_line_exit_1(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-m", "ketacalc", *args], stdout=full, stderr=subprocess.PIPE, timeout=30, check=False
        )
    assert run.returncode == 1
    assert run.stderr.decode().splitlines() == ["error: cannot write output: No space left on device"]


def test_early_ctrl_c_is_one_line_and_130() -> None:
    # From 0.1 s on (a Typer app used to print a KeyboardInterrupt traceback until
    # about 0.2 s). Before ketacalc's first line runs, Python's own start-up is
    # not ketacalc's to handle (docs/robustness.md).
    for delay in (0.1, 0.15, 0.2, 0.3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "ketacalc", "quote", "70"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert b"Traceback" not in err, delay
        if proc.returncode != 0:  # it may finish before the signal arrives
            # 130, or ended by the signal itself (which a shell also reports as 130)
            assert proc.returncode in (130, -signal.SIGINT), (delay, proc.returncode)
            assert err in (b"", b"error: interrupted\n"), (delay, err)


@pytest.mark.parametrize(
    ("script", "code"),
    [
        ("ketacalc batch <&-", 2),
        ("ketacalc batch /proc/self/mem", 2),
        ("ketacalc quote 70 --json 2>&-", 0),
        ("ketacalc dose 300 --json 2>/dev/full", 0),
        ("ketacalc cost --infusions 8 2>&- --strict", 4),
        ("ketacalc batch 2>&- <<< $'id,weight\\nA,70'", 0),
    ],
)
def test_input_faults_are_2_and_a_lost_stderr_is_not_a_failure(script: str, code: int) -> None:
    command = script.replace("ketacalc", f"{sys.executable} -m ketacalc", 1)
    run = subprocess.run(["bash", "-c", command], capture_output=True, timeout=30, check=False)
    assert run.returncode == code, (script, run.stderr)
    assert b"Traceback" not in run.stderr
    if code == 2:
        assert run.stdout == b"" and len(run.stderr.splitlines()) == 1


def test_reading_proc_self_mem_is_named_an_input_error() -> None:
    run = cli("batch", "/proc/self/mem")
    assert run.code == 2 and "cannot read input" in run.stderr


@pytest.mark.parametrize(("option", "value"), [("--rate", "5 kg/kg"), ("--duration", "2 fortnights")])
def test_messages_never_contradict_themselves(option: str, value: str) -> None:
    run = cli("quote", "70", option, value)
    one_line_error(run)
    assert " is a dose rate, not a dose rate" not in run.stderr and "is a time, not a duration" not in run.stderr


def test_a_terminal_as_stdin_is_exit_2_not_a_wait() -> None:
    import pty

    leader, follower = pty.openpty()
    try:
        run = subprocess.run(
            [sys.executable, "-m", "ketacalc", "batch"], stdin=follower, capture_output=True, timeout=30, check=False
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert run.returncode == 2 and run.stdout == b""
    assert b"stdin is a terminal" in run.stderr


@pytest.mark.parametrize("command", [["dose", "70"], ["quote", "70"], ["plan", "70", "--start-date", "2026-12-07"]])
def test_id_is_in_the_heading_and_the_json_escaped(command: list[str]) -> None:
    out = cli(*command, "--id", "P-12\x1b[31m").stdout
    assert "for patient P-12\\x1b[31m" in out and "\x1b" not in out
    assert out.splitlines()[0].startswith("Ketamine infusion")
    assert cli(*command, "--id", "P-12", "--json").json()["id"] == "P-12"


@pytest.mark.parametrize("value", ["", " ", "x" * 101])
def test_an_id_is_one_to_a_hundred_characters(value: str) -> None:
    assert cli("dose", "70", "--id", value).code == 2


def test_an_id_that_is_not_utf8_is_kept_escaped_in_every_file(tmp_path: Path) -> None:
    bad = b"P\xc3(".decode("utf-8", "surrogateescape")
    assert cli(*NURSE, "--id", bad, "--prep-sheet", str(tmp_path / "p.html")).code == 0
    assert cli("quote", "70", "--id", bad, "--html", str(tmp_path / "h.html")).code == 0
    assert "\\udcc3" in (tmp_path / "p.html").read_text()


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--show-completion", "zsh", "extra"], {}, "takes one shell, and 'extra' follows it"),
        (["--show-completion", "\x1b[31m"], {}, "'\\x1b[31m': is not a shell"),  # escaped once, not twice
        (["--install-completion", "fish"], {}, "--install-completion takes no shell"),
        ([], {"_KETACALC_COMPLETE": "garbage"}, "is not a completion request"),
        ([], {"_KETACALC_COMPLETE": "complete_tcsh"}, "is not a completion request"),
    ],
)
def test_completion_requests_ketacalc_cannot_answer_are_one_line_and_exit_2(
    args: list[str], env: dict[str, str], said: str
) -> None:
    run = process(*args, env=env)
    assert run.returncode == 2 and run.stdout == b""
    lines = run.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and said in lines[0], lines


@pytest.mark.parametrize(
    "env", [{}, {"_KETACALC_COMPLETE": "complete_bash", "COMP_WORDS": "ketacalc ", "COMP_CWORD": "1"}]
)
def test_a_completion_script_into_a_closed_stdout_is_said_and_exit_1(env: dict[str, str]) -> None:
    import os
    import subprocess
    import sys

    args = [] if env else ["--show-completion", "bash"]
    done = subprocess.run(
        [sys.executable, "-m", "ketacalc", *args],
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
        preexec_fn=lambda: os.close(1),  # ketacalc ... >&-
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.decode().strip() == "error: cannot write output: stdout is closed"
