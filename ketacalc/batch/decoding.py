"""Bytes to text: UTF-8 (a BOM or none) or UTF-16 with a BOM, or the encoding named; never guessed.
Undecodable bytes are kept, shown as \\xNN in the row that holds them."""

from __future__ import annotations

import codecs
import io
import os
import stat
from typing import IO, Any, cast

from ketacalc.batch.rows import BatchInputError
from ketacalc.errors import InputError


def text_stream(binary: IO[bytes], encoding: str | None = None, name: str = "the input") -> io.TextIOWrapper:
    """Text from bytes as spreadsheets export them: UTF-8 with or without a BOM,
    UTF-16 or UTF-32 with a BOM, or the ``encoding`` named (--encoding; a BOM
    for another encoding is exit 2).

    Without --encoding, bytes that are not UTF-8 are never guessed at (a
    wrong guess garbles names without a word): a file is checked whole before
    anything is written, and stdin's first MiB, and such an input stops with
    exit 2 naming the first bad line and suggesting --encoding. Bad bytes later
    on stdin, or not valid in the named encoding, are kept as lone surrogates
    (surrogateescape) and the row holding them is that row's error."""
    buffered = binary if isinstance(binary, io.BufferedReader) else io.BufferedReader(cast(Any, binary))
    head = buffered.peek(4)[:4]
    bom = next((codec for codec, mark in _BOMS if head.startswith(mark)), None)
    if encoding is not None and bom is not None and not codecs.lookup(encoding).name.startswith(bom):
        # A BOM says what the file is: the name given is the wrong one.
        raise BatchInputError(f"{name} starts with a {bom.upper()} BOM, so it is not {encoding}: leave out --encoding")
    if encoding is None:
        encoding = "utf-8-sig" if bom in (None, "utf-8") else bom
        if bom is None:
            _check_utf8(buffered, name)
    return io.TextIOWrapper(buffered, encoding=encoding, errors=_KEEP_BYTES, newline="")


# The marks a file's encoding can start with; UTF-32's before UTF-16's (FF FE 00 00 starts with FF FE).
_BOMS = (
    ("utf-8", codecs.BOM_UTF8),
    ("utf-32", codecs.BOM_UTF32_LE),
    ("utf-32", codecs.BOM_UTF32_BE),
    ("utf-16", codecs.BOM_UTF16_LE),
    ("utf-16", codecs.BOM_UTF16_BE),
)
_KEEP_BYTES = "ketacalc-keep-bytes"


def _keep_bytes(error: UnicodeError) -> tuple[str, int]:
    """A decoding error handler like surrogateescape, for any encoding and any
    byte (UTF-16's too): each byte that cannot be decoded becomes the lone
    surrogate U+DC00 + byte, so the row holding it is that row's error,
    naming it, and nothing is replaced with U+FFFD."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(_KEEP_BYTES, _keep_bytes)


def parse_encoding(given: str) -> str:
    """--encoding: a codec Python knows, for text."""
    allowed = "e.g. utf-8, cp1252, latin-1, utf-16"
    sample = "id,weight\r\nZ-1,70 kg\r\n"
    try:
        name = codecs.lookup(given.strip()).name
        # A text encoding that reads a CSV: base64 and rot13 are no text
        # encodings (LookupError), idna and punycode cannot hold one.
        if sample.encode(name).decode(name) != sample:
            raise ValueError
    except (LookupError, ValueError):
        raise InputError("encoding", given, "is not a text encoding for a CSV file", allowed) from None
    return "utf-8-sig" if name == "utf-8" else name


_CHECK_CHUNK_BYTES = 1024 * 1024


def _check_utf8(buffered: io.BufferedReader, name: str) -> None:
    """BatchInputError naming the first line that is not UTF-8: all of a file
    (seekable), or the first MiB of a pipe. The stream is left where it was."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        seekable = stat.S_ISREG(os.fstat(buffered.fileno()).st_mode)  # a file, not /dev/zero or a pipe
    except (OSError, ValueError, io.UnsupportedOperation):
        seekable = False
    start = buffered.tell() if seekable else 0
    chunks = (
        iter(lambda: buffered.read(_CHECK_CHUNK_BYTES), b"") if seekable else iter([buffered.peek(_CHECK_CHUNK_BYTES)])
    )
    line = 1
    try:
        for chunk in chunks:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # The decoder's own bytes: a character split across two chunks starts in the earlier one.
                data = error.object
                bad = data[error.start : error.start + 1]
                line += data.count(b"\n", 0, error.start)
                if data[:4] == b"PK\x03\x04":
                    raise BatchInputError(f"{name} looks like a workbook (.xlsx): give --input-format xlsx") from None
                hint = (
                    "--encoding utf-16-le or utf-16-be: it looks like UTF-16 without a BOM"
                    if b"\x00" in data[:200]
                    else "e.g. --encoding cp1252, which Excel's 'CSV (Comma delimited)' writes on Windows; "
                    "or save it as 'CSV UTF-8'"
                )
                raise BatchInputError(
                    f"{name} is not UTF-8: line {line} has the byte \\x{bad.hex().upper()}; give its encoding, {hint}"
                ) from None
            line += chunk.count(b"\n")
    finally:
        if seekable:
            buffered.seek(start)
