"""A US Good Faith Estimate (No Surprises Act; 45 CFR 149.610): what the regulation requires of an
estimate for an uninsured or self-pay patient, added to the handout by ``--gfe``.

The elements, 45 CFR 149.610(c)(1): the patient's name and date of birth; the primary service in
clear language, with its scheduled dates; the items and services expected, itemised, each with its
expected charges and, where the clinic configures them, its service and diagnosis codes; the
provider's name, NPI and TIN and where the services are furnished; the items that are scheduled
separately; and the disclaimers (viii)–(xi) below: more may be recommended separately, this is
only an estimate, the right to dispute a bill at least $400 above it (and where to learn how),
and that it is not a contract. The wording follows the CMS model form (CMS-10791). Pure: no I/O.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ketacalc.errors import InputError
from ketacalc.values import Given, as_text

DISPUTE_THRESHOLD_USD = 400  # 45 CFR 149.620: "substantially in excess" is at least $400 more
NPI_ALLOWED = "a 10-digit National Provider Identifier, e.g. 1234567893"
TIN_ALLOWED = "a 9-digit Tax Identification Number, e.g. 12-3456789"
CODES_ALLOWED = "codes of letters, digits and dots, comma-separated, e.g. 96365 or F33.2, F41.1"
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,15}")
_MAX_CODES = 8

# The model form's statements, in its words (CMS-10791, the Good Faith Estimate for uninsured or self-pay
# individuals), each the disclaimer 45 CFR 149.610(c)(1) names.
SEPARATE_ITEMS_NOTICE = (  # (vii), (viii)
    "There may be additional items or services the provider recommends as part of your course of care that "
    "must be scheduled or requested separately and are not reflected in this estimate; ask the provider for a "
    "Good Faith Estimate for each."
)
ESTIMATE_NOTICE = (  # (ix)
    "This Good Faith Estimate shows the costs of items and services reasonably expected for your care, based on "
    "information known when it was created. It is only an estimate: actual items, services or charges may differ, "
    "and you could be charged more if complications or special circumstances occur."
)
DISPUTE_NOTICE = (  # (x)
    "If you are billed for more than this Good Faith Estimate, you have the right to dispute the bill. If a bill "
    f"is ${DISPUTE_THRESHOLD_USD} or more above this estimate, you may start the patient-provider dispute "
    "resolution process with the U.S. Department of Health and Human Services within 120 calendar days of the "
    "date on the original bill; starting it will not affect the quality of the care you receive. To learn more and "
    "get a form, go to"
)
PPDR_WEB = "www.cms.gov/nosurprises"
PPDR_PHONE = "1-800-985-3059"
CONTRACT_NOTICE = (  # (xi)
    "This Good Faith Estimate is not a contract and does not require you to obtain the items or services from "
    "any of the providers or facilities identified in it."
)
KEEP_NOTICE = "Keep a copy or picture of this Good Faith Estimate. You may need it if you are billed a higher amount."
# Scheduled separately, not priced here (vi): the seed names both ("The first step in any treatment is a
# consultation", and psychotherapy "with a licensed professional", seeds/000_4e4cacf71e069d0d.txt).
SEPARATE_ITEMS = (
    "Consultation with a physician before treatment",
    "Psychotherapy with a licensed professional, recommended alongside the infusions",
)


MAX_NAME_CHARS = 70


@dataclass(frozen=True)
class Patient:
    """Who the estimate is for: printed only with --gfe."""

    name: str
    dob: datetime.date


def parse_npi(value: Given, field: str = "npi") -> str:
    """An NPI: 10 digits whose last is the Luhn check digit over 80840 and the first nine."""
    text = as_text(value).strip()
    if not re.fullmatch(r"[0-9]{10}", text):
        raise InputError(field, text, "is not 10 digits", NPI_ALLOWED)
    digits = [int(c) for c in "80840" + text]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    if total % 10:
        raise InputError(field, text, "fails the NPI check digit (a digit mistyped?)", NPI_ALLOWED)
    return text


def parse_tin(value: Given, field: str = "tin") -> str:
    """A TIN (an EIN, 12-3456789, or an SSN-shaped 123-45-6789): nine digits, kept as written."""
    text = as_text(value).strip()
    if not re.fullmatch(r"[0-9]{2}-?[0-9]{7}|[0-9]{3}-[0-9]{2}-[0-9]{4}", text):
        raise InputError(field, text, "is not a 9-digit TIN", TIN_ALLOWED)
    return text


def parse_codes(value: Given, field: str = "codes") -> tuple[str, ...]:
    """Service (CPT or HCPCS) or diagnosis (ICD-10) codes, as the clinic writes them."""
    text = as_text(value)
    parts = [part.strip() for part in text.split(",")] if len(text) <= 200 else []
    if not parts or len(parts) > _MAX_CODES or not all(_CODE_RE.fullmatch(part) for part in parts):
        raise InputError(field, text, "is not a list of codes", CODES_ALLOWED)
    return tuple(part.upper() for part in parts)


def parse_dob(value: Given, today: datetime.date, field: str = "dob") -> datetime.date:
    """A date of birth: a date YYYY-MM-DD, not after today and not more than 130 years before it."""
    text = as_text(value).strip()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(field, text, "is not a date", "a date of birth YYYY-MM-DD, e.g. 1984-03-09") from None
    if day > today or today.year - day.year > 130:
        raise InputError(field, text, "is not a date of birth", f"a date from {today.year - 130} to {today}")
    return day
