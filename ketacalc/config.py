"""Clinic settings: built-in defaults, a TOML config file, and flags, in that
order of precedence (flags win). Every value passes the same validation as its
flag, when the file is read.

The file is found at ``--config PATH``, else ``$KETACALC_CONFIG``, else
``config.toml`` in the user's config directory (platformdirs); first found wins.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ketacalc import limits
from ketacalc.charting import DEFAULT_RATES, parse_rates
from ketacalc.clinic import ClinicLimits, parse_limit
from ketacalc.costing import cost, parse_currency, parse_infusions, parse_price
from ketacalc.dosing import parse_basis, parse_duration, parse_rate_order
from ketacalc.errors import InputError, KetacalcError
from ketacalc.pump import (
    both_or_neither,
    parse_bag,
    parse_concentration,
    parse_diluent,
    parse_final_concentration,
    parse_vtbi_basis,
)
from ketacalc.values import Given

ENV_VAR = "KETACALC_CONFIG"
FILE_NAME = "config.toml"
MAX_FILE_BYTES = 64 * 1024  # a clinic config is a few lines; more is not one

BUILT_IN = "built-in"
FLAG = "flag"


@dataclass(frozen=True, slots=True)
class Spec:
    section: str
    parse: Callable[..., object]
    built_in: str | None  # shown by `ketacalc config`; None: not set


def _lazy(module: str, name: str) -> Callable[..., object]:
    """A parser from ketacalc.planning or ketacalc.handout, imported only when a
    file or flag gives the setting: importing both costs every quote's start
    about 5 ms (bench.py)."""

    def parse(*args: Any) -> object:
        parser: Callable[..., object] = getattr(importlib.import_module(f"ketacalc.{module}"), name)
        return parser(*args)

    return parse


SPECS: dict[str, Spec] = {
    "rate": Spec("dose", parse_rate_order, limits.RATE_DEFAULT_MG_PER_KG.text()),
    "duration": Spec("dose", parse_duration, limits.DURATION_DEFAULT_MINUTES.text()),
    "dosing_weight": Spec("dose", parse_basis, "actual"),
    "infusions": Spec("cost", parse_infusions, str(int(limits.INFUSIONS_DEFAULT.value))),
    "price_min": Spec("cost", parse_price, str(limits.PRICE_DEFAULT.low)),
    "price_max": Spec("cost", parse_price, str(limits.PRICE_DEFAULT.high)),
    "price": Spec("cost", parse_price, None),
    "currency": Spec("cost", parse_currency, limits.PRICE_DEFAULT.unit),
    "concentration": Spec("pump", parse_concentration, None),
    "bag": Spec("pump", parse_bag, None),
    "final_concentration": Spec("pump", parse_final_concentration, None),
    "vtbi": Spec("pump", parse_vtbi_basis, "bag+drug"),
    "diluent": Spec("pump", parse_diluent, limits.DILUENT_DEFAULT),
    "rates": Spec("chart", parse_rates, DEFAULT_RATES),
    "days": Spec("plan", _lazy("planning", "parse_days"), None),
    "per_week": Spec("plan", _lazy("planning", "parse_per_week"), "2 (mon,thu)"),
    "boosters": Spec("plan", _lazy("planning", "parse_boosters"), "0"),
    "booster_every": Spec("plan", _lazy("planning", "parse_interval"), None),
    "booster_price": Spec("plan", parse_price, None),
    "name": Spec("clinic", _lazy("letterhead", "parse_text"), None),
    "address": Spec("clinic", _lazy("letterhead", "parse_text"), None),
    "phone": Spec("clinic", _lazy("letterhead", "parse_text"), None),
    "email": Spec("clinic", _lazy("letterhead", "parse_text"), None),
    "logo": Spec("clinic", _lazy("letterhead", "parse_logo_path"), None),
    "valid_days": Spec("clinic", _lazy("letterhead", "parse_valid_days"), limits.QUOTE_VALID_DAYS.text()),
    "calendar_name": Spec("clinic", _lazy("letterhead", "parse_text"), None),
    "calendar_key": Spec("clinic", _lazy("letterhead", "parse_text"), None),
    "country": Spec("clinic", _lazy("letterhead", "parse_country"), None),
    "timezone": Spec("clinic", _lazy("ics", "parse_timezone"), None),
    "notes": Spec("clinic", _lazy("letterhead", "parse_paragraph"), None),
    "includes": Spec("clinic", _lazy("letterhead", "parse_paragraph"), None),
    "excludes": Spec("clinic", _lazy("letterhead", "parse_paragraph"), None),
    "payment_terms": Spec("clinic", _lazy("letterhead", "parse_paragraph"), None),
    "cancellation_policy": Spec("clinic", _lazy("letterhead", "parse_paragraph"), None),
    "prepared_by": Spec("clinic", _lazy("letterhead", "parse_text"), None),
    "npi": Spec("clinic", _lazy("gfe", "parse_npi"), None),
    "tin": Spec("clinic", _lazy("gfe", "parse_tin"), None),
    "infusion_code": Spec("clinic.codes", _lazy("gfe", "parse_codes"), None),
    "booster_code": Spec("clinic.codes", _lazy("gfe", "parse_codes"), None),
    "diagnosis_codes": Spec("clinic.codes", _lazy("gfe", "parse_codes"), None),
    "reminder": Spec("plan", _lazy("ics", "parse_reminder"), "1d"),
    "dose_mg_soft_max": Spec("limits", parse_limit, None),
    "dose_mg_hard_max": Spec("limits", parse_limit, None),
    "pump_rate_ml_per_h_soft_max": Spec("limits", parse_limit, None),
}
LIMITS = tuple(name for name, spec in SPECS.items() if spec.section == "limits")
SECRETS = frozenset({"calendar_key"})
SECTIONS = {spec.section for spec in SPECS.values()}


class ConfigError(KetacalcError):
    """A config file that cannot be used: says which file, and which key."""


@dataclass(frozen=True, slots=True)
class Setting:
    value: Given | None
    source: str  # "built-in", "flag", or the config file's path


def default_path() -> Path:
    """``config.toml`` in the user's config directory (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("ketacalc")) / FILE_NAME


