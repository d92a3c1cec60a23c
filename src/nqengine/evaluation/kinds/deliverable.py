"""``deliverable``: produce named deliverables (own plan, dedicated column, posting...).

Clause II.2 (2nd bullet) and III.5 of the Tam Kỳ plan.  Fulfilled on the date
the last required deliverable is recorded.
"""

from __future__ import annotations

from typing import Any

from nqengine.evaluation.kinds import ObligationKind
from nqengine.model import Finding, Obligation, Unit, Verdict
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Field, ListOf, Str

__all__ = ["Deliverable"]


class Deliverable(ObligationKind):
    name = "deliverable"
    title_vi = "Sản phẩm phải có"
    title_en = "Deliverable"
    doc = __doc__ or ""
    fact_types = ("deliverable",)
    fields = {
        "deliverables": Field(ListOf(Str(), min_len=1, single=True), required=True, doc="names of the deliverables required"),
    }

    def evaluate_unit(self, obligation: Obligation, unit: Unit, context: Any) -> Verdict:
        due = context.due(obligation, unit)
        wanted = obligation.params["deliverables"]
        facts = [f for f in context.facts(unit.id, "deliverable") if f.data.get("deliverable") in wanted]
        first: dict[str, Any] = {}
        for f in facts:
            first.setdefault(f.data["deliverable"], f)
        missing = [w for w in wanted if w not in first]
        ids = tuple(f.id for f in facts)
        if not missing:
            done = max(f.date for f in first.values())
            findings = [Finding("deliverables", "pass", "deliverables_ok", {"items": ", ".join(wanted)}, obligation.clause, ids)]
            return context.conclude(obligation, unit, findings, fulfilled_on=done, evidence=ids, due=due)
        outcome = "partial" if first else "info"
        findings = [Finding("deliverables", outcome, "deliverables_missing", {"missing": ", ".join(missing), "done": len(first), "total": len(wanted)}, obligation.clause, ids)]
        return context.conclude(obligation, unit, findings, fulfilled_on=None, evidence=ids, due=due)

    def consumes(self, obligation):
        return self.fact_types


@hookimpl
def nqengine_register_obligation_kinds():
    return [Deliverable()]
