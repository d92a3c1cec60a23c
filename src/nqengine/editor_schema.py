"""JSON Schemas of the spec, registry and facts formats, for editors (``nqengine schema``).

An editor with a YAML language server (VS Code with the YAML extension, for
one) reads a JSON Schema named in a file's first line::
    # yaml-language-server: $schema=./nqengine-spec.schema.json

and then completes keys, shows each key's documentation, and flags unknown
keys and wrong types while the author types.  The schemas are generated from
the same validators the loader uses, including the kinds, fields and fact
types that the installed plugins add, so they never drift from what
``nqengine check`` accepts.  The loader stays the judge: it also checks
references, vocabularies and dates, which a JSON Schema cannot express.
"""

from __future__ import annotations

from typing import Any, Mapping

from nqengine.inputs.facts import COMMON_FACT_FIELDS
from nqengine.inputs.registry import REGISTRY_SCHEMA
from nqengine.plugins import catalogue_for, get_plugin_manager
from nqengine.schema import (
    Any_,
    Bool,
    Choice,
    Date,
    Field,
    Float,
    Int,
    ListOf,
    MapOf,
    Record,
    Str,
    Validator,
)
from nqengine.spec.load import (
    CLAUSE,
    COMMON_FIELDS,
    DEADLINE,
    MAX_DAYS,
    SELECTOR,
    spec_schema,
)

__all__ = ["spec_json_schema", "registry_json_schema", "facts_json_schema", "json_schema", "KINDS_OF_SCHEMA"]

KINDS_OF_SCHEMA = ("spec", "registry", "facts")
_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_DATE = {"type": "string", "description": "a date: dd/mm/yyyy or yyyy-mm-dd"}


def _validator(v: Validator) -> dict:
    """The JSON Schema of one validator (unknown custom validators accept anything)."""
    doc = {"description": v.doc} if getattr(v, "doc", "") else {}
    if isinstance(v, Record):
        return {**_record(v.fields), **doc}
    if isinstance(v, ListOf):
        item = _validator(v.item)
        arr: dict = {"type": "array", "items": item}
        if getattr(v, "min_len", 0):
            arr["minItems"] = v.min_len
        return {"anyOf": [item, arr], **doc} if getattr(v, "single", False) else {**arr, **doc}
    if isinstance(v, MapOf):
        return {"type": "object", "additionalProperties": _validator(v.value), **doc}
    if isinstance(v, Choice):
        return {"enum": list(v.choices), **doc}
    if isinstance(v, Bool):
        return {"type": "boolean", **doc}
    if isinstance(v, Int):
        out: dict = {"type": "integer", **doc}
        if v.min is not None:
            out["minimum"] = v.min
        if v.max is not None:
            out["maximum"] = v.max
        return out
    if isinstance(v, Float):
        return {"type": "number", **doc}
    if isinstance(v, Date):
        shapes = [dict(_DATE)]
        named = getattr(v, "_named", None)
        if isinstance(named, Record):  # a day off: a date, or {date, name, name_en}
            shapes.append(_record(named.fields))
        if type(v).__name__ == "_OptionalDate":
            shapes.append({"type": "null"})
        return ({"anyOf": shapes} if len(shapes) > 1 else shapes[0]) | doc
    if isinstance(v, Str):
        if type(v).__name__ == "_ClauseValue":  # a clause: its text, or {text, document}

            return {"anyOf": [{"type": "string"}, _record(CLAUSE.fields)], **doc}
        return {"type": "string", **doc}
    record, main = getattr(v, "record", None), getattr(v, "main", None)
    if isinstance(record, Record) and main in record.fields:  # a shorthand: the record, or its main value alone
        return {"anyOf": [_record(record.fields), _validator(record.fields[main].validator)], **doc}
    if isinstance(v, Any_):
        return {**doc}
    return {**doc}


def _field(f: Field) -> dict:
    out = _validator(f.validator)
    if f.doc and "description" not in out:
        out["description"] = f.doc
    return out


def _record(fields: Mapping[str, Field], *, closed: bool = True) -> dict:
    out: dict = {"type": "object", "properties": {k: _field(f) for k, f in fields.items()}}
    required = [k for k, f in fields.items() if f.required]
    if required:
        out["required"] = required
    if closed:
        out["additionalProperties"] = False
    return out


def _catalogue(pm: Any) -> Any:
    return catalogue_for(pm if pm is not None else get_plugin_manager())


