"""The JSON Schema (draft 2020-12) of every JSON document ketacalc writes, derived from the
documents' one declaration (``ketacalc.shapes``).

Every object is closed (a field ketacalc never writes is an error), every bound is the code's
(``limits``), money strings have exactly their currency's minor units, and the document a
``kind`` names is checked against that kind's definition.
"""

from __future__ import annotations

import copy
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from ketacalc import shapes
from ketacalc.currencies import ISO_4217, minor_units
from ketacalc.documents import SCHEMA_VERSION

Schema = dict[str, Any]

KINDS = tuple(shapes.DOCUMENTS)
_PLAIN = {str: "string", bool: "boolean", int: "integer", float: "number"}


def schema() -> Schema:
    """The whole schema: the document whose ``kind`` it is, under ``$defs``."""
    whole = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://ketacalc.invalid/schema/{SCHEMA_VERSION}",
        "title": f"ketacalc JSON documents, schema_version {SCHEMA_VERSION}",
        "description": (
            "Informational only. Every document names its kind, and is checked against that kind's "
            "definition. Money is a decimal string in the currency's minor units (ISO 4217)."
        ),
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": list(KINDS)}},
        "allOf": [
            {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}, "then": {"$ref": f"#/$defs/{kind}"}}
            for kind in KINDS
        ],
        "$defs": {kind: _with_kind(of(declared), kind) for kind, declared in shapes.DOCUMENTS.items()},
    }
    return copy.deepcopy(whole)  # no two places share an object: a caller may change one


def of(annotation: Any) -> Schema:
    """The schema of one declared type: a TypedDict, a list, a dict, a plain type, a union with
    None, a Literal, or any of these ``Annotated`` with what else is true of it."""
    while get_origin(annotation) in (typing.NotRequired, typing.Required):
        (annotation,) = get_args(annotation)  # whether a key is required is the object's to say
    base: Any = annotation
    metadata: tuple[Any, ...] = ()
    if get_origin(annotation) is typing.Annotated:
        base, *extra = get_args(annotation)
        metadata = tuple(extra)
    found = _base(base, metadata)
    for item in metadata:
        found = _apply(found, item, base)
    return found


def _base(base: Any, metadata: tuple[Any, ...]) -> Schema:
    origin = get_origin(base)
    if base is Any:
        return {}
    if base in _PLAIN:
        return {"type": _PLAIN[base]}
    if isinstance(base, type) and typing.is_typeddict(base):
        return _object(base)
    if origin is Literal:
        values = list(get_args(base))
        return {"const": values[0]} if len(values) == 1 else {"enum": values}
    if origin is list:
        return {"type": "array", "items": of(get_args(base)[0])}
    if origin is dict:
        value = of(get_args(base)[1])
        keys = next((item.names for item in metadata if isinstance(item, shapes.Keys)), None)
        if keys is not None:
            return {"type": "object", "properties": dict.fromkeys(keys, value), "required": list(keys), **_CLOSED}
        return {"type": "object", "additionalProperties": value}
    if origin in (Union, types.UnionType):
        return _union(get_args(base))
    raise TypeError(f"no schema for {base!r}")


def _union(members: tuple[Any, ...]) -> Schema:
    """A type or null: the type's schema with "null" among its types (or None among its values)."""
    others = [member for member in members if member is not type(None)]
    nullable = len(others) < len(members)
    if all(member in _PLAIN for member in others):
        names = [_PLAIN[member] for member in others] + (["null"] if nullable else [])
        return {"type": names[0] if len(names) == 1 else names}
    if len(others) != 1 or not nullable:
        raise TypeError(f"no schema for a union of {members!r}")
    return _nullable(of(others[0]))


def _nullable(found: Schema) -> Schema:
    if "enum" in found:
        return {**found, "enum": [*found["enum"], None]}
    kind = found.get("type")
    if isinstance(kind, str):
        return {**found, "type": [kind, "null"]}
    raise TypeError(f"no nullable form of {found!r}")


_CLOSED = {"additionalProperties": False}  # closed: a field ketacalc never writes is an error


def _object(declared: type) -> Schema:
    hints = get_type_hints(declared, include_extras=True)
    required = declared.__required_keys__  # type: ignore[attr-defined]
    return {
        "type": "object",
        "properties": {name: of(hint) for name, hint in hints.items()},
        "required": [name for name in hints if name in required],
        **_CLOSED,
    }


def _apply(found: Schema, item: Any, base: Any) -> Schema:
    """What one piece of metadata adds to a field's schema."""
    if isinstance(item, shapes.Within):
        return {
            **found,
            "minimum": shapes.json_number(item.bounds.low),
            "maximum": shapes.json_number(item.bounds.high),
        }
    if isinstance(item, shapes.Rule):
        return {**found, **item.keywords}
    if isinstance(item, shapes.Const):
        return {"const": item.value}
    if isinstance(item, shapes.OneOf):
        nullable = "null" in found.get("type", ())
        return {"enum": [*item.values, *([None] if nullable else [])]}
    if isinstance(item, shapes.MoneyByCurrency):
        return {**found, "allOf": _money_by_currency(item.fields)}
    if isinstance(item, shapes.KeyPattern):
        return {**found, "propertyNames": {"pattern": item.pattern}}
    if isinstance(item, shapes.MoneyAt):
        return {**found, "allOf": _money_at(item)}
    return found  # Doc and Keys say nothing more here


def _amounts() -> list[tuple[list[str], Schema]]:
    """Per number of minor units (ISO 4217): the currencies that have it, and a money string with exactly
    that many places ("60000" for JPY, "400.000" for BHD)."""
    found = []
    for places in sorted({minor_units(code) for code in ISO_4217}):
        codes = sorted(code for code in ISO_4217 if minor_units(code) == places)
        pattern = r"^(0|[1-9][0-9]*)" + (rf"\.[0-9]{{{places}}}$" if places else "$")
        found.append((codes, {"type": "string", "pattern": pattern}))
    return found


def _money_by_currency(money_fields: tuple[str, ...]) -> list[Schema]:
    """Money objects (min, max, mid) with exactly the minor units of the object's own ``currency``."""
    return [
        {
            "if": {"properties": {"currency": {"enum": codes}}, "required": ["currency"]},
            "then": {
                "properties": {
                    name: {
                        "type": "object",
                        "properties": {"min": amount, "max": amount, "mid": amount},
                        "required": ["min", "max", "mid"],
                        **_CLOSED,
                    }
                    for name in money_fields
                }
            },
        }
        for codes, amount in _amounts()
    ]


def _at(path: tuple[str, ...], leaf: Schema) -> Schema:
    """``leaf`` at ``path`` in an object ("*": every item of a list)."""
    for step in reversed(path):
        leaf = {"items": leaf} if step == "*" else {"properties": {step: leaf}}
    return leaf


def _money_at(item: shapes.MoneyAt) -> list[Schema]:
    """Every money string at ``item.amounts`` with exactly the minor units of the currency at ``item.currency``."""
    return [
        {
            "if": _at(item.currency, {"enum": codes}),
            "then": {
                "allOf": [
                    _at(path, {"anyOf": [{"type": "null"}, amount]} if path in item.nullable else amount)
                    for path in item.amounts
                ]
            },
        }
        for codes, amount in _amounts()
    ]


def _with_kind(document: Schema, kind: str) -> Schema:
    return {**document, "properties": {**document["properties"], "kind": {"const": kind}}}
