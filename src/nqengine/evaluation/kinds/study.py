"""``study_session``: hold N study sessions for an audience, presented by a qualified person.

Clauses II.1.1 and II.1.2 of the Tam Kỳ plan are the model: 01 session (buổi)
before 31/10/2020, for every cadre, member, civil servant and public employee,
presented by the Secretary (who, in communes and wards, must also be a city
reporter).  Sessions are read in date order; only conforming sessions (right
presenter, required content and materials) count towards the number of
sessions and the audience coverage, and the obligation is fulfilled on the
date the conforming sessions first reach both.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from nqengine.evaluation.kinds import (
    AUDIENCE,
    ObligationKind,
    checks_clause,
    clause_field,
    interpretation_field,
)
from nqengine.evaluation.kinds.presenters import (
    ALTERNATIVE,
    check_presenters,
    needs_full_check,
    qualification_words,
    role_words,
    unknown_presenter,
)
from nqengine.lengths import LENGTH_RULE, check_length
from nqengine.model import Fact, Finding, LazyFindings, Obligation, Unit, Verdict
from nqengine.plugins.hookspecs import hookimpl
from nqengine.schema import Field, Int, ListOf, Record, Str

__all__ = ["StudySession", "check_presenter", "audience_coverage"]

QUALIFICATION = Record(
    {
        "kind": Field(Str(), required=True, doc="e.g. reporter (báo cáo viên)"),
        "body": Field(Str(), doc="the recognising committee (unit id)"),
        "term": Field(Str(), doc="the term, e.g. XXI"),
    }
)

PRESENTER = Record(
    {
        "roles": Field(ListOf(Str(), min_len=1, single=True), required=True, doc="roles in the unit that may present (secretary, deputy_secretary...)"),
        "qualifications": Field(ListOf(QUALIFICATION), default=list, doc="qualifications the presenter must also hold"),
        "any_qualification": Field(ListOf(QUALIFICATION), default=list, doc="qualifications of which the presenter must hold at least one"),
        "any_of": Field(ListOf(ALTERNATIVE), default=list, doc="other ways to qualify: roles held in other bodies, with their own qualifications"),
        "clause": clause_field(),
        "interpretation": interpretation_field(),
    },
    doc="who must present (báo cáo viên)",
)

REQUIREMENT = Record(
    {
        "required": Field(ListOf(Str(), min_len=1, single=True), required=True),
        "clause": clause_field(),
        "interpretation": interpretation_field(),
    }
)


_CACHE: dict[tuple[int, ...], tuple[tuple, Any]] = {}


def _compiled(objs: tuple, compile: Any) -> Any:
    """``compile(*objs)``, once per combination of objects (an entry keeps them, so their ids are never reused)."""
    key = tuple(map(id, objs))
    hit = _CACHE.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], objs)):
        return hit[1]
    if len(_CACHE) > 256:  # rules and variants made on the fly by a plugin, or plans evaluated one after another, must not pile up
        _CACHE.clear()
    value = compile(*objs)
    _CACHE[key] = (objs, value)
    return value


def _presenter_rule(rule: Mapping[str, Any]) -> tuple[frozenset, tuple]:
    return frozenset(rule["roles"]), tuple((w.get("kind"), w.get("body"), w.get("term")) for w in rule.get("qualifications") or [])


def _rule(params: Mapping[str, Any]) -> tuple:
    """(presenter, content, materials, audience categories, coverage, sessions) of a study obligation's params."""
    audience = params["audience"]
    return (
        params.get("presenter"), params.get("content"), params.get("materials"),
        tuple(audience["categories"]), audience["coverage"], params["sessions"],
    )


_PASS = ("pass", "", None)


