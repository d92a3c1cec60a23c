"""Writing specs, registries and facts back to YAML.

:func:`dump_spec` writes a loaded :class:`~nqengine.model.Spec` from the model
(not from the file it came from), so loading its output with
:func:`nqengine.spec.load_spec_text` gives an equal spec that evaluates
identically — ``nqengine prove`` checks exactly that.  Exceptions are written
back as the fields they change (``set:``); free notes (``note:``) are not kept
by the model and so are not written.  :func:`dump_registry` and
:func:`dump_facts` write the formats of ``registry.yaml`` and ``facts.yaml``;
``nqengine prove`` uses them to print counterexamples a person can read and
re-run.  Dates are written dd/mm/yyyy, as spec authors write them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from nqengine.model import Deadline, Fact, Obligation, Registry, Selector, Spec
from nqengine.spec.load import FORMAT_VERSION
from nqengine.yamlsource import to_python

__all__ = ["dump_facts", "dump_registry", "dump_spec", "facts_data", "registry_data", "spec_data", "to_yaml"]


def _date(d: dt.date | None) -> str | None:
    return d.strftime("%d/%m/%Y") if d is not None else None


def plain(value: Any) -> Any:
    """Plain YAML-ready data: dates as dd/mm/yyyy, sets sorted, tuples as lists."""
    if isinstance(value, dt.date):
        return _date(value)
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, int) else k: plain(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class _Dumper(yaml.SafeDumper):
    """Block style, Unicode kept, and long texts folded readably."""


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _str)


def to_yaml(data: Any) -> str:
    """YAML text of plain data, keys in insertion order, Vietnamese left readable."""
    return yaml.dump(plain(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def _params(value: Any) -> Any:
    """A kind's fields as written: optional fields left out (None) are not written."""
    value = plain(value)
    if isinstance(value, dict):
        return {k: _params(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_params(v) for v in value]
    return value


def _selector(sel: Selector) -> dict:
    out: dict[str, Any] = {}
    for key, attr in (
        ("kinds", "kinds"), ("sectors", "sectors"), ("units", "ids"), ("except", "exclude"), ("parents", "parents"),
        ("levels", "levels"), ("under", "under"),
    ):
        values = getattr(sel, attr)
        if values:
            out[key] = sorted(values)
    if sel.depth is not None:
        out["depth"] = sel.depth
    return out


def _deadline(d: Deadline) -> dict:
    out: dict[str, Any] = {}
    if d.open:
        out["none"] = True
    elif d.date is not None:
        out["date"] = _date(d.date)
        out["inclusive"] = d.inclusive
    elif d.day_of_last_month is not None or d.days_after_end is not None or d.on:  # a recurring obligation's, per period
        if d.day_of_last_month is not None:
            out["day_of_last_month"] = d.day_of_last_month
        elif d.days_after_end is not None:
            out["days_after_end"] = d.days_after_end
            if d.working_days:
                out["working_days"] = True
        else:
            out["on"] = [f"{day:02d}/{month:02d}" for day, month in d.on]
        out["inclusive"] = d.inclusive
    else:
        assert d.after is not None
        ref = d.after
        out["after"] = {"event": ref.event} if ref.event is not None else {"obligation": ref.obligation, "point": ref.point}
        out["days"] = d.days
        if d.working_days:
            out["working_days"] = True
        out["inclusive"] = d.inclusive
    for key in ("text", "interpretation", "clause", "new_units_days"):
        if getattr(d, key) is not None:
            out[key] = getattr(d, key)
    return out


def _obligation(ob: Obligation) -> dict:
    out: dict[str, Any] = {"id": ob.id, "kind": ob.kind, "title": ob.title, "clause": ob.clause, "applies_to": _selector(ob.applies_to)}
    if ob.deadline is not None:
        out["deadline"] = _deadline(ob.deadline)
    if ob.due_soon_days is not None:
        out["due_soon_days"] = ob.due_soon_days
    rec = ob.recurrence
    if rec is not None:
        out["every"] = rec.every if rec.every != "months" else {"months": rec.months, **({"anchor": _date(rec.anchor)} if rec.anchor else {})}
        out["from"] = _date(rec.start)
        if rec.end is not None:
            out["until"] = _date(rec.end)
        if rec.coverage.cutoff_day is not None:
            out["coverage"] = rec.coverage.name if rec.coverage.name in ("nd-09-2019",) else {"cutoff_day": rec.coverage.cutoff_day}
    out.update({k: _params(v) for k, v in ob.params.items() if v is not None})
    exceptions = []
    for exc in ob.exceptions:
        variant = exc.obligation
        changes: dict[str, Any] = {}
        if variant.deadline != ob.deadline and variant.deadline is not None:
            changes["deadline"] = _deadline(variant.deadline)
        if variant.due_soon_days != ob.due_soon_days and variant.due_soon_days is not None:
            changes["due_soon_days"] = variant.due_soon_days
        for k, v in variant.params.items():
            if plain(v) != plain(ob.params.get(k)) and v is not None:
                changes[k] = _params(v)
        e: dict[str, Any] = {"when": _selector(exc.when)}
        if exc.clause is not None:
            e["clause"] = exc.clause
        if exc.document is not None:
            e["document"] = exc.document
        if exc.effective is not None:
            e["effective"] = _date(exc.effective)
        e["set"] = changes
        exceptions.append(e)
    if exceptions:
        out["exceptions"] = exceptions
    return out


def _document(doc: Any) -> dict:
    out = {"id": doc.id, "title": doc.title}
    for key in ("issuer", "number"):
        if getattr(doc, key) is not None:
            out[key] = getattr(doc, key)
    if doc.issued is not None:
        out["issued"] = _date(doc.issued)
    return out


def spec_data(spec: Spec) -> dict:
    """The spec as plain data in the spec file format (see :func:`dump_spec`)."""

    out: dict[str, Any] = {"nqengine": FORMAT_VERSION, "id": spec.id, "title": spec.title, "document": _document(spec.document)}
    others = [_document(d) for did, d in spec.documents.items() if did != spec.document.id]
    if others:
        out["documents"] = others
    if spec.effective is not None:
        out["effective"] = _date(spec.effective)
    out["calendar"] = spec.calendar
    if spec.calendar_overrides:
        out["calendar_overrides"] = plain(spec.calendar_overrides)
    out["due_soon_days"] = spec.due_soon_days
    if spec.plugins:
        out["plugins"] = list(spec.plugins)
    if spec.audience_categories:
        out["audience_categories"] = plain(spec.audience_categories)
    if spec.materials:
        out["materials"] = dict(spec.materials)
    if spec.events:
        out["events"] = plain(spec.events)
    out["clauses"] = {
        cid: (c.text if c.document == spec.document.id else {"text": c.text, "document": c.document})
        for cid, c in spec.clauses.items()
    }
    out["obligations"] = [_obligation(ob) for ob in spec.obligations]
    raw = spec.raw
    if raw is not None and getattr(raw, "kind", None) == "map":
        for key in ("vocabularies", "examples", "properties"):  # kept as written
            node = raw.get(key)
            if node is not None:
                out[key] = to_python(node)
    return out


def dump_spec(spec: Spec) -> str:
    """YAML text that :func:`nqengine.spec.load_spec_text` loads back into an equal spec."""
    return to_yaml(spec_data(spec))


def registry_data(registry: Registry) -> dict:
    """The registry as plain data in the ``registry.yaml`` format."""
    units = []
    for u in registry.units.values():
        row: dict[str, Any] = {"id": u.id, "name": u.name, "kind": u.kind}
        for key in ("sector", "parent"):
            if getattr(u, key) is not None:
                row[key] = getattr(u, key)
        for key in ("valid_from", "valid_to"):
            if getattr(u, key) is not None:
                row[key] = _date(getattr(u, key))
        if u.audience:
            row["audience"] = dict(u.audience)
        units.append(row)
    people = []
    for p in registry.people.values():
        row = {"id": p.id, "name": p.name}
        if p.roles:
            row["roles"] = [_dated({"unit": r.unit, "role": r.role}, r) for r in p.roles]
        if p.qualifications:
            row["qualifications"] = [
                _dated({k: getattr(q, k) for k in ("kind", "body", "term") if getattr(q, k) is not None}, q) for q in p.qualifications
            ]
        people.append(row)
    out: dict[str, Any] = {"units": units}
    if people:
        out["people"] = people
    return out


def _dated(row: dict, obj: Any) -> dict:
    for key in ("valid_from", "valid_to"):
        if getattr(obj, key) is not None:
            row[key] = _date(getattr(obj, key))
    return row


def dump_registry(registry: Registry) -> str:
    """YAML text in the ``registry.yaml`` format."""
    return to_yaml(registry_data(registry))


def facts_data(facts: Iterable[Fact]) -> dict:
    """Facts as plain data in the ``facts.yaml`` format."""
    rows = []
    for f in facts:
        row: dict[str, Any] = {"id": f.id, "type": f.type, "unit": f.unit, "date": _date(f.date)}
        row.update({k: plain(v) for k, v in f.data.items() if v is not None})
        rows.append(row)
    return {"facts": rows}


def dump_facts(facts: Iterable[Fact]) -> str:
    """YAML text in the ``facts.yaml`` format."""
    return to_yaml(facts_data(facts))
