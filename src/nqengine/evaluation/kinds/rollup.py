"""``rollup``: a figure of a unit summed over the units below it, held to a threshold.

Provincial plans judge the province by its subordinate units: "at least 95%
of party members studied" is the sum, over the communes and wards, of the
members who attended the sessions that count; "x of y grassroots
organisations done" counts the units whose own verdict is met.  A ``rollup``
obligation binds the upper unit (the province, a commune committee) and
reads the verdicts of another obligation (``of``) for the units below it (at
any depth, narrowed by ``over``), so the figure can be used in a threshold:

- ``figure: units_done``: units whose verdict on ``of`` is met or met late,
  out of the units below that have a verdict on ``of``;
- ``figure: party_members``: party members who attended the sessions that
  counted for ``of``, out of the party members of those units (the party-member
  categories of ``of``'s audience, when it has one).

Fulfilled on the day the figure first reaches ``threshold`` of its total.
(This is a figure for a rule's threshold, not a report's roll-up table.)
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from nqengine.evaluation.kinds import ObligationKind, clause_field, interpretation_field
from nqengine.i18n import Worded, percent
from nqengine.model import Finding, Obligation, Selector, Unit, Verdict
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Choice, Field, Float, Int, ListOf, Record, Str

__all__ = ["Rollup", "FIGURES"]

#: What a roll-up may sum.
FIGURES = ("units_done", "party_members")

ROLLUP = Record(
    {
        "of": Field(Str(), required=True, doc="the obligation whose verdicts of the units below are summed (its id)"),
        "figure": Field(Choice(FIGURES), required=True, doc="units_done (x of y units met) or party_members (members who attended)"),
        "threshold": Field(Float(min=0.0, max=1.0), required=True, doc="least share of the total the figure must reach"),
        "over": Field(
            Record(
                {
                    "kinds": Field(ListOf(Str(), single=True), default=list, doc="unit kinds counted"),
                    "levels": Field(ListOf(Str(), single=True), default=list, doc="levels counted"),
                    "depth": Field(Int(min=1, max=50), doc="only units exactly this many levels below"),
                }
            ),
            doc="which units below count (default: every unit below with a verdict on 'of')",
        ),
        "clause": clause_field(),
        "interpretation": interpretation_field(),
    },
    doc="a figure summed over the units below, and its threshold",
)


def _party(spec: Any) -> set[str]:
    cats = {c for c, meta in spec.audience_categories.items() if meta.get("party_member")}
    return cats or {"dang_vien"}


class Rollup(ObligationKind):
    name = "rollup"
    title_vi = "Chỉ tiêu tổng hợp từ cấp dưới"
    title_en = "Roll-up threshold"
    doc = __doc__ or ""
    fact_types = ()
    fields = {"rollup": Field(ROLLUP, required=True)}

    def evaluate_unit(self, obligation: Obligation, unit: Unit, context: Any) -> Verdict:
        rule = obligation.params["rollup"]
        due = context.due(obligation, unit)
        clause = rule.get("clause") or obligation.clause
        over = rule.get("over") or {}
        depth = over.get("depth")
        sel = Selector(kinds=frozenset(over.get("kinds") or ()), levels=frozenset(over.get("levels") or ()), under=frozenset({unit.id}), depth=depth)
        below = [(u, v) for u in context.registry.units.values() if sel.matches(u) and (v := context.verdicts.get((rule["of"], u.id))) is not None]
        if not below:
            findings = [Finding("rollup", "unknown", "rollup_nothing", {"of": _titled(rule["of"], context)}, clause)]
            return context.conclude(obligation, unit, findings, fulfilled_on=None, due=due)
        events: list[tuple[Any, int]] = []  # (day, how much the figure grows that day)
        details: dict[str, Any] = {}
        if rule["figure"] == "units_done":
            total = len(below)
            for u, v in below:
                done = v.fulfilled_on if v.status in ("met", "met_late") else None
                details[u.id] = {"status": v.status, "done": done}
                if done is not None:
                    events.append((done, 1))
        else:
            party = _party(context.spec)
            # the party-member categories of the summed obligation's audience (key cadres apart from members)
            audience = next((ob.params.get("audience") for ob in context.spec.obligations if ob.id == rule["of"]), None)
            if isinstance(audience, Mapping) and party & set(audience.get("categories") or ()):
                party = party & set(audience["categories"])
            total = 0
            for u, v in below:
                need = sum(n for c, n in u.audience.items() if c in party)
                total += need
                counted = [e for f in v.findings if f.check == "sessions" and f.outcome in ("pass", "partial") for e in f.evidence]
                got = 0
                for fid in counted:
                    fact = context.facts_by_id.get(fid)
                    if fact is None:
                        continue
                    add = min(need - got, sum(n for c, n in (fact.data.get("attendance") or {}).items() if c in party))
                    if add > 0:
                        events.append((fact.date, add))
                        got += add
                details[u.id] = {"attended": got, "headcount": need}
        target = math.ceil(rule["threshold"] * total - 1e-9)
        events.sort(key=lambda e: e[0])
        reached, fulfilled_on = 0, None
        for day, n in events:
            reached += n
            if fulfilled_on is None and reached >= target:
                fulfilled_on = day
        if target == 0 and fulfilled_on is None:
            fulfilled_on = None  # nothing to reach: the verdict follows the calendar, like a unit with no headcount
        params = {
            "figure": rule["figure"], "of": _titled(rule["of"], context), "reached": reached, "total": total, "target": target,
            "rate": percent(reached / total) if total else "—", "threshold": f"{rule['threshold']:.0%}",
        }
        if fulfilled_on is not None:
            outcome, code = "pass", "rollup_ok"
        elif reached:
            outcome, code = "partial", "rollup_short"
        else:
            outcome, code = "info", "rollup_short"
        findings = [Finding("rollup", outcome, code, params, clause, (), details)]
        return context.conclude(obligation, unit, findings, fulfilled_on=fulfilled_on, due=due)


def _titled(oid: str, context: Any) -> Worded:
    """An obligation named in a message by its title (the parameter stays its id)."""
    ob = next((o for o in context.spec.obligations if o.id == oid), None)
    title = ob.title if ob is not None else oid
    return Worded(oid, title, title)


@hookimpl
def nqengine_register_obligation_kinds():
    return [Rollup()]