def search(path_flag: str | None, environ: Mapping[str, str] = os.environ) -> list[dict[str, Any]]:
    """Where the config file is looked for, in order: each place, the path it
    names (None when it names none) and whether a file is there. The first
    place that names a path decides (see ``find``)."""
    named = environ.get(ENV_VAR) or None
    places: list[tuple[str, str | None]] = [
        ("--config", path_flag),
        (f"${ENV_VAR}", named),
        ("default", str(default_path())),
    ]
    return [
        {"where": where, "path": path, "exists": path is not None and Path(path).is_file()} for where, path in places
    ]


def find(path_flag: str | None, environ: Mapping[str, str]) -> Path | None:
    """The config file to read, if any. A path that is named (flag or
    environment) must exist; the default location is optional."""
    named = path_flag if path_flag is not None else environ.get(ENV_VAR) or None
    if named is not None:
        path = Path(named)
        if not path.is_file():
            how = "--config" if path_flag is not None else f"${ENV_VAR}"
            raise ConfigError(f"config file {named!r} (from {how}) does not exist or is not a file")
        return path
    default = default_path()
    return default if default.is_file() else None


def load(path: Path) -> dict[str, Given]:
    """Read and validate a config file: {setting: value as written}."""
    import tomllib

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ConfigError(f"config {path}: larger than {MAX_FILE_BYTES // 1024} KiB, not a config file")
        text = raw.decode("utf-8-sig")  # Windows Notepad starts a file with a BOM
        _shallow(path, text)
        document = tomllib.loads(text, parse_float=Decimal)  # exactly as written: 0.75000000000000000001 is not 0.75
    except (OSError, ValueError, RecursionError) as error:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "integer string conversion" in reason:
            reason = "a number with more digits than any value has"
        raise ConfigError(f"config {path}: cannot be read as TOML ({reason})") from None

    values: dict[str, Given] = {}
    clinic = document.get("clinic")
    if isinstance(clinic, dict) and isinstance(clinic.get("codes"), dict):  # [clinic.codes]: a table of its own
        document = {
            **document,
            "clinic": {k: v for k, v in clinic.items() if k != "codes"},
            "clinic.codes": clinic["codes"],
        }
    for section, table in document.items():
        if section in SECTIONS and isinstance(table, list):
            raise ConfigError(f"config {path}: [[{section}]] is an array of tables; write it as one table [{section}]")
        if section not in SECTIONS or not isinstance(table, dict):
            allowed = ", ".join(f"[{s}]" for s in sorted(SECTIONS))
            raise ConfigError(f"config {path}: unknown section {section!r}; allowed: {allowed}")
        for key, value in table.items():
            spec = SPECS.get(key)
            if spec is None or spec.section != section:
                keys = ", ".join(k for k, s in SPECS.items() if s.section == section)
                raise ConfigError(f"config {path}: unknown key [{section}] {key!r}; allowed: {keys}")
            values[key] = _checked(path, section, key, value, spec)
    if "days" in values and "per_week" in values:
        raise ConfigError(f"config {path}: [plan] has both days and per_week; give one")
    try:
        both_or_neither(values.get("concentration"), values.get("bag"), values.get("final_concentration"))
        cost(None, values.get("price_min"), values.get("price_max"), values.get("price"), values.get("currency"))
    except InputError as error:
        raise ConfigError(f"config {path}: {error.describe(error.field)}") from None
    return values


