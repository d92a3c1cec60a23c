"""Writing bulk files: a registry or facts as JSON Lines or CSV.

:func:`write_registry` and :func:`write_facts` write the JSON Lines or CSV
files that :mod:`nqengine.inputs.bulk` reads (a YAML registry or facts file
converts in two lines).  The JSON contract written as a stream is
:func:`nqengine.render.formats.write_evaluation_json`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from typing import Any, Iterable, Iterator, Mapping

from nqengine.inputs.bulk.checks import LIST_SEPARATOR
from nqengine.model import Fact, Registry

__all__ = ["write_registry", "write_facts", "write_rows", "registry_rows", "fact_rows"]


def _plain(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _drop_none(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in d.items() if v is not None and v != {} and v != []}


def registry_rows(registry: Registry) -> Iterator[dict[str, Any]]:
    """The registry as rows: units, then people with their roles and qualifications as rows of their own."""
    for u in registry.units.values():
        yield _drop_none({"record": "unit", "id": u.id, "name": u.name, "kind": u.kind, "sector": u.sector, "parent": u.parent,
                          "valid_from": u.valid_from, "valid_to": u.valid_to, "audience": dict(u.audience)})
    for p in registry.people.values():
        yield {"record": "person", "id": p.id, "name": p.name}
        for r in p.roles:
            yield _drop_none({"record": "role", "person": p.id, "unit": r.unit, "role": r.role, "valid_from": r.valid_from, "valid_to": r.valid_to})
        for q in p.qualifications:
            yield _drop_none({"record": "qualification", "person": p.id, "kind": q.kind, "body": q.body, "term": q.term,
                              "valid_from": q.valid_from, "valid_to": q.valid_to})


def fact_rows(facts: Iterable[Fact]) -> Iterator[dict[str, Any]]:
    """Facts as rows: ``id``, ``type``, ``unit``, ``date`` and the type's fields that are set."""
    for f in facts:
        yield {"id": f.id, "type": f.type, "unit": f.unit, **({"date": f.date.isoformat()} if f.date else {}), **_drop_none(f.data)}


def write_rows(rows: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> int:
    """Write rows as JSON Lines (``.jsonl``) or CSV (``.csv``); returns how many.

    CSV needs every column up front, so its rows are gathered first: mappings
    become dotted columns, lists ``|``-joined cells, lists of mappings JSON cells.
    """
    name = os.fspath(path)
    n = 0
    if not name.endswith(".csv"):
        with open(name, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        return n
    flat = [_flatten(r) for r in rows]
    columns: dict[str, None] = {}
    for r in flat:
        columns.update(dict.fromkeys(r))
    with open(name, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(columns))
        for r in flat:
            w.writerow([r.get(c, "") for c in columns])
            n += 1
    return n


def _flatten(row: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in row.items():
        if isinstance(v, Mapping):
            for sub, x in v.items():
                out[f"{k}.{sub}"] = _cell(x)
        else:
            out[k] = _cell(v)
    return out


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        if all(isinstance(x, str) and LIST_SEPARATOR not in x for x in v) and v and not v[0].startswith("["):
            return LIST_SEPARATOR.join(v)
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Mapping):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def write_registry(registry: Registry, path: str | os.PathLike[str]) -> int:
    """Write ``registry`` as JSON Lines or CSV (by the file's extension); returns the row count."""
    return write_rows(registry_rows(registry), path)


def write_facts(facts: Iterable[Fact], path: str | os.PathLike[str]) -> int:
    """Write ``facts`` as JSON Lines or CSV (by the file's extension); returns the row count."""
    return write_rows(fact_rows(facts), path)
