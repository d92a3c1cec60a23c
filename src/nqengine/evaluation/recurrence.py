"""Recurring obligations: one verdict per (obligation, unit, period).

An obligation with ``every:`` (see :mod:`nqengine.periods`) is evaluated once
per period through the same ``nqengine_evaluate_obligation`` hook as a
one-off obligation.  For each period the kind receives the obligation as it
reads for that period (its deadline made a date) and a :class:`PeriodContext`:
``context.period`` is the :class:`~nqengine.periods.Period`, and
``context.facts()`` returns only the facts attributed to that period.

Attribution of facts to periods (a fact counts for at most one period):

- a fact that names its period (``period: "quý II/2026"``) counts for that
  period only; naming a period the obligation does not have for the unit
  leaves it unmatched, with the reason;
- a fact that names none counts for the earliest period still open (not yet
  fulfilled) whose coverage had begun on the fact's date, and the verdict
  says it was attributed (finding ``period_attributed``).

A run as of a date shows the periods due by then and the next one; the
``period`` argument of :func:`nqengine.evaluate` selects one period instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Mapping, Sequence

import attrs

from nqengine.model import (
    STATUSES,
    Deadline,
    Fact,
    Finding,
    LazyFindings,
    Obligation,
    Unit,
    Verdict,
    findings_tuple,
)
from nqengine.periods import Period, PeriodName, Recurrence

__all__ = ["PeriodContext", "evaluate_recurring", "period_due", "visible_periods", "first_affected", "summary_by_period", "periods_of"]

ONE_DAY = dt.timedelta(days=1)


# --- deadlines -------------------------------------------------------------------


def period_due(deadline: Deadline | None, period: Period, calendar: Any) -> dt.date | None:
    """The last day on time for ``period`` under a per-period ``deadline`` (None: no date)."""
    if deadline is None or deadline.open:
        return None
    if deadline.day_of_last_month is not None:
        e = period.end
        last = (dt.date(e.year + (e.month == 12), e.month % 12 + 1, 1) - ONE_DAY).day
        target = dt.date(e.year, e.month, min(deadline.day_of_last_month, last))
    elif deadline.days_after_end is not None:
        if deadline.working_days:
            target = calendar.add_working_days(period.end, deadline.days_after_end)
        else:
            target = period.end + dt.timedelta(days=deadline.days_after_end)
    elif deadline.on:
        target = None
        for day, month in deadline.on:
            for year in range(period.start.year, period.end.year + 1):
                try:
                    d = dt.date(year, month, day)
                except ValueError:  # 29/02 in a common year
                    continue
                if period.start <= d <= period.end:
                    target = d
                    break
            if target is not None:
                break
        if target is None:
            return None
    else:
        return None
    return target if deadline.inclusive else target - ONE_DAY


def _for_period(ob: Obligation, period: Period, calendar: Any) -> Obligation:
    """``ob`` (and its exceptions) as they read for ``period``: each per-period deadline made a date."""

    def concrete(variant: Obligation) -> Obligation:
        d = variant.deadline
        if d is None or d.open:
            return variant
        due = period_due(d, period, calendar)
        if due is None:
            return attrs.evolve(variant, deadline=attrs.evolve(d, open=True, day_of_last_month=None, days_after_end=None, on=()))
        return attrs.evolve(
            variant,
            deadline=Deadline(inclusive=True, date=due, text=d.text, interpretation=d.interpretation, clause=d.clause),
        )

    out = concrete(ob)
    if ob.exceptions:
        out = attrs.evolve(out, exceptions=tuple(attrs.evolve(e, obligation=concrete(e.obligation)) for e in ob.exceptions))
    return out


# --- which periods ---------------------------------------------------------------------


def visible_periods(ob: Obligation, as_of: dt.date, calendar: Any, selected: str | None = None) -> tuple[list[Period], list[Period]]:
    """``(evaluated, shown)``: the periods to evaluate in order, and those whose verdicts are kept.

    Shown: every period due on or before ``as_of``, then the next one (pending);
    or only the ``selected`` period id.  Evaluated: every period up to the last
    shown one (earlier periods claim the facts they were attributed).
    """
    rec: Recurrence = ob.recurrence  # type: ignore[assignment]
    evaluated: list[Period] = []
    shown: list[Period] = []
    for p in rec.periods():
        evaluated.append(p)
        if selected is not None:
            if p.id == selected:
                return evaluated, [p]
            if p.start.year > int(selected[:4]) + 1:
                return [], []
            continue
        shown.append(p)
        due = period_due(ob.deadline, p, calendar)
        if due is None:
            due = p.end  # no date: shown once the period is over, the next one pending
        if due > as_of:
            break
    if selected is not None:
        return [], []
    return evaluated, shown


# --- the context a kind sees ----------------------------------------------------------------


class PeriodContext:
    """The evaluation context for one period: ``period`` set, facts limited to the period's own.

    Everything else is the evaluation's :class:`~nqengine.engine.Context`
    (attributes and methods are looked up there).
    """

    def __init__(self, base: Any, period: Period, assigned: dict[tuple[str, str], list[Fact]], consumed: frozenset[str]):
        self._base, self.period, self._assigned, self._consumed = base, period, assigned, consumed
        # what kinds read on every verdict, bound once rather than looked up through __getattr__
        self.due, self.conclude, self.registry, self.as_of = base.due, base.conclude, base.registry, base.as_of

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    def facts(self, unit: str, type: str) -> list[Fact]:
        """Facts of ``type`` for ``unit`` attributed to this period (other types: all, as usual)."""
        if type in self._consumed:
            return self._assigned.get((unit, type), [])
        return self._base.facts(unit, type)


# --- evaluation --------------------------------------------------------------------------


def _units_for(ob: Obligation, registry: Any, index: Any) -> list[Unit]:
    sel = ob.applies_to
    return [u for u in index.candidates(sel, registry) if sel.matches(u)]


def _existed(unit: Unit, period: Period) -> bool:
    return (unit.valid_from is None or unit.valid_from <= period.end) and (unit.valid_to is None or unit.valid_to >= period.start)


def evaluate_recurring(
    pm: Any, ob: Obligation, registry: Any, index: Any, ctx: Any, selected: str | None = None,
    *, unit: Unit | None = None, start: str | None = None, new: Fact | None = None,
    evaluate_obligation: Callable[..., Sequence[Verdict]], with_extra_findings: Callable[..., Verdict],
) -> list[Verdict]:
    """The verdicts of a recurring obligation: per shown period, per unit that existed in it.

    Verdicts come period by period, units in registry order within a period.
    The facts attributed to each (unit, period) are kept in the context
    (``period_claims``).  For incremental evaluation, ``unit`` limits it to
    one unit and ``start`` to the periods from that one on (earlier periods
    keep the facts they were attributed), and it stops after the first period
    at which the facts attributed so far are the same as before, but for the
    ``new`` fact: the periods after it cannot change.  The engine passes in how
    one obligation is judged for a list of units (``evaluate_obligation``) and how
    plugins' extra findings are added (``with_extra_findings``): the functions a
    one-off obligation goes through.
    """
    hook = pm.hook
    extra = bool(hook.nqengine_extra_findings.get_hookimpls())
    views = ctx.__dict__.setdefault("period_views", {})  # incremental evaluation asks again and again
    view = views.get((ob.id, selected))
    if view is None or view[0] is not ob:
        evaluated, shown = visible_periods(ob, ctx.as_of, ctx.calendar, selected)
        view = views[(ob.id, selected)] = (ob, evaluated, shown, {p.id for p in shown})
    _, evaluated, shown, shown_ids = view
    kind = ctx.catalogue.kind(ob.kind)
    consumed = frozenset(t for v in (ob, *(e.obligation for e in ob.exceptions)) for t in kind.consumes(v))
    units = _units_for(ob, registry, index) if unit is None else ([unit] if ob.applies_to.matches(unit) else [])
    # Facts of the consumed types per unit: named ones by period, the rest in date order.
    named: dict[tuple[str, str], list[Fact]] = {}
    pool: dict[str, list[Fact]] = {}
    about = {None, ob.id, ob.params.get("about"), *(e.obligation.params.get("about") for e in ob.exceptions)}
    for u in units:
        for t in sorted(consumed):
            for f in ctx.facts(u.id, t):
                if f.data.get("about") not in about:  # a report about another obligation: not this one's to take
                    continue
                pid = f.data.get("period")
                if pid is not None:
                    named.setdefault((u.id, pid), []).append(f)
                else:
                    pool.setdefault(u.id, []).append(f)
    for lst in pool.values():
        lst.sort(key=lambda f: (f.date, f.id))
    claimed: set[str] = set()
    claims: dict[tuple[str, str, str], tuple[str, ...]] = ctx.__dict__.setdefault("period_claims", {})
    before: set[str] = set()  # incremental: what the periods done so far had claimed before the new fact
    known = {p.id: p for p in evaluated}
    out: list[Verdict] = []
    resumed = start is None
    for step, period in enumerate(evaluated):
        members = [u for u in units if _existed(u, period)]
        if not members:
            continue
        if not resumed:
            if period.id != start:  # unchanged: it keeps the facts it was attributed
                ids = [fid for u in members for fid in claims.get((ob.id, u.id, period.id), ())]
                claimed.update(ids)
                before.update(ids)
                continue
            resumed = True
        if unit is not None:
            before.update(claims.get((ob.id, unit.id, period.id), ()))
        variant = _for_period(ob, period, ctx.calendar)
        assigned: dict[tuple[str, str], list[Fact]] = {}
        attributed: dict[str, list[Fact]] = {}
        cursor: dict[str, int] = {}
        for u in members:
            for f in named.get((u.id, period.id), ()):
                assigned.setdefault((u.id, f.type), []).append(f)
        pctx = PeriodContext(ctx, period, assigned, consumed)

        def take_next(u: Unit) -> bool:
            lst = pool.get(u.id, ())
            i = cursor.get(u.id, 0)
            while i < len(lst):
                f = lst[i]
                i += 1
                if f.id in claimed or f.date < period.coverage_start and f.date < period.start:
                    continue
                cursor[u.id] = i
                claimed.add(f.id)
                facts = assigned.setdefault((u.id, f.type), [])
                facts.append(f)
                facts.sort(key=lambda x: (x.date, x.id))
                attributed.setdefault(u.id, []).append(f)
                return True
            cursor[u.id] = i
            return False

        for u in members:
            if not any((u.id, t) in assigned for t in consumed):
                take_next(u)
        ctx.period_id = period.id  # verdicts concluded now carry it
        try:
            verdicts = dict(zip((u.id for u in members), evaluate_obligation(hook, variant, members, pctx)))
            todo = [u for u in members if verdicts[u.id].fulfilled_on is None]
            while todo:  # still open: the next unattributed fact may fulfil it
                todo = [u for u in todo if take_next(u)]
                if not todo:
                    break
                for u, v in zip(todo, evaluate_obligation(hook, variant, todo, pctx)):
                    verdicts[u.id] = v
                todo = [u for u in todo if verdicts[u.id].fulfilled_on is None]
        finally:
            ctx.period_id = None
        for u in members:
            key = (ob.id, u.id, period.id)
            if u.id in attributed:
                claims[key] = tuple(f.id for f in attributed[u.id])
            elif key in claims:
                del claims[key]
        if period.id in shown_ids:
            out.extend(_shown_verdicts(pm, ob, variant, members, verdicts, attributed, period, pctx, extra, with_extra_findings))
        if unit is not None and new is not None and _settled(claimed, before, new, evaluated[step + 1:], ctx):
            break  # the later periods see the same facts as before: they cannot change
    if unit is None:
        _unknown_periods(ctx, units, named, known, ob, evaluated)
    return out


def _settled(claimed: set[str], before: set[str], new: Fact, later: list[Period], ctx: Any) -> bool:
    """Whether the periods after this one would be given the same facts as before the ``new`` fact came.

    They are, when the facts claimed so far differ from those claimed before
    (plus the new fact, if it names no period) only by facts too early for
    the next period to take.
    """
    if not later:
        return True
    expected = before | ({new.id} if new.data.get("period") is None else set())
    nxt = later[0]
    first_day = min(nxt.start, nxt.coverage_start)
    for fid in claimed ^ expected:
        f = ctx.facts_by_id.get(fid)
        if f is None or f.date >= first_day:
            return False
    return True


def _shown_verdicts(
    pm: Any, ob: Obligation, variant: Obligation, members: list[Unit], verdicts: dict, attributed: dict, period: Period, pctx: Any, extra: bool,
    with_extra_findings: Callable[..., Verdict],
) -> list[Verdict]:
    """The period's verdicts as shown: the period set, the attributed facts noted, extra findings added."""
    out = []
    for u in members:
        v = verdicts[u.id]
        facts = attributed.get(u.id)
        if facts:
            notes = tuple(Finding("period", "info", "period_attributed", {"fact": f.id, "period": PeriodName(period.id)}, ob.clause, (f.id,)) for f in facts)
            v = attrs.evolve(v, period=period.id, findings=LazyFindings(_with_notes, v._findings, notes))
        elif v.period != period.id:  # a kind that built its verdict itself
            v = attrs.evolve(v, period=period.id)
        if extra or pctx.name_matches or pctx.presenter_matches:  # plugins' findings, or names matched as typed
            v = with_extra_findings(pm, variant, u, v, pctx)
        out.append(v)
    return out


