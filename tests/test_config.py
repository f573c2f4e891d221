"""Clinic config: where it is found, precedence, validation, `ketacalc config`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacalc.config import SPECS
from tests.fuzzing import check_accepted_quote, hostile_text
from tests.helpers import HANG_SECONDS, assert_answered, cli, write

CLINIC = (
    '[dose]\nrate = "0.4 mg/kg"\nduration = "45"\n'
    '[cost]\nprice_min = "500"\nprice_max = "900"\ninfusions = 4\ncurrency = "EUR"\n'
)


def clinic(tmp_path: Path, text: str, name: str = "clinic.toml") -> str:
    return write(tmp_path, name, text)


def test_config_values_are_used_and_flags_beat_them(tmp_path: Path) -> None:
    path = clinic(tmp_path, CLINIC)
    doc = cli("quote", "70", "--config", path, "--json").json()
    assert doc["dose"]["rate_mg_per_kg"] == 0.4
    assert doc["session"]["duration_min"] == 45
    assert doc["series"]["infusions"] == 4
    assert doc["cost"]["currency"] == "EUR"
    assert doc["cost"]["per_infusion"]["min"] == "500.00"
    assert doc["cost"]["per_infusion"]["max"] == "900.00"
    flagged = cli("quote", "70", "--config", path, "--rate", "0.5", "--json").json()
    assert flagged["dose"]["rate_mg_per_kg"] == 0.5


def test_a_flag_price_replaces_a_config_range(tmp_path: Path) -> None:
    path = clinic(tmp_path, '[cost]\nprice_min = "500"\nprice_max = "700"\n')
    doc = cli("cost", "--config", path, "--price", "650", "--json").json()
    assert doc["cost"]["per_infusion"] == {"min": "650.00", "max": "650.00", "mid": "650.00"}


def test_pump_settings_from_config(tmp_path: Path) -> None:
    path = clinic(tmp_path, '[pump]\nconcentration = "50 mg/mL"\nbag = "100 mL"\n')
    assert cli("dose", "70", "--config", path, "--json").json()["pump"]["drug_volume_ml"] == 0.7


def test_found_through_the_environment_variable(tmp_path: Path) -> None:
    path = clinic(tmp_path, CLINIC)
    doc = cli("quote", "70", "--json", env={"KETACALC_CONFIG": path}).json()
    assert doc["dose"]["rate_mg_per_kg"] == 0.4


def test_the_flag_beats_the_environment_variable(tmp_path: Path) -> None:
    env_path = clinic(tmp_path, CLINIC, "env.toml")
    flag_path = clinic(tmp_path, '[dose]\nrate = "0.3"\n', "flag.toml")
    doc = cli("quote", "70", "--config", flag_path, "--json", env={"KETACALC_CONFIG": env_path}).json()
    assert doc["dose"]["rate_mg_per_kg"] == 0.3


def test_found_in_the_user_config_directory(tmp_path: Path) -> None:
    (tmp_path / "ketacalc").mkdir()
    clinic(tmp_path / "ketacalc", CLINIC, "config.toml")
    doc = cli("quote", "70", "--json", env={"XDG_CONFIG_HOME": str(tmp_path)}).json()
    assert doc["dose"]["rate_mg_per_kg"] == 0.4


def test_config_command_shows_values_and_sources(tmp_path: Path) -> None:
    path = clinic(tmp_path, CLINIC)
    settings = cli("config", "--config", path, "--price-max", "900", "--json").json()["settings"]
    assert settings["rate"] == {"value": "0.4 mg/kg", "source": path}
    assert settings["price_max"] == {"value": "900", "source": "flag"}
    assert settings["bag"] == {"value": None, "source": "built-in"}
    assert settings["price_min"]["source"] == path
    table = cli("config", "--config", path).stdout
    assert "0.4 mg/kg" in table and "built-in" in table


def test_config_command_without_a_file_is_all_built_in(tmp_path: Path) -> None:
    settings = cli("config", "--json", env={"XDG_CONFIG_HOME": str(tmp_path)}).json()["settings"]
    assert {s["source"] for s in settings.values()} == {"built-in"}
    assert settings["rate"]["value"] == "0.5 mg/kg"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[dose]\nrate = "0.9"\n', "[dose] rate '0.9'"),
        ('[dose]\nrat = "0.4"\n', "unknown key [dose] 'rat'"),
        ('[cost]\nrate = "0.4"\n', "unknown key [cost] 'rate'"),
        ('[doses]\nrate = "0.4"\n', "unknown section 'doses'"),
        ("[dose\n", "cannot be read as TOML"),
        ("[cost]\ninfusions = true\n", "[cost] infusions must be a string or a number"),
        ("[cost]\ninfusions = 0\n", "[cost] infusions '0'"),
        ('[cost]\nprice = "500"\nprice_min = "400"\n', "cannot be given with"),
        ('[pump]\nconcentration = "10 mg/mL"\n', "bag"),
        ("rate = 0.4\n", "unknown section 'rate'"),
        ("\x00\x01", "cannot be read as TOML"),
    ],
)
def test_a_bad_config_is_exit_2_naming_the_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = clinic(tmp_path, text)
    for args in (["quote", "70"], ["cost"], ["config"]):
        run = cli(*args, "--config", path)
        assert run.code == 2, (args, run.stderr)
        assert run.stdout == ""
        assert len(run.stderr.splitlines()) == 1
        assert run.stderr.startswith(f"error: config {path}")
        assert expected in run.stderr


def test_config_command_rejects_a_bad_flag_like_every_command(tmp_path: Path) -> None:
    run = cli("config", "--rate", "2", env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert run.code == 2 and run.stdout == "" and run.stderr.startswith("error: --rate '2'")


def test_a_named_config_that_does_not_exist_is_exit_2(tmp_path: Path) -> None:
    run = cli("quote", "70", "--config", str(tmp_path / "none.toml"))
    assert run.code == 2 and "does not exist" in run.stderr
    run = cli("quote", "70", env={"KETACALC_CONFIG": str(tmp_path / "none.toml")})
    assert run.code == 2 and "$KETACALC_CONFIG" in run.stderr


def test_config_output_carries_the_notice(tmp_path: Path) -> None:
    doc = cli("config", "--json", env={"XDG_CONFIG_HOME": str(tmp_path)}).json()
    assert doc["informational_only"] is True
    assert "Informational only" in cli("config", env={"XDG_CONFIG_HOME": str(tmp_path)}).stdout


config_keys = st.sampled_from(
    [(spec.section, key) for key, spec in SPECS.items() if spec.section in ("dose", "cost", "pump", "limits")]
)


def one_line_error(run: Any, code: int = 2) -> None:
    assert run.code == code, (run.code, run.stderr)
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: ")


def config_file(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "clinic.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


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


NURSE = ["dose", "70", "--duration", "100", "--concentration", "10 mg/mL", "--bag", "100 mL"]


def test_boosters_in_the_config_without_an_interval_name_the_file(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[plan]\nboosters = 2\n")
    run = cli("plan", "70", "--start-date", "2026-12-07", "--config", config)
    assert run.code == 2 and f"config {config}: [plan] boosters = 2 needs booster_every" in run.stderr


def test_a_long_config_key_says_it_is_long_not_nested(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", "[dose]\n" + "k" * 300 + " = 1\n")
    run = cli("dose", "70", "--config", config)
    assert run.code == 2 and "a key longer than 200 characters" in run.stderr and "nested" not in run.stderr


def test_an_array_of_tables_is_named_as_such(tmp_path: Path) -> None:
    run = cli("dose", "70", "--config", write(tmp_path, "c.toml", "[[dose]]\nrate = 0.5\n"))
    assert run.code == 2 and "[[dose]] is an array of tables" in run.stderr


@given(config_keys, hostile_text)
def test_fuzzed_config_values(tmp_path_factory: pytest.TempPathFactory, key: tuple[str, str], text: str) -> None:
    path = tmp_path_factory.mktemp("cfg") / "c.toml"
    path.write_text(f"[{key[0]}]\n{key[1]} = {json.dumps(text)}\n", encoding="utf-8")
    run = assert_answered(["quote", "70", "--config", str(path), "--json"], {0, 2})
    if run.code == 0:  # type: ignore[attr-defined]
        check_accepted_quote(run.json())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)),
        b"\xff\xfe[\x00d\x00",
        b"[dose]\nrate = " + b"9" * 100_000 + b"\n",
        b"[dose]\nrate = '0.4'\n" * 3,
        b"[dose]\nrate = [1, 2]\n",
        b"[dose]\nrate = {x = 1}\n",
        b"[[dose]]\nrate = '0.4'\n",
        b"x" * 70_000,
    ],
)
def test_hostile_config_files_are_one_clear_exit_2(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "hostile.toml"
    path.write_bytes(data)
    run = cli("quote", "70", "--config", str(path))
    assert run.code == 2
    assert run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith(f"error: config {path}")


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


def test_toml_numbers_are_read_exactly_before_limits(tmp_path: Path) -> None:
    one_line_error(cli("quote", "70", "--config", config_file(tmp_path, "[dose]\nrate = 0.75000000000000000001\n")))
    one_line_error(cli("quote", "70", "--config", config_file(tmp_path, "[cost]\ninfusions = 6.0000000000000000001\n")))


def test_config_command_validates_as_every_command_does() -> None:
    one_line_error(cli("config", "--price-min", "900"))


def test_a_config_with_a_bom_is_read(tmp_path: Path) -> None:
    path = config_file(tmp_path, b'\xef\xbb\xbf[dose]\nrate = "0.4"\n')
    assert cli("quote", "70", "--config", path, "--json").json()["dose"]["rate_mg_per_kg"] == 0.4


def test_control_characters_in_a_config_path_are_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "a\x1b[31mred\x07.toml"
    run = cli("quote", "70", "--config", str(hostile))
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr and "\\x1b[31mred\\x07" in run.stderr
    hostile.write_text('[dose]\nrate = "0.4"\n', encoding="utf-8")
    table = cli("config", "--config", str(hostile), env={"COLUMNS": "200"})
    assert "\x1b" not in table.stdout and "\\x1b[31mred" in table.stdout


def test_config_refuses_a_concentration_without_a_bag_as_quote_does() -> None:
    run = cli("config", "--concentration", "10 mg/mL")
    assert run.code == 2 and "bag" in run.stderr


def test_an_error_in_a_config_value_names_the_file_and_key(tmp_path: Path) -> None:
    config = write(tmp_path, "c.toml", '[dose]\nrate = "2 mg/kg/h"\n')
    run = cli("dose", "70", "--config", config)
    assert run.code == 2 and f"config {config}: [dose] rate" in run.stderr and "--rate" not in run.stderr
    assert cli("dose", "70", "--config", config, "--rate", "0.5").code == 0


def test_a_config_diluent_that_is_a_number_is_refused(tmp_path: Path) -> None:
    assert cli(*NURSE, "--config", write(tmp_path, "c.toml", "[pump]\ndiluent = 5\n")).code == 2
