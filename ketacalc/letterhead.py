"""The clinic's letterhead and terms, from the config's [clinic] section, and the patient-facing text
options: each read as one line (or a few, for a term or a note) of text with control characters
dropped and direction controls escaped, and the logo, embedded as a data URI after checks.

A logo is a PNG, JPEG or SVG file of at most 256 KiB; an SVG that holds script, event handlers,
animation, CSS, external references or anything else outside an allowlist of static drawing elements
is refused, not cleaned (``ketacalc.svglogo``).
"""

from __future__ import annotations

import base64
import os
import re
import stat
import unicodedata
from dataclasses import dataclass

from ketacalc import limits
from ketacalc.errors import InputError, KetacalcError
from ketacalc.values import Given, as_text, whole_number

MAX_LOGO_BYTES = 256 * 1024
MAX_FIELD_CHARS = 100  # a letterhead line; longer ones would push a 6 + 2 plan onto a second page
VALID_DAYS_DEFAULT = int(limits.QUOTE_VALID_DAYS.value)
VALID_DAYS_MAX = 365
MAX_PARAGRAPH_CHARS = 160  # a clinic's term or note: two printed lines; more would push the page onto a second
MAX_NOTES = 4


class HandoutError(KetacalcError):
    """A handout that cannot be made: a logo file, most often (exit 2)."""


@dataclass(frozen=True)
class Clinic:
    """The letterhead, from the config's [clinic] section."""

    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    logo: str | None = None  # a data URI
    country: str = ""
    notes: tuple[str, ...] = ()  # in place of the US notes
    includes: str = ""
    excludes: str = ""
    payment_terms: str = ""
    cancellation_policy: str = ""
    npi: str = ""
    tin: str = ""
    infusion_code: tuple[str, ...] = ()
    booster_code: tuple[str, ...] = ()
    diagnosis_codes: tuple[str, ...] = ()


def parse_text(value: Given, field_name: str) -> str:
    """A letterhead field or a reference: one line of text. Control characters
    (line breaks, NUL, ESC) are dropped; direction overrides and embeddings
    (U+202E would print Q-1234 as 4321-Q) are shown escaped (\\u202e), as every
    other output shows them; every other character is kept as it is (a
    no-break space, a joiner, right-to-left letters) and the template escapes
    it for HTML and isolates its direction."""
    text = as_text(value)
    if len(text) > MAX_FIELD_CHARS:
        raise InputError(field_name, text, "is too long for a letterhead", f"at most {MAX_FIELD_CHARS} characters")
    return _one_line(text)


def _one_line(text: str) -> str:
    # Control characters dropped; a lone surrogate (bytes that were not UTF-8) is the replacement character.
    kept = "".join(
        "\ufffd" if unicodedata.category(char) == "Cs" else char
        for char in text.strip()
        if unicodedata.category(char) != "Cc"
    )
    return _BIDI_CONTROLS_RE.sub(lambda found: f"\\u{ord(found.group()):04x}", kept)


def joined_lines(value: Given, joiner: str) -> Given:
    """Text of several lines on one, its lines joined (a config's multi-line address: "1 Main St,
    Springfield"); splitlines, so a vertical tab, form feed, NEL and U+2028/U+2029 break lines too."""
    if not isinstance(value, str) or (len(value.splitlines()) < 2 and "\t" not in value):
        return value
    parts = [" ".join(part.split()) for part in value.replace("\t", " ").splitlines()]
    return joiner.join(part for part in parts if part)


def parse_paragraph(value: Given, field_name: str) -> str:
    """A clinic's term or note: up to ``MAX_PARAGRAPH_CHARS``, its line breaks kept (each line of
    ``notes`` is one note), other control characters dropped and direction controls escaped."""
    text = as_text(value)
    if len(text) > MAX_PARAGRAPH_CHARS:
        raise InputError(field_name, text, "is too long for the page", f"at most {MAX_PARAGRAPH_CHARS} characters")
    lines = [_one_line(line) for line in text.replace("\r\n", "\n").split("\n")]
    kept = [line for line in lines if line]
    if len(kept) > MAX_NOTES:
        raise InputError(field_name, text, "has too many lines", f"at most {MAX_NOTES}")
    return "\n".join(kept)


def parse_country(value: Given, field_name: str = "country") -> str:
    """The clinic's country: an ISO 3166 two-letter code (US, GB, DE)."""
    text = as_text(value).strip()
    if not re.fullmatch("[A-Za-z]{2}", text):
        raise InputError(field_name, text, "is not a country code", "an ISO 3166 two-letter code, e.g. US or GB")
    return text.upper()


# Explicit direction controls: embeddings, overrides, isolates and marks that reorder what follows.
_BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def parse_valid_days(value: Given, field_name: str = "valid_days") -> int:
    return whole_number(field_name, value, 1, VALID_DAYS_MAX, f"a whole number of days, 1–{VALID_DAYS_MAX}")


MAX_PATH_CHARS = 4096  # PATH_MAX on Linux


def parse_logo_path(value: Given, field_name: str = "logo") -> str:
    """A logo's file path: any length a file system takes, no control characters
    (the file itself is checked when a handout is made)."""
    text = as_text(value)
    if len(text) > MAX_PATH_CHARS or any(unicodedata.category(char) == "Cc" for char in text):
        raise InputError(field_name, text, "is not a file path", "the path of a PNG, JPEG or SVG file")
    return text


def logo_data_uri(path: str) -> str:
    """The logo file as a data URI, or HandoutError saying what is wrong."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would wait forever, /dev/zero never end
            raise HandoutError(f"logo {path!r}: not a regular file")
        with open(path, "rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as error:
        raise HandoutError(f"logo {path!r}: cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_LOGO_BYTES:
        raise HandoutError(f"logo {path!r}: larger than {MAX_LOGO_BYTES // 1024} KiB")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif _is_svg(data):
        from ketacalc import svglogo

        try:
            svglogo.check(data)
        except svglogo.UnsafeSvg as found:
            raise HandoutError(f"logo {path!r}: an SVG holding {found}; a logo holds shapes, paths and text") from None
        kind = "image/svg+xml"
    else:
        raise HandoutError(f"logo {path!r}: not a PNG, JPEG or SVG file")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _is_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in data[:8192].lower()
