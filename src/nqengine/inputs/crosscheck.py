"""Cross-references between a spec, a registry and facts, for ``nqengine check``.

Each file may be valid alone and still wrong together: a report's
``channel.to`` naming a unit the registry does not have makes every report
"indeterminate"; a registry's headcount under ``dang_vein`` is never counted;
a fact recorded for a unit the registry lacks is never used.  These checks
find such mistakes before an evaluation gives a wrong verdict, each located
at the value that refers to nothing, with "did you mean".

:func:`cross_check` takes whichever of the three is at hand (``None`` for
the others) and returns a list of :class:`~nqengine.errors.Problem`.
:func:`classify` tells a registry file from a facts file or a spec.
"""

from __future__ import annotations

import csv
import json
import os
from typing import Any, Iterable, Sequence

from nqengine.errors import Problem
from nqengine.model import Fact, Registry, Source, Spec
from nqengine.names import Ambiguous
from nqengine.plugins import get_plugin_manager
from nqengine.schema import Suggester, hint_for
from nqengine.spec.vocabularies import spec_vocabulary, vocabularies_for
from nqengine.yamlsource import compose_file
from nqengine.yamlsource import locate as _locate

__all__ = ["cross_check", "classify", "WARNINGS"]

#: Codes that are warnings, not errors: facts record what happened, and a
#: session presented by a guest outside the registry, or a fact of a unit that
#: no longer exists, is real; the evaluation reports it (unmatched, or not
#: qualified), and ``check`` points it out without failing.
WARNINGS = frozenset({"fact_unit_unknown", "unknown_person_reference", "name_read_as"})


def classify(path: str) -> str:
    """``"spec"``, ``"registry"``, ``"facts"`` or ``"folder"`` for a path given to ``nqengine check``.

    YAML files are told apart by their top-level keys (``units``/``people``: a
    registry; ``facts``: facts); JSON Lines and CSV files by their first
    record (a fact has a ``type``).  Anything unreadable is a ``"spec"``, so
    that the spec loader reports what is wrong with it.
    """
    if os.path.isdir(path):
        return "folder"
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext in (".jsonl", ".ndjson"):
            with open(path, encoding="utf-8-sig") as fh:
                for line in fh:
                    if line.strip():
                        first = json.loads(line)
                        return "facts" if isinstance(first, dict) and "type" in first else "registry"
            return "facts"
        if ext == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as fh:
                header = next(csv.reader(fh), [])
            return "facts" if "type" in [h.strip() for h in header] else "registry"

        root = compose_file(path)
    except Exception:  # unreadable or malformed: the spec loader says why, located
        return "spec"
    if root.kind == "map":
        keys = {str(k.value) for k, _ in root.value}
        if "facts" in keys and not keys & {"obligations", "clauses"}:
            return "facts"
        if keys & {"units", "people"} and not keys & {"obligations", "clauses"}:
            return "registry"
    return "spec"


def _as_typed(lookup: Any, f: Fact, fallback: str, path: str, ref: str, out: list[Problem]) -> bool | None:
    """A name matched ignoring case, diacritics and spacing: a warning naming the match (True), an error naming
    the candidates when several fit (None), or False when nothing fits (the caller reports it unknown)."""
    try:
        found = lookup(ref)
    except Ambiguous as exc:
        out.append(_at(f.source, fallback, path, "name_ambiguous", ref=ref, candidates=str(exc)))
        return None
    if found is None:
        return False
    out.append(_at(f.source, fallback, path, "name_read_as", ref=ref, name=found.name, id=found.id))
    return True


def _at(src: Source | None, fallback: str, path: str, code: str, **params: Any) -> Problem:
    s = src or Source(fallback, 1, 1)
    return Problem(s.file, s.line, s.column, path, code, params)


def _spec_at(spec: Spec, path: str, code: str, **params: Any) -> Problem:
    node = _locate(spec.raw, path) if spec.raw is not None else None
    if node is None:
        return Problem(spec.source or "<spec>", 1, 1, path, code, params)
    return node.problem(code, path, **params)


def _unit_refs(spec: Spec) -> Iterable[tuple[str, str]]:
    """(path, unit id) of every unit a spec names: selectors, report channels, qualification bodies."""
    for i, ob in enumerate(spec.obligations):
        base = f"obligations[{i}]"
        variants = [(ob, base, ob.applies_to, "applies_to")]
        variants += [(e.obligation, f"{base}.exceptions[{j}].set", e.when, f"{base}.exceptions[{j}].when") for j, e in enumerate(ob.exceptions)]
        for variant, vbase, selector, spath in variants:
            spath = spath if spath.startswith("obligations") else f"{base}.{spath}"
            for key, ids in (("units", selector.ids), ("parents", selector.parents), ("except", selector.exclude)):
                for uid in sorted(ids):
                    yield f"{spath}.{key}", uid
            channel = variant.params.get("channel")
            if isinstance(channel, dict) and (variant is ob or channel is not ob.params.get("channel")):
                for key in ("to", "via"):
                    if channel.get(key):
                        yield f"{vbase}.channel.{key}", channel[key]
            presenter = variant.params.get("presenter")
            if isinstance(presenter, dict) and (variant is ob or presenter is not ob.params.get("presenter")):
                for k, q in enumerate(presenter.get("qualifications") or []):
                    if q.get("body"):
                        yield f"{vbase}.presenter.qualifications[{k}].body", q["body"]