def check_presenter(rule: dict, fact: Fact, unit: Unit, context: Any, *, detail: bool = True) -> tuple[str, str, dict]:
    """(outcome, code, params) of the presenter check of one session.

    With ``detail=False`` a pass returns ``("pass", "", None)`` without the
    parameters that would describe it (the study kind does not report them).
    """
    if needs_full_check(rule, fact):
        return check_presenters(rule, fact, unit, context.registry, context)
    return _presenter(rule, _compiled((rule,), _presenter_rule), fact, unit, context.registry, detail, context)


def _presenter(
    rule: dict, compiled: tuple[frozenset, tuple], fact: Fact, unit: Unit, registry: Any, detail: bool, context: Any = None,
) -> tuple[str, str, Any]:
    """:func:`check_presenter`, with the rule compiled by :func:`_presenter_rule`."""
    ref = fact.data.get("presenter")
    if not ref:
        return "unknown", "presenter_missing", {"fact": fact.id}
    person = registry.people.get(ref) or registry.person(ref)
    if person is None:
        return unknown_presenter(fact, ref, registry)
    allowed, qualifications = compiled
    day, uid = fact.date, unit.id
    for r in person.roles:
        if r.unit == uid and r.role in allowed and (r.valid_from is None or r.valid_from <= day) and (r.valid_to is None or day <= r.valid_to):
            break
    else:
        roles = [r.role for r in person.roles if r.unit == uid and r.valid_on(day)]
        return "fail", "presenter_role", {
            "fact": fact.id, "presenter": person.name, "roles": role_words(roles, context),
            "required": role_words(rule["roles"], context), "date": day,
        }
    for kind, body, term in qualifications:
        for q in person.qualifications:
            if (
                (kind is None or q.kind == kind) and (body is None or q.body == body) and (term is None or q.term == term)
                and (q.valid_from is None or q.valid_from <= day) and (q.valid_to is None or day <= q.valid_to)
            ):
                break
        else:
            what = qualification_words([{"kind": kind, "body": body, "term": term}], registry, context)
            return "fail", "presenter_qualification", {"fact": fact.id, "presenter": person.name, "qualification": what, "date": day}
    if not detail:
        return _PASS
    roles = [r.role for r in person.roles if r.unit == uid and r.valid_on(day)]
    return "pass", "presenter_ok", {"fact": fact.id, "presenter": person.name, "roles": ", ".join(roles)}


def _check_listed(block: dict | None, fact: Fact, field: str) -> tuple[str, str, dict | None]:
    if not block:
        return _PASS
    given = fact.data.get(field)
    if given is None:
        return "unknown", f"{field}_missing", {"fact": fact.id}
    required = block["required"]
    if all(map(given.__contains__, required)):
        return _PASS
    missing = [x for x in required if x not in given]
    return "fail", f"{field}_lacking", {"fact": fact.id, "missing": ", ".join(missing)}


def _covered(categories: list[str], headcount: Mapping[str, int], attended: dict[str, int], share: float) -> bool:
    """The ``covered`` of :func:`audience_coverage`, without the detail (checked after every session)."""
    if share == 1.0:  # everyone: min(attended, need) < need exactly when attended < need
        for c in categories:
            if attended[c] < headcount.get(c, 0):
                return False
        return True
    for c in categories:
        need = headcount.get(c, 0)
        if min(attended.get(c, 0), need) < math.ceil(share * need - 1e-9):
            return False
    return True


def audience_coverage(
    categories: list[str], headcount: Mapping[str, int], attended: dict[str, int], share: float, party: set[str]
) -> tuple[bool, dict]:
    """Whether attendance reaches ``share`` of each category, and the detail per category.

    Party members (categories in ``party``) are totalled apart from non-members.
    """
    detail: dict[str, Any] = {}
    ok = True
    pm_got = pm_need = nm_got = nm_need = 0
    for c in categories:
        need = headcount.get(c, 0)
        got = attended.get(c, 0)
        if got > need:
            got = need
        # ceil(1.0 * need - 1e-9) is need for every whole number: skip the float work in the usual case
        target = need if share == 1.0 else math.ceil(share * need - 1e-9)
        if got < target:
            ok = False
        detail[c] = {"attended": got, "headcount": need, "target": target}
        if c in party:
            pm_got += got
            pm_need += need
        else:
            nm_got += got
            nm_need += need
    detail["party_members"] = {"attended": pm_got, "headcount": pm_need, "rate": round(pm_got / pm_need, 4) if pm_need else None}
    detail["non_members"] = {"attended": nm_got, "headcount": nm_need, "rate": round(nm_got / nm_need, 4) if nm_need else None}
    return ok, detail