def first_affected(ob: Obligation, fact: Fact, kept: Mapping[str, Verdict], ctx: Any) -> str | None:
    """The first period of ``fact``'s unit whose verdict ``fact`` can change (None: none of those shown).

    A fact naming its period changes that period (and, as it may close it,
    the attribution of later ones).  A fact naming none changes the earliest
    period it could count for that is still open, or that took a fact dated
    after it (taken in date order, the new fact would have come first).
    """
    pid = fact.data.get("period")
    if pid is not None:
        return pid if pid in kept else None
    rec: Recurrence = ob.recurrence  # type: ignore[assignment]
    key = (fact.date, fact.id)
    left = len(kept)
    for p in rec.periods():
        if left == 0:
            return None
        if p.id not in kept:
            continue
        left -= 1
        if fact.date < p.coverage_start and fact.date < p.start:
            continue
        v = kept[p.id]
        if v.fulfilled_on is None:
            return p.id
        for fid in v.evidence:
            f = ctx.facts_by_id.get(fid)
            if f is not None and f.type == fact.type and f.data.get("period") is None and (f.date, f.id) > key:
                return p.id
    return None





def _with_notes(findings: Any, notes: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return findings_tuple(findings) + notes


def _unknown_periods(ctx: Any, units: Sequence[Unit], named: dict, known: dict, ob: Obligation, evaluated: list[Period]) -> None:
    """Reasons for facts naming a period this obligation does not have for their unit (kept unless another verdict uses them)."""
    rec: Recurrence = ob.recurrence  # type: ignore[assignment]
    by_id = {u.id: u for u in units}
    reasons = ctx.__dict__.setdefault("period_reasons", {})
    last = evaluated[-1] if evaluated else None
    for (uid, pid), facts in named.items():
        p = known.get(pid)
        if p is not None and _existed(by_id[uid], p):
            continue
        if p is None and rec.period(pid) is not None:
            code, params = "fact_period_not_shown", {"period": PeriodName(pid), "obligation": ob.id}
        elif p is None:
            code, params = "fact_period_unknown", {"period": PeriodName(pid), "obligation": ob.id}
        else:
            code, params = "fact_period_unit_absent", {"period": PeriodName(pid), "unit": uid}
        for f in facts:
            reasons.setdefault(f.id, (code, params))
    del last


def periods_of(verdicts: Iterable[Verdict]) -> list[str]:
    """The distinct periods of ``verdicts``, in order of first appearance."""
    return list(dict.fromkeys(v.period for v in verdicts if v.period is not None))


def summary_by_period(evaluation: Any) -> dict[str, dict[str, dict[str, int]]]:
    """Counts per status per period, for each recurring obligation: ``{obligation: {period: {status: n}}}``."""

    out: dict[str, dict[str, dict[str, int]]] = {}
    for v in evaluation.verdicts:
        if v.period is None:
            continue
        per = out.setdefault(v.obligation, {})
        counts = per.get(v.period)
        if counts is None:
            counts = per[v.period] = dict.fromkeys(STATUSES, 0)
        counts[v.status] += 1
    return out