def cross_check(spec: Spec | None, registry: Registry | None, facts: Sequence[Fact] | None, pm: Any = None) -> list[Problem]:
    """Every reference between ``spec``, ``registry`` and ``facts`` (any may be None) that names nothing."""

    if pm is None:
        pm = get_plugin_manager()
    out: list[Problem] = []
    hints: dict[str, Suggester] = {}

    def hint(word: str, what: str) -> dict:
        """``hint_for(word, sorted ids)`` of the registry's units or people, their index built once for every hint."""
        suggester = hints.get(what)
        if suggester is None:
            suggester = hints[what] = Suggester(sorted(registry.units if what == "units" else registry.people))  # type: ignore[union-attr]
        return hint_for(word, (), suggester)

    if registry is not None:
        fallback = registry.source or "<registry>"
        roles = spec_vocabulary(spec, pm, "roles") if spec is not None else vocabularies_for(pm)["roles"]
        quals = spec_vocabulary(spec, pm, "qualifications") if spec is not None else vocabularies_for(pm)["qualifications"]
        cats = spec_vocabulary(spec, pm, "audience_categories") if spec is not None else vocabularies_for(pm)["audience_categories"]
        for person in registry.people.values():
            for j, r in enumerate(person.roles):
                if r.role not in roles:
                    out.append(_at(person.source, fallback, f"people.{person.id}.roles[{j}].role", "unknown_term", field="role", ref=r.role, vocabulary="roles", **hint_for(r.role, sorted(roles))))
                if registry.units.get(r.unit) is None:
                    out.append(_at(person.source, fallback, f"people.{person.id}.roles[{j}].unit", "unknown_unit_reference", ref=r.unit, **hint(r.unit, "units")))
            for j, q in enumerate(person.qualifications):
                if q.kind not in quals:
                    out.append(_at(person.source, fallback, f"people.{person.id}.qualifications[{j}].kind", "unknown_term", field="kind", ref=q.kind, vocabulary="qualifications", **hint_for(q.kind, sorted(quals))))
                if q.body and registry.units.get(q.body) is None:
                    out.append(_at(person.source, fallback, f"people.{person.id}.qualifications[{j}].body", "unknown_unit_reference", ref=q.body, **hint(q.body, "units")))
        sectors = spec_vocabulary(spec, pm, "sectors") if spec is not None else vocabularies_for(pm)["sectors"]
        for unit in registry.units.values():
            if unit.sector is not None and unit.sector not in sectors:
                out.append(_at(unit.source, fallback, f"units.{unit.id}.sector", "unknown_term", field="sector", ref=unit.sector, vocabulary="sectors", **hint_for(unit.sector, sorted(sectors))))
            for cat in unit.audience:
                if cat not in cats:
                    out.append(_at(unit.source, fallback, f"units.{unit.id}.audience.{cat}", "unknown_audience_key", ref=cat, **hint_for(cat, sorted(cats))))
        if spec is not None:
            for path, uid in _unit_refs(spec):
                if registry.unit(uid) is None:
                    out.append(_spec_at(spec, path, "unknown_unit_reference", ref=uid, **hint(uid, "units")))
    if facts is not None:
        cats = spec_vocabulary(spec, pm, "audience_categories") if spec is not None else None
        for f in facts:
            fallback = "<facts>"
            if registry is not None and registry.unit(f.unit) is None:
                found = _as_typed(registry.unit_as_typed, f, fallback, f"{f.id}.unit", f.unit, out)
                if found is False:
                    out.append(_at(f.source, fallback, f"{f.id}.unit", "fact_unit_unknown", ref=f.unit, **hint(f.unit, "units")))
            if registry is not None:
                for key in ("to", "via"):
                    ref = f.data.get(key)
                    if isinstance(ref, str) and registry.unit(ref) is None:
                        out.append(_at(f.source, fallback, f"{f.id}.{key}", "unknown_unit_reference", ref=ref, **hint(ref, "units")))
                named = [("presenter", f.data.get("presenter"))]
                many = f.data.get("presenters")
                if isinstance(many, (list, tuple)):
                    named += [(f"presenters[{k}]", who) for k, who in enumerate(many)]
                for key, who in named:
                    if isinstance(who, str) and who and registry.person(who) is None:
                        found = _as_typed(registry.person_as_typed, f, fallback, f"{f.id}.{key}", who, out)
                        if found is False:
                            out.append(_at(f.source, fallback, f"{f.id}.{key}", "unknown_person_reference", ref=who, **hint(who, "people")))
            attendance = f.data.get("attendance")
            if cats is not None and isinstance(attendance, dict):
                for cat in attendance:
                    if cat not in cats:
                        out.append(_at(f.source, fallback, f"{f.id}.attendance.{cat}", "unknown_audience_key", ref=cat, **hint_for(cat, sorted(cats))))
    return sorted(out, key=lambda p: (p.file, p.line, p.column, p.path))
