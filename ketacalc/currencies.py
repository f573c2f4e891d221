"""ISO 4217 currencies and their minor units (the decimal places of an amount).

Source: ISO 4217 list one ("current currency & funds"), as published by SIX
Financial Information, the standard's maintenance agency; as of 2025-01-01
(it includes XCG, the Caribbean guilder, and ZWG). Fund codes (BOV, CHE, CLF,
COU, MXV, USN, UYI, UYW ...) and precious metals, testing and special codes
(XAU, XDR, XTS, XXX ...) are left out: no clinic prices in them. Every code
has 2 minor units except those listed below with 0 or 3.
"""

from __future__ import annotations

from decimal import Decimal

ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB
    BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF
    IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK
    LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND
    TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF
    YER ZAR ZMW ZWG
    """.split()
)

# ISO 4217's minor units where they are not 2.
_ZERO_DECIMALS = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split())
_THREE_DECIMALS = frozenset("BHD IQD JOD KWD LYD OMR TND".split())
MOST_MINOR_UNITS = 3


def minor_units(code: str) -> int:
    """The decimal places of an amount in ``code``: JPY 0, USD 2, BHD 3."""
    return 0 if code in _ZERO_DECIMALS else 3 if code in _THREE_DECIMALS else 2


def quantum(code: str) -> Decimal:
    """The smallest amount in ``code``: Decimal("0.01") for USD, Decimal("1") for JPY."""
    return Decimal(1).scaleb(-minor_units(code))
