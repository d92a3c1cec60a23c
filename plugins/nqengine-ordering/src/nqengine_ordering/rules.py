"""The three rules: conditions (``only_if``), cross-level order (``after_superior``), modes (``modes``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from nqengine.model import Fact, Finding, Obligation, Unit, Verdict

from nqengine_ordering.fields import Mode, ModeList

__all__ = ["condition_state", "not_applicable", "condition_holds_finding", "order_findings", "ModeView", "mode_findings"]


def condition_state(context: Any, unit: Unit, name: str) -> tuple[bool | None, list[Fact]]:
    """Whether condition ``name`` holds for ``unit`` (its latest record decides; None: never recorded)."""
    facts = [f for f in context.facts(unit.id, "condition") if f.data.get("name") == name]
    if not facts:
        return None, []
    return bool(facts[-1].data.get("value", True)), facts


def not_applicable(verdict: Verdict, rule: dict, holds: bool | None, facts: list[Fact], obligation: Obligation, context: Any) -> Verdict:
    """The verdict of a unit the obligation does not apply to, because its condition is absent or false."""
    clause = rule.get("clause") or obligation.clause
    code = "ordering_condition_not_recorded" if holds is None else "ordering_condition_false"
    ids = context.use(facts)
    finding = Finding("condition", "info", code, {"condition": rule["condition"], "date": facts[-1].date if facts else None}, clause, ids)
    return attrs.evolve(verdict, status="not_applicable", due=None, fulfilled_on=None, findings=(finding,), evidence=ids, clause=clause)


def condition_holds_finding(rule: dict, facts: list[Fact], obligation: Obligation) -> Finding:
    clause = rule.get("clause") or obligation.clause
    return Finding("condition", "pass", "ordering_condition_holds", {"condition": rule["condition"], "date": facts[-1].date}, clause, tuple(f.id for f in facts))


def _first_own_date(verdict: Verdict, variant: Obligation, context: Any) -> tuple[dt.date | None, tuple[str, ...]]:
    """The date of the unit's earliest fact of the types the obligation consumes (its first session)."""
    types = set(context.catalogue.kind(variant.kind).consumes(variant))
    facts = [context.facts_by_id[e] for e in verdict.evidence if e in context.facts_by_id]
    facts = sorted((f for f in facts if f.type in types), key=lambda f: (f.date, f.id))
    return (facts[0].date, (facts[0].id,)) if facts else (None, ())


def order_findings(rule: dict, verdict: Verdict, obligation: Obligation, variant: Obligation, unit: Unit, context: Any) -> list[Finding]:
    """Whether the unit's first session came after its superior fulfilled ``rule['obligation']``."""
    ref, clause = rule["obligation"], rule.get("clause") or obligation.clause
    if unit.parent is None:
        return [Finding("order", "info", "ordering_no_superior", {"unit": unit.name}, clause)]
    parent = context.registry.units.get(unit.parent)
    superior = parent.name if parent else unit.parent
    key = (ref, unit.parent)
    if key not in context.dues:  # the superior has no verdict on that obligation
        return [Finding("order", "unknown", "ordering_superior_not_subject", {"superior": superior, "obligation": ref}, clause)]
    first, ids = _first_own_date(verdict, variant, context)
    if first is None:
        return []  # nothing held yet: nothing to order
    done = context.fulfilled.get(key)
    params = {"date": first, "superior": superior, "obligation": ref, "superior_date": done}
    if done is None:
        return [Finding("order", "fail", "ordering_superior_not_done", params, clause, ids)]
    if first > done or (rule.get("same_day") and first == done):
        return [Finding("order", "pass", "ordering_after_superior", params, clause, ids)]
    return [Finding("order", "fail", "ordering_before_superior", params, clause, ids)]


class ModeView:
    """The evaluation context as an obligation with ``modes`` sees it: facts held in other modes hidden.

    Everything but :meth:`facts` is the real context's; ``hidden`` lists,
    per unit id, the facts hidden from the kind.
    """

    def __init__(self, context: Any, obligation: Obligation):
        self._context, self._obligation = context, obligation
        self._allowed: dict[str, tuple[str, ...] | None] = {}
        self.hidden: dict[str, dict[str, Fact]] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._context, name)

    def allowed(self, unit_id: str) -> tuple[str, ...] | None:
        if unit_id not in self._allowed:
            unit = self._context.registry.units.get(unit_id)
            rule = self._obligation.for_unit(unit, self._context.as_of)[0].params.get("modes") if unit else None
            self._allowed[unit_id] = tuple(rule["allowed"]) if rule else None
        return self._allowed[unit_id]

    def facts(self, unit: str, type: str) -> list[Fact]:
        facts = self._context.facts(unit, type)
        allowed = self.allowed(unit)
        if not allowed:
            return facts
        keep = []
        for f in facts:
            mode = f.data.get("mode")
            if mode is None or mode in allowed:
                keep.append(f)
            else:
                self.hidden.setdefault(unit, {})[f.id] = f
        return keep


def mode_findings(view: ModeView, obligation: Obligation, unit: Unit, verdict: Verdict) -> list[Finding]:
    """A finding per fact not counted because of its mode: ``fail`` while unfulfilled, ``info`` once met."""
    hidden = list(view.hidden.get(unit.id, {}).values())
    if not hidden:
        return []
    rule = obligation.for_unit(unit, view.as_of)[0].params["modes"]
    clause = rule.get("clause") or obligation.clause
    outcome = "info" if verdict.status in ("met", "met_late") else "fail"
    return [
        Finding("mode", outcome, "ordering_mode_not_counted", {"fact": f.id, "mode": Mode(f.data["mode"]), "allowed": ModeList(rule["allowed"])}, clause, (f.id,))
        for f in sorted(hidden, key=lambda f: (f.date, f.id))
    ]