def _static(obligation: Obligation, spec: Any) -> tuple:
    """What :func:`_findings` reads of an obligation and its spec, the same for every unit, computed once per variant.

    (party-member categories, audience clause, sessions clause, [(check, pass code, clause)], coverage as text).
    """
    return _compiled((obligation, spec), _static_of)


def _static_of(obligation: Obligation, spec: Any) -> tuple:
    p = obligation.params
    return (
        {c for c, meta in spec.audience_categories.items() if meta.get("party_member")},
        checks_clause(p, "audience", obligation.clause),
        obligation.clause,  # the number of sessions is the obligation's own rule, whoever moved its deadline
        [(name, f"{name}_ok_all", checks_clause(p, name, obligation.clause)) for name in ("presenter", "content", "materials", "length")],
        f"{p['audience']['coverage']:.0%}",
    )


class StudySession(ObligationKind):
    name = "study_session"
    title_vi = "Hội nghị học tập, quán triệt"
    title_en = "Study session"
    doc = __doc__ or ""
    fact_types = ("session",)
    fields = {
        "sessions": Field(Int(min=1), default=1, doc="how many sessions (buổi) must be held"),
        "audience": Field(AUDIENCE, required=True),
        "presenter": Field(PRESENTER),
        "content": Field(REQUIREMENT, doc="content every session must cover"),
        "materials": Field(REQUIREMENT, doc="materials every session must use"),
        "audience_group": Field(Str(), doc="the group the sessions must be held for; only sessions recorded for it count"),
        "length": Field(LENGTH_RULE),
    }

    def evaluate_unit(self, obligation: Obligation, unit: Unit, context: Any) -> Verdict:
        return self._evaluate(obligation, (unit,), context)[0]

    def evaluate_units(self, obligation: Obligation, units: Sequence[Unit], context: Any) -> list[Verdict]:
        if type(self).evaluate_unit is not StudySession.evaluate_unit:  # a subclass that judges a unit its own way
            return super().evaluate_units(obligation, units, context)
        return self._evaluate(obligation, units, context)

    def _evaluate(self, obligation: Obligation, units: Sequence[Unit], context: Any) -> list[Verdict]:
        """The verdicts of ``units``; what depends only on the obligation is looked up once."""
        presenter, content, materials, categories, share, required = _rule(obligation.params)
        length = obligation.params.get("length")
        any_check = bool(presenter or content or materials or length)
        compiled = _presenter_rule(presenter) if presenter else None
        conclude, spec, registry = context.conclude, context.spec, context.registry
        facts_of = context.facts  # through the context, whatever it is: a plugin may hand the kind a view that hides facts
        due_of = context.due
        zero = dict.fromkeys(categories, 0)  # copied per unit: cheaper than building it
        group = obligation.params.get("audience_group")
        out = []
        for unit in units:
            due = due_of(obligation, unit)
            # a snapshot: an incremental evaluation appends to the index, and the findings are built later
            sessions = tuple(facts_of(unit.id, "session"))
            if sessions and (group is not None or any(f.data.get("audience_group") is not None for f in sessions)):
                # a session counts only for the audience it was held for (issue 10): the others belong to another obligation
                other = tuple(f for f in sessions if f.data.get("audience_group") != group)
                if other:
                    sessions = tuple(f for f in sessions if f.data.get("audience_group") == group)
            else:
                other = ()
            bad: list[tuple[str, str, str, dict, str]] = []  # (check, outcome, code, params, fact) of each failed check
            held, attended = 0, zero.copy()
            attendance_known = True
            fulfilled_on = None
            counted: list[str] = []
            headcount = unit.audience
            for f in sessions:
                ok = True
                if presenter:
                    if needs_full_check(presenter, f):  # several presenters, other bodies, OR (issue 10)
                        r = check_presenters(presenter, f, unit, registry, context)
                        r = _PASS if r[0] == "pass" else r
                    else:
                        r = _presenter(presenter, compiled, f, unit, registry, False, context)
                    if r[0] != "pass":
                        bad.append(("presenter", *r, f.id))
                        ok = False
                data = f.data
                # the usual case inline (every required item listed); _check_listed says what is wrong otherwise
                if content and ((given := data.get("content")) is None or not all(map(given.__contains__, content["required"]))):
                    bad.append(("content", *_check_listed(content, f, "content"), f.id))
                    ok = False
                if materials and ((given := data.get("materials")) is None or not all(map(given.__contains__, materials["required"]))):
                    bad.append(("materials", *_check_listed(materials, f, "materials"), f.id))
                    ok = False
                if length:
                    r = check_length(length, f)
                    if r[0] != "pass":
                        bad.append(("length", *r, f.id))
                        ok = False
                if not ok:
                    continue
                counted.append(f.id)
                held += data.get("sessions", 1)
                got = data.get("attendance")
                if got is None:
                    attendance_known = False
                else:
                    for c, n in got.items():
                        if c in attended:
                            attended[c] += n
                if fulfilled_on is None and held >= required and attendance_known and _covered(categories, headcount, attended, share):
                    fulfilled_on = f.date
            # The status needs only the outcomes of the findings _findings() will build, from the same values.
            covered = fulfilled_on is not None or (bool(counted) and attendance_known and _covered(categories, headcount, attended, share))
            if not bad and covered and attendance_known and held >= required and counted:
                outcomes: Any = _PASS_ONLY  # the usual case: every check passed
            else:
                outcomes = _outcomes(bool(counted), held >= required, attendance_known, covered, any_check, bad, fulfilled_on)
            ids = (sessions[0].id,) if len(sessions) == 1 else tuple([f.id for f in sessions])
            findings = LazyFindings(
                # kept until the findings are built: compact (a tuple of counts, no empty list), national scale keeps 10^5 of them
                _findings, obligation, spec, unit, ids, bad or (), ids if len(counted) == len(ids) else tuple(counted), held,
                tuple(attended.values()) if counted else None, attendance_known, covered, fulfilled_on,
                *((tuple((f.id, f.data.get("audience_group")) for f in other),) if other else ()),
            )
            out.append(conclude(obligation, unit, findings, outcomes=outcomes, fulfilled_on=fulfilled_on, evidence=ids, due=due))
        return out


