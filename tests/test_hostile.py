"""Every README promise under hostile input: no hangs, no invented or swallowed
batch rows, no tracebacks, the documented exit codes, nothing raw reaching a
terminal or a spreadsheet. Each class of bug found by an hour of attack has its
regression test here, and a fuzzer that would have found it."""

from __future__ import annotations

import csv
import io
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

from ketacalc import InputError, cost, dose, quote
from ketacalc.charting import chart
from tests.helpers import HANG_SECONDS, cli, process, records


def one_line_error(run: Any, code: int = 2) -> None:
    assert run.code == code, (run.code, run.stderr)
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: ")


# --- 1. never a hang, never unbounded memory --------------------------------------------


@pytest.mark.parametrize(
    "step", ["0.00000000000000000000000000001", "1e-999999", "1e999999999", "1e1", "１０", "١٠", "1_0", "0", "-5"]
)
def test_chart_steps_that_used_to_hang_or_slip_through(step: str) -> None:
    start = time.perf_counter()
    run = cli("chart", "--from", "40", "--to", "50", "--step", step)
    assert time.perf_counter() - start < HANG_SECONDS
    one_line_error(run)


def test_a_tiny_step_over_no_span_is_one_row_at_once() -> None:
    start = time.perf_counter()
    run = cli("chart", "--from", "40", "--to", "40", "--step", "0.00000000000000000000000000001", "--json")
    assert time.perf_counter() - start < HANG_SECONDS
    assert len(run.json()["chart"]["rows"]) == 1


def test_chart_row_count_is_exact_at_the_limit() -> None:
    assert len(chart("40", "239", "1").rows) == 200
    with pytest.raises(InputError):
        chart("40", "240", "1")


chart_values = st.one_of(
    st.decimals(min_value="-1", max_value="1000", allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["1e-30", "0." + "0" * 60 + "1", "1" + "0" * 60, "99999999999999999999", "0.5", "5"]),
    st.text(max_size=12),
)


@given(chart_values, chart_values, chart_values, st.sampled_from(["kg", "lb", "st", ""]))
def test_fuzzed_chart_bounds_answer_within_a_second(first: str, last: str, step: str, unit: str) -> None:
    start = time.perf_counter()
    try:
        result = chart(first, last, step, unit=unit)
    except InputError:
        pass
    else:
        assert 1 <= len(result.rows) <= 200
    assert time.perf_counter() - start < HANG_SECONDS


def config_file(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "clinic.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


@pytest.mark.parametrize(
    "text",
    [
        "a." * 32700 + "b = 1",
        "[dose]\nrate = " + "[" * 30000 + "]" * 30000,
        "[dose]\nrate = " + "{a = " * 5000 + "1" + "}" * 5000,
        "[cost]\ninfusions = " + "9" * 5000,
        "[dose.x.y]\nrate = 1",
    ],
)
def test_config_files_that_cost_seconds_are_refused_cheaply(tmp_path: Path, text: str) -> None:
    start = time.perf_counter()
    run = cli("quote", "70", "--config", config_file(tmp_path, text))
    assert time.perf_counter() - start < HANG_SECONDS
    one_line_error(run)


toml_keys = st.text("abcdrate_.", min_size=1, max_size=12)
toml_values: st.SearchStrategy[str] = st.recursive(
    st.sampled_from(['"0.5"', "6", "1.5", "true", '"x"', "1979-05-27"]),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(toml_keys, inner), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k} = {v}" for k, v in pairs) + "}"
        ),
    ),
    max_leaves=20,
)


@given(
    st.lists(
        st.tuples(st.sampled_from(["dose", "cost", "pump", "limits", "chart", "x", "dose.rate", "[dose]"]), toml_keys),
        max_size=4,
    ),
    toml_values,
)
def test_fuzzed_config_structure_is_exit_0_or_2(tmp_path: Path, keys: list[tuple[str, str]], value: str) -> None:
    text = "".join(f"[{section}]\n{key} = {value}\n" for section, key in keys)
    start = time.perf_counter()
    run = cli("config", "--config", config_file(tmp_path, text), "--json")
    assert time.perf_counter() - start < HANG_SECONDS
    assert run.code in (0, 2) and "Traceback" not in run.stderr
    if run.code == 2:
        one_line_error(run)


