"""Cross-reference checks of a structurally valid spec.

Structure is checked by the schema while loading; this module checks what
refers to what: clause ids, events, obligations that a deadline counts from,
audience categories, materials, documents, the calendar, and cycles between
relative deadlines.  Each problem points at the node that holds the bad
reference.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from nqengine.errors import EvaluationError, Problem
from nqengine.model import Obligation, Spec
from nqengine.schema import hint_for
from nqengine.yamlsource import Node

__all__ = ["validate_spec", "node_at"]

_SEG = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def node_at(root: Node, path: str) -> Node | None:
    """The node at a dotted path such as ``obligations[2].deadline.after``."""
    node: Node | None = root
    for name, index in _SEG.findall(path):
        if node is None:
            return None
        if name:
            node = node.get(name)
        else:
            i = int(index)
            node = node.value[i] if node.kind == "seq" and i < len(node.value) else None
    return node


def _locate(root: Node, path: str) -> Node:
    """The deepest existing node along ``path`` (for a located message)."""
    parts = [m.group(0) for m in _SEG.finditer(path)]
    while parts:
        found = node_at(root, "".join(p if p.startswith("[") else "." + p for p in parts).lstrip("."))
        if found is not None:
            return found
        parts.pop()
    return root


def _clause_refs(ob: Obligation, base: str) -> Iterator[tuple[str, str]]:
    """(path, clause id) for every clause an obligation refers to."""
    yield f"{base}.clause", ob.clause
    if ob.deadline is not None and ob.deadline.clause:
        yield f"{base}.deadline.clause", ob.deadline.clause
    for key, value in ob.params.items():
        if isinstance(value, dict) and value.get("clause"):
            yield f"{base}.{key}.clause", value["clause"]
        if isinstance(value, dict):
            for j, sub in enumerate(value.get("exceptions") or []):
                if isinstance(sub, dict) and sub.get("clause"):
                    yield f"{base}.{key}.exceptions[{j}].clause", sub["clause"]
    for j, exc in enumerate(ob.exceptions):
        if exc.clause:
            yield f"{base}.exceptions[{j}].clause", exc.clause


def validate_spec(spec: Spec, cat: Any, root: Node) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: str, code: str, **params: Any) -> None:
        problems.append(_locate(root, path).problem(code, path, **params))

    if spec.calendar not in cat.calendars:
        add("calendar", "unknown_calendar", name=spec.calendar, choices=", ".join(sorted(cat.calendars)))
    clause_ids = list(spec.clauses)
    ids: dict[str, int] = {}
    for i, ob in enumerate(spec.obligations):
        base = f"obligations[{i}]"
        if ob.id in ids:
            first = node_at(root, f"obligations[{ids[ob.id]}].id")
            add(f"{base}.id", "duplicate_id", id=ob.id, first_line=first.line if first else "?")
        else:
            ids[ob.id] = i
        for path, cid in _clause_refs(ob, base):
            if cid not in spec.clauses:
                add(path, "unknown_clause", clause=cid, **hint_for(cid, clause_ids))
        for j, exc in enumerate(ob.exceptions):
            if exc.document and exc.document not in spec.documents:
                add(f"{base}.exceptions[{j}].document", "unknown_reference", field="document", ref=exc.document, **hint_for(exc.document, list(spec.documents)))
    obligation_ids = [ob.id for ob in spec.obligations]
    for i, ob in enumerate(spec.obligations):
        base = f"obligations[{i}]"
        variants = [(ob, f"{base}.deadline")] + [
            (e.obligation, f"{base}.exceptions[{j}].set.deadline") for j, e in enumerate(ob.exceptions)
        ]
        for variant, dpath in variants:
            d = variant.deadline
            if d is None or d.after is None:
                continue
            if d.after.event is not None and d.after.event not in spec.events:
                add(f"{dpath}.after.event", "unknown_reference", field="event", ref=d.after.event, **hint_for(d.after.event, list(spec.events)))
            if d.after.obligation is not None and d.after.obligation not in ids:
                add(f"{dpath}.after.obligation", "unknown_reference", field="obligation", ref=d.after.obligation, **hint_for(d.after.obligation, obligation_ids))
        problems.extend(_params_refs(spec, ob, base, root))
        kind = cat.kinds.get(ob.kind)
        if kind is not None:
            problems.extend(kind.lint(ob, spec) or [])
    if not problems:
        from nqengine.engine import obligation_order

        try:
            obligation_order(spec)
        except EvaluationError as exc:
            cycle = str(exc).split(": ", 1)[-1]
            add("obligations", "deadline_cycle", cycle=cycle)
    return problems


def _params_refs(spec: Spec, ob: Obligation, base: str, root: Node) -> list[Problem]:
    """Audience categories and materials named by an obligation must be declared."""
    out: list[Problem] = []
    cats = list(spec.audience_categories)
    variants = [(ob, base)] + [(e.obligation, f"{base}.exceptions[{j}].set") for j, e in enumerate(ob.exceptions)]
    for variant, vbase in variants:
        aud = variant.params.get("audience")
        if isinstance(aud, dict) and cats:
            for k, c in enumerate(aud.get("categories") or []):
                if c not in spec.audience_categories:
                    path = f"{vbase}.audience.categories[{k}]"
                    out.append(_locate(root, path).problem("unknown_reference", path, field="audience category", ref=c, **hint_for(c, cats)))
        mats = variant.params.get("materials")
        if isinstance(mats, dict):
            for k, m in enumerate(mats.get("required") or []):
                if m not in spec.materials:
                    path = f"{vbase}.materials.required[{k}]"
                    out.append(_locate(root, path).problem("unknown_reference", path, field="material", ref=m, **hint_for(m, list(spec.materials))))
    return out