# A ketacalc config is two levels deep ([section] and key = value); anything
# deeper is refused before the TOML parser builds it, which bounds its work
# as well as its input (a 32,700-level dotted key in 64 KiB costs tomllib
# seconds and gigabytes).
_MAX_DEPTH = 2
_MAX_KEY_CHARS = 200


# Long because it is one pass of a small scanner (strings, comments, brackets); its states are its locals.
def _shallow(path: Path, text: str) -> None:  # noqa: C901
    """Refuse nesting, dotted keys and brackets deeper than a config needs,
    by one pass over the text that skips strings and comments."""
    depth = dots = key_chars = 0
    at_key = True  # before the '=' of a line
    quote = ""
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if quote:
            if text.startswith(quote, index):
                index += len(quote)
                quote = ""
                continue
            if char == "\\" and quote[0] == '"':
                index += 1
            elif char == "\n" and len(quote) == 1:
                quote = ""
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, index) else char
            index += len(quote)
            continue
        elif char == "#":
            newline = text.find("\n", index)
            index = size if newline < 0 else newline
            continue
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "\n":
            at_key, dots, key_chars = depth == 0, 0, 0
        elif char == "=":
            at_key = False
        elif char == "." and at_key:
            dots += 1
        if at_key:
            key_chars += 1
        if key_chars > _MAX_KEY_CHARS:
            raise ConfigError(
                f"config {path}: a key longer than {_MAX_KEY_CHARS} characters "
                f"(line {text.count(chr(10), 0, index) + 1}); a ketacalc config's keys are short names such as rate"
            )
        if depth > _MAX_DEPTH or dots >= _MAX_DEPTH:
            raise ConfigError(
                f"config {path}: nested deeper than a ketacalc config (line {text.count(chr(10), 0, index) + 1}); "
                "a config has [section] headers and key = value lines"
            )
        index += 1


def _checked(path: Path, section: str, key: str, value: Any, spec: Spec) -> Given:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ConfigError(f"config {path}: [{section}] {key} must be a string or a number")
    try:
        spec.parse(value, key)
    except InputError as error:
        raise ConfigError(f"config {path}: [{section}] {error.describe(key)}") from None
    return value


def effective(flags: Mapping[str, Given | None], config: Mapping[str, Given], source: str) -> dict[str, Setting]:
    """Every setting with its value and where it came from: flags over the
    config file over the built-in defaults, a file's value giving way to a flag
    that replaces it (see ``replaced``)."""
    result: dict[str, Setting] = {}
    file_currency = str(config.get("currency", limits.PRICE_DEFAULT.unit)).strip().upper()
    for name in SPECS:
        if flags.get(name) is not None:
            result[name] = Setting(flags[name], FLAG)
        elif name in config and not replaced(name, flags, file_currency):
            result[name] = Setting(config[name], source)
        else:
            result[name] = Setting(None, BUILT_IN)
    return result


