"""Clinic config: where it is found, precedence, validation, `ketacalc config`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import cli, write

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
