"""Every JSON document ketacalc writes, declared once.

Each document is a ``TypedDict``; each field's type says what JSON it holds, and
its ``Annotated`` metadata what else is true of it: a bound from ``limits.py``
(``Within``), a constant, a pattern, a description for the docs (``Doc``). From
this one declaration:

- ``schema.py`` derives the JSON Schema (``ketacalc schema``), closed objects
  and all;
- ``docs/json.md``'s field table is written by cog (``tests/docgen.py``);
- the batch's fast path takes the patient block's constant parts (its nullable
  fields, null for a row with a weight alone) from ``Patient``;
- ``documents.to_document`` is typed by the document's kind.

The documents themselves are built by ``documents.py`` (and, for plain batch
rows, by ``batch/fastpath.py``); the test suite validates every document they
make against the schema made from here, so a field written but not declared,
or declared but not written, fails.

This module is imported by ``ketacalc schema``, the docs and the type checker,
never by a quote: ``typing`` costs start-up milliseconds.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, NotRequired, TypedDict

from ketacalc import limits
from ketacalc.bedside import DRUG
from ketacalc.charting import DEFAULT_RANGE
from ketacalc.config import SPECS
from ketacalc.currencies import ISO_4217
from ketacalc.documents import SCHEMA_VERSION
from ketacalc.dosing import BASES, SEXES
from ketacalc.planning import WEEKDAYS

# --- what a field's metadata can say -----------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """What the field means, for the field table in docs/json.md."""

    text: str


@dataclass(frozen=True)
class Within:
    """A number within a range from ``limits``: the schema's bounds are the code's."""

    bounds: limits.Range


@dataclass(frozen=True)
class Rule:
    """JSON Schema keywords that hold of the value (``minimum``, ``pattern``, ``maxLength`` ...),
    as pairs (metadata must be hashable)."""

    pairs: tuple[tuple[str, Any], ...]

    @property
    def keywords(self) -> dict[str, Any]:
        return dict(self.pairs)


def rule(**keywords: Any) -> Rule:
    return Rule(tuple(keywords.items()))


@dataclass(frozen=True)
class OneOf:
    """A value from a list the code holds (an enum)."""

    values: tuple[Any, ...]


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class Keys:
    """An object whose keys are exactly these names, each holding the dict's value type."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class KeyPattern:
    """An object whose keys match this pattern (a warning's code, not any text)."""

    pattern: str


@dataclass(frozen=True)
class MoneyByCurrency:
    """Money fields (objects of min, mid, max) whose strings have exactly the minor units of the
    object's ``currency`` (ISO 4217): JPY "60000", BHD "400.000"."""

    fields: tuple[str, ...]


def json_number(value: Decimal) -> int | float:
    """A limit as JSON writes it: 2, not 2.0; 0.5."""
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class MoneyAt:
    """Money strings elsewhere in the document (paths; "*" is every item of a list) with exactly the
    minor units of the currency at ``currency`` (a plan's sessions carry no currency of their own)."""

    currency: tuple[str, ...]
    amounts: tuple[tuple[str, ...], ...]
    nullable: tuple[tuple[str, ...], ...] = ()  # amounts that may be null instead


