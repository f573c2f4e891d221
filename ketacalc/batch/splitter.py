"""The CSV record splitter: physical lines into records by RFC 4180's quoting, each with the line
it starts on, bounded in length (a runaway quote is one row's error, not the file's memory)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, NamedTuple

from ketacalc.batch.rows import QUOTED_RE, RECORD_MAX_CHARS, BatchInputError


def physical_lines(stream: IO[str]) -> Iterator[str | None]:
    """Physical lines (for JSON Lines); None stands for a line of
    RECORD_MAX_CHARS or more, read in pieces and dropped, so memory stays flat."""
    too_long = False
    for chunk in read_chunks(stream):
        if chunk.endswith(("\n", "\r")):
            yield None if too_long else chunk
            too_long = False
        elif too_long or len(chunk) >= RECORD_MAX_CHARS:
            too_long = True  # a piece of a longer line
        else:
            yield chunk  # the last line, without a line end
    if too_long:
        yield None


def read_chunks(stream: IO[str]) -> Iterator[str]:
    """The text in pieces of at most RECORD_MAX_CHARS, each a whole line or
    part of a longer one, so no line is ever held whole. A failure to read is
    the input's fault, not the output's."""
    try:
        after_cr = False
        while chunk := stream.readline(RECORD_MAX_CHARS):
            if after_cr and chunk == "\n":
                after_cr = False
                continue  # the \n of a \r\n the read's limit split from its \r: that line has ended
            after_cr = chunk.endswith("\r")
            yield chunk
    except OSError as error:
        raise BatchInputError(f"cannot read input: {error.strerror or error}") from None
    except UnicodeError as error:  # a codec that fails other than byte by byte (idna, punycode)
        raise BatchInputError(f"cannot decode the input: {error}; check --encoding") from None


class _Quotes(NamedTuple):
    """Where CSV parsing stands at the end of a piece of text."""

    open: bool = False  # inside a quoted cell
    field_start: bool = True  # at the start of a cell (where a quote opens one)
    pending: bool = False  # the piece ended on a quote inside a quoted cell: "" or the cell's end?


def _after(text: str, delimiter: str, state: _Quotes) -> _Quotes:
    """The state after ``text``, as Python's csv reads it: a quote opens a
    quoted cell only at the start of a cell, and "" inside one is a quote
    (also when a piece ends between the two)."""
    in_quote, field_start, pending = state
    index, size = 0, len(text)
    if pending:
        if text.startswith('"'):
            index = 1  # "" across two pieces: a quote inside the cell
        else:
            in_quote = False  # the quote closed the cell
    while index < size:
        char = text[index]
        if in_quote:
            if char == '"':
                if index + 1 == size:
                    return _Quotes(True, False, True)  # the next piece decides
                if text[index + 1] == '"':
                    index += 2
                    continue
                in_quote = False
            field_start = False
        elif char == '"' and field_start:
            in_quote, field_start = True, False
        else:
            field_start = char in (delimiter, "\r", "\n")
        index += 1
    return _Quotes(in_quote, field_start)


def ends_in_quote(text: str, delimiter: str) -> bool:
    """Whether ``text`` ends inside a quoted cell, as csv reads it (its record goes on to the next line)."""
    state = _after(text, delimiter, _Quotes())
    return state.open and not state.pending


class Record(NamedTuple):
    first_line: int  # the physical lines it spans
    last_line: int
    text: str | None  # None: it could not be read (see problem)
    problem: str | None = None
    head: str = ""  # an unreadable record's text before its first quote: the cells that can still be read


def split_records(chunks: Iterator[str], delimiter: str, first_line: int = 1) -> Iterator[Record]:
    """Logical CSV records: lines joined while a quoted cell is open. No
    record ever starts inside a cell: a record over RECORD_MAX_CHARS is read
    to its end (quotes still followed, nothing kept) and reported, and a quote
    never closed is reported with the line it opened on. Lines are numbered
    from ``first_line``, the file's own number for the first chunk's line."""
    parts: list[str] = []
    too_long_problem = f"has a cell or line over {RECORD_MAX_CHARS:,} characters"
    size, line, first = 0, first_line, first_line
    state = _Quotes()
    too_long = line_ended = False
    for chunk in chunks:
        if not parts and not too_long and '"' not in chunk and chunk.endswith(("\n", "\r")):
            yield Record(line, line, chunk)  # a whole line without a quote: a record (the common case, quickly)
            line += 1
            first, line_ended = line, True
            continue
        if state.open or '"' in chunk:
            state = _after(chunk, delimiter, state)
        elif chunk:
            state = _Quotes(False, chunk[-1] in (delimiter, "\r", "\n"))
        if not too_long:
            size += len(chunk)
            if size > RECORD_MAX_CHARS:
                too_long, parts = True, []
            else:
                parts.append(chunk)
        line_ended = chunk.endswith(("\n", "\r"))
        if state.open or not line_ended:
            line += line_ended
            continue
        if too_long:
            yield Record(first, line, None, too_long_problem)
        else:
            yield Record(first, line, "".join(parts))
        parts, size, too_long, state = [], 0, False, _Quotes()
        line += 1
        first = line
    line -= line_ended  # the count ran one past a last line that ended
    if state.pending:  # a quote at the very end of the input closes its cell
        state = _Quotes()
    if state.open:
        opening = "".join(parts)[: RECORD_MAX_CHARS if not too_long else 0]
        yield Record(
            first,
            line,
            None,
            f"opens a quote that is never closed, so lines {first}–{line} could not be split into rows",
            opening.partition('"')[0],
        )
    elif too_long:  # the last line, without a line end
        yield Record(first, line, None, too_long_problem)
    elif parts:
        yield Record(first, line, "".join(parts))


def sniff_delimiter(header_line: str) -> str:
    """A comma, or a semicolon, tab or bar when the header uses more of one,
    counted outside quoted names ("Name, last";"Name, first" is semicolons)."""
    bare = QUOTED_RE.sub("", header_line)
    return max((",", ";", "\t", "|"), key=bare.count)
