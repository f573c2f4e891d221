"""A treatment course: induction sessions on the plan's weekdays, boosters after
them, each session's dose computed exactly as ``quote`` computes it, its price,
and the totals. Pure: no I/O.

The seed: "Many clinics will schedule 6 infusions over a few weeks for initial
treatment", "some patients may need as little as 0.1 mg/kg ... others ... up to
0.75 mg/kg", and "the effects ... can last up to 3 months after a full round of
treatment" (seeds/000_4e4cacf71e069d0d.txt), hence titration and boosters.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from ketacalc import limits, places, units
from ketacalc.clinic import ClinicLimits
from ketacalc.costing import Cost, cost, parse_price
from ketacalc.currencies import quantum
from ketacalc.dosing import Dose, dose, parse_rate, parse_rate_order
from ketacalc.errors import InputError, SoftWarning
from ketacalc.exact import EXACT, exact, rounded
from ketacalc.pump import parse_start
from ketacalc.values import Given, as_text, whole_number

SessionKind = Literal["induction", "booster"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# --per-week N: the weekdays it stands for.
PER_WEEK_DAYS: dict[int, tuple[str, ...]] = {
    1: ("mon",),
    2: ("mon", "thu"),
    3: ("mon", "wed", "fri"),
    4: ("mon", "tue", "thu", "fri"),
    5: ("mon", "tue", "wed", "thu", "fri"),
}
DAYS_ALLOWED = "weekdays as mon,tue,wed,thu,fri,sat,sun, e.g. mon,thu"
DATE_ALLOWED = "a date YYYY-MM-DD, e.g. 2026-12-07"
TITRATE_ALLOWED = (
    f"FROM:STEP:TO in mg/kg, FROM and TO within {limits.RATE_MG_PER_KG.allowed()}, e.g. 0.5:0.1:0.75 or 0.75:-0.05:0.5"
)
INTERVAL_ALLOWED = f"Nd or Nw, {limits.BOOSTER_INTERVAL_DAYS.allowed()} (e.g. 4w, 30d)"
MAX_SKIPS = int(limits.SKIPS.high)
_DATE_RE = re.compile(r"[ \t]*([0-9]{4}-[0-9]{2}-[0-9]{2})[ \t]*")
_INTERVAL_RE = re.compile(r"[ \t]*([0-9]{1,4})[ \t]*([dw])[ \t]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Price:
    """A session's price as printed, in the currency's minor units."""

    min: Decimal
    mid: Decimal
    max: Decimal


@dataclass(frozen=True, slots=True)
class Session:
    number: int  # 1-based, over the whole course
    kind: SessionKind
    index: int  # 1-based within its kind
    of: int  # sessions of its kind
    date: datetime.date
    dose: Dose
    price: Price

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]


@dataclass(frozen=True, slots=True)
class Plan:
    """A course of ``infusions`` induction sessions and ``boosters`` boosters."""

    start_date: str  # as given
    days: tuple[str, ...]
    infusions: int
    boosters: int
    booster_every_days: int | None
    currency: str
    time_given: bool
    sessions: tuple[Session, ...]
    warnings: tuple[SoftWarning, ...]
    package: Decimal | None = None  # one price for the whole induction
    skipped: tuple[datetime.date, ...] = ()  # the --skip dates, in order

    @property
    def skipped_sessions(self) -> tuple[datetime.date, ...]:
        """The --skip dates that moved a session: a plan weekday from the start date to the last session."""
        start, last = parse_date(self.start_date), self.sessions[-1].date
        return tuple(day for day in self.skipped if start <= day <= last and WEEKDAYS[day.weekday()] in self.days)

    def in_package(self, session: Session) -> bool:
        """Whether the session is paid for by the package (its price is a share of it, not its own)."""
        return self.package is not None and session.kind == "induction"

    @property
    def patient(self) -> Dose:
        """The patient, as every session's dose has it (the first session's)."""
        return self.sessions[0].dose

    # The totals are added in ketacalc's exact context, never the caller's
    # (getcontext().prec = 6 would round 52 x 649.99 to 33799.8).

    @property
    def total_dose_mg(self) -> Decimal:
        """The printed doses added up, so the total adds up on the page."""
        return _exact_sum(rounded(s.dose.dose_mg, places.MG) for s in self.sessions)

    @property
    def total_price(self) -> Price:
        return Price(
            min=_exact_sum(s.price.min for s in self.sessions),
            mid=_exact_sum(s.price.mid for s in self.sessions),
            max=_exact_sum(s.price.max for s in self.sessions),
        )


def _sessions_text(numbers: list[int], total: int) -> str | None:
    """ "session 3", "sessions 1, 2, 4"; None when a warning holds for every session."""
    if len(numbers) == total:
        return None
    return f"session {numbers[0]}" if len(numbers) == 1 else "sessions " + ", ".join(map(str, numbers))


def _exact_sum(values: Iterable[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = EXACT.add(total, value)
    return total


_YEARS = f"{limits.START_YEARS.low}–{limits.START_YEARS.high}"


def parse_date(value: Given, field: str = "start_date") -> datetime.date:
    text = as_text(value)
    match = _DATE_RE.fullmatch(text) if len(text) <= units.MAX_INPUT_CHARS else None
    try:
        if match is None:
            raise ValueError
        day = datetime.date.fromisoformat(match.group(1))
    except ValueError:
        raise InputError(field, text, "is not a date", DATE_ALLOWED) from None
    if day.year not in limits.START_YEARS:
        raise InputError(field, text, f"is outside the years {_YEARS}", DATE_ALLOWED)
    return day


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {**dict(zip(WEEKDAYS, WEEKDAYS, strict=True)), **dict(zip(_FULL_NAMES, WEEKDAYS, strict=True))}


def parse_days(value: Given, field: str = "days") -> tuple[str, ...]:
    """A comma list of weekdays (mon or monday, any case), in week order, each once."""
    text = as_text(value)
    words = [word.strip().lower() for word in text.split(",") if word.strip()] if len(text) <= 200 else []
    if not words:
        raise InputError(field, text, "names no weekday", DAYS_ALLOWED)
    for word in words:
        if word not in _DAY_NAMES:
            raise InputError(field, text, f"has {word!r}, which is not a weekday", DAYS_ALLOWED)
    chosen = {_DAY_NAMES[word] for word in words}
    return tuple(day for day in WEEKDAYS if day in chosen)


def parse_per_week(value: Given, field: str = "per_week") -> tuple[str, ...]:
    low, high = int(limits.PER_WEEK.low), int(limits.PER_WEEK.high)
    n = whole_number(field, value, low, high, f"a whole number, {limits.PER_WEEK.allowed()}")
    return PER_WEEK_DAYS[n]


def parse_boosters(value: Given, field: str = "boosters") -> int:
    low, high = int(limits.BOOSTERS.low), int(limits.BOOSTERS.high)
    return whole_number(field, value, low, high, f"a whole number, {limits.BOOSTERS.allowed()}")


def parse_interval(value: Given, field: str = "booster_every") -> int:
    """``4w`` or ``30d``: days, within ``limits.BOOSTER_INTERVAL_DAYS``."""
    text = as_text(value)
    match = _INTERVAL_RE.fullmatch(text) if len(text) <= units.MAX_INPUT_CHARS else None
    if match is None:
        raise InputError(field, text, "is not an interval", INTERVAL_ALLOWED)
    days = int(match.group(1)) * (7 if match.group(2).lower() == "w" else 1)
    if days not in limits.BOOSTER_INTERVAL_DAYS:
        raise InputError(field, text, "is outside the allowed interval", INTERVAL_ALLOWED)
    return days


def parse_skips(value: Given, field: str = "skip") -> frozenset[datetime.date]:
    text = as_text(value)
    parts = [part for part in text.split(",") if part.strip()]
    if len(parts) > MAX_SKIPS:
        raise InputError(field, f"{len(parts)} dates", "has too many dates", f"at most {MAX_SKIPS}")
    return frozenset(parse_date(part, field) for part in parts)


def parse_rates_list(value: Given, count: int, field: str = "rates") -> list[Given]:
    """One rate a session: mg/kg, or an order per time (0.75 mg/kg/h), each checked
    as --rate is (an order per time once its session's duration is known)."""
    text = as_text(value)
    parts = text.split(",")
    if len(text) > 2000 or len(parts) != count:
        raise InputError(
            field, text, f"gives {len(parts):,} rates for {count} induction sessions", f"exactly {count}, one a session"
        )
    for part in parts:
        parse_rate_order(part, field)
    return [part.strip() for part in parts]


_PLAIN_RE = re.compile(r"[ \t]*([+-]?[0-9]{1,3}(?:\.[0-9]{1,8})?)[ \t]*")


def titrated_rates(value: Given, after: int, count: int, field: str = "titrate") -> list[Decimal]:
    """Session k gets FROM + STEP x max(0, k - 1 - after), stopping at TO. All
    three are plain numbers in mg/kg: a unit on one would leave STEP's unknown."""
    text = as_text(value)
    parts = text.split(":") if len(text) <= 200 else []
    matches = [_PLAIN_RE.fullmatch(part) for part in parts]
    if len(parts) != 3 or not all(matches):
        raise InputError(field, text, "is not FROM:STEP:TO in plain numbers of mg/kg", TITRATE_ALLOWED)
    first_text, step_text, last_text = (match.group(1) for match in matches if match is not None)
    first = parse_rate(first_text, field)
    step = Decimal(step_text)
    last = parse_rate(last_text, field)
    if (step > 0 and last < first) or (step < 0 and last > first) or (step == 0 and last != first):
        raise InputError(field, text, "never reaches TO", TITRATE_ALLOWED)
    rates = []
    for k in range(1, count + 1):
        rate = EXACT.add(first, EXACT.multiply(step, max(0, k - 1 - after)))
        rates.append(min(rate, last) if step > 0 else max(rate, last) if step < 0 else rate)
    return rates


def _next_day(day: datetime.date, weekdays: Sequence[str], skip: frozenset[datetime.date]) -> datetime.date:
    """The first plan weekday on or after ``day`` that is not skipped."""
    wanted = {WEEKDAYS.index(d) for d in weekdays}
    for offset in range(7 * (MAX_SKIPS + 2)):  # every skipped date could fall on the one plan weekday
        candidate = day + datetime.timedelta(days=offset)
        if candidate.weekday() in wanted and candidate not in skip:
            return candidate
    raise InputError("skip", None, "leaves no plan weekday to schedule on", "fewer skipped dates")


@dataclass(frozen=True)
class PlanRequest:
    """Everything a plan is made from, as given (text or numbers); ``plan``'s keyword arguments."""

    weight: Given
    start_date: Given
    days: Given | None = None
    per_week: Given | None = None
    infusions: Given | None = None
    skip: Given | None = None
    rates: Given | None = None
    titrate: Given | None = None
    titrate_after: Given | None = None
    boosters: Given | None = None
    booster_every: Given | None = None
    booster_rate: Given | None = None
    booster_price: Given | None = None
    time: Given | None = None
    rate: Given | None = None
    duration: Given | None = None
    dosing_weight: Given | None = "actual"
    height: Given | None = None
    sex: Given | None = None
    concentration: Given | None = None
    bag: Given | None = None
    price_min: Given | None = None
    price_max: Given | None = None
    price: Given | None = None
    currency: Given | None = None
    package_price: Given | None = None
    clinic: ClinicLimits = ClinicLimits()
    final_concentration: Given | None = None
    vtbi: Given | None = None
    diluent: Given | None = None


def plan(
    weight: Given,
    start_date: Given,
    *,
    days: Given | None = None,
    per_week: Given | None = None,
    infusions: Given | None = None,
    skip: Given | None = None,
    rates: Given | None = None,
    titrate: Given | None = None,
    titrate_after: Given | None = None,
    boosters: Given | None = None,
    booster_every: Given | None = None,
    booster_rate: Given | None = None,
    booster_price: Given | None = None,
    time: Given | None = None,
    rate: Given | None = None,
    duration: Given | None = None,
    dosing_weight: Given | None = "actual",
    height: Given | None = None,
    sex: Given | None = None,
    concentration: Given | None = None,
    bag: Given | None = None,
    price_min: Given | None = None,
    price_max: Given | None = None,
    price: Given | None = None,
    currency: Given | None = None,
    package_price: Given | None = None,
    clinic: ClinicLimits = ClinicLimits(),
    final_concentration: Given | None = None,
    vtbi: Given | None = None,
    diluent: Given | None = None,
    today: datetime.date | None = None,
) -> Plan:
    """A course: see docs/plan.md. Raises InputError for any input outside its limits, as ``quote``
    does. ``today`` (default: the system's date) is what "more than a year from today" is measured
    from. The keyword arguments are the Python API's; the work is ``plan_for``'s."""
    given = dict(locals())
    when = given.pop("today")
    if isinstance(when, datetime.datetime):
        when = when.date()
    if when is not None and not isinstance(when, datetime.date):
        raise InputError("today", type(when).__name__, "is not a date", "a datetime.date, e.g. date(2026, 12, 7)")
    return plan_for(PlanRequest(**given), datetime.date.today() if when is None else when)


def plan_for(request: PlanRequest, today: datetime.date) -> Plan:
    """The course a request asks for: scheduling (``_schedule``), rates (``_session_rates``), prices
    (``_prices``) and warnings (``_warnings``), each computed once, then put together. Pure."""
    r = request
    with exact():
        if not isinstance(r.clinic, ClinicLimits):
            raise InputError(
                "clinic", type(r.clinic).__name__, "is not a ClinicLimits", "ketacalc.clinic.ClinicLimits(...)"
            )
        start = parse_date(r.start_date)
        weekdays = _weekdays(r)
        if r.package_price is not None and (r.price is not None or r.price_min is not None or r.price_max is not None):
            raise InputError(
                "package_price", as_text(r.package_price), "cannot be given with a price", "a package or a price"
            )
        # The induction's count, currency and checks; with a package, no per-session price is needed.
        series = cost(
            r.infusions, r.price_min, r.price_max, "0" if r.package_price is not None else r.price, r.currency
        )
        n = series.infusions
        skipped = frozenset() if r.skip is None else parse_skips(r.skip)
        session_rates = _session_rates(r, n)
        booster_count = 0 if r.boosters is None else parse_boosters(r.boosters)
        # Checked whenever given (garbage is refused), used only with boosters: a clinic's
        # [plan] booster_every is a default for the courses that have them.
        interval = None if r.booster_every is None else parse_interval(r.booster_every)
        if booster_count and interval is None:
            raise InputError("booster_every", None, "is needed with boosters", INTERVAL_ALLOWED)
        boost_rate = (
            session_rates[-1]
            if r.booster_rate is None
            else parse_rate(r.booster_rate, "booster_rate", per_time_allowed=False)
        )
        induction_prices, booster_each, package = _prices(r, series, booster_count)
        start_min = None if r.time is None else parse_start(r.time, "time")
        doses = _Doses(r, None if start_min is None else f"{start_min // 60:02d}:{start_min % 60:02d}")
        sessions: list[Session] = []
        dates = _schedule(start, n, booster_count, interval, weekdays, skipped)
        for k, day in enumerate(dates[:n], start=1):
            sessions.append(
                Session(k, "induction", k, n, day, doses.checked(session_rates[k - 1]), induction_prices[k - 1])
            )
        for i, day in enumerate(dates[n:], start=1):
            sessions.append(Session(n + i, "booster", i, booster_count, day, doses.at(boost_rate), booster_each))
        return Plan(
            start_date=as_text(r.start_date).strip(),
            days=weekdays,
            infusions=n,
            boosters=booster_count,
            booster_every_days=interval if booster_count else None,
            currency=series.currency,
            time_given=start_min is not None,
            sessions=tuple(sessions),
            warnings=_warnings(start, today, series.warnings, sessions),
            package=package,
            skipped=tuple(sorted(skipped)),
        )


def _weekdays(r: PlanRequest) -> tuple[str, ...]:
    """The plan's weekdays: --days, --per-week, or the default's."""
    if r.days is not None and r.per_week is not None:
        raise InputError("days", as_text(r.days), "cannot be given with per_week", "either --days or --per-week")
    if r.days is not None:
        return parse_days(r.days)
    if r.per_week is not None:
        return parse_per_week(r.per_week)
    return PER_WEEK_DAYS[int(limits.PER_WEEK_DEFAULT.value)]


def _session_rates(r: PlanRequest, n: int) -> list[Given]:
    """Each induction session's rate: --rates, --titrate, or one rate for all."""
    if r.rates is not None and r.titrate is not None:
        raise InputError("rates", as_text(r.rates), "cannot be given with titrate", "either --rates or --titrate")
    if r.rate is not None and (r.rates is not None or r.titrate is not None):
        raise InputError("rate", as_text(r.rate), "cannot be given with rates or titrate", "one way to give the rates")
    if r.titrate_after is not None and r.titrate is None:
        raise InputError("titrate_after", as_text(r.titrate_after), "needs --titrate", "--titrate FROM:STEP:TO")
    if r.rates is not None:
        return parse_rates_list(r.rates, n)
    if r.titrate is not None:
        after = (
            0 if r.titrate_after is None else whole_number("titrate_after", r.titrate_after, 0, n, f"0–{n} sessions")
        )
        return list(titrated_rates(r.titrate, after, n))
    if r.rate is not None:
        parse_rate_order(r.rate)
        return [r.rate] * n
    return [limits.RATE_DEFAULT_MG_PER_KG.value] * n


def _prices(r: PlanRequest, series: Cost, booster_count: int) -> tuple[list[Price], Price, Decimal | None]:
    """The induction sessions' prices, a booster's price, and the package (or None)."""
    code = series.currency
    each = Price(series.price_min, series.price_mid, series.price_max)
    n = series.infusions
    induction_prices = [each] * n
    package = None
    if r.package_price is not None:
        # Spread over the sessions: each shows the package / N rounded down to
        # the minor unit, and the last the rest, so the lines add up to it exactly.
        package = parse_price(r.package_price, "package_price", code)
        share = EXACT.divide(package, n).quantize(quantum(code), rounding=ROUND_DOWN, context=EXACT)
        last = EXACT.subtract(package, EXACT.multiply(share, n - 1))
        induction_prices = [Price(share, share, share)] * (n - 1) + [Price(last, last, last)]
    if r.booster_price is not None:
        one = parse_price(r.booster_price, "booster_price", code)
        return induction_prices, Price(one, one, one), package
    if package is not None and booster_count:
        if code != limits.PRICE_DEFAULT.unit:
            raise InputError("booster_price", None, f"is needed for boosters in {code} with a package", "an amount")
        default = cost(1)  # the seed's range, in dollars
        return induction_prices, Price(default.price_min, default.price_mid, default.price_max), package
    return induction_prices, each, package


def _schedule(
    start: datetime.date,
    n: int,
    booster_count: int,
    interval: int | None,
    weekdays: Sequence[str],
    skipped: frozenset[datetime.date],
) -> list[datetime.date]:
    """The sessions' dates: the induction on the plan's weekdays from ``start``, one a day at most;
    each booster ``interval`` days after the session before it, moved to the next plan weekday."""
    dates: list[datetime.date] = []
    day = start
    for k in range(1, n + 1):
        day = _next_day(day if k == 1 else day + datetime.timedelta(days=1), weekdays, skipped)
        dates.append(day)
    for _ in range(booster_count):
        assert interval is not None
        day = _next_day(day + datetime.timedelta(days=interval), weekdays, skipped)
        dates.append(day)
    return dates


class _Doses:
    """Each session's dose, computed once per rate (a course repeats a few)."""

    def __init__(self, r: PlanRequest, clock: str | None) -> None:
        self.request = r
        self.clock = clock
        self.done: dict[Given, Dose] = {}

    def at(self, session_rate: Given) -> Dose:
        r = self.request
        if session_rate not in self.done:
            plain = dose(
                r.weight,
                session_rate,
                r.duration,
                dosing_weight=r.dosing_weight,
                height=r.height,
                sex=r.sex,
                concentration=r.concentration,
                bag=r.bag,
                start=self.clock,
                final_concentration=r.final_concentration,
                vtbi=r.vtbi,
                diluent=r.diluent,
            )
            self.done[session_rate] = r.clinic.check(plain)
        return self.done[session_rate]

    def checked(self, session_rate: Given) -> Dose:
        """An induction session's dose: an order per time is checked with the duration, and its error
        names --rates when the rates were given so."""
        try:
            return self.at(session_rate)
        except InputError as error:
            if self.request.rates is None or error.field != "rate":
                raise
            raise InputError("rates", error.given, error.problem, error.allowed) from None


def _warnings(
    start: datetime.date, today: datetime.date, series: Sequence[SoftWarning], sessions: Sequence[Session]
) -> tuple[SoftWarning, ...]:
    """The plan's warnings: a start far from today, the series', then each session's, once, naming
    its sessions (a 44 mg and a 60 mg dose over a clinic's limit are two warnings, each with its sessions)."""
    warnings: dict[str, SoftWarning] = {}
    if start < today:
        warnings["start_date_in_past"] = SoftWarning(
            "start_date_in_past", f"the start date {start.isoformat()} is before today ({today.isoformat()})"
        )
    if abs((start - today).days) > limits.START_SOFT_DAYS.value:
        warnings["start_date_far"] = SoftWarning(
            "start_date_far", f"the start date {start.isoformat()} is more than a year from today; check the year"
        )
    for warning in series:
        warnings.setdefault(warning.code, warning)
    by_message: dict[tuple[str, str], list[int]] = {}
    for session in sessions:
        for warning in session.dose.warnings:
            by_message.setdefault((warning.code, warning.message), []).append(session.number)
    for (warning_code, message), numbers in by_message.items():
        which = _sessions_text(numbers, len(sessions))
        key = warning_code if which is None else f"{warning_code}/{message}"
        warnings.setdefault(key, SoftWarning(warning_code, message if which is None else f"{which}: {message}"))
    return tuple(warnings.values())