# What a value given at a higher level (a flag over the config file, a batch
# row's cell over the batch defaults) replaces at the lower level.
_REPLACED_BY = {
    "price": ("price_min", "price_max", "package_price"),  # a range replaces one price, and the other way round
    "price_min": ("price", "package_price"),
    "price_max": ("price", "package_price"),
    "days": ("per_week",),
    "per_week": ("days",),
    "rate": ("session_rates", "titrate"),  # plan's --rates and --titrate
    "bag": ("final_concentration",),  # a standard concentration has no bag
    "final_concentration": ("bag",),
}
_IN_A_CURRENCY = ("price", "price_min", "price_max", "booster_price")


def replaced(name: str, higher: Mapping[str, object], lower_currency: str) -> bool:
    """Whether the lower level's ``name`` gives way to what the higher level
    gives: a value that replaces it, or, for a price, another currency (a price
    is in its own level's currency: never carried into another)."""
    if any(higher.get(other) is not None for other in _REPLACED_BY.get(name, ())):
        return True
    currency = higher.get("currency")
    return name in _IN_A_CURRENCY and currency is not None and str(currency).strip().upper() != lower_currency


def resolve(
    flags: Mapping[str, Given | None], path_flag: str | None, environ: Mapping[str, str] = os.environ
) -> dict[str, Setting]:
    """Find and read the config, then layer the flags over it."""
    path = find(path_flag, environ)
    config = load(path) if path is not None else {}
    return effective(flags, config, str(path) if path is not None else BUILT_IN)


def values(settings: Mapping[str, Setting], names: tuple[str, ...]) -> dict[str, Given | None]:
    """The named settings, as keyword arguments for the core."""
    return {name: settings[name].value for name in names}


def clinic_limits(settings: Mapping[str, Setting]) -> ClinicLimits:
    """The clinic's limits from the config file (none by default)."""
    found = {name: parse_limit(value, name) for name in LIMITS if (value := settings[name].value) is not None}
    sources = {settings[name].source for name in found}
    return ClinicLimits(**found, source=sources.pop() if sources else "")


def logo_path(logo: Setting) -> Path | None:
    """The ``[clinic] logo`` file: a relative path is the config file's neighbour, as a clinic
    writes it; ~ is the home folder."""
    if logo.value is None:
        return None
    path = Path(str(logo.value)).expanduser()
    if not path.is_absolute() and logo.source not in (BUILT_IN, "flag"):
        path = Path(logo.source).parent / path
    return path


def settings_shown(settings: Mapping[str, Setting]) -> dict[str, dict[str, str | None]]:
    """``ketacalc config``: every setting's value (a built-in one when nothing set it) and source,
    checked as every other command checks them (price_min <= price_max, pump settings in pairs)."""
    cost(**values(settings, ("infusions", "price_min", "price_max", "price", "currency")))
    both_or_neither(settings["concentration"].value, settings["bag"].value, settings["final_concentration"].value)
    shown: dict[str, dict[str, str | None]] = {}
    one_price = settings["price"]
    for name, setting in settings.items():
        if name in ("price_min", "price_max") and one_price.value is not None:
            # One known price replaces the built-in (or the file's) range.
            shown[name] = {"value": None, "source": f"replaced by price ({one_price.source})"}
            continue
        value = setting.value if setting.value is not None else SPECS[name].built_in
        if name in SECRETS and value is not None:
            value = "(set, not shown)"  # a secret shown on a screen or in a pasted --json is no longer one
        shown[name] = {"value": None if value is None else str(value), "source": setting.source}
    return shown


def file_found(path_flag: str | None, only_where: bool = False) -> dict[str, Any]:
    """Where the config file is looked for, and which one is used. ``only_where`` (``config --path``):
    the first place that names a path decides, and a named file that is missing is shown, not an error."""
    places = search(path_flag)
    if only_where:
        named = next((place for place in places if place["path"] is not None), None)
        return {"searched": places, "used": named["path"] if named is not None and named["exists"] else None}
    used = find(path_flag, os.environ)
    return {"searched": places, "used": None if used is None else str(used)}