def _obligation(cat: Any) -> dict:
    """An obligation: the common fields, then per ``kind`` its own and its plugins' fields."""

    branches = []
    for name in sorted(cat.kinds):
        kind_fields = dict(cat.kinds[name].fields)
        own = {k: Field(f.validator, doc=f.doc) for k, f in kind_fields.items()}  # in 'set', nothing is required
        set_fields = {"deadline": Field(DEADLINE), "due_soon_days": Field(Int(min=0, max=MAX_DAYS)), **own}
        exception = _record({
            "when": Field(SELECTOR, required=True, doc="the units the exception covers"),
            "clause": Field(Str(), doc="the clause that makes the exception"),
            "document": Field(Str(), doc="the document (amendment) that makes it"),
            "effective": Field(Date(), doc="from when the exception holds"),
            "set": Field(Record(set_fields), required=True, doc="what changes for those units"),
        })
        body = _record({**COMMON_FIELDS, **kind_fields})
        body["properties"]["exceptions"] = {"type": "array", "items": exception, "description": COMMON_FIELDS["exceptions"].doc}
        branches.append({"if": {"properties": {"kind": {"const": name}}, "required": ["kind"]}, "then": body})
    common = _record(COMMON_FIELDS, closed=False)
    common["properties"]["kind"] = {"enum": sorted(cat.kinds), "description": COMMON_FIELDS["kind"].doc}
    return {**common, "allOf": branches}


def spec_json_schema(pm: Any = None) -> dict:
    """The JSON Schema of a spec file (``plan.yaml``), with the installed plugins' kinds and fields."""

    cat = _catalogue(pm)
    top = _record(spec_schema().fields)
    top["properties"]["obligations"] = {"type": "array", "items": _obligation(cat), "minItems": 1, "description": "the rules"}
    for key in ("examples", "properties"):
        top["properties"][key] = {"description": spec_schema().fields[key].doc}
    # Composition: an extending plan inherits what it does not state.
    top["properties"].update({
        "extends": {"type": "string", "description": "path of the plan this one builds on, relative to this file"},
        "remove": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}], "description": "obligations of the extended plan dropped"},
        "override": {"type": "object", "additionalProperties": {"type": "object"}, "description": "partial changes to inherited obligations, by id; '~' removes a key, 'unset' lists paths to remove"},
        "amendments": {"type": "array", "items": {"type": "object"}, "description": "dated changes by another document"},
    })
    required = top.pop("required", [])
    top["if"] = {"required": ["extends"]}
    top["then"] = {"required": [k for k in required if k not in ("clauses", "obligations")]}
    top["else"] = {"required": required}
    return {"$schema": _DRAFT, "$id": "nqengine-spec.schema.json", "title": "nqengine spec (plan.yaml)", **top}


def registry_json_schema(pm: Any = None) -> dict:
    """The JSON Schema of a registry file (``registry.yaml``)."""

    return {"$schema": _DRAFT, "$id": "nqengine-registry.schema.json", "title": "nqengine registry (registry.yaml)", **_record(REGISTRY_SCHEMA.fields)}


def facts_json_schema(pm: Any = None) -> dict:
    """The JSON Schema of a facts file (``facts.yaml``): per ``type``, the installed fact types' fields."""

    cat = _catalogue(pm)
    branches = []
    for name in sorted(cat.fact_types):
        fields = {**COMMON_FACT_FIELDS, **cat.fact_types[name].fields}
        branches.append({"if": {"properties": {"type": {"const": name}}, "required": ["type"]}, "then": _record(fields)})
    fact = _record(COMMON_FACT_FIELDS, closed=False)
    fact["properties"]["type"] = {"enum": sorted(cat.fact_types), "description": COMMON_FACT_FIELDS["type"].doc}
    fact["allOf"] = branches
    body = {"type": "object", "properties": {"facts": {"type": "array", "items": fact}}, "required": ["facts"], "additionalProperties": False}
    return {"$schema": _DRAFT, "$id": "nqengine-facts.schema.json", "title": "nqengine facts (facts.yaml)", **body}


def json_schema(which: str, pm: Any = None) -> dict:
    """The schema of ``which`` (``spec``, ``registry`` or ``facts``)."""
    return {"spec": spec_json_schema, "registry": registry_json_schema, "facts": facts_json_schema}[which](pm)
