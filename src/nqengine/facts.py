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
from typing import Any, ClassVar, Mapping, Sequence

from nqengine.errors import FactsError, Problem
from nqengine.model import Fact, Source
from nqengine.schema import INVALID, Date, Field, ListOf, Record, Str, hint_for
from nqengine.yamlsource import Node, compose_file, compose_text

__all__ = ["FactType", "load_facts", "load_facts_text", "COMMON_FACT_FIELDS"]


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
    "until": Field(Date(), doc="last day of an event that spans days; deadlines compare this day"),
}


def spanned(date: Any, until: Any, data: dict) -> Any:
    """The date a fact counts on: the last day of an event that spans days (its first day kept as ``starts_on``)."""
    if until is None or until == date:
        return date
    data["starts_on"] = date
    return until


def load_facts(path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], pm: Any = None) -> list[Fact]:
    """Load facts from YAML, JSON Lines (``.jsonl``) or CSV (``.csv``), or from several such files.

    Several files are read as one: every problem in any of them is reported
    together, and per-member ``attendance`` rows are folded into the sessions
    they name, whichever file holds the session (sessions in a YAML file,
    a million attendance rows in a CSV file).  A folder means its ``facts.yaml``.
    """
    names = [os.fspath(p) for p in ([path] if isinstance(path, (str, os.PathLike)) else path)]
    names = [os.path.join(n, "facts.yaml") if os.path.isdir(n) else n for n in names]
    bulk = [n for n in names if n.endswith(_BULK)]
    if len(names) == 1 and not bulk:
        return _build(compose_file(names[0], FactsError), names[0], pm)
    facts: list[Fact] = []
    problems: list[Problem] = []
    for name in names:
        if name.endswith(_BULK):
            continue
        try:
            facts.extend(_build(compose_file(name, FactsError), name, pm, fold=False))
        except FactsError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FactsError(problems)
    if bulk:
        from nqengine.bulk import load_facts_bulk

        return load_facts_bulk(bulk, pm, prior=facts)
    from nqengine.attendance import fold_attendance

    return fold_attendance(facts)


_BULK = (".jsonl", ".csv")


def load_facts_text(text: str, filename: str = "<facts>", pm: Any = None) -> list[Fact]:
    return _build(compose_text(text, filename, FactsError), filename, pm)


def _types(pm: Any) -> Mapping[str, FactType]:
    from nqengine.plugins import catalogue_for, get_plugin_manager

    return catalogue_for(pm if pm is not None else get_plugin_manager()).fact_types


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
            # Accept the type's unknown fields as text so one mistake does not cascade.
            return {str(k.value): Field(Str()) for k, _ in node.value if str(k.value) not in COMMON_FACT_FIELDS}
        return types[name].fields

    return Record(COMMON_FACT_FIELDS, extra=extra)


def _build(root: Node, filename: str, pm: Any, fold: bool = True) -> list[Fact]:
    problems: list[Problem] = []
    types = _types(pm)
    top = Record({"facts": Field(ListOf(fact_schema(types)), required=True)}).validate(root, "", problems)
    if top is INVALID or problems:
        raise FactsError(problems)
    base = os.path.basename(filename)
    out = []
    for rec in top["facts"]:
        n = rec.node
        data = {k: v for k, v in rec.items() if k not in COMMON_FACT_FIELDS}
        if rec.get("until") is not None and rec["until"] < rec["date"]:
            problems.append(rec.node.problem("bad_period", "facts.until", start=rec["date"], end=rec["until"]))
        out.append(
            Fact(
                id=rec.get("id") or f"{base}:{n.line}",
                type=rec["type"],
                unit=rec["unit"],
                date=spanned(rec["date"], rec.get("until"), data),
                data=data,
                source=Source(n.file, n.line, n.column),
            )
        )
    if problems:
        raise FactsError(problems)
    if not fold:  # read with other files: folded with theirs (see load_facts)
        return out
    from nqengine.attendance import fold_attendance  # per-member rows become their session's counts

    return fold_attendance(out)
