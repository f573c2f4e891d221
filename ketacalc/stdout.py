"""stdout that delivers every byte or says it could not, and Ctrl-C that
never cuts a record.

``WholeWrites`` takes every byte it is given, or raises: a short write (a
pipe that took part of it, a non-blocking stdout that was full) is retried
until complete, waiting for the descriptor to be writable, so no record is
cut and a batch's summary never claims rows that were not delivered. A
reader that went away is BrokenPipeError, as before.

Ctrl-C (``on_interrupt``) is a KeyboardInterrupt, except while bytes are
being written: then it waits, and the batch raises it after the record in
hand (``check_interrupt``), so the last record written ends with its newline.
"""

from __future__ import annotations

import errno
import io
import os
from typing import Any

_state = {"writing": False, "pending": False}


def on_interrupt(signum: int, frame: object) -> None:
    """SIGINT: a KeyboardInterrupt now, or after the write in progress."""
    if _state["writing"]:
        _state["pending"] = True
        return
    raise KeyboardInterrupt


def check_interrupt() -> None:
    """Raise the Ctrl-C that came during a write, at a record's end."""
    if _state["pending"]:
        _state["pending"] = False
        raise KeyboardInterrupt


class WholeWrites(io.RawIOBase):
    """A file descriptor that takes every byte it is given, or raises (see the module)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self._failed = False  # after the one error the run reports, the rest is let go

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        if self._failed:
            # The failure was raised once and reported (exit 1, or 141 for a reader gone); what is
            # still buffered, flushed again at exit, is let go rather than failing a second time.
            return len(view)
        _state["writing"] = True
        try:
            return self._write_all(view)
        except OSError:
            self._failed = True
            raise
        finally:
            _state["writing"] = False

    def _write_all(self, view: memoryview) -> int:
        import select

        done = 0
        while done < len(view):
            try:
                written = os.write(self._fd, view[done:])
            except BlockingIOError:
                select.select([], [self._fd], [])
                continue
            if written == 0:
                raise OSError(errno.EIO, "stdout took no bytes")
            done += written
        return done
