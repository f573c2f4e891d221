"""A batch's progress on a terminal's stderr: rows done, the share of the input read, the rate and
the time left (a Rich progress bar, drawn every few thousand rows and cleared at the end). Nothing
is drawn when stderr is not a terminal, or with --quiet: the summary is what stays."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import IO, Any

EVERY = 2000  # rows between two drawings: a batch of 200,000 rows draws 100 times


class Progress:
    def __init__(self, err: IO[str], size: int | None, position: Callable[[], int] | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        self.position = position if size else None
        self.started = time.monotonic()
        self.bar: Any = Bar(
            TextColumn("{task.fields[rows]:,} rows"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]:,.0f} rows/s"),
            TimeRemainingColumn(),
            console=Console(file=err, stderr=True, highlight=False),
            transient=True,
            auto_refresh=False,  # drawn when told: no thread beside the batch's writes
        )
        self.task = self.bar.add_task("batch", total=size or None, rows=0, rate=0.0)
        with contextlib.suppress(OSError, ValueError):
            self.bar.start()

    def update(self, rows: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        read = self.position() if self.position is not None else None
        with contextlib.suppress(OSError, ValueError):
            self.bar.update(self.task, completed=read, rows=rows, rate=rows / elapsed)
            self.bar.refresh()

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.bar.stop()
