"""Every clinical and commercial number ketacalc uses, each with its source.

The seed is the article the product comes from, kept in the repository as
``seeds/000_4e4cacf71e069d0d.txt``. Each number quotes the phrase it comes
from, so a reader can check it there. Numbers that the seed does not give are
marked "not in the seed" with the source or reasoning instead.

A bound is a value, written once (``Range``): the error messages, the
``--help`` texts, the JSON Schema and the README's limits table all derive
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
    """An inclusive range of values in ``unit``, and where it comes from."""

    low: Decimal
    high: Decimal
    unit: str
    source: str

    def allowed(self) -> str:
        """``0.1–0.75 mg/kg``: for messages, help and docs."""
        unit = f" {self.unit}" if self.unit else ""
        return f"{plain(self.low)}–{plain(self.high)}{unit}"

    def __contains__(self, value: object) -> bool:
        return isinstance(value, Decimal | int) and self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Default:
    """A default value in ``unit``, and where it comes from."""

    value: Decimal
    unit: str
    source: str

    def text(self) -> str:
        return f"{plain(self.value)} {self.unit}".strip()


# --- Dose rate, mg/kg -------------------------------------------------------------------
RATE_DEFAULT_MG_PER_KG = Default(
    Decimal("0.5"), "mg/kg", 'seed: "The typical dosage for ketamine infusion is 0.5 mg/kg"'
)
RATE_MG_PER_KG = Range(
    Decimal("0.1"),
    Decimal("0.75"),
    "mg/kg",
    'seed: "Some patients may need as little as 0.1 mg/kg." "Others may be less receptive, needing up to 0.75 mg/kg."',
)

# --- Infusion duration, minutes -------------------------------------------------------------
DURATION_DEFAULT_MINUTES = Default(
    Decimal("40"), "min", 'seed: "A ketamine infusion usually lasts for around 40 minutes"'
)
DURATION_MINUTES = Range(
    Decimal("40"),
    Decimal("100"),
    "min",
    'seed: "usually lasts for around 40 minutes, although a session may last up to 100 minutes"',
)

# --- Recovery, minutes ------------------------------------------------------------------------
RECOVERY_MINUTES = Default(
    Decimal("30"), "min", 'seed: "After an infusion, you will have a recovery time of about 30 minutes"'
)

# --- Series -----------------------------------------------------------------------------------
INFUSIONS_DEFAULT = 6  # seed: "Many clinics will schedule 6 infusions over a few weeks for initial treatment."
# seed: "If a patient does not respond to treatment after 6 sessions, further sessions are
# unlikely to show improvements."  More is allowed, with a warning.
INFUSIONS_USUAL_MAX = 6
INFUSIONS = Range(
    Decimal(1),
    Decimal(52),
    "infusions",
    "not in the seed: a hard cap that stops a typo (60 for 6) or an overflow; 52 is a weekly infusion for a year",
)

# --- Price per infusion -------------------------------------------------------------------------
PRICE_DEFAULT = Range(Decimal("400"), Decimal("800"), "USD", 'seed: "a single infusion can cost between $400 and $800"')
PRICE = Range(
    Decimal("0"),
    Decimal("100000"),
    "",
    "not in the seed: 0 (a research or charity infusion) up to a cap against typos and overflow",
)

# --- Patient weight, kg -------------------------------------------------------------------------
WEIGHT_KG = Range(
    Decimal("1"),
    Decimal("635"),
    "kg",
    "not in the seed: up to the heaviest human recorded (Jon Brower Minnoch, about 635 kg); from 1 kg, the "
    "least that prints as itself (at 0.1 mg/kg, 0.1 mg and 0.001 mg/min: nothing accepted prints as 0)",
)
WEIGHT_PLAUSIBLE_KG = Range(
    Decimal("30"),
    Decimal("250"),
    "kg",
    "not in the seed: our choice of a plausible adult range (below, a child's weight; above, an adjusted "
    "dosing weight is usual); outside it warns",
)

# --- Ideal body weight (Devine, 1974) -----------------------------------------------------------
# Not in the seed: Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm. 1974;8:650-655.
# "50 kg (men) or 45.5 kg (women) + 2.3 kg per inch over 5 feet".
DEVINE_BASE_MALE_KG = Decimal("50")
DEVINE_BASE_FEMALE_KG = Decimal("45.5")
DEVINE_KG_PER_INCH = Decimal("2.3")
DEVINE_BASE_HEIGHT_IN = Decimal("60")
# Adjusted body weight = ideal + 0.4 x (actual - ideal) (the usual correction
# factor, e.g. Bauer, Applied Clinical Pharmacokinetics). Not in the seed.
ADJUSTED_FACTOR = Decimal("0.4")
HEIGHT_CM = Range(
    Decimal("54"),
    Decimal("275"),
    "cm",
    "not in the seed: the shortest (Chandra Bahadur Dangi, 54.6 cm) and tallest (Robert Wadlow, 272 cm) "
    "humans recorded",
)

# --- Pump -----------------------------------------------------------------------------------------
CONCENTRATION_MG_PER_ML = Range(
    Decimal("1"),
    Decimal("100"),
    "mg/mL",
    "not in the seed: racemic ketamine is sold as 10, 50 and 100 mg/mL (US labels); outside is a likely unit slip",
)
BAG_ML = Range(
    Decimal("10"), Decimal("1000"), "mL", "not in the seed: an IV bag of diluent, from a 10 mL syringe to 1 L"
)

# Soft limits: answered, with a warning.
# Not in the seed, our choice: the smallest volume worth drawing up; below it, a
# 1 mL syringe's 0.01 mL marks are a large share of the dose.
DRUG_VOLUME_SOFT_MIN_ML = Decimal("0.1")
# Not in the seed: 999 mL/h is the top of many large-volume infusion pumps' range
# (a four-digit rate is a likely slip, e.g. a 1 L bag for a 40 min dose).
PUMP_RATE_SOFT_MAX_ML_PER_H = Decimal("999")

# --- Informational only ---------------------------------------------------------------------------
DISCLAIMER = "Informational only, not medical advice: a clinician must check every number."
