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


XLSX_BYTES = "an Excel workbook (.xlsx)"  # what_bytes of a zip that holds a workbook (an .xlsb is one too)


def what_bytes(head: bytes) -> str | None:
    """What a file that is no text is, from its first bytes, and how to give it to ketacalc; None for
    anything else. Spreadsheet programs save workbooks under any name (a web table saved as .xls is
    HTML), so a file is known by its bytes, not its extension."""
    if head.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head:
            return "an OpenDocument spreadsheet (.ods): give --input-format ods"
        if b"[Content_Types].xml" in head or b"xl/" in head or b"docProps/" in head or b"_rels/" in head:
            return f"{XLSX_BYTES}: give --input-format xlsx"
        if b"Index/" in head or b".iwa" in head:
            return "an Apple Numbers file: in Numbers, File > Export To > CSV or Excel"
        return "a zip file, not a spreadsheet ketacalc reads: export the sheet as .xlsx or 'CSV UTF-8'"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return (
            "an Excel 97-2003 workbook (.xls), or a password-protected one: give --input-format xls "
            "(a password must be removed first), or save it as .xlsx or 'CSV UTF-8'"
        )
    if head.startswith(b"%PDF"):
        return "a PDF, not a spreadsheet: export the sheet itself as .xlsx or 'CSV UTF-8'"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) and (
        b"<html" in head.lower() or b"<table" in head.lower()
    ):
        return (
            "an HTML page (programs save a web table as .xls): open it in a spreadsheet program "
            "and save it as .xlsx or 'CSV UTF-8'"
        )
    return None


def refuse_workbook_bytes(binary: IO[bytes], name: str) -> None:
    """A text input (CSV or JSON Lines) whose bytes are a workbook, a PDF or a web page is exit 2,
    saying what it is and how to read it, rather than a garbled header."""
    if not isinstance(binary, io.BufferedReader):
        return
    try:
        head = binary.peek(512)[:512]
    except (OSError, ValueError):
        return
    said = what_bytes(head)
    if said is not None:
        raise BatchInputError(f"{name} is {said}")
