"""Cross-reference checks of a structurally valid spec.

Structure is checked by the schema while loading; this module checks what
refers to what: clause ids, events, obligations that a deadline counts from,
audience categories, materials, documents, the calendar, and cycles between
relative deadlines.  Each problem points at the node that holds the bad
reference.
"""

from __future__ import annotations

import inspect
from typing import Any, Iterator

from nqengine.errors import Problem
from nqengine.model import Obligation, Spec
from nqengine.schema import hint_for, hint_or_choices
from nqengine.spec.vocabularies import check_spec_terms
from nqengine.yamlsource import Node, join_path, node_at
from nqengine.yamlsource import locate as _locate

__all__ = ["validate_spec", "node_at"]

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
        keys, own_deadline = _set_by(exc.obligation, ob)
        sbase = f"{base}.exceptions[{j}].set"
        d = exc.obligation.deadline
        if own_deadline and d is not None and d.clause:
            yield f"{sbase}.deadline.clause", d.clause
        for key in keys:
            value = exc.obligation.params[key]
            if isinstance(value, dict) and value.get("clause"):
                yield f"{sbase}.{key}.clause", value["clause"]


def _set_by(variant: Obligation, ob: Obligation) -> tuple[list[str], bool]:
    """What an exception's ``set`` gave itself: (parameter names, whether a deadline).

    Everything else is the general rule's, shared by identity, and is checked
    (and reported) once, at the general rule.
    """
    keys = [k for k, v in variant.params.items() if v is not ob.params.get(k)]
    return keys, variant.deadline is not ob.deadline


def _variants(ob: Obligation, base: str) -> list[tuple[Obligation, str, list[str] | None, bool]]:
    """(obligation as it reads, path, own parameter names or None for all, own deadline?)."""
    out: list[tuple[Obligation, str, list[str] | None, bool]] = [(ob, base, None, True)]
    for j, e in enumerate(ob.exceptions):
        keys, own_deadline = _set_by(e.obligation, ob)
        out.append((e.obligation, f"{base}.exceptions[{j}].set", keys, own_deadline))
    return out


def validate_spec(spec: Spec, cat: Any, root: Node, partial: Any = frozenset()) -> list[Problem]:
    """Every reference problem of ``spec``, located in ``root``.

    ``partial`` holds the indices of obligations loaded with a faulty part left
    out (a deadline already reported): their references are checked, but not
    their kind's lint rules, which may rely on the missing part.
    """
    problems: list[Problem] = []

    def add(path: str, code: str, **params: Any) -> None:
        problems.append(_locate(root, path).problem(code, path, **params))

    if spec.calendar not in cat.calendars:
        add("calendar", "unknown_calendar", name=spec.calendar, choices=", ".join(sorted(cat.calendars)), **hint_or_choices(spec.calendar, sorted(cat.calendars)))
    _check_documents(spec, root, add)
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
                add(f"{base}.exceptions[{j}].document", "unknown_document", ref=exc.document, **hint_for(exc.document, list(spec.documents)))
    obligation_ids = [ob.id for ob in spec.obligations]
    for i, ob in enumerate(spec.obligations):
        base = f"obligations[{i}]"
        for variant, vbase, _, own_deadline in _variants(ob, base):
            d, dpath = variant.deadline, f"{vbase}.deadline"
            if not own_deadline or d is None or d.after is None:
                continue
            if d.after.event is not None and d.after.event not in spec.events:
                add(f"{dpath}.after.event", "unknown_event", ref=d.after.event, **hint_for(d.after.event, list(spec.events)))
            if d.after.obligation is not None and d.after.obligation not in ids:
                add(f"{dpath}.after.obligation", "unknown_obligation", ref=d.after.obligation, **hint_for(d.after.obligation, obligation_ids))
        problems.extend(_params_refs(spec, ob, base, root))
        kind = cat.kinds.get(ob.kind)
        if kind is not None and i not in partial:
            problems.extend(_lint(kind, ob, spec, cat))
    problems.extend(_cycles(spec, root))

    problems.extend(check_spec_terms(spec, root, cat.pm))
    return problems


