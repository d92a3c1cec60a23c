"""``dissemination``: propagandise among members and the people by a date.

Clause II.2 (1st bullet) of the Tam Kỳ plan: the Front, the socio-political
organisations and the commune/ward committees spread the resolution among
their members and the people before 15/11/2020.  Fulfilled on the date the
recorded dissemination facts first reach every required audience group.
"""

from __future__ import annotations

from typing import Any

from nqengine.evaluation.kinds import ObligationKind, clause_field, interpretation_field
from nqengine.model import Finding, Obligation, Unit, Verdict
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Field, ListOf, Record, Str

__all__ = ["Dissemination"]


class Dissemination(ObligationKind):
    name = "dissemination"
    title_vi = "Tuyên truyền trong Nhân dân"
    title_en = "Dissemination among the people"
    doc = __doc__ or ""
    fact_types = ("dissemination",)
    fields = {
        "audiences": Field(
            Record({"required": Field(ListOf(Str(), min_len=1, single=True), required=True), "clause": clause_field(), "interpretation": interpretation_field()}),
            doc="audience groups that must be reached (members, people...)",
        ),
    }

    def evaluate_unit(self, obligation: Obligation, unit: Unit, context: Any) -> Verdict:
        due = context.due(obligation, unit)
        facts = context.facts(unit.id, "dissemination")
        block = obligation.params.get("audiences")
        wanted = list(block["required"]) if block else []
        clause = (block or {}).get("clause") or obligation.clause
        reached: set[str] = set()
        unknown: list[str] = []
        fulfilled_on = None
        for f in facts:
            got = f.data.get("audiences")
            if got is None and wanted:
                unknown.append(f.id)
                continue
            reached.update(got or [])
            if fulfilled_on is None and all(w in reached for w in wanted):
                fulfilled_on = f.date
        findings: list[Finding] = []
        ids = tuple(f.id for f in facts)
        if not facts:
            findings.append(Finding("dissemination", "info", "dissemination_none", {}, obligation.clause))
        elif fulfilled_on is not None:
            findings.append(Finding("dissemination", "pass", "dissemination_ok", {"count": len(facts), "audiences": ", ".join(wanted) or "—"}, clause, ids))
        elif unknown and not reached:
            findings.append(Finding("dissemination", "unknown", "dissemination_unknown", {"facts": ", ".join(unknown)}, clause, ids))
        else:
            missing = [w for w in wanted if w not in reached]
            findings.append(Finding("dissemination", "partial", "dissemination_short", {"missing": ", ".join(missing)}, clause, ids))
        return context.conclude(obligation, unit, findings, fulfilled_on=fulfilled_on, evidence=ids, due=due)


@hookimpl
def nqengine_register_obligation_kinds():
    return [Dissemination()]