HUGE = [10**5000, -(10**5000), Decimal("1E+1000000"), Decimal("1E-1000000"), Decimal("9" * 5000), 2**20000]


@pytest.mark.parametrize("value", HUGE, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize(
    "call",
    [
        lambda v: dose(v),
        lambda v: dose(70, rate=v),
        lambda v: dose(70, duration=v),
        lambda v: dose(70, concentration=v, bag=100),
        lambda v: dose(70, concentration="10 mg/mL", bag=v),
        lambda v: dose(70, height=v, sex="f"),
        lambda v: cost(infusions=v),
        lambda v: cost(price=v),
        lambda v: cost(price_min=v),
        lambda v: quote(70, price_max=v),
        lambda v: chart(v),
        lambda v: chart(step=v),
    ],
)
def test_huge_python_numbers_raise_input_error_within_a_second(call: Any, value: Any) -> None:
    start = time.perf_counter()
    with pytest.raises(InputError):
        call(value)
    assert time.perf_counter() - start < HANG_SECONDS


api_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**4000, max_value=10**4400),
    st.floats(),
    st.decimals(),
    st.decimals(allow_nan=True, allow_infinity=True).map(lambda d: d.scaleb(990) if d.is_finite() else d),
    st.text(max_size=20),
    st.builds(object),
    st.lists(st.integers(), max_size=2),
)


@given(
    st.sampled_from(["weight", "rate", "duration", "height", "concentration", "infusions", "price", "price_min"]),
    api_values,
)
def test_fuzzed_python_api_types(name: str, value: object) -> None:
    """Any Python value for any input: a result, or InputError, within a second."""
    kwargs: dict[str, Any] = {"weight": 70}
    kwargs[name] = value
    if name == "height":
        kwargs["sex"] = "f"
    if name == "concentration":
        kwargs["bag"] = 100
    start = time.perf_counter()
    try:
        quote(**kwargs)
    except InputError:
        pass
    assert time.perf_counter() - start < HANG_SECONDS


# --- 2. batch: exactly one record per input row ------------------------------------------


def test_a_cell_over_the_limit_is_its_own_rows_error_and_nothing_comes_from_inside(tmp_path: Path) -> None:
    note = "x" * 2_000_000 + "\nP-999,99\n" + "y" * 10
    body = f'id,weight,note\nA-1,70,ok\nA-2,80,"{note}"\nA-3,90,ok\n'
    run = cli("batch", config_file(tmp_path, body).replace("clinic.toml", "clinic.toml"), "--input-format", "csv")
    out = records(run.stdout)
    assert [r["row"] for r in out] == [1, 2, 3]
    assert [r["id"] for r in out] == ["A-1", None, "A-3"]
    assert "over 1,048,576 characters" in out[1]["error"]["message"]
    assert all(r.get("patient", {}).get("weight_kg") != 99 for r in out)
    assert run.code == 3


def test_a_stray_quote_is_reported_where_it_opened() -> None:
    run = cli("batch", input='id,weight\nA-1,70\nA-2,"80\nA-3,90\nA-4,100\n')
    out = records(run.stdout)
    assert run.code == 3
    assert out[0]["id"] == "A-1" and "error" not in out[0]
    assert "on line 3 opens a quote that is never closed" in out[1]["error"]["message"]
    assert "lines 3–5" in out[1]["error"]["message"]
    assert len(out) == 2


def test_a_quote_inside_an_unquoted_cell_is_literal_as_csv_reads_it() -> None:
    run = cli("batch", input="id,weight,height,sex\nA-1,70,5'9\",m\nA-2,80,,\n")
    out = records(run.stdout)
    assert [r["id"] for r in out] == ["A-1", "A-2"] and run.code == 0
    assert out[0]["patient"]["height_cm"] == 175.3


