"""``duty``: a responsibility recorded for traceability (I.1, III.2–III.4).

Most duties cannot be checked ("UBND thành phố chỉ đạo..."): their verdict is
``not_applicable`` with the clause quoted, so the plan stays whole in reports.
A duty may name an ``evidence`` fact type (III.4: supervision by committee
members); then a recorded fact of that type makes it ``met``, and without one
it stays ``not_applicable`` — the duty is checkable only when recorded.
"""

from __future__ import annotations

from typing import Any

from nqengine.evaluation.kinds import ObligationKind
from nqengine.model import Finding, Obligation, Unit, Verdict
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Field, Str, hint_for
from nqengine.yamlsource import node_at

__all__ = ["Duty"]


class Duty(ObligationKind):
    name = "duty"
    title_vi = "Trách nhiệm"
    title_en = "Duty"
    doc = __doc__ or ""
    needs_deadline = False
    fields = {"evidence": Field(Str(), doc="a fact type that, when recorded, shows the duty done")}

    def lint(self, obligation, spec, catalogue=None):
        """An ``evidence`` fact type must be registered: a typo would keep the duty unchecked forever."""
        ev = obligation.params.get("evidence")
        if not ev or spec.raw is None:
            return []

        types = set(catalogue.fact_types) if catalogue is not None else None
        if types is None or ev in types:
            return []
        for i, ob in enumerate(spec.obligations):
            if ob is obligation:
                node = node_at(spec.raw, f"obligations[{i}].evidence")
                if node is not None:
                    return [node.problem("unknown_fact_type", f"obligations[{i}].evidence", type=ev, choices=", ".join(sorted(types)), **hint_for(ev, sorted(types)))]
        return []

    def consumes(self, obligation):
        ev = obligation.params.get("evidence")
        return (ev,) if ev else ()

    def evaluate_unit(self, obligation: Obligation, unit: Unit, context: Any) -> Verdict:
        ev = obligation.params.get("evidence")
        facts = context.facts(unit.id, ev) if ev else []
        if facts:
            ids = tuple(f.id for f in facts)
            findings = [Finding("duty", "pass", "duty_recorded", {"count": len(facts), "type": ev}, obligation.clause, ids)]
            return context.conclude(obligation, unit, findings, fulfilled_on=facts[0].date, evidence=ids, due=None, status="met")
        code = "duty_not_recorded" if ev else "duty_not_checkable"
        findings = [Finding("duty", "info", code, {"type": ev or ""}, obligation.clause)]
        return context.conclude(obligation, unit, findings, fulfilled_on=None, due=None, status="not_applicable")


@hookimpl
def nqengine_register_obligation_kinds():
    return [Duty()]