NONNEG = rule(minimum=0)
POSITIVE = rule(exclusiveMinimum=0)
MONEY = rule(pattern=r"^(0|[1-9][0-9]*)(\.[0-9]{2,3})?$")
DATE = rule(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
CLOCK = rule(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
READ_BACK = rule(pattern="^Ketamine ")
COUNT = rule(minimum=0)
FIRST = rule(minimum=1)

Number = float  # a JSON number (written as an integer when whole)
Amount = Annotated[float, NONNEG]
Money = Annotated[str, MONEY]
Clock = Annotated[str, CLOCK]
Ordered = Annotated[str | None, rule(maxLength=64)]
Currency = Annotated[str, OneOf(tuple(sorted(ISO_4217)))]
VtbiBasis = Literal["bag+drug", "bag", "standard"]

# --- the parts every document has ----------------------------------------------------------


class Warning(TypedDict):
    code: str
    message: str


class Generator(TypedDict):
    name: Literal["ketacalc"]
    version: str


class Notice(TypedDict):
    schema_version: Annotated[
        str, Const(SCHEMA_VERSION), Doc(f'`"{SCHEMA_VERSION}"`: `MAJOR.MINOR`, see the policy below')
    ]
    kind: Annotated[str, Doc("which document this is")]
    drug: Annotated[str, Const(DRUG), Doc(f'`"{DRUG}"`')]
    generator: Annotated[Generator, Doc('`{name: "ketacalc", version}`: what wrote the document')]
    informational_only: Annotated[Literal[True], Doc("always `true`")]
    disclaimer: Annotated[str, Doc("the notice")]


class Envelope(Notice):
    warnings: Annotated[list[Warning], Doc("soft-limit warnings, `{code, message}`")]


class Input(TypedDict):
    value: str
    source: str


Inputs = Annotated[
    dict[str, Input],
    Doc(
        "every setting the run used, as given, with its source (`flag`, the config file's path, or "
        "`built-in`): run again with these as flags, they give the same document"
    ),
]


class Audited(TypedDict):
    id: NotRequired[Annotated[str | None, Doc("`--id`, as given")]]
    inputs: NotRequired[Inputs]


# --- a dose --------------------------------------------------------------------------------


class Patient(TypedDict):
    weight_kg: Annotated[Number, Within(limits.WEIGHT_KG), Doc("weight in kg (2 places)")]
    weight_given: Annotated[str, Doc("the weight as typed")]
    weight_unit_given: Annotated[bool, Doc("false when a bare number was read as kg")]
    dosing_weight_kg: Annotated[Number, POSITIVE, Doc("the weight the dose is computed on")]
    dosing_weight_basis: Annotated[str, OneOf(BASES), Doc("the basis used: actual, ideal or adjusted")]
    dosing_weight_requested: Annotated[str, OneOf(BASES), Doc("the basis asked for (adjusted may fall back)")]
    ideal_weight_kg: Annotated[Number | None, POSITIVE, Doc("Devine's, with a height and a sex")]
    adjusted_weight_kg: Annotated[Number | None, POSITIVE, Doc("with a height and a sex; null at or below ideal")]
    bmi_kg_per_m2: Annotated[Number | None, POSITIVE, Doc("with a height (1 place)")]
    bmi_class: Annotated[
        str | None, OneOf(tuple(name for _, name in limits.BMI_CLASSES)), Doc("WHO's class of the BMI as printed")
    ]
    height_cm: Annotated[Number | None, Within(limits.HEIGHT_CM), Doc("as given")]
    sex: Annotated[str | None, OneOf(SEXES), Doc("as given")]


class DoseBlock(TypedDict):
    rate_mg_per_kg: Annotated[Number, Within(limits.RATE_MG_PER_KG), Doc("4 places")]
    rate_ordered: Annotated[Ordered, Doc('an order written per time, as written (`"0.75 mg/kg/h"`)')]
    dose_mg: Annotated[Amount, Doc("2 places")]


class Rates(TypedDict):
    duration_min: Amount
    rate_mg_per_min: Amount
    rate_mg_per_h: Amount
    rate_mg_per_kg_per_h: Amount
    rate_mcg_per_kg_per_min: Amount


class Window(TypedDict):
    min: Annotated[float, Const(float(limits.DURATION_MINUTES.low))]
    max: Annotated[float, Const(float(limits.DURATION_MINUTES.high))]


class WindowRates(TypedDict):
    shortest: Rates
    longest: Rates


class Session(TypedDict):
    duration_min: Annotated[Number, Within(limits.DURATION_MINUTES), Doc("the chosen infusion duration")]
    window_min: Annotated[Window, Doc("the session window, 40 and 100 min")]
    recovery_min: Annotated[Amount, Doc("recovery after the infusion")]
    visit_min: Annotated[Amount, Doc("duration + recovery")]
    rate_mg_per_min: Annotated[Amount, Doc("at the chosen duration (3 places)")]
    rate_mg_per_h: Annotated[Amount, Doc("at the chosen duration (2 places)")]
    rate_mg_per_kg_per_h: Annotated[Amount, Doc("per kg of dosing weight per hour (4 places)")]
    rate_mcg_per_kg_per_min: Annotated[Amount, Doc("the same in mcg/kg/min (2 places)")]
    window_rates: Annotated[WindowRates, Doc("the same rates over the shortest and longest session")]
    start: NotRequired[Annotated[Clock, Doc("`--start`")]]
    infusion_end: NotRequired[Clock]
    recovery_end: NotRequired[Clock]
    crosses_midnight: NotRequired[bool]


class Syringe(TypedDict):
    capacity_ml: Annotated[float, OneOf(tuple(json_number(c) for c, _ in limits.SYRINGES_ML))]
    graduation_ml: Annotated[float, OneOf(tuple(sorted({json_number(g) for _, g in limits.SYRINGES_ML})))]


class PumpAt(TypedDict):
    duration_min: Amount
    rate_ml_per_h: Amount


class PumpWindow(TypedDict):
    shortest: PumpAt
    longest: PumpAt


class Pump(TypedDict):
    concentration_mg_per_ml: Annotated[Number | None, Within(limits.CONCENTRATION_MG_PER_ML), Doc("the stock")]
    bag_ml: Annotated[Number | None, Within(limits.BAG_ML), Doc("the diluent bag")]
    standard_concentration_mg_per_ml: Annotated[
        Number | None, Within(limits.FINAL_CONCENTRATION_MG_PER_ML), Doc("`--final-concentration`")
    ]
    diluent: Annotated[str, rule(minLength=1, maxLength=60), Doc("the diluent's name")]
    drug_volume_ml: Annotated[Amount | None, Doc("stock to draw (4 places)")]
    syringe: Annotated[Syringe | None, Doc("the syringe to draw it with, and its marks")]
    diluent_to_add_ml: Annotated[Amount | None, Doc("made up to volume from stock")]
    mixed_volume_ml: Annotated[Amount, Doc("what is in the bag or syringe")]
    vtbi_ml: Annotated[Amount, Doc("the volume to be infused, to program")]
    vtbi_basis: Annotated[VtbiBasis, Doc("what the VTBI counts")]
    residual_mg: Annotated[Amount | None, Doc("drug left in the line with `--vtbi bag`")]
    final_concentration_mg_per_ml: Amount
    duration_min: Amount
    rate_ml_per_h: Annotated[Amount, Doc("the pump rate to program")]
    window_rates: PumpWindow
    read_back: Annotated[str, READ_BACK, Doc("the line read back before starting")]


# --- cost ----------------------------------------------------------------------------------


class MoneyRange(TypedDict):
    min: Money
    max: Money
    mid: Money


class CostBlock(TypedDict):
    currency: Annotated[Currency, Doc("ISO 4217 code")]
    per_infusion: Annotated[MoneyRange, Doc('money in the currency\'s minor units: `"650.00"`, JPY `"120000"`')]
    total: Annotated[MoneyRange, Doc("each the per-infusion figure × infusions")]


Infusions = Annotated[int, Within(limits.INFUSIONS)]
Cost = Annotated[CostBlock, MoneyByCurrency(("per_infusion", "total"))]


class CostSeries(TypedDict):
    infusions: Infusions


class QuoteSeries(TypedDict):
    infusions: Infusions
    total_dose_mg: Annotated[Amount, Doc("`dose.dose_mg` as printed × infusions")]


# --- the documents -------------------------------------------------------------------------


class DoseDocument(Envelope, Audited):
    patient: Patient
    dose: DoseBlock
    session: Session
    pump: NotRequired[Annotated[Pump, Doc("with pump settings only")]]


class CostDocument(Envelope):
    series: CostSeries
    cost: Cost
    inputs: NotRequired[Inputs]


class QuoteParts(Envelope):
    patient: Patient
    dose: DoseBlock
    session: Session
    pump: NotRequired[Pump]
    series: QuoteSeries
    cost: Cost


class QuoteDocument(QuoteParts, Audited):
    pass


class RowHead(TypedDict):
    row: Annotated[int, FIRST, Doc("the 1-based data-row number")]
    line: NotRequired[Annotated[int, FIRST, Doc("CSV: the physical line the row starts on")]]
    sheet: NotRequired[Annotated[str, Doc("a workbook's sheet")]]
    sheet_row: NotRequired[Annotated[int, FIRST, Doc("the sheet's own row number")]]
    date: NotRequired[Annotated[str, DATE, Doc("the date of a start cell that held a date and a time")]]
    id: Annotated[str | float | None, Doc("the row's id, echoed")]


class BatchQuote(RowHead, QuoteParts):
    pass


class RowError(TypedDict):
    field: Annotated[str | None, Doc("the column at fault, or null")]
    message: str


class BatchError(RowHead):
    schema_version: Annotated[str, Const(SCHEMA_VERSION)]
    kind: Any
    error: RowError


class CurrencyTotals(TypedDict):
    currency: Currency
    quoted: Annotated[int, COUNT]
    total: MoneyRange
    total_dose_mg: Amount


class BatchSummary(Notice):
    rows: Annotated[int, COUNT]
    quoted: Annotated[int, COUNT]
    rejected: Annotated[int, COUNT]
    warned: Annotated[int, COUNT, Doc("rows quoted with warnings")]
    warned_by_code: Annotated[
        dict[str, Annotated[int, FIRST]],
        KeyPattern("^[a-z][a-z0-9_]*$"),
        Doc("rows quoted with each warning, by its code"),
    ]
    skipped: Annotated[int, COUNT, Doc("rows that are no patient (totals rows, blank rows), never quoted")]
    blank: Annotated[int, COUNT, Doc("rows of empty cells (`,,,`), as spreadsheets pad a sheet")]
    by_currency: list[Annotated[CurrencyTotals, MoneyByCurrency(("total",))]]


class Setting(TypedDict):
    value: str | None
    source: str


class Searched(TypedDict):
    where: str
    path: str | None
    exists: bool


class ConfigFile(TypedDict):
    searched: list[Searched]
    used: str | None


class ConfigDocument(Notice):
    settings: NotRequired[Annotated[dict[str, Setting], Keys(tuple(SPECS))]]  # config --path reads no file
    file: ConfigFile


class ChartRow(TypedDict):
    weight: Annotated[Number, POSITIVE]
    weight_kg: Annotated[Number, Within(limits.WEIGHT_KG)]
    doses_mg: list[Amount]
    pump_rates_ml_per_h: NotRequired[list[Amount]]


class ChartBlock(TypedDict):
    weight_unit: Annotated[str, OneOf(tuple(DEFAULT_RANGE))]
    rates_mg_per_kg: Annotated[list[Annotated[Number, Within(limits.RATE_MG_PER_KG)]], rule(minItems=1)]
    duration_min: Annotated[Number, Within(limits.DURATION_MINUTES)]
    concentration_mg_per_ml: Annotated[Number | None, Within(limits.CONCENTRATION_MG_PER_ML)]
    bag_ml: Annotated[Number | None, Within(limits.BAG_ML)]
    standard_concentration_mg_per_ml: Annotated[Number | None, Within(limits.FINAL_CONCENTRATION_MG_PER_ML)]
    vtbi_basis: VtbiBasis | None
    rows: list[ChartRow]


class ChartDocument(Envelope):
    chart: ChartBlock
    inputs: NotRequired[Inputs]


class SessionPump(TypedDict):
    drug_volume_ml: Amount | None
    rate_ml_per_h: Amount
    read_back: Annotated[str, READ_BACK]


class PlanSession(TypedDict):
    number: Annotated[int, FIRST]
    kind: Literal["induction", "booster"]
    index: Annotated[int, FIRST]
    date: Annotated[str, DATE]
    weekday: Annotated[str, OneOf(WEEKDAYS)]
    rate_mg_per_kg: Annotated[Number, Within(limits.RATE_MG_PER_KG)]
    rate_ordered: Ordered
    dose_mg: Amount
    duration_min: Annotated[Number, Within(limits.DURATION_MINUTES)]
    rate_mg_per_h: Amount
    pump: SessionPump | None
    start: Clock | None
    infusion_end: Clock | None
    recovery_end: Clock | None
    price: Annotated[MoneyRange, Doc("in a package, the session's share of it (the shares add up to it exactly)")]
    in_package: Annotated[bool, Doc('paid for by `plan.package_price`: printed pages say "in package"')]


class PlanBlock(TypedDict):
    start_date: Annotated[str, rule(maxLength=64)]
    days: Annotated[list[Annotated[str, OneOf(WEEKDAYS)]], rule(minItems=1, uniqueItems=True)]
    infusions: Infusions
    boosters: Annotated[int, Within(limits.BOOSTERS)]
    booster_every_days: Annotated[int | None, Within(limits.BOOSTER_INTERVAL_DAYS)]
    skipped: Annotated[
        list[Annotated[str, DATE]], rule(uniqueItems=True, maxItems=int(limits.SKIPS.high)), Doc("the --skip dates")
    ]
    package_price: Annotated[Money | None, Doc("one price for the whole induction (--package-price)")]


class PlanTotalCost(TypedDict):
    currency: Currency
    min: Money
    mid: Money
    max: Money


class PlanTotals(TypedDict):
    sessions: Annotated[int, FIRST]
    infusions: Infusions
    boosters: Annotated[int, Within(limits.BOOSTERS)]
    dose_mg: Amount
    cost: PlanTotalCost


class PlanDocument(Envelope, Audited):
    patient: Patient
    plan: PlanBlock
    sessions: Annotated[list[PlanSession], rule(minItems=1)]
    totals: PlanTotals


# Every kind, in the order the schema lists them, and its declaration.
DOCUMENTS: dict[str, Any] = {
    "dose": DoseDocument,
    "cost": CostDocument,
    "quote": QuoteDocument,
    "chart": ChartDocument,
    "plan": Annotated[
        PlanDocument,
        MoneyAt(
            ("totals", "cost", "currency"),
            tuple(
                (*where, name)
                for where in (("sessions", "*", "price"), ("totals", "cost"))
                for name in ("min", "mid", "max")
            )
            + (("plan", "package_price"),),
            nullable=(("plan", "package_price"),),
        ),
    ],
    "config": ConfigDocument,
    "batch_quote": BatchQuote,
    "batch_error": BatchError,
    "batch_summary": BatchSummary,
}


def nullable_fields(declared: type) -> tuple[str, ...]:
    """The fields of a declaration that may be null, in order (the fast path writes them null)."""
    import types
    import typing

    found = []
    for name, hint in typing.get_type_hints(declared).items():
        if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in typing.get_args(hint):
            found.append(name)
    return tuple(found)
