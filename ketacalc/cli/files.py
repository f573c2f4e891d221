"""The files a run writes besides stdout (``--html``, ``--ics``, ``--prep-sheet``, ``--summary-json``):
every page made and every path checked against the run's inputs and other outputs first, then all
written together, or none."""

from __future__ import annotations

import dataclasses
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ketacalc.cli.shell import say, writing
from ketacalc.errors import (
    InputError,
    KetacalcError,
    OutputError,
)
from ketacalc.values import as_text

if TYPE_CHECKING:
    from ketacalc.config import Setting


def run_files(config: str | None) -> list[tuple[str, str | None]]:
    """The files this run reads: the config file (named or found)."""
    from ketacalc.config import find

    try:
        found = find(config, os.environ)
    except KetacalcError:
        found = None
    return [("the config file", None if found is None else str(found))]


def prep_page(path: str | None, d: Any, patient_id: str | None, as_json: bool) -> bytes | None:
    """The preparation sheet, made (and every option of it checked) before anything is written."""
    if path is None:
        return None
    import datetime as dates

    from ketacalc import prepsheet

    prepsheet.needs_pump(d)
    if path == "-" and as_json:
        raise InputError("prep_sheet", "-", "and --json would both go to stdout", "--prep-sheet FILE with --json")
    return prepsheet.page(d, patient_id, dates.date.today()).encode("utf-8")


def emit_outputs(pages: Mapping[str, tuple[str | None, bytes | None]], read: list[tuple[str, str | None]]) -> bool:
    """Every output file of the run, made already: each path checked against the run's inputs and the
    other outputs, then all written together (``outputs.write_all``: nothing is replaced unless every
    one can be); a page for stdout ("-") goes there instead of the usual output (True)."""
    given = {field: (path, data) for field, (path, data) in pages.items() if path is not None and data is not None}
    if not given:
        return False  # no output file: the writer is not even imported (bench.py: every quote's start-up)
    from ketacalc import outputs

    to_stdout = [field for field, (path, _) in given.items() if path == "-"]
    if len(to_stdout) > 1:
        raise InputError(
            to_stdout[1],
            "-",
            f"and --{to_stdout[0].replace('_', '-')} - would both go to stdout",
            "one of them to a file",
        )
    files = {field: (str(path), data) for field, (path, data) in given.items() if path != "-"}
    for field, (path, _) in files.items():
        others = [
            (f"--{other.replace('_', '-')}", other_path) for other, (other_path, _) in files.items() if other != field
        ]
        outputs.check(field, path, [*read, *others])
    outputs.write_all([(field, path, data) for field, (path, data) in files.items()])
    if to_stdout:
        with writing():
            sys.stdout.write(given[to_stdout[0]][1].decode("utf-8"))
            sys.stdout.flush()
        return True
    return False


@dataclasses.dataclass(frozen=True)
class Handout:
    """The handout options of quote and plan, as typed."""

    path: str | None  # --html: None when no handout is asked for
    date: str | None
    ref: str | None
    valid_days: str | None
    patient_id: str | None
    include_dose: bool
    prepared_by: str | None = None
    gfe: bool = False
    patient_name: str | None = None
    dob: str | None = None

    def page(self, result: Any, settings: Mapping[str, Setting]) -> bytes | None:
        """The page's bytes (``ketacalc.handout``), or None when no handout is asked for."""
        if self.path is None:
            return None
        from ketacalc.handout import Asked, page_for

        options = {name: getattr(self, name) for name in Asked.__dataclass_fields__}
        return page_for(result, settings, Asked(**options)).encode("utf-8")


def check_handout_options(handout: Handout, as_json: bool, others: Sequence[str | None]) -> None:
    """--html's companions need it; its page is not written over another file of the run."""
    companions = (handout.date, handout.ref, handout.valid_days, handout.include_dose, handout.prepared_by)
    if handout.path is None and any(
        value not in (None, False) for value in (*companions, handout.gfe, handout.patient_name, handout.dob)
    ):
        raise InputError(
            "html",
            None,
            "is needed by --date, --ref, --valid-days, --include-dose, --prepared-by, --gfe, --patient-name and --dob",
            "--html FILE",
        )
    if handout.path == "-" and as_json:
        raise InputError("html", "-", "and --json would both go to stdout", "--html FILE with --json")
    if handout.path not in (None, "-"):
        for other in others:
            if other not in (None, "-") and os.path.exists(other) and os.path.exists(handout.path):
                if os.path.samefile(other, handout.path):
                    raise InputError("html", handout.path, "is a file this command reads or writes", "another file")


