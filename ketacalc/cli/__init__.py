"""The command line: options in, the core called, a renderer chosen. No arithmetic.

Every value arrives as text and is parsed by the core, so every bad input gets
the same one-line error (exit 2). Errors are turned into that line in one place,
``app.Group.main``.

- ``app``: the Typer app, the error boundary, the one output path (``show``, ``finish``);
- ``options``: the shared options, and flags to settings;
- ``files``: the output files a run writes besides stdout;
- one module per command: ``dose``, ``cost``, ``quote``, ``plan``, ``batch``, ``schema``, ``config``, ``chart``.

The imports inside the commands are deliberate: each command loads only what it
uses, which start-up measurably needs (tests/benchmarks/bench.py; tests/cli/test_process.py
checks what ``quote --json`` imports).
"""

# isort: skip_file
from __future__ import annotations

# Importing a command's module registers it; help lists them in this order.
from ketacalc.cli import dose, cost, quote, plan, batch, schema, config, chart  # noqa: F401
from ketacalc.cli.app import app, main

__all__ = ["app", "main"]
