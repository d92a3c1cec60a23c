"""The check this plugin adds to every ``study_session`` verdict (``nqengine_extra_findings``).

Only for specs that declare the plugin, so that installing it never changes
the verdicts of a plan that did not ask for it.
"""

from __future__ import annotations

from typing import Any

from nqengine.model import Finding
from nqengine.plugins import normalize_name

from nqengine_attendance.kinds import party_categories, percent, split_attendance

__all__ = ["attendance_findings", "declared"]


def declared(spec: Any, plugin: str) -> bool:
    """Whether ``spec`` declares ``plugin`` under ``plugins:``."""
    return any(normalize_name(p) == normalize_name(plugin) for p in spec.plugins)


def attendance_findings(obligation: Any, unit: Any, verdict: Any, context: Any, plugin: str) -> list[Finding] | None:
    """Attendance split (info), and ``unknown`` for a session reporting more attendees than the unit has.

    A figure larger than the headcount of its category is a data error that
    the study kind would silently cap: with it, a met verdict cannot stand.
    """
    if obligation.kind != "study_session" or not declared(context.spec, plugin):
        return None
    # only the sessions that count towards the obligation (issue 10): a session with a wrong presenter,
    # or one held for another audience group, does not change the unit's rate
    counted = [e for x in verdict.findings if x.check == "sessions" and x.outcome in ("pass", "partial") for e in x.evidence]
    sessions = [context.facts_by_id[e] for e in counted if e in context.facts_by_id]
    sessions = [f for f in sessions if f.type == "session" and f.data.get("attendance") is not None]
    if not sessions:
        return None
    out: list[Finding] = []
    for f in sessions:
        for category, n in f.data["attendance"].items():
            headcount = unit.audience.get(category, 0)
            if n > headcount:
                out.append(Finding(
                    "attendance", "unknown", "attendance_exceeds_headcount",
                    {"fact": f.id, "category": category, "attended": n, "headcount": headcount},
                    obligation.clause, (f.id,),
                ))
    s = split_attendance(unit, sessions, party_categories(context.spec))
    params = {**s, "pm_rate": percent(s["pm_attended"], s["pm_required"]), "nm_rate": percent(s["nm_attended"], s["nm_required"])}
    out.append(Finding("attendance_split", "info", "attendance_split", params, obligation.clause, tuple(f.id for f in sessions), s))
    return out
