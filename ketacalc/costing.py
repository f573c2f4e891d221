"""The cost of an infusion series, in Decimal money. Pure: no I/O.

Prices are exact in the currency's minor units (ISO 4217: cents for USD, none
for JPY, three places for BHD); more decimals are rejected unless they are
zeros. A series figure is the per-infusion figure as printed times the number
of infusions, so the totals add up on the page: the per-infusion mid is
(min + max) / 2 rounded half-up to the minor unit, and the series mid is that mid x N.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from ketacalc import limits
from ketacalc.currencies import ISO_4217, MOST_MINOR_UNITS, minor_units, quantum
from ketacalc.errors import InputError, SoftWarning
from ketacalc.exact import EXACT, exact, rounded
from ketacalc.units import MAX_INPUT_CHARS
from ketacalc.values import Given, as_text, number, whole_number

_TWO = Decimal(2)

INFUSIONS_ALLOWED = f"a whole number, {limits.INFUSIONS.allowed()}"
PRICE_ALLOWED = (
    f"an amount, {limits.PRICE.allowed()}, with no more decimal places than its currency has "
    "(USD 2, JPY 0, BHD 3; e.g. 650, 649.99)"
)
CURRENCY_ALLOWED = "a three-letter ISO 4217 code, e.g. USD, EUR, GBP"

# 1,250.50 and $600 as typed from a spreadsheet; thousands separators only in
# their right places.
# Thousands commas group a number that starts with 1-9: 0,650 is no 650 (a decimal comma, or a typo).
_MONEY_RE = re.compile(r"[ \t]*\$?[ \t]*((?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)[ \t]*")


@dataclass(frozen=True, slots=True)
class Cost:
    """The cost of a series: per infusion and in total, as a min-max range."""

    infusions: int
    currency: str
    price_min: Decimal
    price_max: Decimal
    warnings: tuple[SoftWarning, ...]

    @property
    def minor_unit(self) -> Decimal:
        """The currency's smallest amount (ISO 4217): 0.01 for USD, 1 for JPY."""
        return quantum(self.currency)

    @property
    def price_mid(self) -> Decimal:
        """(min + max) / 2, rounded half-up to the currency's minor unit."""
        return rounded(EXACT.divide(EXACT.add(self.price_min, self.price_max), _TWO), self.minor_unit)

    @property
    def total_min(self) -> Decimal:
        return rounded(EXACT.multiply(self.price_min, self.infusions), self.minor_unit)  # exact: minor units x N

    @property
    def total_max(self) -> Decimal:
        return rounded(EXACT.multiply(self.price_max, self.infusions), self.minor_unit)

    @property
    def total_mid(self) -> Decimal:
        """The per-infusion mid as printed, times the number of infusions."""
        return EXACT.multiply(self.price_mid, self.infusions)


def parse_infusions(value: Given, field: str = "infusions") -> int:
    """How many infusions: a whole number within ``limits.INFUSIONS``."""
    return whole_number(field, value, int(limits.INFUSIONS.low), int(limits.INFUSIONS.high), INFUSIONS_ALLOWED)


def parse_price(value: Given, field: str = "price", currency: str | None = None) -> Decimal:
    """A price per infusion: 0 or more, with no more decimal places than the
    currency's minor units (any currency's, when none is named yet: a config
    file's price is checked again when its currency is known)."""
    if isinstance(value, str):
        match = _MONEY_RE.fullmatch(value) if len(value) <= MAX_INPUT_CHARS else None
        if match is None:
            negative = value.strip().startswith("-")
            problem = "is negative" if negative else ("is empty" if not value.strip() else "is not an amount")
            raise InputError(field, value, problem, PRICE_ALLOWED)
        digits = match.group(1)
        if "$" in value and currency not in (None, "USD"):
            raise InputError(field, value, f"is in dollars, but the currency is {currency}", PRICE_ALLOWED)
        if "," in digits and currency is not None and minor_units(currency) == 3:
            # 12,345 in dinars: a thousands comma, or a decimal comma? Never guessed.
            raise InputError(field, value, f"is ambiguous in {currency}: write 12345 or 12.345", PRICE_ALLOWED)
        amount = Decimal(digits.replace(",", ""))
    else:
        amount = number(field, value, PRICE_ALLOWED)
    if amount < 0:
        raise InputError(field, as_text(value), "is negative", PRICE_ALLOWED)
    if amount > limits.PRICE.high:
        raise InputError(field, as_text(value), "is above the highest allowed price", PRICE_ALLOWED)
    places = MOST_MINOR_UNITS if currency is None else minor_units(currency)
    step = Decimal(1).scaleb(-places)
    if amount != amount.quantize(step):
        problem = f"has more decimal places than {currency} has ({places})" if currency else "has too many decimals"
        raise InputError(field, as_text(value), problem, PRICE_ALLOWED)
    return amount.quantize(step)


