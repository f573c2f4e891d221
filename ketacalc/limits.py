"""Every clinical and commercial number ketacalc uses, each with its source.

The seed is the article the product comes from, kept in the repository as
``seeds/000_4e4cacf71e069d0d.txt``. Each number quotes the phrase it comes
from, so a reader can check it there. Numbers that the seed does not give are
marked "not in the seed" with the source or reasoning instead.

A bound is a value, written once (``Range``): the error messages, the
``--help`` texts, the JSON Schema and the limits table in docs/limits.md all derive
from it. Hard limits reject an input; soft limits answer and warn, as
infusion-pump drug libraries do.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


def plain(value: Decimal) -> str:
    """A limit as a person writes it: 0.75, 1,000, 45.5 (no exponent, no trailing zeros)."""
    text = f"{value.normalize():,f}"
    return text


@dataclass(frozen=True, slots=True)
class Range:
    """An inclusive range of values in ``unit``, where it comes from, and what
    it bounds (for the limits table in docs/limits.md, generated from here)."""

    low: Decimal
    high: Decimal
    unit: str
    source: str
    what: str = ""

    def allowed(self) -> str:
        """``0.1–0.75 mg/kg``: for messages, help and docs."""
        unit = f" {self.unit}" if self.unit else ""
        return f"{plain(self.low)}–{plain(self.high)}{unit}"

    def __contains__(self, value: object) -> bool:
        return isinstance(value, Decimal | int) and self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Default:
    """One number in ``unit`` (a default, a factor, a soft limit), where it
    comes from, and what it is."""

    value: Decimal
    unit: str
    source: str
    what: str = ""

    def text(self) -> str:
        return f"{plain(self.value)} {self.unit}".strip()


# --- Dose rate, mg/kg -------------------------------------------------------------------
RATE_DEFAULT_MG_PER_KG = Default(
    Decimal("0.5"), "mg/kg", 'seed: "The typical dosage for ketamine infusion is 0.5 mg/kg"', "typical rate"
)
RATE_MG_PER_KG = Range(
    Decimal("0.1"),
    Decimal("0.75"),
    "mg/kg",
    'seed: "Some patients may need as little as 0.1 mg/kg." "Others may be less receptive, needing up to 0.75 mg/kg."',
    "rate",
)

# --- Infusion duration, minutes -------------------------------------------------------------
DURATION_DEFAULT_MINUTES = Default(
    Decimal("40"), "min", 'seed: "A ketamine infusion usually lasts for around 40 minutes"', "usual duration"
)
DURATION_MINUTES = Range(
    Decimal("40"),
    Decimal("100"),
    "min",
    'seed: "usually lasts for around 40 minutes, although a session may last up to 100 minutes"',
    "duration (the session window)",
)

# --- Recovery, minutes ------------------------------------------------------------------------
RECOVERY_MINUTES = Default(
    Decimal("30"),
    "min",
    'seed: "After an infusion, you will have a recovery time of about 30 minutes"',
    "recovery",
)

# --- Series -----------------------------------------------------------------------------------
INFUSIONS_DEFAULT = Default(
    Decimal(6),
    "infusions",
    'seed: "Many clinics will schedule 6 infusions over a few weeks for initial treatment."',
    "usual first series",
)
INFUSIONS_USUAL_MAX = Default(
    Decimal(6),
    "infusions",
    'seed: "If a patient does not respond to treatment after 6 sessions, further sessions are unlikely to '
    'show improvements."',
    "usual series (more warns)",
)
INFUSIONS = Range(
    Decimal(1),
    Decimal(52),
    "infusions",
    "not in the seed: a hard cap that stops a typo (60 for 6) or an overflow; 52 is a weekly infusion for a year",
    "infusions",
)

# --- A treatment course (ketacalc plan) ---------------------------------------------------------
PER_WEEK = Range(
    Decimal(1),
    Decimal(5),
    "sessions a week",
    'seed: "Many clinics will schedule 6 infusions over a few weeks"; 1 to 5 a week (one a weekday) is our '
    'reading of "a few weeks" for 6, with 2 a week the default',
    "induction sessions a week",
)
PER_WEEK_DEFAULT = Default(
    Decimal(2),
    "sessions a week",
    'not in the seed: 2 a week (mon, thu) spreads its "6 infusions over a few weeks" across three weeks',
    "induction sessions a week (default)",
)
BOOSTERS = Range(
    Decimal(0),
    Decimal(26),
    "boosters",
    'seed: "The effects of successful ketamine infusions can last up to 3 months after a full round"; '
    "boosters keep them up; 26 (every 2 weeks for a year) is a cap against typos",
    "booster sessions",
)
BOOSTER_INTERVAL_DAYS = Range(
    Decimal(7),
    Decimal(182),
    "days",
    'not in the seed: from a week up to 26 weeks, past the seed\'s "up to 3 months" an effect can last',
    "booster interval",
)

QUOTE_VALID_DAYS = Default(
    Decimal(30),
    "days",
    "not in the seed: 30 days, a common validity for a written cost estimate; the config may set another",
    "handout valid for (default)",
)

START_YEARS = Range(
    Decimal(1900),
    Decimal(2999),
    "",
    "not in the seed: a course runs at most about 15 years (52 weekly infusions, then 26 boosters 26 weeks "
    "apart), so every one of its dates can be written",
    "plan start year",
)
START_SOFT_DAYS = Default(
    Decimal(366),
    "days",
    "not in the seed: a start date further from today warns (2062 typed for 2026)",
    "plan start date from today (more warns)",
)
SKIPS = Range(
    Decimal(0),
    Decimal(400),
    "dates",
    "not in the seed: holidays over more than a year are not one course's",
    "plan skipped dates",
)
REMINDER_DAYS = Range(
    Decimal(1),
    Decimal(7),
    "days",
    'not in the seed: a reminder "to plan ahead for the ride home" (the seed) a day to a week before a session',
    "calendar reminder, in days",
)
REMINDER_HOURS = Range(
    Decimal(1),
    Decimal(72),
    "hours",
    "not in the seed: a reminder from an hour to three days before a session",
    "calendar reminder, in hours",
)

# --- Price per infusion -------------------------------------------------------------------------
PRICE_DEFAULT = Range(
    Decimal("400"),
    Decimal("800"),
    "USD",
    'seed: "a single infusion can cost between $400 and $800"',
    "price per infusion (default)",
)
PRICE = Range(
    Decimal("0"),
    Decimal("10000000000"),
    "",
    "not in the seed: 0 (a research or charity infusion) up to a cap against overflow, in any currency "
    "(an infusion priced in Iranian rials or Lebanese pounds runs to hundreds of millions)",
    "price accepted",
)

# --- Patient weight, kg -------------------------------------------------------------------------
WEIGHT_KG = Range(
    Decimal("1"),
    Decimal("635"),
    "kg",
    "not in the seed: up to the heaviest human recorded (Jon Brower Minnoch, about 635 kg); from 1 kg, the "
    "least that prints as itself (at 0.1 mg/kg, 0.1 mg and 0.001 mg/min: nothing accepted prints as 0)",
    "weight",
)
WEIGHT_PLAUSIBLE_KG = Range(
    Decimal("30"),
    Decimal("250"),
    "kg",
    "not in the seed: our choice of a plausible adult range (below, a child's weight; above, an adjusted "
    "dosing weight is usual); outside it warns",
    "plausible adult weight",
)

# --- Ideal body weight (Devine, 1974) -----------------------------------------------------------
_DEVINE = (
    'not in the seed: Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm. 1974;8:650-655, "50 kg (men) '
    'or 45.5 kg (women) + 2.3 kg per inch over 5 feet"'
)
DEVINE_BASE_MALE_KG = Default(Decimal("50"), "kg", _DEVINE, "ideal weight at 60 in, men")
DEVINE_BASE_FEMALE_KG = Default(Decimal("45.5"), "kg", _DEVINE, "ideal weight at 60 in, women")
DEVINE_KG_PER_INCH = Default(Decimal("2.3"), "kg per inch", _DEVINE, "ideal weight per inch over 60 in")
DEVINE_BASE_HEIGHT_IN = Default(Decimal("60"), "in", _DEVINE, "ideal weight's base height")
ADJUSTED_FACTOR = Default(
    Decimal("0.4"),
    "",
    "not in the seed: the usual correction factor (e.g. Bauer, Applied Clinical Pharmacokinetics): "
    "ideal + 0.4 × (actual − ideal)",
    "adjusted weight factor",
)
# --- The dosing weight a clinician would question ---------------------------------------------------
_OBESITY_DOSING = (
    "not in the seed: dosing on actual weight is questioned above 130% of ideal weight, where an adjusted "
    'weight is usual (Bauer LA, Applied Clinical Pharmacokinetics, obesity: "more than 30% over ideal body '
    "weight\"); BMI 35 is WHO's obesity class II"
)
ACTUAL_OVER_IDEAL_SOFT_MAX = Default(
    Decimal("1.3"), "× ideal weight", _OBESITY_DOSING, "actual weight over ideal (more warns when dosing on actual)"
)
BMI_DOSING_SOFT_MAX = Default(Decimal("35"), "kg/m²", _OBESITY_DOSING, "BMI (at or over warns when dosing on actual)")
HEAVY_WITHOUT_HEIGHT_KG = Default(
    Decimal("100"),
    "kg",
    "not in the seed: 130% of Devine's ideal weight for a man of 6 ft (77.6 kg) is about 100 kg; above it most "
    "adults are past the adjusted-weight threshold, so a note asks for height and sex",
    "weight above which a note asks for height and sex",
)
# WHO's BMI classes (WHO, "A healthy lifestyle - WHO recommendations", 2010; Technical Report Series 894):
# the lower bound of each class, in kg/m².
BMI_CLASSES: tuple[tuple[Decimal, str], ...] = (
    (Decimal("0"), "underweight"),
    (Decimal("18.5"), "normal weight"),
    (Decimal("25"), "overweight"),
    (Decimal("30"), "obese class I"),
    (Decimal("35"), "obese class II"),
    (Decimal("40"), "obese class III"),
)

HEIGHT_CM = Range(
    Decimal("54"),
    Decimal("275"),
    "cm",
    "not in the seed: the shortest (Chandra Bahadur Dangi, 54.6 cm) and tallest (Robert Wadlow, 272 cm) "
    "humans recorded",
    "height",
)

# --- Pump -----------------------------------------------------------------------------------------
CONCENTRATION_MG_PER_ML = Range(
    Decimal("1"),
    Decimal("100"),
    "mg/mL",
    "not in the seed: racemic ketamine is sold as 10, 50 and 100 mg/mL (US labels); outside is a likely unit slip",
    "stock concentration",
)
BAG_ML = Range(
    Decimal("10"),
    Decimal("1000"),
    "mL",
    "not in the seed: an IV bag of diluent, from a 10 mL syringe to 1 L",
    "bag",
)
DRUG_VOLUME_SOFT_MIN_ML = Default(
    Decimal("0.1"),
    "mL",
    "not in the seed, our choice: below it, a 1 mL syringe's 0.01 mL marks are a large share of the dose",
    "smallest stock volume (less warns)",
)
PUMP_RATE_SOFT_MAX_ML_PER_H = Default(
    Decimal("999"),
    "mL/h",
    "not in the seed: the top of many large-volume infusion pumps (a four-digit rate is a likely slip, "
    "e.g. a 1 L bag over 40 min)",
    "highest usual pump rate (more warns)",
)

# Common syringes and the marks they measure to, smallest first (RMIT University, "Reading a syringe": a 1 mL
# tuberculin syringe is marked in 0.01 mL, a 3 mL in 0.1 mL, 5 and 10 mL in 0.2 mL; BD Plastipak 20 mL and
# 50 mL syringes in 1 mL). Not in the seed.
SYRINGES_ML: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("1"), Decimal("0.01")),
    (Decimal("3"), Decimal("0.1")),
    (Decimal("5"), Decimal("0.2")),
    (Decimal("10"), Decimal("0.2")),
    (Decimal("20"), Decimal("1")),
    (Decimal("50"), Decimal("1")),
)
FINAL_CONCENTRATION_MG_PER_ML = Range(
    Decimal("0.1"),
    Decimal("100"),
    "mg/mL",
    "not in the seed: a premixed bag or syringe at a standard concentration (e.g. 1 mg/mL in a bag, 10 mg/mL in "
    "a syringe), up to the strongest stock sold (100 mg/mL); below 0.1 mg/mL a session's dose needs litres",
    "standard (final) concentration",
)
DILUENT_DEFAULT = "sodium chloride 0.9%"
VTBI_MIN_ML = Default(
    Decimal("1"),
    "mL",
    "not in the seed: below 1 mL the volume to infuse, printed to 0.1 mL, is off by up to 5% and its rate may "
    "print as 0 mL/h; a syringe pump's practical minimum",
    "smallest volume to infuse (less is refused)",
)
RESIDUAL_SOFT_MAX_PERCENT = Default(
    Decimal("5"),
    "%",
    'not in the seed: with [pump] vtbi = "bag", more of the dose than this left in the bag and line warns',
    "dose left in the bag and line (more warns)",
)

# --- Informational only ---------------------------------------------------------------------------
DISCLAIMER = "Informational only, not medical advice: a clinician must check every number."


def every_number() -> list[Range | Default]:
    """Every number above, in order: the limits table in docs/limits.md is made from this."""
    return [value for value in globals().values() if isinstance(value, Range | Default)]
