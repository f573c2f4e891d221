"""Every clinical and commercial number ketacalc uses, each with its source.

SEED is the article the product comes from, kept in the repository as
``seeds/000_4e4cacf71e069d0d.txt``. Each constant quotes the phrase it comes
from, so a reader can check it there. Numbers that the seed does not give are
marked "not in the seed" with the source or reasoning instead.

Hard limits reject an input; soft limits answer and warn, as infusion-pump drug
libraries do.
"""

from __future__ import annotations

from decimal import Decimal

SEED = "seeds/000_4e4cacf71e069d0d.txt"

# --- Dose rate, mg/kg ---------------------------------------------------------
# SEED: "The typical dosage for ketamine infusion is 0.5 mg/kg"
RATE_DEFAULT_MG_PER_KG = Decimal("0.5")
# SEED: "Some patients may need as little as 0.1 mg/kg."
RATE_MIN_MG_PER_KG = Decimal("0.1")
# SEED: "Others may be less receptive, needing up to 0.75 mg/kg."
RATE_MAX_MG_PER_KG = Decimal("0.75")

# --- Infusion duration, minutes ---------------------------------------------------
# SEED: "A ketamine infusion usually lasts for around 40 minutes"
DURATION_DEFAULT_MIN = Decimal("40")
DURATION_MIN_MIN = Decimal("40")
# SEED: "although a session may last up to 100 minutes"
DURATION_MAX_MIN = Decimal("100")

# --- Recovery, minutes ----------------------------------------------------------------
# SEED: "After an infusion, you will have a recovery time of about 30 minutes"
RECOVERY_MIN = Decimal("30")

# --- Series ---------------------------------------------------------------------------
# SEED: "Many clinics will schedule 6 infusions over a few weeks for initial treatment."
INFUSIONS_DEFAULT = 6
# SEED: "If a patient does not respond to treatment after 6 sessions, further
# sessions are unlikely to show improvements."  More is allowed, with a warning.
INFUSIONS_SOFT_MAX = 6
INFUSIONS_MIN = 1
# Not in the seed: a hard cap that stops a typo (60 for 6) or an overflow from
# producing a quote; 52 is a weekly infusion for a whole year.
INFUSIONS_MAX = 52

# --- Price per infusion ---------------------------------------------------------------
# SEED: "a single infusion can cost between $400 and $800"
PRICE_DEFAULT_MIN = Decimal("400")
PRICE_DEFAULT_MAX = Decimal("800")
PRICE_DEFAULT_CURRENCY = "USD"  # SEED: the "$400 and $800" are US dollars
# Not in the seed: a hard cap against typos and overflow (a price is non-negative;
# 0 is allowed, e.g. for a research or charity infusion).
PRICE_MAX = Decimal("100000")

# --- Patient weight, kg ---------------------------------------------------------------
# Not in the seed. Hard limits: a weight must be above 0, and no heavier than the
# heaviest human ever recorded (Jon Brower Minnoch, about 635 kg / 1,400 lb,
# Guinness World Records). Anything outside is impossible, so it is rejected.
WEIGHT_MAX_KG = Decimal("635")
# Not in the seed. The lightest weight accepted: what is accepted must print as
# what it is. At 1 kg and the seed's lowest 0.1 mg/kg, the dose is 0.1 mg and
# every rate is at least 0.001 mg/min, so nothing accepted prints as 0 at its
# places (a 0.0004 kg "weight" would print as 0 kg and 0 mg).
WEIGHT_MIN_KG = Decimal("1")
# Not in the seed. Soft limits: a plausible adult range, our choice (the
# clinician-tools issue asks for "around 30-250 kg"). Below 30 kg is the weight of
# a child, and mg/kg dosing by actual weight is doubtful above 250 kg (morbid
# obesity, where an adjusted dosing weight is usual). Outside it: an answer and a
# warning.
WEIGHT_SOFT_MIN_KG = Decimal("30")
WEIGHT_SOFT_MAX_KG = Decimal("250")

# --- Ideal body weight (Devine, 1974) -------------------------------------------------
# Not in the seed: Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm. 1974;8:650-655.
# "50 kg (men) or 45.5 kg (women) + 2.3 kg per inch over 5 feet".
DEVINE_BASE_MALE_KG = Decimal("50")
DEVINE_BASE_FEMALE_KG = Decimal("45.5")
DEVINE_KG_PER_INCH = Decimal("2.3")
DEVINE_BASE_HEIGHT_IN = Decimal("60")
# Adjusted body weight = ideal + 0.4 x (actual - ideal) (the usual correction
# factor, e.g. Bauer, Applied Clinical Pharmacokinetics). Not in the seed.
ADJUSTED_FACTOR = Decimal("0.4")
# Not in the seed: hard limits for a height, from the shortest (Chandra Bahadur
# Dangi, 54.6 cm) and tallest (Robert Wadlow, 272 cm) humans recorded.
HEIGHT_MIN_CM = Decimal("54")
HEIGHT_MAX_CM = Decimal("275")

# --- Pump -----------------------------------------------------------------------------
# Not in the seed. Racemic ketamine is sold as 10, 50 and 100 mg/mL (US labels);
# anything outside 1-100 mg/mL is rejected as a likely unit error.
CONCENTRATION_MIN_MG_PER_ML = Decimal("1")
CONCENTRATION_MAX_MG_PER_ML = Decimal("100")
# Not in the seed: an IV bag of diluent, from a 10 mL syringe to a 1 L bag.
BAG_MIN_ML = Decimal("10")
BAG_MAX_ML = Decimal("1000")

# --- Informational only ---------------------------------------------------------------
DISCLAIMER = "Informational only, not medical advice: a clinician must check every number."
