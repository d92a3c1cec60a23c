"""``report``: report upward to a body through a channel ("về X (qua Y)").

Clause III.5 of the Tam Kỳ plan: every committee reports its results to the
Standing Committee through the Propaganda Department.  A report sent to the
wrong body or through the wrong channel does not count; nor does a report to a
body that no longer existed on the day it was sent.
"""

from __future__ import annotations

from typing import Any

import attrs

from nqengine.evaluation.kinds import ObligationKind, clause_field, interpretation_field
from nqengine.i18n import body_words
from nqengine.model import Finding, Obligation, Unit, Verdict
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Field, Record, Str

__all__ = ["Report"]


class Report(ObligationKind):
    name = "report"
    title_vi = "Báo cáo kết quả"
    title_en = "Upward report"
    doc = __doc__ or ""
    fact_types = ("report",)
    fields = {
        "channel": Field(
            Record(
                {
                    "to": Field(Str(), required=True, doc="the recipient unit id (về X)"),
                    "via": Field(Str(), doc="the channel unit id (qua Y)"),
                    "clause": clause_field(),
                    "interpretation": interpretation_field(),
                }
            ),
            required=True,
            doc="where the report goes",
        ),
        "about": Field(Str(), doc="only reports about this obligation id count"),
    }

    def evaluate_unit(self, obligation: Obligation, unit: Unit, context: Any) -> Verdict:
        due = context.due(obligation, unit)
        channel = obligation.params["channel"]
        clause = channel.get("clause") or obligation.clause
        about = obligation.params.get("about")
        reg = context.registry
        facts = [f for f in context.facts(unit.id, "report") if about is None or f.data.get("about") in (None, about)]
        findings: list[Finding] = []
        fulfilled_on = None
        want_to, want_via = reg.unit(channel["to"]), reg.unit(channel["via"]) if channel.get("via") else None
        missing = [ref for ref, u in ((channel["to"], want_to), (channel.get("via"), want_via)) if ref and u is None]
        if missing:  # the spec names a body the registry does not hold: no report can be judged
            findings = [Finding("channel", "unknown", "report_target_unknown", {"unit": ", ".join(missing)}, clause)]
            return context.conclude(obligation, unit, findings, fulfilled_on=None, evidence=[f.id for f in facts], due=due)
        for f in facts:
            to_ref, via_ref = f.data.get("to"), f.data.get("via")
            to, via = (reg.unit(to_ref) if to_ref else None), (reg.unit(via_ref) if via_ref else None)
            # the recipient decides first (issue 10): a report to the wrong body or to a body that no longer
            # existed is wrong whatever its channel, so a missing 'via' is asked about only of a report to the right body
            if to_ref is None:
                findings.append(Finding("channel", "unknown", "report_channel_missing", {"fact": f.id}, clause, (f.id,)))
                continue
            if to is not None and not to.valid_on(f.date):
                findings.append(_gone(f, to, "to", reg, clause))
                continue
            if to is None or to.id != want_to.id:
                findings.append(Finding("channel", "fail", "report_wrong_recipient", {"fact": f.id, "to": body_words(to_ref, to), "expected": want_to.name}, clause, (f.id,)))
                continue
            if channel.get("via") and via_ref is None:
                findings.append(Finding("channel", "unknown", "report_channel_missing", {"fact": f.id}, clause, (f.id,)))
                continue
            if want_via is not None and via is not None and via.id == want_via.id and not via.valid_on(f.date):
                findings.append(_gone(f, via, "via", reg, clause))
                continue
            if want_via is not None and (via is None or via.id != want_via.id):
                findings.append(Finding("channel", "fail", "report_wrong_channel", {"fact": f.id, "via": body_words(via_ref, via), "expected": want_via.name}, clause, (f.id,)))
                continue
            findings.append(Finding("channel", "pass", "report_ok", {"fact": f.id, "to": to.name, "via": want_via.name if want_via else "—"}, clause, (f.id,)))
            if fulfilled_on is None:
                fulfilled_on = f.date
        if fulfilled_on is not None:  # a proper report supersedes earlier mistakes
            findings = [x if x.outcome == "pass" else _as_info(x) for x in findings]
        if not facts:
            findings.append(Finding("channel", "info", "report_none", {"to": want_to.name}, clause))
        return context.conclude(obligation, unit, findings, fulfilled_on=fulfilled_on, evidence=[f.id for f in facts], due=due)


def _gone(f: Any, body: Unit, role: str, reg: Any, clause: str) -> Finding:
    """``fail``: the report went to (or through) a body dissolved or merged before its date; names the successor when known."""
    params: dict[str, Any] = {"fact": f.id, "to": body.name, "date": f.date, "gone": body.valid_to if body.valid_to is not None else body.valid_from}
    successor = reg.units.get(body.succeeded_by) if body.succeeded_by else None
    if successor is not None:
        params["successor"] = successor.name
        code = "report_recipient_merged" if role == "to" else "report_channel_merged"
    else:
        code = "report_recipient_gone" if role == "to" else "report_channel_gone"
    return Finding("channel", "fail", code, params, clause, (f.id,))


def _as_info(f: Finding) -> Finding:
    return attrs.evolve(f, outcome="info")


@hookimpl
def nqengine_register_obligation_kinds():
    return [Report()]
