"""The commands, by name: importing a command's module registers it with the app (``shell.app``).

The console script registers only the command it runs, when one is named (Typer builds every
registered command's options at start-up); help, completion and ``ketacalc.cli.app`` have them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

# In the order --help lists them.
COMMANDS = ("dose", "cost", "quote", "plan", "batch", "schema", "config", "chart")


def load(names: Sequence[str] = COMMANDS) -> None:
    """Register these commands with the app."""
    for name in names:
        importlib.import_module(f"ketacalc.cli.{name}")