def test_odd_ids_never_stop_the_batch() -> None:
    body = '{"id":"\\ud800","weight":70}\n{"id":"Zoë-1","weight":80}\n{"id":"after","weight":90}\n'
    for output in ("jsonl", "csv"):
        run = process("batch", "--input-format", "jsonl", "--output", output, input=body)
        assert run.returncode == 0, run.stderr
        assert len(run.stdout.decode("utf-8").splitlines()) == 3 + (output == "csv")
    cp1252 = process("batch", "--input-format", "jsonl", input=body, env={"PYTHONIOENCODING": "cp1252"})
    assert cp1252.returncode == 0
    assert [r["id"] for r in records(cp1252.stdout.decode("utf-8"))] == ["\ud800", "Zoë-1", "after"]


def test_json_out_is_strict_rfc_8259() -> None:
    run = cli("batch", "--input-format", "jsonl", input='{"id":1e400,"weight":70}\n{"weight":1e400}\n')
    assert "Infinity" not in run.stdout and "NaN" not in run.stdout
    first, second = records(run.stdout)
    assert first["id"] == "1E+400" and "error" not in first  # an id beyond a float is echoed as its text
    assert second["error"]["field"] == "weight"


@pytest.mark.parametrize(
    "line",
    [
        '{"weight":635.00000000000000000000000000001}',
        '{"weight":0.99999999999999999999999}',
        '{"weight":70,"rate":0.75000000000000000001}',
        '{"weight":70,"infusions":6.0000000000000000001}',
        '{"weight":70,"price":649.999999999999999999}',
    ],
)
def test_json_numbers_are_read_exactly_before_limits(line: str) -> None:
    (record,) = records(cli("batch", "--input-format", "jsonl", input=line + "\n").stdout)
    assert "error" in record


def test_toml_numbers_are_read_exactly_before_limits(tmp_path: Path) -> None:
    one_line_error(cli("quote", "70", "--config", config_file(tmp_path, "[dose]\nrate = 0.75000000000000000001\n")))
    one_line_error(cli("quote", "70", "--config", config_file(tmp_path, "[cost]\ninfusions = 6.0000000000000000001\n")))


def test_an_empty_json_lines_input_is_exit_2() -> None:
    for output in ("jsonl", "csv"):
        one_line_error(cli("batch", "--input-format", "jsonl", "--output", output, input=""))


def test_a_doubled_quote_split_by_the_1_mib_read_is_still_one_quote(tmp_path: Path) -> None:
    body = 'id,weight\n"' + "x" * 1048574 + '""\nF-1,1\n",70\nA-3,90\n'
    out = records(cli("batch", config_file(tmp_path, body), "--input-format", "csv").stdout)
    assert [r["id"] for r in out] == [None, "A-3"]
    assert "over 1,048,576 characters" in out[0]["error"]["message"] and "error" not in out[1]


def test_an_endless_header_is_refused_at_once() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "ketacalc", "batch", "/dev/zero"], capture_output=True, timeout=30, check=False
    )
    assert run.returncode == 2 and b"header row is over" in run.stderr


@pytest.mark.parametrize(
    "line", ['{"weight":70,"weight":140}', '{"weight":70,"Weight":140}', '{"weight":70," WEIGHT ":140}']
)
def test_duplicate_json_keys_are_a_row_error(line: str) -> None:
    run = cli("batch", "--input-format", "jsonl", input=line + "\n")
    (record,) = records(run.stdout)
    assert "'weight' twice" in record["error"]["message"] and run.code == 3


@pytest.mark.parametrize(
    "body", ["", "\n\n", "id,name\nA,1\n", "id,weight,Weight\nA,70,70\n", '"weight\n', "x" * 2_000_000 + "\n"]
)
@pytest.mark.parametrize("output", ["jsonl", "csv"])
def test_exit_2_means_nothing_on_stdout(body: str, output: str) -> None:
    one_line_error(cli("batch", "--output", output, input=body))


