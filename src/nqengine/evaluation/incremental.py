"""Incremental evaluation for systems that embed nqengine: one new fact, a few verdicts.

A national evaluation takes seconds; a fact arriving afterwards (a session
held, a report sent) changes a handful of verdicts.  :class:`IncrementalEvaluation`
evaluates once, keeps the engine's context, and on :meth:`~IncrementalEvaluation.add_fact`
re-evaluates only what the fact can change:

- the fact's unit, on each obligation that consumes facts of its type
  (the kind's ``consumes``, for the obligation and each of its exceptions);
- for an ``event`` fact, the unit on every obligation whose deadline counts
  from an event;
- then, on the same unit, every obligation whose deadline counts from one of
  those (``after: {obligation: ...}``), and so on, in dependency order;
- for a recurring obligation, only the unit's periods from the first one the
  fact can change (see :func:`nqengine.evaluation.recurrence.first_affected`): the period
  it names, or the earliest open period it could count for.

:attr:`~IncrementalEvaluation.evaluation` is then what a full
:func:`nqengine.evaluate` of the same spec, registry and date gives for all
the facts seen so far, in the same order: verdicts, unmatched facts (with
their reasons) and summary.

This rests on what every built-in kind does: a unit's verdict depends on its
own facts of the types the obligation consumes, on its deadline's references,
and on the registry — never on another unit's facts.  A plugin kind, or an
``nqengine_extra_findings`` implementation, that reads other facts breaks
this; use a full evaluation with such plugins.  Per-member ``attendance``
rows are folded into sessions when files are loaded (:mod:`nqengine.attendance`);
given here, an ``attendance`` fact is a fact like any other, which no
obligation consumes.

A long-running service holding a national evaluation may call
:func:`gc.freeze` once it is built, so that Python's cyclic collector stops
re-examining its millions of objects (they hold no cycles).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Iterable, Sequence

from nqengine.dates import parse_date
from nqengine.evaluation.engine import (
    Evaluation,
    _evaluate,
    _evaluate_obligation,
    _fact_order,
    _unmatched,
    _with_extra_findings,
    canonical_order,
    obligation_order,
)
from nqengine.evaluation.recurrence import (
    _unknown_periods,
    evaluate_recurring,
    first_affected,
    visible_periods,
)
from nqengine.gcpause import gc_paused
from nqengine.model import Fact, Registry, Spec, Unit, Verdict
from nqengine.plugins import get_plugin_manager

__all__ = ["IncrementalEvaluation"]


class IncrementalEvaluation:
    """An evaluation kept current as facts arrive one at a time.

    ``IncrementalEvaluation(spec, registry, facts, as_of, pm=None)`` evaluates
    in full once; :meth:`add_fact` then takes one new fact and returns the
    verdicts it changed.  Not thread-safe: one writer at a time.
    """

    def __init__(self, spec: Spec, registry: Registry, facts: Sequence[Fact], as_of: dt.date | str, pm: Any = None):
        self.pm = pm if pm is not None else get_plugin_manager()
        with gc_paused():  # a national evaluation and its indexes: see nqengine.gcpause
            self._setup(spec, registry, facts, parse_date(as_of))

    def _setup(self, spec: Spec, registry: Registry, facts: Sequence[Fact], as_of: dt.date) -> None:
        full, self._ctx = _evaluate(spec, registry, list(facts), as_of, self.pm)
        self.spec, self.registry, self.as_of = spec, registry, as_of
        self._catalogue = full.catalogue
        self._verdicts: dict[tuple[str, str, str | None], Verdict] = {(v.obligation, v.unit, v.period): v for v in full.verdicts}
        self._periods_of: dict[tuple[str, str], dict[str, Verdict]] = defaultdict(dict)  # a recurring obligation's verdicts per unit
        for v in full.verdicts:
            if v.period is not None:
                self._periods_of[(v.obligation, v.unit)][v.period] = v
        self._cited: dict[str, int] = defaultdict(int)  # fact id -> how many verdicts cite it
        for v in full.verdicts:
            for fid in v.evidence:
                self._cited[fid] += 1
        self._order = obligation_order(spec)
        self._consumers: dict[str, set[str]] = defaultdict(set)
        self._dependents: dict[str, set[str]] = defaultdict(set)
        self._on_events: set[str] = set()
        for ob in spec.obligations:
            for variant in (ob, *(e.obligation for e in ob.exceptions)):
                for t in self._catalogue.kind(ob.kind).consumes(variant):
                    self._consumers[t].add(ob.id)
                d = variant.deadline
                if d is not None and d.after is not None:
                    if d.after.obligation:
                        self._dependents[d.after.obligation].add(ob.id)
                    if d.after.event:
                        self._on_events.add(ob.id)
        self._evaluation: Evaluation | None = full

    # -- reading ---------------------------------------------------------
    @property
    def evaluation(self) -> Evaluation:
        """The evaluation as a full re-evaluation would give it now (assembled on demand)."""
        if self._evaluation is None:
            ctx = self._ctx
            unmatched = ctx.unmatched + _unmatched(ctx, self.spec, self.registry, self._catalogue)
            verdicts, unmatched = canonical_order(self.spec, self._verdicts.values(), unmatched)
            self._evaluation = Evaluation(
                self.spec, self.registry, self.as_of, verdicts, unmatched, ctx.facts_by_id, self._catalogue
            )
        return self._evaluation

    def verdict(self, obligation: str, unit: str, period: str | None = None) -> Verdict | None:
        """The current verdict of ``unit`` (an id) on ``obligation`` (in ``period``, an id, if it recurs), or None."""
        return self._verdicts.get((obligation, unit, period))

    # -- writing ---------------------------------------------------------
    def add_fact(self, fact: Fact) -> list[Verdict]:
        """Take in one new fact; the verdicts that changed, in evaluation order.

        A fact whose id was seen before, or dated after the evaluation date,
        changes no verdict: it is listed among the unmatched facts, as a full
        evaluation would list it.
        """
        ctx = self._ctx
        self._evaluation = None
        joined = ctx.admit(fact)
        if joined is None:
            return []
        joined.sort(key=_fact_order)
        fact = ctx.facts_by_id[fact.id]  # as admitted (a unit given by name is now its id)
        unit = self.registry.units.get(fact.unit)
        if unit is None:
            return []
        return self._reevaluate(unit, self._affected(fact.type), fact)

    def add_facts(self, facts: Iterable[Fact]) -> list[Verdict]:
        """:meth:`add_fact` for each fact in turn; each verdict that changed, once, as it now stands."""
        changed: dict[tuple[str, str, str | None], Verdict] = {}
        for f in facts:
            for v in self.add_fact(f):
                changed[(v.obligation, v.unit, v.period)] = v
        return list(changed.values())

    def _affected(self, fact_type: str) -> set[str]:
        """Obligation ids a fact of ``fact_type`` can change for its unit, dependents included."""
        todo = set(self._consumers.get(fact_type, ()))
        if fact_type == "event":
            todo |= self._on_events
        out: set[str] = set()
        while todo:
            oid = todo.pop()
            if oid not in out:
                out.add(oid)
                todo |= self._dependents.get(oid, set())
        return out

    def _reevaluate(self, unit: Unit, obligations: set[str], fact: Fact | None = None) -> list[Verdict]:
        ctx, changed = self._ctx, []
        hook = self.pm.hook
        for ob in self._order:
            if ob.recurrence is not None:
                if ob.id in obligations and fact is not None:
                    changed.extend(self._reevaluate_periods(ob, unit, fact))
                continue
            key = (ob.id, unit.id, None)
            if ob.id not in obligations or key not in self._verdicts:  # not applicable to this unit
                continue
            old = self._verdicts[key]
            new = _with_extra_findings(self.pm, ob, unit, _evaluate_obligation(hook, ob, [unit], ctx)[0], ctx)
            ctx.fulfilled[key[:2]] = new.fulfilled_on
            ctx.dues[key[:2]] = new.due
            ctx.verdicts[key[:2]] = new
            if new == old:
                continue
            self._verdicts[key] = new
            self._cite(old, -1)
            self._cite(new, +1)
            changed.append(new)
        return changed

    def _reevaluate_periods(self, ob: Any, unit: Unit, fact: Fact) -> list[Verdict]:
        """A recurring obligation's verdicts of ``unit`` that ``fact`` changed: its periods from the first it can change."""

        kept = self._periods_of.get((ob.id, unit.id), {})
        start = first_affected(ob, fact, kept, self._ctx)
        if start is None:
            pid = fact.data.get("period")
            if pid is not None and pid not in kept:  # names a period it cannot count for: the reason, as a full evaluation gives it
                evaluated, _ = visible_periods(ob, self.as_of, self._ctx.calendar)
                _unknown_periods(self._ctx, [unit], {(unit.id, pid): [fact]}, {p.id: p for p in evaluated}, ob, evaluated)
            return []
        changed = []
        for new in evaluate_recurring(
            self.pm, ob, self.registry, None, self._ctx, unit=unit, start=start, new=fact,
            evaluate_obligation=_evaluate_obligation, with_extra_findings=_with_extra_findings,
        ):
            key = (ob.id, unit.id, new.period)
            old = self._verdicts[key]
            if new == old:
                continue
            self._verdicts[key] = kept[new.period] = new
            self._cite(old, -1)
            self._cite(new, +1)
            changed.append(new)
        return changed

    def _cite(self, v: Verdict, step: int) -> None:
        """Keep ``used`` equal to the facts some verdict cites (plus those after the date)."""
        cited, used = self._cited, self._ctx.used
        for fid in v.evidence:
            n = cited[fid] = cited[fid] + step
            if n > 0:
                used.add(fid)
            else:
                del cited[fid]
                f = self._ctx.facts_by_id.get(fid)
                if f is None or f.date <= self.as_of:
                    used.discard(fid)
