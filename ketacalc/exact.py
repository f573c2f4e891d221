"""Exact arithmetic, whatever the caller's decimal context: the one context
every figure is computed in, and rounding half-up once at the end.

Values are Decimals; a Fraction only where a division does not terminate and a
later step could cancel it. Nothing here imports the rest of ketacalc, so the
unit parser can use the same context.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from fractions import Fraction
from typing import cast

# An exact value: a Decimal, or a Fraction where a division does not terminate
# and a later step could cancel it (Devine's 2.3 kg per 2.54 cm, for example).
Exact = Decimal | Fraction

# Every calculation runs in this context, never the caller's: a Python API user
# who has set getcontext().prec = 6 gets the same numbers. Inputs are at most
# 64 characters, so a product of a few of them is exact at 200 digits; a figure
# that is one division of such products is correct to 200 digits, and that
# rounds to at most a few places exactly as the true quotient would: a true
# quotient that is a tie terminates, so it is computed exactly, and one that
# does not terminate is further from every tie than 200 digits can blur.
EXACT = Context(
    prec=200, rounding=ROUND_HALF_UP, Emax=999, Emin=-999, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def exact() -> AbstractContextManager[Context]:
    """``with exact():`` around a public entry point's arithmetic."""
    return localcontext(EXACT)


# The checks below are `type(x) is Fraction`, not isinstance: Fraction is an ABC
# subclass, and its isinstance check costs more than the arithmetic in a batch.


def mul(a: Exact, b: Exact | int) -> Exact:
    """a x b, exactly."""
    if type(a) is Fraction or type(b) is Fraction:
        return settled(Fraction(a) * Fraction(b))
    return EXACT.multiply(cast(Decimal, a), cast(Decimal, b))


def div(a: Exact, b: Exact | int) -> Exact:
    """a / b, as one division (see EXACT)."""
    if type(a) is Fraction or type(b) is Fraction:
        return settled(Fraction(a) / Fraction(b))
    return EXACT.divide(cast(Decimal, a), cast(Decimal, b))


def add(a: Exact, b: Exact) -> Exact:
    """a + b, exactly."""
    if type(a) is Fraction or type(b) is Fraction:
        return settled(Fraction(a) + Fraction(b))
    return EXACT.add(cast(Decimal, a), cast(Decimal, b))


def settled(value: Fraction) -> Exact:
    """A Fraction as a Decimal when it terminates (the fast, common case), else itself."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return value
    return EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))


def rounded(value: Exact, step: Decimal) -> Decimal:
    """``value`` rounded half-up, once, to ``step`` (Decimal("0.01") for two)."""
    if type(value) is Fraction:
        scale = Fraction(1) / Fraction(step)
        scaled = value * scale
        whole = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
        if scaled < 0:  # half away from zero, as ROUND_HALF_UP does
            whole = -((-2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator))
        return EXACT.multiply(Decimal(whole), step)
    return cast(Decimal, value).quantize(step, rounding=ROUND_HALF_UP, context=EXACT)
