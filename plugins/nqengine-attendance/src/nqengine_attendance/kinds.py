"""Obligation kinds ``party_attendance`` and ``reflections``.

Attendance rates are counted over party members only (the audience
categories a spec marks ``party_member: true``; ``dang_vien`` when none is
marked); non-members are counted and reported apart, never in the rate.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping

from nqengine.evaluation.kinds import ObligationKind, checks_clause, clause_field
from nqengine.model import Fact, Finding, Obligation, Unit, Verdict
from nqengine.schema import Field, Float, Int, Record, Str

__all__ = ["PartyAttendance", "Reflections", "party_categories", "split_attendance", "percent"]


def party_categories(spec: Any) -> set[str]:
    """The audience categories counted as party members."""
    cats = {c for c, meta in spec.audience_categories.items() if meta.get("party_member")}
    return cats or {"dang_vien"}


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


def split_attendance(unit: Unit, facts: list[Fact], party: set[str]) -> dict[str, int]:
    """Attendance of ``facts`` split into party members and non-members, each capped at the headcount."""
    got: dict[str, int] = {}
    for f in facts:
        for c, n in (f.data.get("attendance") or {}).items():
            got[c] = got.get(c, 0) + n
    out = {"pm_attended": 0, "pm_required": 0, "nm_attended": 0, "nm_required": 0}
    for c, need in unit.audience.items():
        side = "pm" if c in party else "nm"
        out[f"{side}_required"] += need
        out[f"{side}_attended"] += min(got.get(c, 0), need)
    return out


class PartyAttendance(ObligationKind):
    """``party_attendance``: at least ``threshold`` of the unit's party members attend.

    Sessions (``session`` facts) count in date order; with ``makeup``, make-up
    sessions (``makeup_session`` facts) held within ``within_days`` days of
    the unit's first session count too, and the last day on time becomes the
    later of the deadline and the end of that window.  Fulfilled on the date
    the share is first reached.  A session without recorded attendance
    leaves the verdict ``indeterminate`` until the share is reached anyway.
    """

    name = "party_attendance"
    title_vi = "Tỷ lệ đảng viên tham dự học tập"
    title_en = "Party-member attendance"
    doc = __doc__ or ""
    fact_types = ("session", "makeup_session")
    fields: Mapping[str, Field] = {
        "threshold": Field(Float(min=0.0, max=1.0), required=True, doc="least share of party members who must attend (0.9 = 90%)"),
        "makeup": Field(
            Record(
                {
                    "within_days": Field(Int(min=0, max=366), required=True, doc="days after the unit's first session"),
                    "clause": clause_field(),
                },
                doc="make-up sessions for absentees (học bù)",
            ),
            doc="make-up sessions count within this many days of the first session",
        ),
        "audience_group": Field(Str(), doc="the group the sessions were held for; only sessions recorded for it count"),
    }

    def consumes(self, obligation: Obligation) -> tuple[str, ...]:
        return self.fact_types if obligation.params.get("makeup") else ("session",)

    def evaluate_unit(self, obligation: Obligation, unit: Unit, context: Any) -> Verdict:
        p = obligation.params
        party = party_categories(context.spec)
        headcount = sum(n for c, n in unit.audience.items() if c in party)
        due = context.due(obligation, unit)
        group = p.get("audience_group")
        # the rate counts the sessions held for this obligation's audience (issue 10): a key-cadre class is not a members' session
        sessions = [f for f in context.facts(unit.id, "session") if f.data.get("audience_group") == group]
        clause = obligation.clause
        if headcount == 0:
            findings = [Finding("attendance", "unknown", "attendance_no_headcount", {"unit": unit.name}, clause)]
            return context.conclude(obligation, unit, findings, fulfilled_on=None, evidence=[f.id for f in sessions], due=due)
        target = math.ceil(p["threshold"] * headcount - 1e-9)
        if not sessions:
            findings = [Finding("attendance", "info", "attendance_no_session", {"target": target, "headcount": headcount}, clause)]
            return context.conclude(obligation, unit, findings, fulfilled_on=None, due=due)
        findings: list[Finding] = []
        rule = p.get("makeup")
        counted: list[Fact] = []
        late: list[Fact] = []
        last_day: dt.date | None = None
        if rule:
            last_day = sessions[0].date + dt.timedelta(days=rule["within_days"])
            due = max(due, last_day) if due is not None else None
            for f in context.facts(unit.id, "makeup_session"):
                (counted if f.date <= last_day else late).append(f)
        unknown = [f.id for f in sessions if f.data.get("attendance") is None]
        fulfilled_on, attended = None, 0
        for f in sorted(sessions + counted, key=lambda f: (f.date, f.id)):
            attended = min(headcount, attended + sum(n for c, n in (f.data.get("attendance") or {}).items() if c in party))
            if fulfilled_on is None and attended >= target:
                fulfilled_on = f.date
        split = split_attendance(unit, sessions, party)
        params = {
            "attended": attended, "headcount": headcount, "target": target,
            "rate": percent(attended, headcount), "threshold": f"{p['threshold']:.0%}",
            "nm_attended": split["nm_attended"], "nm_required": split["nm_required"],
        }
        ids = tuple(f.id for f in sessions + counted)
        # A figure above the headcount is a data error the sum would hide: the share cannot be trusted.
        for f in sessions + counted:
            for c, n in (f.data.get("attendance") or {}).items():
                if c in party and n > unit.audience.get(c, 0):
                    findings.append(Finding("attendance", "unknown", "attendance_exceeds_headcount", {"fact": f.id, "category": c, "attended": n, "headcount": unit.audience.get(c, 0)}, clause, (f.id,)))
                    fulfilled_on = None
        if fulfilled_on is not None:
            findings.append(Finding("attendance", "pass", "attendance_rate_ok", params, clause, ids, split))
        elif unknown:
            findings.append(Finding("attendance", "unknown", "attendance_unknown", {"facts": ", ".join(unknown)}, clause, tuple(unknown)))
        elif any(x.outcome == "unknown" for x in findings):
            findings.append(Finding("attendance", "info", "attendance_rate_short", params, clause, ids, split))
        else:
            findings.append(Finding("attendance", "partial", "attendance_rate_short", params, clause, ids, split))
        if rule:
            m_clause = checks_clause(p, "makeup", clause)
            if counted:
                made_up = sum(n for f in counted for c, n in f.data["attendance"].items() if c in party)
                findings.append(Finding("makeup", "pass", "attendance_makeup_counted", {"count": len(counted), "attended": made_up, "last_day": last_day}, m_clause, tuple(f.id for f in counted)))
            for f in late:
                findings.append(Finding("makeup", "info", "attendance_makeup_late", {"fact": f.id, "date": f.date, "days": rule["within_days"], "last_day": last_day}, m_clause, (f.id,)))
        evidence = [f.id for f in sessions + counted + late]
        return context.conclude(obligation, unit, findings, fulfilled_on=fulfilled_on, evidence=evidence, due=due)


class Reflections(ObligationKind):
    """``reflections``: a share of party members hand in a written reflection (bài thu hoạch).

    ``reflection`` facts add up by date; fulfilled on the date the count first
    reaches ``share`` of the unit's party members.
    """

    name = "reflections"
    title_vi = "Viết bài thu hoạch"
    title_en = "Written reflections"
    doc = __doc__ or ""
    fact_types = ("reflection",)
    fields: Mapping[str, Field] = {
        "share": Field(Float(min=0.0, max=1.0), default=1.0, doc="share of party members who must hand one in (1.0 = each member)"),
    }

    def evaluate_unit(self, obligation: Obligation, unit: Unit, context: Any) -> Verdict:
        party = party_categories(context.spec)
        headcount = sum(n for c, n in unit.audience.items() if c in party)
        due = context.due(obligation, unit)
        facts = context.facts(unit.id, "reflection")
        ids = tuple(f.id for f in facts)
        clause = obligation.clause
        if headcount == 0:
            findings = [Finding("reflections", "unknown", "attendance_no_headcount", {"unit": unit.name}, clause)]
            return context.conclude(obligation, unit, findings, fulfilled_on=None, evidence=ids, due=due)
        required = math.ceil(obligation.params["share"] * headcount - 1e-9)
        count, fulfilled_on = 0, None
        for f in facts:
            count += f.data["count"]
            if fulfilled_on is None and count >= required:
                fulfilled_on = f.date
        params = {"count": min(count, headcount), "required": required, "headcount": headcount}
        if not facts:
            finding = Finding("reflections", "info", "reflections_none", params, clause)
        elif fulfilled_on is not None:
            finding = Finding("reflections", "pass", "reflections_ok", params, clause, ids)
        else:
            finding = Finding("reflections", "partial", "reflections_short", params, clause, ids)
        return context.conclude(obligation, unit, [finding], fulfilled_on=fulfilled_on, evidence=ids, due=due)