_PASS_ONLY = frozenset({"pass"})


def _outcomes(counted: bool, enough: bool, known: bool, covered: bool, any_check: bool, bad: list, fulfilled_on: Any) -> set[str]:
    """The outcomes of the findings :func:`_findings` builds, from the same values: the status needs only these."""
    outcomes = {"info" if not counted else "pass" if enough else "partial"}
    if counted:
        outcomes.add("unknown" if not known else "pass" if covered else "partial")
        if any_check:
            outcomes.add("pass")
    if bad:
        if fulfilled_on is not None:
            outcomes.add("info")
        else:
            outcomes.update(b[1] for b in bad)
    return outcomes


def _findings(
    obligation: Obligation, spec: Any, unit: Unit, evidence: tuple[str, ...], bad: list, counted: tuple[str, ...], held: int,
    attended: tuple[int, ...] | None, attendance_known: bool, covered: bool, fulfilled_on: Any,
    other: tuple[tuple[str, str | None], ...] = (),
) -> list[Finding]:
    """The findings of a study-session verdict, from what :meth:`StudySession.evaluate_unit` found.

    Their outcomes are the ones ``evaluate_unit`` decided the status from.
    """
    p = obligation.params
    party, a_clause, s_clause, clauses, share = _static(obligation, spec)
    audience = p["audience"]
    required = p["sessions"]
    findings: list[Finding] = []
    # sessions held
    if not counted and evidence:  # held, but not one conforms: the checks below say why
        findings.append(Finding("sessions", "info", "sessions_not_counted", {"held": len(evidence), "required": required}, s_clause, evidence))
    elif not counted:
        findings.append(Finding("sessions", "info", "sessions_none", {"required": required}, s_clause, evidence))
    elif held >= required:
        findings.append(Finding("sessions", "pass", "sessions_ok", {"held": held, "required": required}, s_clause, counted))
    else:
        findings.append(Finding("sessions", "partial", "sessions_short", {"held": held, "required": required}, s_clause, counted))
    # audience coverage
    if counted:
        counts = dict(zip(audience["categories"], attended or ()))  # attended: the counts, in the order of the categories
        _, detail = audience_coverage(audience["categories"], unit.audience, counts, audience["coverage"], party)
        pm, nm = detail["party_members"], detail["non_members"]
        params = {
            "pm_attended": pm["attended"], "pm_required": pm["headcount"],
            "nm_attended": nm["attended"], "nm_required": nm["headcount"],
            "share": share,
        }
        if not attendance_known:
            findings.append(Finding("audience", "unknown", "audience_unknown", params, a_clause, counted, detail))
        elif covered:
            findings.append(Finding("audience", "pass", "audience_ok", params, a_clause, counted, detail))
        else:
            short = [c for c in audience["categories"] if detail[c]["attended"] < detail[c]["target"]]
            params["categories"] = ", ".join(short)
            findings.append(Finding("audience", "partial", "audience_short", params, a_clause, counted, detail))
    # sessions held for another audience group: they belong to another obligation
    wanted = p.get("audience_group")
    for fid, group in other:
        findings.append(Finding(
            "audience_group", "info", "session_other_group",
            {"fact": fid, "group": group or "—", "wanted": wanted or "—"}, s_clause, (fid,),
        ))
    # presenter, content, materials: failures matter only while unfulfilled
    for name, ok_code, clause in clauses:
        for check, outcome, code, params, fid in bad:
            if check != name:
                continue
            if fulfilled_on is not None:
                outcome = "info"
            findings.append(Finding(name, outcome, code, params, clause, (fid,)))
        if counted and p.get(name):
            findings.append(Finding(name, "pass", ok_code, {"count": len(counted)}, clause, counted))
    return findings


