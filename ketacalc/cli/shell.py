"""The Typer app and its one error boundary (``Group.main``), the root command, and the one output
path every command ends in (``show``, ``finish``): JSON or tables on stdout, warnings and errors on
stderr as one line each, documented exit statuses, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from ketacalc import __version__
from ketacalc.errors import (
    ExitStatus,
    InputError,
    KetacalcError,
    OutputError,
    ReaderGone,
    SoftWarning,
    is_terminal,
    printable,
    shown,
)

if TYPE_CHECKING:
    from ketacalc.render import Block


R = TypeVar("R")

DEBUG_ENV = "KETACALC_DEBUG"
# Errors that only a write can raise here: every read of an input is caught
# where it happens and named as an input error.
_FULL_OUTPUT = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)

# How the core's field names are shown on the command line.
_FLAG_NAMES = {"weight": "WEIGHT", "dose": "dose", "source": "INPUT"}


def flag_name(field: str) -> str:
    return _FLAG_NAMES.get(field, "--" + field.replace("_", "-"))


def say(line: str) -> None:
    """One line on stderr, never through Rich (no markup, no wrapping). Control
    characters from user text are escaped. A closed or full stderr loses the
    commentary, never the run: results written still mean success."""
    try:
        sys.stderr.write(printable(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def fail(message: str, status: ExitStatus) -> NoReturn:
    """One line on stderr (line breaks and control characters escaped), then exit."""
    say("error: " + message)
    raise SystemExit(int(status))


def _repeated_option(commands: Mapping[str, Any], given: Sequence[str]) -> str | None:
    """An option that takes one value given more than once (``--rate 0.5 ... --rate 0.25``): Click
    would keep the last without a word, so the run is refused, naming both. Options that may repeat
    (``--skip``) and flags are not counted; nothing after ``--`` is an option."""
    named = next((word for word in given if not word.startswith("-")), None)
    command = commands.get(named) if named is not None else None
    if command is None:
        return None
    single: dict[str, str] = {}  # each spelling of a one-value option, to the option's first name
    for param in command.params:
        opts = getattr(param, "opts", ())
        if opts and not getattr(param, "is_flag", True) and not getattr(param, "multiple", True):
            single.update(dict.fromkeys((*opts, *getattr(param, "secondary_opts", ())), opts[0]))
    seen: dict[str, str] = {}
    words = iter(given[given.index(named) + 1 :])
    for word in words:
        if word == "--":
            break
        spelling, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if (name := single.get(spelling)) is None:
            continue
        value = value if equals else next(words, "")
        if name in seen:
            return f"{name} is given twice ({shown(seen[name])}, then {shown(value)}); give it once"
        seen[name] = value
    return None


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
COMPLETE_VAR = "_KETACALC_COMPLETE"  # Click's name for it: _{PROG}_COMPLETE


def _completion_for(given: Sequence[str]) -> str | None:
    """The shell named after --show-completion, or None (no shell named: Typer detects it). A
    completion request whose script or answer could not be written, or that ketacalc cannot answer,
    is one line and an exit status, as every other output is."""
    instruction = os.environ.get(COMPLETE_VAR)
    asked = instruction is not None or (given and given[0] in ("--show-completion", "--install-completion"))
    if asked and sys.stdout is None:
        fail("cannot write output: stdout is closed", ExitStatus.FAILURE)
    if instruction is not None:
        verb, _, shell = instruction.partition("_")
        if verb not in ("source", "complete") or shell not in SHELLS:
            fail(
                f"{COMPLETE_VAR} {instruction!r}: is not a completion request; allowed: source_SHELL or "
                f"complete_SHELL, SHELL one of {', '.join(SHELLS)}",
                ExitStatus.INVALID_INPUT,
            )
        return None
    if given and given[0] == "--install-completion" and len(given) > 1:
        fail(
            "--install-completion takes no shell: it installs for the shell it runs in; for another, "
            "ketacalc --show-completion SHELL > FILE",
            ExitStatus.INVALID_INPUT,
        )
    if len(given) < 2 or given[0] != "--show-completion":
        return None
    shell = given[1].strip().lower()
    if shell not in SHELLS:
        fail(
            f"--show-completion {given[1]!r}: is not a shell ketacalc completes; allowed: " + ", ".join(SHELLS),
            ExitStatus.INVALID_INPUT,
        )
    if len(given) > 2:
        fail(f"--show-completion {shell}: takes one shell, and {given[2]!r} follows it", ExitStatus.INVALID_INPUT)
    return shell


class Group(TyperGroup):
    """Runs the app and turns every failure into one line on stderr and a
    documented exit status: never a traceback, unless KETACALC_DEBUG=1."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        named = _completion_for(list(args) if args is not None else sys.argv[1:])
        if named is None:
            return self.guarded(args, prog_name, complete_var, standalone_mode, **extra)
        # `--show-completion zsh`: Typer would print the script of the shell it detects from the parent
        # processes, whatever was asked. Click's own protocol prints the named shell's script instead; the
        # variable is this run's only (a test runner calls main many times in one process).
        saved = os.environ.get(COMPLETE_VAR)
        os.environ[COMPLETE_VAR] = f"source_{named}"
        try:
            return self.guarded(args, prog_name, COMPLETE_VAR, standalone_mode, **extra)
        finally:
            if saved is None:
                os.environ.pop(COMPLETE_VAR, None)
            else:
                os.environ[COMPLETE_VAR] = saved

    # Long because it is the one error boundary: an except clause per kind of failure, in the order caught.
    def guarded(  # noqa: C901
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if threading.current_thread() is threading.main_thread():
            # From here on, Ctrl-C is a KeyboardInterrupt that the boundary below
            # turns into one line and exit 130, after what was written is flushed.
            from ketacalc.stdout import on_interrupt

            signal.signal(signal.SIGINT, on_interrupt)
        stdout = sys.stdout
        given = list(args) if args is not None else sys.argv[1:]
        if stdout is None and any(word in ("-h", "--help") for word in given):
            # Click prints help to a closed stdout without a word: say it, as every other output does.
            fail("cannot write output: stdout is closed", ExitStatus.FAILURE)
        if "-h" not in given and "--help" not in given and (twice := _repeated_option(self.commands, given)):
            fail(twice, ExitStatus.INVALID_INPUT)
        try:
            status = super().main(
                args=args,
                prog_name=prog_name or "ketacalc",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except InputError as error:
            fail(error.describe(flag_name(error.field)), ExitStatus.INVALID_INPUT)
        except OutputError as error:
            fail(str(error), ExitStatus.FAILURE)
        except KetacalcError as error:  # a config file or batch input that cannot be used
            fail(str(error), ExitStatus.INVALID_INPUT)
        except SystemExit as done:
            if sys.stdout is not stdout and done.code == 1:
                # Typer met a broken pipe (printing --help into `| head`): it swaps in a
                # flush-pacifying stdout and exits 1. The reader went away: a quiet 141.
                raise SystemExit(int(ExitStatus.BROKEN_PIPE)) from None
            raise
        except (ReaderGone, BrokenPipeError):
            # The reader went away (| head): stop quietly, as a shell tool does.
            # stdout now points at /dev/null so the interpreter's last flush is silent.
            with contextlib.suppress(OSError, ValueError, AttributeError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(int(ExitStatus.BROKEN_PIPE)) from None
        except typer.TyperException as error:  # Click's usage errors, through Typer's public base class
            format_message = getattr(error, "format_message", None)
            message = format_message() if callable(format_message) else str(error)
            context = getattr(error, "ctx", None)  # the (sub)command it happened in
            command = getattr(context, "command_path", None) or "ketacalc"
            if command == "ketacalc":  # some errors carry the group's context: the command named is the first
                given = list(args) if args is not None else sys.argv[1:]
                named = next((word for word in given if word in self.commands), None)
                command = f"ketacalc {named}" if named else command
            fail(f"{str(message).rstrip('.')} (see '{command} --help')", ExitStatus.INVALID_INPUT)
        except (typer.Abort, KeyboardInterrupt):
            fail("interrupted", ExitStatus.INTERRUPTED)
        except Exception as error:  # the one place an unexpected failure is caught
            if isinstance(error, OSError) and error.errno in _FULL_OUTPUT:  # help text into /dev/full
                fail(f"cannot write output: {error.strerror}", ExitStatus.FAILURE)
            if os.environ.get(DEBUG_ENV) == "1":
                traceback.print_exc()
            detail = f": {error}" if isinstance(error, OSError) else ""
            fail(
                f"unexpected failure ({type(error).__name__}{detail}); set {DEBUG_ENV}=1 for details",
                ExitStatus.FAILURE,
            )
        if status == ExitStatus.INTERRUPTED:
            fail("interrupted", ExitStatus.INTERRUPTED)
        raise SystemExit(status or 0)


app = typer.Typer(
    cls=Group,
    name="ketacalc",
    help=(
        "Ketamine infusion dose and cost calculator. Informational only: not medical advice.\n\n"
        "\b\nExamples:\n  ketacalc quote 70kg\n  ketacalc dose '154 lb' --rate 0.5 --duration 45\n"
        "  ketacalc cost --infusions 6 --price 650 --json"
    ),
    add_completion=True,  # --install-completion and --show-completion [SHELL] (Group.main: the shell by name)
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        with writing():
            sys.stdout.write(f"ketacalc {__version__}\n")
            sys.stdout.flush()
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Ketamine infusion dose and cost calculator."""
    if ctx.invoked_subcommand is None:  # plain `ketacalc`: the help, as asked for
        with writing():
            sys.stdout.write(ctx.get_help() + "\n")
            sys.stdout.flush()


# --- output ---------------------------------------------------------------------------


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Around every write to stdout: a reader that went away stops the run
    quietly; a stdout that cannot be written is one line and exit 1."""
    if sys.stdout is None:
        raise OutputError("cannot write output: stdout is closed")
    try:
        yield
    except BrokenPipeError:
        raise ReaderGone from None
    except OSError as error:
        raise OutputError(f"cannot write output: {error.strerror or error}") from None


def emit_json(document: dict[str, Any]) -> None:
    """Exactly one JSON document on stdout, written directly (never through Rich)."""
    sys.stdout.write(json.dumps(document, indent=2) + "\n")
    sys.stdout.flush()


def show(
    result: R,
    document: Callable[[R], dict[str, Any]],
    blocks: Callable[[R], list[Block]],
    *,
    as_json: bool,
    strict: bool = False,
) -> None:
    """The one output path of dose, cost, quote, plan, chart and config: one JSON document,
    or the human blocks with the result's warnings among them; then the warnings on
    stderr (for JSON, and for human output not going to a terminal, where the
    block is not seen), and exit 4 under --strict when there is any."""
    warnings: Sequence[SoftWarning] = getattr(result, "warnings", ())
    with writing():
        if as_json:
            emit_json(document(result))
        else:
            from ketacalc.render import print_blocks

            print_blocks(blocks(result), warnings)
            sys.stdout.flush()
    finish(warnings, strict, on_stderr=as_json or not is_terminal(sys.stdout))


def finish(warnings: Sequence[SoftWarning], strict: bool, on_stderr: bool = True) -> None:
    """The warnings on stderr (where no table shows them), then exit 4 under --strict when there is any."""
    if on_stderr:
        for warning in warnings:
            say(f"warning: {warning.message} ({warning.code})")
    if strict and warnings:
        raise typer.Exit(int(ExitStatus.STRICT_WARNING))


def _whole_stdout() -> None:
    """stdout as UTF-8 text over ``WholeWrites``, line-buffered on a terminal."""
    if not isinstance(sys.stdout, io.TextIOWrapper):
        return
    try:
        fd = sys.stdout.fileno()
        sys.stdout.flush()
    except (ValueError, OSError):
        return  # closed (>&-): the commands say so when they write
    from ketacalc.stdout import WholeWrites

    raw = WholeWrites(fd)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=raw.isatty(),
    )


def main() -> None:
    """The console script. Output is UTF-8 whatever the locale; text that UTF-8
    cannot hold (a lone surrogate in an id) is written escaped, never lost; and
    every byte written to stdout is delivered or is an error (``WholeWrites``)."""
    _whole_stdout()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    from ketacalc.cli.commands import COMMANDS, load

    load(_commands_for(sys.argv[1:], COMMANDS))
    app()


def _commands_for(given: Sequence[str], every: Sequence[str]) -> Sequence[str]:
    """The commands a run needs registered: the one it names, or all of them (help, completion, a
    mistyped name that Click answers with the closest ones)."""
    named = next((word for word in given if not word.startswith("-")), None)
    if named in every and COMPLETE_VAR not in os.environ and given and given[0] == named:
        return (named,)
    return every
