"""Exception types, warnings and exit statuses: one place for each."""

from __future__ import annotations

import enum
from dataclasses import dataclass

_SHOWN_MAX_CHARS = 40


@enum.unique
class ExitStatus(enum.IntEnum):
    """Every exit code ketacalc uses (documented in the README and ketacalc/docs/output.md)."""

    OK = 0
    FAILURE = 1  # an unexpected failure: a bug, or an unwritable stdout
    INVALID_INPUT = 2  # an input was rejected; nothing on stdout
    ROWS_REJECTED = 3  # batch: some rows were rejected, the others quoted
    STRICT_WARNING = 4  # --strict: a warning was raised (results still printed)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    BROKEN_PIPE = 141  # the reader of stdout went away (128 + SIGPIPE), e.g. | head


def is_terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal; a closed or missing stream (2>&-) is not."""
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def printable(text: str) -> str:
    """User text safe to echo on a terminal or in a table: control and other
    unprintable characters (ESC, BEL, line breaks, lone surrogates) escaped."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in text
    )


def shown(text: str) -> str:
    """Echo user text on one short line: literally when it is short and printable,
    otherwise escaped and cut, so a hostile value cannot flood or break the line."""
    if len(text) <= _SHOWN_MAX_CHARS and text.isprintable():
        return f"'{text}'"
    cut = text[:_SHOWN_MAX_CHARS]
    escaped = printable(cut).replace("'", "\\'")  # letters of any script as they are; control characters escaped
    more = f"... ({len(text):,} characters)" if len(text) > _SHOWN_MAX_CHARS else ""
    return f"'{escaped}'{more}"


class KetacalcError(Exception):
    """Base of every error ketacalc raises on purpose."""


class InputError(KetacalcError, ValueError):
    """An input that is rejected. ``field`` is the input's name in the core
    (``weight``, ``rate`` ...); the CLI and batch name it their own way."""

    def __init__(self, field: str, given: str | None, problem: str, allowed: str) -> None:
        self.field = field
        self.given = given
        self.problem = problem
        self.allowed = allowed
        super().__init__(self.describe(field))

    def describe(self, name: str) -> str:
        """One line: the input as named by the caller, its value, what is wrong
        and what is allowed. ``given`` is None for an input that is missing."""
        value = "" if self.given is None else f" {shown(self.given)}"
        return f"{name}{value}: {self.problem}; allowed: {self.allowed}"


@dataclass(frozen=True, slots=True)
class SoftWarning:
    """A soft-limit warning: the value is answered, but worth a second look.
    ``figure`` names the printed figure it concerns ("Dose", "Draw", ...), so the
    human output shows it beside that figure; "" for a warning about no single one."""

    code: str
    message: str
    figure: str = ""


class OutputError(KetacalcError):
    """stdout cannot be written (closed, full): exit 1 with one line."""


class ReaderGone(Exception):
    """stdout's reader went away (``| head``): stop quietly."""
