"""Hypothesis strategies and checks the fuzzers share: text a shell can pass, biased towards what
looks like a value (and every input an attack once got through), and what an accepted quote must hold."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from ketacalc import limits

# Text a shell can pass (no NUL), biased towards things that look like values.
near_values = st.sampled_from(
    [
        "70",
        "0.5",
        "45",
        "6",
        "650",
        "175 cm",
        "female",
        "10 mg/mL",
        "100 mL",
        "09:30",
        "1e309",
        "-0",
        "0x10",
        "٣",
        "NaN",
        "inf",
        "9" * 5000,
        "70 kg * 1000",
        "[red]70",
        "70\nkg",
        "2**2**2**2",
        "1_000",
        "0.1e1",
        ".",
        "",
        " ",
        "70 kg kg",
        "5 ft 99 in",
        "24:00",
        "1,000.001",
        # Found by an hour of attack: each of these was once accepted or hung.
        "0.0004",
        "635.00000000000000000000000000001",
        "0.6666666666666666666666666666 h",
        "0.00000000000000000000000000001",
        "70\x1ckg",
        "70\u2028kg",
        "１０",
        "1e-999999",
        "0.00075 g/kg",
        "2400 s",
        "5ft 13in",
        "\x1b]8;;http://x\x07",
    ]
)


hostile_text = st.one_of(near_values, st.text(st.characters(blacklist_characters="\x00"), max_size=40))


def check_accepted_quote(doc: dict) -> None:  # type: ignore[type-arg]
    """An accepted quote is within every hard limit, and its dose is dosing weight x rate."""
    patient, dose, session = doc["patient"], doc["dose"], doc["session"]
    assert float(limits.WEIGHT_KG.low) <= patient["weight_kg"] <= float(limits.WEIGHT_KG.high)  # never printed as 0
    assert float(limits.RATE_MG_PER_KG.low) <= dose["rate_mg_per_kg"] <= float(limits.RATE_MG_PER_KG.high)
    assert float(limits.DURATION_MINUTES.low) <= session["duration_min"] <= float(limits.DURATION_MINUTES.high)
    assert dose["dose_mg"] > 0
    expected = Decimal(str(patient["dosing_weight_kg"])) * Decimal(str(dose["rate_mg_per_kg"]))
    assert abs(Decimal(str(dose["dose_mg"])) - expected) <= Decimal("0.006")
    if "series" in doc:
        assert int(limits.INFUSIONS.low) <= doc["series"]["infusions"] <= int(limits.INFUSIONS.high)
    if "cost" in doc:
        total = doc["cost"]["total"]
        assert Decimal(total["min"]) <= Decimal(total["mid"]) <= Decimal(total["max"])