def _check_documents(spec: Spec, root: Node, add: Any) -> None:
    """Document ids are unique, and a clause's ``document`` names a declared one."""
    seen = {spec.document.id: "document.id"}
    listed = root.get("documents")
    for i, dn in enumerate(listed.value if listed is not None and listed.kind == "seq" else []):
        idn = dn.get("id")
        if idn is None or idn.kind != "scalar":
            continue
        did = str(idn.value).strip()
        if did in seen:
            prev = node_at(root, seen[did])
            add(f"documents[{i}].id", "duplicate_id", id=did, first_line=prev.line if prev else "?")
        else:
            seen[did] = f"documents[{i}].id"
    known = list(spec.documents)
    for cid, clause in spec.clauses.items():
        if clause.document not in spec.documents:
            path = join_path(join_path("clauses", cid), "document")
            add(path, "unknown_document", ref=clause.document, **hint_for(clause.document, known))


def _deps(ob: Obligation, base: str) -> list[tuple[str, str]]:
    """(obligation id, path of the reference) for each obligation ``ob``'s deadlines count from."""
    out = []
    for variant, vbase, _, own_deadline in _variants(ob, base):
        d = variant.deadline
        if own_deadline and d is not None and d.after is not None and d.after.obligation:
            out.append((d.after.obligation, f"{vbase}.deadline.after.obligation"))
    return out


def _cycles(spec: Spec, root: Node) -> list[Problem]:
    """One problem per cycle of relative deadlines, at the reference that closes it."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for i, ob in enumerate(spec.obligations):
        edges.setdefault(ob.id, _deps(ob, f"obligations[{i}]"))  # a duplicate id is reported apart
    state: dict[str, int] = {}
    out: list[Problem] = []

    def visit(oid: str, trail: list[str]) -> None:
        state[oid] = 1
        for dep, path in edges.get(oid, []):
            if dep not in edges:
                continue  # an unknown obligation: reported on its own
            if state.get(dep) == 1:
                cycle = trail[trail.index(dep):] + [oid, dep] if dep in trail else [oid, dep]
                out.append(_locate(root, path).problem("deadline_cycle", path, cycle=" -> ".join(cycle)))
            elif state.get(dep) is None:
                visit(dep, trail + [oid])
        state[oid] = 2

    for ob in spec.obligations:
        if state.get(ob.id) is None:
            visit(ob.id, [])
    return out


def _params_refs(spec: Spec, ob: Obligation, base: str, root: Node) -> list[Problem]:
    """Audience categories and materials named by an obligation must be declared."""
    out: list[Problem] = []
    cats = list(spec.audience_categories)
    for variant, vbase, own, _ in _variants(ob, base):
        aud = variant.params.get("audience") if own is None or "audience" in own else None
        if isinstance(aud, dict) and cats:
            for k, c in enumerate(aud.get("categories") or []):
                if c not in spec.audience_categories:
                    path = f"{vbase}.audience.categories[{k}]"
                    out.append(_locate(root, path).problem("unknown_audience_category", path, ref=c, **hint_for(c, cats)))
        mats = variant.params.get("materials") if own is None or "materials" in own else None
        if isinstance(mats, dict):
            for k, m in enumerate(mats.get("required") or []):
                if m not in spec.materials:
                    path = f"{vbase}.materials.required[{k}]"
                    out.append(_locate(root, path).problem("unknown_material", path, ref=m, **hint_for(m, list(spec.materials))))
    return out


def _lint(kind: Any, ob: Obligation, spec: Spec, cat: Any) -> list[Problem]:
    """A kind's own lint rules; kinds written before ``catalogue`` was passed still work."""

    try:
        takes_catalogue = len(inspect.signature(kind.lint).parameters) >= 3
    except (TypeError, ValueError):
        takes_catalogue = False
    return list((kind.lint(ob, spec, cat) if takes_catalogue else kind.lint(ob, spec)) or [])
