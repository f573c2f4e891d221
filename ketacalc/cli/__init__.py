"""The command line: options in, the core called, a renderer chosen. No arithmetic.

Every value arrives as text and is parsed by the core, so every bad input gets
the same one-line error (exit 2). Errors are turned into that line in one place,
``shell.Group.main``.

- ``shell``: the Typer app, the error boundary, the one output path (``show``, ``finish``);
- ``options``: the shared options, and flags to settings;
- ``files``: the output files a run writes besides stdout;
- one module per command: ``dose``, ``cost``, ``quote``, ``plan``, ``batch``, ``schema``, ``config``, ``chart``.

Importing a command's module registers it. ``ketacalc.cli.app`` (the attribute) is the app with
every command, for help, completion, tests and embedding; the console script (``main``) registers
only the command it runs, when one is named, because Typer builds every registered command's
options at start-up (tests/benchmarks/bench.py measures it). Each command imports what it uses
inside its function; tests/cli/test_process.py checks what ``quote --json`` imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ketacalc.cli.commands import COMMANDS, load

if TYPE_CHECKING:
    import typer


def main() -> None:
    from ketacalc.cli.shell import main as run

    run()


def __getattr__(name: str) -> typer.Typer:
    if name != "app":
        raise AttributeError(f"module 'ketacalc.cli' has no attribute {name!r}")
    load()
    from ketacalc.cli.shell import app

    return app


__all__ = ["COMMANDS", "app", "load", "main"]