def test_a_file_that_is_not_utf8_stops_before_output_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,weight\nBob,80\nZoë-1,70\n".encode("latin-1"))
    run = cli("batch", str(path))
    assert run.code == 2 and run.stdout == "" and "\ufffd" not in run.stderr
    assert "line 3 has the byte \\xEB" in run.stderr and "--encoding cp1252" in run.stderr


@pytest.mark.slow  # more than a MiB through stdin: about 18 s
def test_undecodable_bytes_after_stdins_first_mib_are_row_errors_never_replaced() -> None:
    body = b"id,weight\n" + b"A,70\n" * 220_000 + "Zoë-1,70\nBob,80\n".encode("latin-1")
    run = process("batch", "-", input=body)
    out = records(run.stdout.decode())
    assert "\ufffd" not in run.stdout.decode()
    assert out[-2]["id"] == "Zo\\xeb-1" and "(\\xeb)" in out[-2]["error"]["message"]
    assert "--encoding" in out[-2]["error"]["message"]
    assert "error" not in out[-1] and run.returncode == 3


def test_long_numeric_ids_are_cut() -> None:
    run = cli("batch", "--input-format", "jsonl", input='{"id":' + "9" * 300 + ',"weight":70}\n')
    assert records(run.stdout)[0]["id"] == "9" * 256


ids = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30)


