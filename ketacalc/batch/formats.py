"""Number formats as a workbook writes them: the unit (0 "lb") or the currency ([$€-407] #,##0.00) a
cell's format shows, so a cell is read in what it shows, never in a default."""

from __future__ import annotations

import re


def format_unit(code: str) -> str | None:
    """The unit a number format shows: quoted ('0 "lb"') or escaped ('0\\ \\l\\b') text after the
    number; None when it shows none. Sections that show different units ('[<100]0 "kg";0 "lb"') give "?",
    which no field takes: the row is an error rather than a guess."""
    found = set()
    for section in code.split(";")[:3]:
        literal = "".join(quoted or escaped for quoted, escaped in _LITERAL_RE.findall(section)).strip()
        if _UNIT_TEXT_RE.fullmatch(literal):
            found.add(literal)
    if len(found) > 1:
        return "?"
    return found.pop() if found else None


_LITERAL_RE = re.compile(r'"([^"]*)"|\\(.)')
# A currency in a number format: [$€-407] #,##0.00, [$CHF] 0.00, "$"#,##0.00, \$0.00, #,##0.00 €.
_BRACKET_CURRENCY_RE = re.compile(r"\[\$([^\]\-]+)(?:-[0-9A-Fa-f]+)?\]")
_SIGN_RE = re.compile(r"[€£$]")


def format_currency(code: str) -> str | None:
    """The currency a money format shows (€, £, $ or an ISO code, as the format writes it), read as
    the cell's unit: a price cell 1250 shown as "1.250,00 €" is EUR 1250, never a default currency.
    Sections that show different currencies give "?"."""
    found = set()
    for section in code.split(";")[:3]:
        named = [m.strip() for m in _BRACKET_CURRENCY_RE.findall(section) if m.strip()]
        rest = _BRACKET_CURRENCY_RE.sub("", section)
        literal = "".join(quoted or escaped for quoted, escaped in _LITERAL_RE.findall(rest))
        bare = _LITERAL_RE.sub("", rest)
        named += _SIGN_RE.findall(literal) + _SIGN_RE.findall(bare)
        if literal.strip().isalpha() and len(literal.strip()) == 3:
            named.append(literal.strip())
        found |= set(named)
    if len(found) > 1:
        return "?"
    return found.pop() if found else None


_UNIT_TEXT_RE = re.compile(r"[A-Za-zµ/.]{1,12}")