def parse_currency(value: Given, field: str = "currency") -> str:
    """An ISO 4217 code, upper-cased. A label only: no exchange rates."""
    value = as_text(value)
    code = value.strip().upper()
    if code not in ISO_4217:
        raise InputError(field, value, "is not an ISO 4217 currency code", CURRENCY_ALLOWED)
    return code


def cost(
    infusions: Given | None = None,
    price_min: Given | None = None,
    price_max: Given | None = None,
    price: Given | None = None,
    currency: Given | None = None,
) -> Cost:
    """Price a series. Defaults: 6 infusions at $400-$800 each (the seed).

    ``price`` sets one known price (min = max) and cannot be given with
    ``price_min`` or ``price_max``. Raises InputError for a bad input.
    """
    with exact():
        return _priced(infusions, price_min, price_max, price, currency)


def _priced(
    infusions: Given | None,
    price_min: Given | None,
    price_max: Given | None,
    price: Given | None,
    currency: Given | None,
) -> Cost:
    n = int(limits.INFUSIONS_DEFAULT.value) if infusions is None else parse_infusions(infusions)
    code = limits.PRICE_DEFAULT.unit if currency is None else parse_currency(currency)
    if price is not None:
        if price_min is not None or price_max is not None:
            raise InputError(
                "price",
                as_text(price),
                "cannot be given with price_min or price_max",
                "either one known price, or a min-max range",
            )
        low = high = parse_price(price, "price", code)
    else:
        if code != limits.PRICE_DEFAULT.unit and (price_min is None or price_max is None):
            # The seed's range is in dollars: never a quote in another currency.
            raise InputError(
                "currency",
                as_text(currency),
                f"has no built-in price (the built-in range, {limits.PRICE_DEFAULT.allowed()}, is the seed's)",
                "a price, or both price_min and price_max, in that currency",
            )
        low = limits.PRICE_DEFAULT.low if price_min is None else parse_price(price_min, "price_min", code)
        high = limits.PRICE_DEFAULT.high if price_max is None else parse_price(price_max, "price_max", code)
        if low > high:
            given = price_min if price_min is not None else price_max
            field = "price_min" if price_min is not None else "price_max"
            raise InputError(
                field,
                as_text(given if given is not None else ""),
                f"makes the minimum ({low:,f}) greater than the maximum ({high:,f})",
                "price_min <= price_max",
            )
    return _cost(n, code, low, high)


@functools.lru_cache(maxsize=256)
def _cost(infusions: int, currency: str, low: Decimal, high: Decimal) -> Cost:
    # Cached: a batch of thousands of rows usually repeats a few price settings.
    warnings: list[SoftWarning] = []
    usual = int(limits.INFUSIONS_USUAL_MAX.value)
    if infusions > usual:
        warnings.append(
            SoftWarning(
                "infusions_above_usual_series",
                f"{infusions} infusions is more than the usual first series of {usual}; "
                f"if a patient does not respond to treatment after {usual} sessions, "
                "further sessions are unlikely to show improvements",
                "Infusions",
            )
        )
    return Cost(infusions, currency, low, high, tuple(warnings))
