"""Recorded facts (dữ kiện): what each unit did, and when.

A fact file is YAML (``facts: [...]``), JSON Lines or CSV.  Each fact has an
``id`` (default: ``file:line``), a ``type`` registered by a plugin (built-in:
session, report, dissemination, deliverable, supervision, event), the ``unit``
it is about, a ``date``, and the fields of its type.  A fact naming an
unknown unit is not an error: evaluation reports it as unmatched, with the
reason, so no fact is ever dropped silently.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar, Mapping

from nqengine.errors import FactsError, Problem
from nqengine.model import Fact, Source
from nqengine.plugins.manager import catalogue_for, get_plugin_manager
from nqengine.schema import INVALID, Any_, Date, Field, ListOf, Record, Str, hint_for
from nqengine.spec.recurrence import PeriodPhrase
from nqengine.yamlsource import Node

__all__ = ["FactType", "COMMON_FACT_FIELDS", "backwards", "fact_of", "fact_schema", "read_facts"]


class FactType:
    """A type of fact: its ``name`` (``type:`` in fact files) and its own ``fields``."""

    name: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    fields: ClassVar[Mapping[str, Field]] = {}


COMMON_FACT_FIELDS: dict[str, Field] = {
    "id": Field(Str(), doc="unique id (default: file:line)"),
    "type": Field(Str(), required=True, doc="fact type"),
    "unit": Field(Str(), required=True, doc="the unit the fact is about (id or name)"),
    "date": Field(Date(), required=True, doc="when it happened"),
    "note": Field(Str(), doc="free text"),
    "period": Field(PeriodPhrase(), doc="the period the fact covers, for a recurring obligation: 'quý II/2026', '6 tháng đầu năm 2026', 'năm 2026'"),
    "until": Field(Date(), doc="last day of an event that spans days; deadlines compare this day"),
}


def spanned(date: Any, until: Any, data: dict) -> Any:
    """The date a fact counts on: the last day of an event that spans days (its first day kept as ``starts_on``)."""
    if until is None or until == date:
        return date
    data["starts_on"] = date
    return until


def fact_of(rec: Mapping[str, Any], fid: str, type_: str, unit: str, data: dict[str, Any], source: Source | None) -> Fact:
    """The fact of a record its type's checks accepted; ``data`` holds the type's own fields, as the caller keeps them.

    Every reader builds its facts here (YAML, JSON Lines and CSV files, the
    service's batches), so that they read alike: the period the fact covers is
    kept in ``data``, and an event over several days is dated on its last day
    (:func:`spanned`).  ``data`` is the fact's own mapping (it may be changed).
    The caller refuses a record whose ``until`` is before its ``date``
    (:func:`backwards`), located as it can.
    """
    period = rec.get("period")
    if period is not None:
        data["period"] = period
    return Fact(id=fid, type=type_, unit=unit, date=spanned(rec["date"], rec.get("until"), data), data=data, source=source)


def backwards(rec: Mapping[str, Any]) -> bool:
    """Whether a fact's ``until`` is before its ``date`` (refused: ``until_before_date``, in every format)."""
    until = rec.get("until")
    return until is not None and until < rec["date"]


def _types(pm: Any) -> Mapping[str, FactType]:
    cat = catalogue_for(pm if pm is not None else get_plugin_manager())
    cat.reserve("fact_types", COMMON_FACT_FIELDS)
    return cat.fact_types


def fact_schema(types: Mapping[str, FactType]) -> Record:
    """The record schema of one fact: common fields plus those of its ``type``."""

    def extra(node: Node, path: str, problems: list[Problem]) -> Mapping[str, Field] | None:
        tn = node.get("type")
        if tn is None or tn.kind != "scalar":
            return None
        name = str(tn.value)
        if name not in types:
            choices = sorted(types)
            problems.append(tn.problem("unknown_fact_type", f"{path}.type", type=name, choices=", ".join(choices), **hint_for(name, choices)))
            # Accept the unknown type's fields as they are (text, a list, a mapping) so one mistake does not cascade.
            return {str(k.value): Field(Any_()) for k, _ in node.value if str(k.value) not in COMMON_FACT_FIELDS}
        return types[name].fields

    return Record(COMMON_FACT_FIELDS, extra=extra)


def read_facts(root: Node, filename: str, pm: Any) -> list[Fact]:
    """The facts of one YAML document, as written (per-member attendance not yet folded)."""
    problems: list[Problem] = []
    types = _types(pm)
    top = Record({"facts": Field(ListOf(fact_schema(types)), required=True)}).validate(root, "", problems)
    if top is INVALID or problems:
        raise FactsError(problems)
    base = os.path.basename(filename)
    out = []
    for i, rec in enumerate(top["facts"]):
        n = rec.node
        if backwards(rec):
            at = n.get("until") or n
            problems.append(at.problem("until_before_date", f"facts[{i}].until", start=rec["date"], end=rec["until"]))
        data = {k: v for k, v in rec.items() if k not in COMMON_FACT_FIELDS}
        out.append(fact_of(rec, rec.get("id") or f"{base}:{n.line}", rec["type"], rec["unit"], data, Source(n.file, n.line, n.column)))
    if problems:
        raise FactsError(problems)
    return out