def handout_inputs(settings: Mapping[str, Setting]) -> list[tuple[str, str | None]]:
    """The files a handout reads besides the config file: the logo."""
    from ketacalc.config import logo_path

    found = logo_path(settings["logo"])
    return [("the [clinic] logo", None if found is None else str(found))]


def calendar_bytes(
    path: str, result: Any, details: bool, reference: str | None, settings: Mapping[str, Any] | None = None
) -> bytes:
    """The calendar file's bytes, with the clinic's name and address from ``settings`` (its
    [clinic] section); ``-`` is refused (stdout holds the table or the JSON)."""
    from ketacalc.ics import plan_calendar
    from ketacalc.letterhead import joined_lines, parse_text

    if path == "-":
        raise InputError("ics", path, "is stdout, where the table or JSON goes", "a file path")
    clinic = {"calendar_name": "", "name": "", "address": ""}
    for name, joiner in (("calendar_name", " "), ("name", " "), ("address", ", ")):
        value = None if settings is None else settings[name].value
        if value is not None:
            # A TOML multi-line address keeps its lines apart on one calendar line: "1 Main St, Springfield".
            clinic[name] = parse_text(joined_lines(value, joiner), name)
    from ketacalc.ics import parse_reminder, treatment_words

    title = clinic["calendar_name"] or clinic["name"]
    for where, text in (
        ("calendar_name" if clinic["calendar_name"] else "name", title),
        ("address", clinic["address"]),
    ):
        if not details and (said := treatment_words(text)):
            fix = "set [clinic] calendar_name to a name without it" if where == "name" else f"change the {where}"
            say(
                f"note: the calendar's events show {said!r} from the [clinic] {where}, on a shared calendar or a "
                f"lock screen; {fix}"
            )

    timezone = None if settings is None else settings["timezone"].value
    if timezone is None and result.time_given:
        say("note: the calendar's times are floating (no [clinic] timezone): right only in the clinic's own zone")
    from ketacalc.config import SPECS

    given = None if settings is None else settings["reminder"].value
    reminder = SPECS["reminder"].built_in if given is None else given
    assert reminder is not None  # built in: "1d"
    data: bytes = plan_calendar(
        result,
        details=details,
        reference=reference,
        clinic=title,
        address=clinic["address"],
        timezone=None if timezone is None else as_text(timezone),
        reminder=parse_reminder(reminder),
        secret=""
        if settings is None or settings["calendar_key"].value is None
        else as_text(settings["calendar_key"].value),
    )
    return data


def input_is_not_stdout(source: str) -> None:
    """The batch input is not the file stdout goes to (batch in.csv >> in.csv would read its own
    records for ever): exit 2, as cat says "input file is output file"."""
    try:
        out = os.fstat(sys.stdout.fileno())
        given = os.fstat(sys.stdin.fileno()) if source == "-" else os.stat(source)
    except (AttributeError, OSError, ValueError):
        return  # no such file or no stdout: said where it is read or written
    if stat.S_ISREG(out.st_mode) and (out.st_dev, out.st_ino) == (given.st_dev, given.st_ino):
        raise InputError("source", source, "is the file stdout is written to", "another file for the output")


def check_summary_path(path: str, source: str, config: str | None = None) -> None:
    """--summary-json PATH can be written, and is none of the run's inputs (the
    batch input, stdin's file, the config) nor stdout's file: said before any row is quoted."""
    from ketacalc import outputs

    if path == "-":
        raise InputError("summary_json", path, "is stdout, where the records go", "a file path")
    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise InputError("summary_json", path, "cannot be written (no such folder, or not writable)", "a file path")
    inputs = [("the batch input", source if source != "-" else "/dev/stdin"), *run_files(config)]
    outputs.check("summary_json", path, inputs)


def write_summary(path: str, text: str) -> None:
    """The summary, written whole or not at all (the guarded writer)."""
    from ketacalc import outputs

    try:
        outputs.write("summary_json", path, text.encode("utf-8"))
    except InputError as error:
        raise OutputError(f"cannot write the summary to {path!r}: {error.problem}") from None
