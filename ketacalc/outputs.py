"""Writing an output file (the handout, the preparation sheet, the calendar)
so that nothing is lost: the page is written to a temporary file beside the
target and renamed into place, so a full disk or a kill leaves the old file
whole; a symlink is written through to its target; and a path that is one of
the run's inputs, another of its outputs, stdout's own file, a device, a FIFO
or a directory is refused (exit 2) before anything is written."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ketacalc.errors import InputError

ALLOWED = "a regular file path that is none of this run's inputs or other outputs"


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _stdout_identity() -> tuple[int, int] | None:
    try:
        info = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def check(field: str, path: str, others: Iterable[tuple[str, str | None]]) -> None:
    """Refuse ``path`` for the output ``field`` (exit 2, naming both) when it is
    not a regular file or one of ``others`` (name, path): the run's inputs and
    other outputs. Nothing is written."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise InputError(field, path, f"cannot be used ({error.strerror or error})", ALLOWED) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device"
        raise InputError(field, path, f"is {kind}, not a file", ALLOWED)
    if path.endswith(os.sep) or (os.altsep is not None and path.endswith(os.altsep)):
        raise InputError(field, path, "names a folder, not a file", ALLOWED)
    if info is not None and not info.st_mode & stat.S_IWUSR:
        # Read-only on purpose (a signed-off sheet, say): renaming over it would replace it all the same.
        raise InputError(field, path, "is read-only", ALLOWED)
    here = None if info is None else (info.st_dev, info.st_ino)
    if here is not None and here == _stdout_identity():
        raise InputError(field, path, "is the file stdout is written to", ALLOWED)
    real = os.path.realpath(path)
    for name, other in others:
        if other is None or other == "-":
            continue
        # The same file by device and inode, or, for one not written yet, by its resolved path.
        if (here is not None and _identity(other) == here) or os.path.realpath(other) == real:
            raise InputError(field, path, f"is the same file as {name} ({other})", ALLOWED)


def write_all(files: list[tuple[str, str, bytes]]) -> None:
    """Write every file or none: each to a temporary file beside its target first (a full disk or a
    read-only folder fails here, before any target is touched), then each renamed into place."""
    staged: list[tuple[str, str, str]] = []  # (field, path, temporary)
    try:
        for field, path, data in files:
            staged.append((field, path, _stage(field, path, data)))
        while staged:
            field, path, temporary = staged[0]
            try:
                os.replace(temporary, os.path.realpath(path))
            except OSError as error:
                raise InputError(field, path, f"cannot be written ({error.strerror or error})", ALLOWED) from None
            staged.pop(0)
    finally:
        for _, _, temporary in staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def write(field: str, path: str, data: bytes) -> None:
    """Write one file whole or not at all (see ``write_all``)."""
    write_all([(field, path, data)])


def _stage(field: str, path: str, data: bytes) -> str:
    """``data`` in a temporary file beside ``path``'s target (through a symlink, beside the file it points
    to), with the target's mode, or the umask's for a new file; its path."""
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as error:
        raise InputError(field, path, f"cannot be written ({error.strerror or error})", ALLOWED) from None
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        staged, temporary = temporary, None
        return staged
    except OSError as error:
        raise InputError(field, path, f"cannot be written ({error.strerror or error})", ALLOWED) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