@given(st.lists(st.tuples(ids, st.sampled_from(["70", "80 kg", "", "abc", "154 lb"])), min_size=1, max_size=8))
def test_fuzzed_batch_framing_one_record_per_row(rows: list[tuple[str, str]]) -> None:
    """A file written by Python's csv writer (as spreadsheets quote: commas,
    quotes and line breaks inside cells) gives exactly one record per row, in
    order, with its id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "weight"])
    written = [(row_id, weight) for row_id, weight in rows if row_id.strip() or weight.strip()]
    writer.writerows(written)
    run = cli("batch", input=buffer.getvalue())
    out = records(run.stdout)
    assert [r["row"] for r in out] == list(range(1, len(written) + 1))
    assert [r["id"] for r in out] == [row_id[:256] if row_id.strip() else None for row_id, _ in written]


@given(st.lists(st.sampled_from(["70", "80", '"90', '9"0', '""', "'", '"a,b"']), min_size=1, max_size=8))
def test_fuzzed_stray_quotes_invent_and_swallow_nothing(cells: list[str]) -> None:
    body = "id,weight\n" + "".join(f"R{i},{cell}\n" for i, cell in enumerate(cells))
    run = cli("batch", input=body)
    assert run.code in (0, 3) and "Traceback" not in run.stderr
    out = records(run.stdout)
    seen = [int(r["id"][1:]) for r in out if r["id"] is not None]
    assert seen == sorted(set(seen)) and set(seen) <= set(range(len(cells)))  # in order, none invented
    if len(out) < len(cells):  # rows went into an open quote: said so
        assert any("could not be split into rows" in r.get("error", {}).get("message", "") for r in out)


# --- 3. no traceback, and the documented exit codes ---------------------------------------


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


def test_a_header_cell_over_the_limit_is_exit_2() -> None:
    one_line_error(cli("batch", input='"' + "w" * 2_000_000 + '",weight\n1,70\n'))


# --- 4. what is accepted is what is printed -------------------------------------------------


@pytest.mark.parametrize("weight", ["0.0004", "0.5", "0.99 kg", "2 lb", "999 g"])
def test_weights_that_would_print_as_zero_are_rejected(weight: str) -> None:
    run = cli("quote", weight)
    one_line_error(run)
    assert "1–635 kg" in run.stderr


def test_the_lightest_accepted_weight_prints_as_itself() -> None:
    doc = cli("quote", "1", "--rate", "0.1", "--duration", "100", "--json").json()
    assert doc["patient"]["weight_kg"] == 1 and doc["dose"]["dose_mg"] == 0.1
    assert doc["session"]["rate_mg_per_min"] == 0.001


@pytest.mark.parametrize(
    "args",
    [
        ["quote", "635.00000000000000000000000000001 kg"],
        ["quote", "635.00000000000000000000000000001"],
        ["quote", "70", "--duration", "0.6666666666666666666666666666 h"],
        ["quote", "70", "--rate", "0.75000000000000000000000000000001"],
    ],
)
def test_limits_are_checked_on_the_exact_value(args: list[str]) -> None:
    one_line_error(cli(*args))


@pytest.mark.parametrize("weight", ["70\x1ckg", "70\u2028kg", "70\nkg", "70\x0bkg", "\x1c70"])
def test_control_characters_around_a_number_are_rejected(weight: str) -> None:
    run = cli("quote", "--", weight)
    one_line_error(run)


def test_config_command_validates_as_every_command_does() -> None:
    one_line_error(cli("config", "--price-min", "900"))


def test_a_config_with_a_bom_is_read(tmp_path: Path) -> None:
    path = config_file(tmp_path, b'\xef\xbb\xbf[dose]\nrate = "0.4"\n')
    assert cli("quote", "70", "--config", path, "--json").json()["dose"]["rate_mg_per_kg"] == 0.4


def test_an_array_of_tables_is_named_as_such(tmp_path: Path) -> None:
    run = cli("quote", "70", "--config", config_file(tmp_path, '[[dose]]\nrate = "0.4"\n'))
    one_line_error(run)
    assert "[[dose]] is an array of tables" in run.stderr


def test_units_of_the_right_kind_are_converted_exactly() -> None:
    doc = cli("quote", "70", "--rate", "0.00075 g/kg", "--duration", "2400 s", "--json").json()
    assert doc["dose"]["rate_mg_per_kg"] == 0.75 and doc["session"]["duration_min"] == 40


@pytest.mark.parametrize(("option", "value"), [("--rate", "5 kg/kg"), ("--duration", "2 fortnights")])
def test_messages_never_contradict_themselves(option: str, value: str) -> None:
    run = cli("quote", "70", option, value)
    one_line_error(run)
    assert " is a dose rate, not a dose rate" not in run.stderr and "is a time, not a duration" not in run.stderr


# --- 5. nothing raw reaches a terminal or a spreadsheet ----------------------------------------


def test_control_characters_in_a_config_path_are_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "a\x1b[31mred\x07.toml"
    run = cli("quote", "70", "--config", str(hostile))
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr and "\\x1b[31mred\\x07" in run.stderr
    hostile.write_text('[dose]\nrate = "0.4"\n', encoding="utf-8")
    table = cli("config", "--config", str(hostile), env={"COLUMNS": "200"})
    assert "\x1b" not in table.stdout and "\\x1b[31mred" in table.stdout


@pytest.mark.parametrize("row_id", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_output_neutralises_formulas(row_id: str) -> None:
    line = json.dumps({"id": row_id, "weight": 70})
    out = cli("batch", "--input-format", "jsonl", "--output", "csv", input=line + "\n").stdout
    (record,) = csv.DictReader(io.StringIO(out))
    assert record["id"][0] not in "=+-@\t\r"
    assert record["id"].lstrip("'").replace("\\t", "\t").replace("\\r", "\r") == row_id


def test_a_multi_line_id_stays_on_one_csv_line() -> None:
    out = cli("batch", "--output", "csv", input='id,weight\n"two\nlines",70\n').stdout
    assert len(out.splitlines()) == 2 and "two\\nlines" in out


# --- found by reading the change again ------------------------------------------------------


def test_an_over_long_json_line_is_its_own_rows_error_and_the_next_is_quoted() -> None:
    body = '{"id":"a","weight":70,"note":"' + "x" * 1_100_000 + '"}\n{"id":"b","weight":80}\n'
    out = records(cli("batch", "--input-format", "jsonl", input=body).stdout)
    assert [r["row"] for r in out] == [1, 2]
    assert "over 1,048,576 characters" in out[0]["error"]["message"] and out[1]["id"] == "b"


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