def _audience_totals(
    obligation: Obligation, spec: Any, unit: Unit, evidence: tuple[str, ...], bad: list, counted: tuple[str, ...], held: int,
    attended: tuple[int, ...] | None, attendance_known: bool, covered: bool, fulfilled_on: Any,
    other: tuple[tuple[str, str | None], ...] = (),
) -> tuple[int, ...]:
    """The ``audience`` finding's totals, (members attended, members, non-members attended, non-members), without
    building the findings; ``()`` when they have no audience finding (no session counted)."""
    if not counted:
        return ()
    audience = obligation.params["audience"]
    party = _static(obligation, spec)[0]
    headcount = unit.audience
    pm_got = pm_need = nm_got = nm_need = 0
    for c, got in zip(audience["categories"], attended or ()):  # counted: one count per category
        need = headcount.get(c, 0)
        if got > need:
            got = need
        if c in party:
            pm_got, pm_need = pm_got + got, pm_need + need
        else:
            nm_got, nm_need = nm_got + got, nm_need + need
    return pm_got, pm_need, nm_got, nm_need


#: Figures a reader may take without building the findings (see LazyFindings.summary); tested equal to them.
_findings.summaries = {"audience": _audience_totals}  # type: ignore[attr-defined]


@hookimpl
def nqengine_register_obligation_kinds():
    return [StudySession()]
