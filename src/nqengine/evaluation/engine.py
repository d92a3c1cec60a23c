"""Evaluation: one verdict per applicable (obligation, unit), as of a date.

The loop is built for scale: facts are indexed once by (unit, type) and
sorted by date, units are selected per obligation with a single pass, and the
per-unit work is the kind's ``evaluate_unit``.  Cost grows linearly with units
and facts.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from operator import attrgetter
from typing import Any, Collection, Iterable, Mapping, Sequence

import attrs

from nqengine.errors import EvaluationError, PluginError, Problem, RegistryError, UnknownKeyError
from nqengine.evaluation.kinds import rule_interpretations
from nqengine.evaluation.recurrence import evaluate_recurring
from nqengine.evaluation.rollup import rollup_of
from nqengine.gcpause import gc_paused
from nqengine.model import (
    STATUSES,
    Exception_,
    Fact,
    Finding,
    LazyFindings,
    Obligation,
    Registry,
    Selector,
    Source,
    Spec,
    Unit,
    UnmatchedFact,
    Verdict,
)
from nqengine.names import Ambiguous
from nqengine.periods import parse_period
from nqengine.plugins import catalogue_for, get_plugin_manager
from nqengine.schema import hint_for
from nqengine.spec.vocabularies import spec_vocabulary

__all__ = ["Context", "Evaluation", "evaluate", "obligation_order", "add_findings", "decide_status", "status_for", "ONE_DAY"]

ONE_DAY = dt.timedelta(days=1)


@attrs.define
class Evaluation:
    """The result of :func:`evaluate`: verdicts, unmatched facts, and a summary."""

    spec: Spec
    registry: Registry
    as_of: dt.date
    verdicts: list[Verdict]
    unmatched_facts: list[UnmatchedFact]
    facts: Mapping[str, Fact]
    catalogue: Any = attrs.field(repr=False, default=None)
    _index: dict | None = attrs.field(default=None, repr=False)
    #: The period selected with ``evaluate(..., period=)``, if any.
    period: str | None = None

    def verdict(self, obligation: str, unit: str, period: str | None = None) -> Verdict:
        """The verdict for ``obligation`` and ``unit`` (unit by id or name).

        For a recurring obligation, ``period`` names the period (an id such as
        ``2026-Q2`` or a phrase such as ``quý II/2026``); without it, the only
        period shown, else an :class:`~nqengine.errors.UnknownKeyError` listing them.
        """

        if self._index is None:
            self._index = {(v.obligation, v.unit, v.period): v for v in self.verdicts}
        u = self.registry.unit(unit)
        uid = u.id if u else unit
        if period is not None:
            period = parse_period(period)
        key = (obligation, uid, period)
        if key not in self._index:
            if period is None:
                found = [v for v in self.verdicts if v.obligation == obligation and v.unit == uid]
                if len(found) == 1:
                    return found[0]
                if found:
                    raise UnknownKeyError(
                        f"obligation {obligation!r} recurs: name a period for unit {unit!r} ({', '.join(str(v.period) for v in found)})"
                    )
            raise UnknownKeyError(f"no verdict for obligation {obligation!r} and unit {unit!r}" + (f" in period {period}" if period else ""))
        return self._index[key]

    def rollup(self, unit: str | None = None) -> Any:
        """The roll-up of ``unit`` (by id or name) and everything below it, per obligation.

        A :class:`nqengine.evaluation.rollup.UnitRollup`; without ``unit``, the whole
        :class:`nqengine.evaluation.rollup.Rollup` tree.  Computed once per evaluation.
        """

        return rollup_of(self, unit)

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts per status per obligation, every status present (0 when none)."""
        out: dict[str, dict[str, int]] = {ob.id: dict.fromkeys(STATUSES, 0) for ob in self.spec.obligations}
        for (obligation, status), n in Counter(map(_OBLIGATION_STATUS, self.verdicts)).items():  # in C: 10^5 verdicts at national scale
            out.setdefault(obligation, dict.fromkeys(STATUSES, 0))[status] += n
        return out


_OBLIGATION_STATUS = attrgetter("obligation", "status")


class Context:
    """What a kind sees while evaluating: the spec, registry, indexed facts, dates.

    Kinds call :meth:`facts` to get a unit's facts of a type (dated on or
    before ``as_of``), :meth:`due` for the last day on time, and
    :meth:`conclude` to turn findings into a verdict with the right status.
    ``period`` is the :class:`~nqengine.periods.Period` being evaluated when
    the obligation recurs (see :mod:`nqengine.evaluation.recurrence`), else None.
    """

    period: Any = None
    #: The id of the period being evaluated (set by nqengine.evaluation.recurrence): verdicts concluded now carry it.
    period_id: str | None = None

    def __init__(self, spec: Spec, registry: Registry, facts: Sequence[Fact], as_of: dt.date, catalogue: Any):
        self.spec, self.registry, self.as_of, self.catalogue = spec, registry, as_of, catalogue
        self.calendar = catalogue.calendar(spec.calendar, spec.calendar_overrides)
        self._obligations = {ob.id: ob for ob in spec.obligations}
        self._due_evidence: list[str] = []  # event facts read by due(), added to the next verdict
        self._interpretations: dict[int, tuple[Obligation, str | None]] = {}
        self._working_days: dict[tuple[dt.date, int], dt.date] = {}
        self.fulfilled: dict[tuple[str, str], dt.date | None] = {}
        self.dues: dict[tuple[str, str], dt.date | None] = {}
        #: the verdicts given so far, by (obligation id, unit id): a roll-up reads those of the units below
        self.verdicts: dict[tuple[str, str], Verdict] = {}
        self.facts_by_id: dict[str, Fact] = {}
        self.unmatched: list[UnmatchedFact] = []
        self.used: set[str] = set()
        self._index: dict[tuple[str, str], list[Fact]] = {}
        self.name_matches: dict[str, str] = {}  # fact id -> the unit name as written, matched loosely
        self.ambiguous_names: dict[str, str] = {}  # fact id -> the candidates its unit name fits
        #: fact id -> (presenter as written, person id) for each presenter matched ignoring case, diacritics, spacing
        self.presenter_matches: dict[str, tuple[tuple[str, str], ...]] = {}
        for f in facts:
            self.admit(f)
        for lst in self._index.values():
            lst.sort(key=_fact_order)

    def admit(self, f: Fact) -> list[Fact] | None:
        """Take in one more fact: the list it joined (the unit's facts of its type), or None.

        None when the fact cannot count: a second fact with the same id, or one
        dated after the evaluation date (both recorded as unmatched).  The list
        is left for the caller to keep in date order.
        """
        if f.id in self.facts_by_id:
            first = self.facts_by_id[f.id]
            self.unmatched.append(UnmatchedFact(f.id, "fact_duplicate_id", {"line": first.source.line if first.source else "?"}, f.source))
            return None
        if f.unit not in self.registry.units:  # a unit named rather than given by id
            named = self.registry.unit(f.unit)
            if named is None:  # as people type: case, diacritics and spacing ignored, if only one unit fits
                try:
                    named = self.registry.unit_as_typed(f.unit)
                except Ambiguous as exc:
                    self.ambiguous_names[f.id] = str(exc)
                if named is not None:
                    self.name_matches[f.id] = f.unit
            if named is not None:
                f = attrs.evolve(f, unit=named.id)
        data = f.data
        if ("presenter" in data or "presenters" in data) and self.registry.people:
            f = self._presenters_as_typed(f)
        self.facts_by_id[f.id] = f
        if f.date > self.as_of:
            self.unmatched.append(UnmatchedFact(f.id, "fact_after_as_of", {"date": f.date, "as_of": self.as_of}, f.source))
            self.used.add(f.id)  # accounted for
            return None
        unit = self.registry.units.get(f.unit)
        if unit is not None and not unit.valid_on(f.date):  # what a dissolved unit did after its end is no evidence
            self.unmatched.append(UnmatchedFact(f.id, "fact_unit_not_valid", {"unit": f.unit, "date": f.date}, f.source))
            self.used.add(f.id)
            return None
        key = (f.unit, f.type)
        lst = self._index.get(key)
        if lst is None:
            lst = self._index[key] = []
        lst.append(f)
        return lst

    def _presenters_as_typed(self, f: Fact) -> Fact:
        """``f`` with each presenter named as people type (no diacritics...) replaced by the person's id.

        A name the registry finds (by id, or by NFC name) is left as written.
        One that fits a single person only when case, diacritics and spacing
        are ignored is replaced by that person's id and recorded in
        ``presenter_matches`` (the verdict then carries a warning naming the
        match); one that fits several people is left as written, so the
        presenter check reports it as ambiguous, naming the candidates.
        """
        people, registry = self.registry.people, self.registry
        changed: dict[str, Any] = {}
        matches: list[tuple[str, str]] = []
        for key in ("presenter", "presenters"):
            value = f.data.get(key)
            refs = [value] if key == "presenter" else value
            if not isinstance(refs, (list, tuple)):
                continue
            out = []
            for ref in refs:
                if isinstance(ref, str) and ref and ref not in people and registry.person(ref) is None:
                    try:
                        person = registry.person_as_typed(ref)
                    except Ambiguous:
                        person = None
                    if person is not None:
                        matches.append((ref, person.id))
                        out.append(person.id)
                        continue
                out.append(ref)
            if out != list(refs):
                changed[key] = out[0] if key == "presenter" else type(value)(out)
        if not changed:
            return f
        self.presenter_matches[f.id] = tuple(dict.fromkeys(matches))
        return attrs.evolve(f, data={**f.data, **changed})

    # -- facts ------------------------------------------------------------
    def facts(self, unit: str, type: str) -> list[Fact]:
        """Facts of ``type`` recorded for ``unit`` on or before the evaluation date, by date."""
        return self._index.get((unit, type), [])

    def event_date(self, name: str, unit: str) -> dt.date | None:
        """A named event's date: the unit's own ``event`` fact first, then the spec's events."""
        for f in self.facts(unit, "event"):
            if f.data.get("name") == name:
                self._due_evidence.append(f.id)  # evidence of the deadline it sets
                return f.date
        return self.spec.events.get(name)

    # -- deadlines --------------------------------------------------------
    def due(self, obligation: Obligation, unit: Unit) -> dt.date | None:
        """The last day on which fulfilling ``obligation`` counts as on time, or None (no date yet)."""
        d = obligation.deadline
        if d is None or d.open:
            return None
        if d.date is not None:
            target = d.date
        else:
            ref = d.after
            assert ref is not None
            if ref.event is not None:
                base = self.event_date(ref.event, unit.id)
            elif ref.point == "fulfilled":
                base = self.fulfilled.get((ref.obligation, unit.id))
            else:
                key = (ref.obligation, unit.id)
                if key in self.dues:
                    base = self.dues[key]
                else:  # the referenced obligation does not apply to this unit: its general due date
                    base = self.due(self.spec.obligation(ref.obligation), unit)
            if base is None:
                return None
            if d.working_days:
                key = (base, d.days)
                target = self._working_days.get(key)
                if target is None:  # the same few dates recur across thousands of units
                    target = self._working_days[key] = self.calendar.add_working_days(base, d.days)
            else:
                target = base + dt.timedelta(days=d.days)
        target = target if d.inclusive else target - ONE_DAY
        if d.new_units_days is not None and unit.valid_from is not None and unit.valid_from > target:
            return unit.valid_from + dt.timedelta(days=d.new_units_days)  # the plan gives new units time of their own
        return target

    def interpretation(self, obligation: Obligation) -> str | None:
        """The interpretations a due date rests on, following relative deadlines back.

        A deadline counted from another obligation's deadline that the spec
        interpreted ("kịp thời") rests on that interpretation too.
        """
        hit = self._interpretations.get(id(obligation))
        if hit is not None and hit[0] is obligation:  # asked once per verdict: remember it per obligation
            return hit[1]
        key = obligation
        notes: list[str] = []
        seen: set[str] = set()
        d = obligation.deadline
        while d is not None and obligation.id not in seen:
            seen.add(obligation.id)
            if d.interpretation and d.interpretation not in notes:
                notes.append(d.interpretation)
            ref = d.after
            # Only a deadline counted from another *deadline* rests on its interpretation.
            if ref is None or ref.obligation is None or ref.point != "due" or ref.obligation not in self._obligations:
                break
            obligation = self._obligations[ref.obligation]
            d = obligation.deadline

        for note in rule_interpretations(key.params):  # readings taken on the obligation's other rules (issue 10)
            if note not in notes:
                notes.append(note)
        text = " / ".join(notes) if notes else None
        self._interpretations[id(key)] = (key, text)  # the object is kept, so its id is never reused
        return text

    def due_soon_window(self, obligation: Obligation) -> int:
        return obligation.due_soon_days if obligation.due_soon_days is not None else self.spec.due_soon_days

    # -- verdicts ---------------------------------------------------------
    def use(self, facts: Iterable[Fact]) -> tuple[str, ...]:
        ids = tuple(f.id for f in facts)
        self.used.update(ids)
        return ids

    def conclude(
        self,
        obligation: Obligation,
        unit: Unit,
        findings: Sequence[Finding] | LazyFindings,
        *,
        fulfilled_on: dt.date | None,
        evidence: Iterable[str] = (),
        due: dt.date | None = None,
        exception: Exception_ | None = None,
        status: str | None = None,
        outcomes: Iterable[str] | None = None,
    ) -> Verdict:
        """Build the verdict: status from the findings and the timing, plus a timing finding.

        ``findings`` may be a :class:`~nqengine.model.LazyFindings`, built when
        someone reads the verdict's findings; ``outcomes`` must then give the
        outcomes of the findings it will build (the status is decided from
        them now).  The timing finding is added when the findings are read.
        """
        due_evidence = self._due_evidence
        if due_evidence:
            evidence = tuple(dict.fromkeys((*evidence, *due_evidence)))
            due_evidence.clear()
        elif type(evidence) is not tuple or len(evidence) > 1:
            evidence = tuple(dict.fromkeys(evidence))
        self.used.update(evidence)
        lazy = type(findings) is LazyFindings
        if not lazy:
            findings = tuple(findings)  # the kind's list, as it is now
        if outcomes is None and status is None:
            if lazy:
                raise TypeError("conclude(): LazyFindings need the outcomes= of the findings they will build")
            outcomes = {f.outcome for f in findings}  # type: ignore[union-attr]
        as_of = self.as_of
        dissolved = None
        if (
            status is None and fulfilled_on is None and unit.valid_to is not None
            and unit.valid_to < as_of and (due is None or unit.valid_to < due)
        ):  # the unit ceased to exist before it had to comply
            status = "not_applicable"
            dissolved = unit
            timed = False
        elif status is None and fulfilled_on is None and due is not None and unit.valid_from is not None and unit.valid_from > due:
            # the unit was created after the last day: it could never have complied, so owes nothing
            status = "not_applicable"
            dissolved = unit
            timed = False
        elif status is None:
            window = obligation.due_soon_days
            status = status_for(outcomes, fulfilled_on, due, as_of, self.spec.due_soon_days if window is None else window)  # type: ignore[arg-type]
            timed = True
        else:
            timed = False
        if dissolved is None and not timed:
            explained: Any = findings
        elif lazy:
            explained = findings.then(_verdict_tail, obligation, dissolved, timed, status, due, fulfilled_on, as_of)  # type: ignore[union-attr]
        else:
            explained = LazyFindings(_verdict_findings, findings, obligation, dissolved, timed, status, due, fulfilled_on, as_of)
        return Verdict(
            obligation.id,
            unit.id,
            status,
            due,
            obligation.clause,
            explained,
            evidence,
            fulfilled_on,
            hit[1] if (hit := self._interpretations.get(id(obligation))) is not None and hit[0] is obligation else self.interpretation(obligation),
            (exception.document,) if exception is not None and exception.document else (),
            self.period_id,
        )


def _verdict_findings(
    findings: Sequence[Finding], obligation: Obligation, dissolved: Unit | None, timed: bool,
    status: str, due: dt.date | None, fulfilled_on: dt.date | None, as_of: dt.date,
) -> list[Finding]:
    """A verdict's findings: the kind's, then the dissolved unit's or the timing finding (see ``conclude``)."""
    return [*findings, *_verdict_tail(obligation, dissolved, timed, status, due, fulfilled_on, as_of)]


def _verdict_tail(
    obligation: Obligation, dissolved: Unit | None, timed: bool, status: str, due: dt.date | None, fulfilled_on: dt.date | None, as_of: dt.date,
) -> list[Finding]:
    """What ``conclude`` adds after the kind's findings: the dissolved unit's finding, or the timing finding."""
    out = []
    if dissolved is not None and due is not None and dissolved.valid_from is not None and dissolved.valid_from > due:
        out.append(Finding("unit", "info", "unit_created_after_due", {"unit": dissolved.name, "date": dissolved.valid_from, "due": due}, obligation.clause))
    elif dissolved is not None:
        out.append(Finding("unit", "info", "unit_dissolved", {"unit": dissolved.name, "date": dissolved.valid_to}, obligation.clause))
    if timed:
        key = (id(obligation), status, due, fulfilled_on, as_of)
        hit = _TIMING.get(key)
        if hit is None or hit[0] is not obligation:
            if len(_TIMING) >= 4096:
                _TIMING.clear()
            hit = _TIMING[key] = (obligation, timing_finding(obligation, status, due, fulfilled_on, as_of))
        out.append(hit[1])
    return out


#: Timing findings shared by the verdicts of an obligation with the same dates and status (a national
#: evaluation has 10^5 verdicts and a few dozen distinct timing findings); the obligation is kept with
#: its finding, so its id is not reused while cached.  Findings are frozen: sharing one is safe.
_TIMING: dict[tuple, tuple[Obligation, Finding]] = {}


def _fact_order(f: Fact) -> tuple[dt.date, str]:
    return (f.date, f.id)


def decide_status(
    findings: Iterable[Finding], fulfilled_on: dt.date | None, due: dt.date | None, as_of: dt.date, window: int
) -> str:
    """The status of a verdict with these findings (see :func:`status_for`, which this calls)."""
    return status_for({f.outcome for f in findings}, fulfilled_on, due, as_of, window)


def status_for(
    outcomes: Collection[str], fulfilled_on: dt.date | None, due: dt.date | None, as_of: dt.date, window: int
) -> str:
    """The status rule, in one place, from the outcomes of a verdict's checks.

    ``violated`` means the unit can no longer comply on time: once the due date
    has passed without a conforming fulfilment, evidence that does not conform
    (a failed check: wrong presenter, wrong recipient; or progress short of
    the requirement: too few sessions, audience not covered) is ``violated``,
    and no evidence at all is ``overdue``.  Before the due date (or with no due
    date) the same evidence can still be put right: the verdict is
    ``pending``/``due_soon`` and the failing checks are its findings.  A check
    that lacks evidence means ``indeterminate``; fulfilment decides
    ``met``/``met_late``, unless a check failed on the fulfilment itself.
    """
    if fulfilled_on is not None:
        if "fail" in outcomes:
            return "violated"
        return "met" if due is None or fulfilled_on <= due else "met_late"
    if due is not None and as_of > due and ("fail" in outcomes or "partial" in outcomes):
        return "violated"
    if "unknown" in outcomes:
        return "indeterminate"
    if due is None:
        return "pending"
    if as_of > due:
        return "overdue"
    if as_of >= due - dt.timedelta(days=window):
        return "due_soon"
    return "pending"


def timing_finding(ob: Obligation, status: str, due: dt.date | None, done: dt.date | None, as_of: dt.date) -> Finding:
    clause = ob.deadline.clause if ob.deadline and ob.deadline.clause else ob.clause
    if done is not None:
        late = due is not None and done > due
        code = "timing_late" if late else ("timing_done" if due else "timing_done_no_due")
        outcome = "info" if late else "pass"  # met late is its own status, not a violation
        return Finding("timing", outcome, code, {"done": done, "due": due}, clause)
    if due is None:
        return Finding("timing", "info", "timing_no_due", {}, clause)
    if as_of > due:
        return Finding("timing", "info", "timing_overdue", {"due": due, "days": (as_of - due).days}, clause)
    return Finding("timing", "info", "timing_open", {"due": due, "days": (due - as_of).days}, clause)


def obligation_order(spec: Spec) -> list[Obligation]:
    """Obligations sorted so that each comes after those its deadline counts from."""
    by_id = {ob.id: ob for ob in spec.obligations}
    order: list[Obligation] = []
    state: dict[str, int] = {}

    def deps(ob: Obligation) -> set[str]:
        out = set()
        for variant in (ob, *(e.obligation for e in ob.exceptions)):
            d = variant.deadline
            if d is not None and d.after is not None and d.after.obligation:
                out.add(d.after.obligation)
            rollup = variant.params.get("rollup")  # a roll-up reads the verdicts of the obligation it sums
            if isinstance(rollup, Mapping) and rollup.get("of"):
                out.add(rollup["of"])
        return out

    def visit(ob: Obligation, trail: list[str]) -> None:
        s = state.get(ob.id)
        if s == 2:
            return
        if s == 1:
            raise EvaluationError("relative deadlines form a cycle: " + " -> ".join(trail + [ob.id]))
        state[ob.id] = 1
        for dep in sorted(deps(ob)):
            if dep in by_id:
                visit(by_id[dep], trail + [ob.id])
        state[ob.id] = 2
        order.append(ob)

    for ob in spec.obligations:
        visit(ob, [])
    return order


class UnitIndex:
    """The registry's units by kind and by position, so that selecting them costs what they number.

    Built once per evaluation; selections keep registry order (a frozenset's
    order would change with PYTHONHASHSEED).
    """

    def __init__(self, registry: Registry):
        self.position: dict[str, int] = {}
        self.by_kind: dict[str, list[Unit]] = defaultdict(list)
        for i, u in enumerate(registry.units.values()):
            self.position[u.id] = i
            self.by_kind[u.kind].append(u)

    def candidates(self, sel: Selector, registry: Registry) -> Iterable[Unit]:
        """The units ``sel`` may match, in registry order: those of its kinds or ids, else all."""
        if sel.ids:
            units = registry.units
            return sorted((units[i] for i in sel.ids if i in units), key=lambda u: self.position[u.id])
        if sel.kinds:
            lists = [self.by_kind.get(k, []) for k in sorted(sel.kinds)]
            return lists[0] if len(lists) == 1 else heapq.merge(*lists, key=lambda u: self.position[u.id])
        return registry.units.values()


def _applicable_units(
    ob: Obligation, registry: Registry, start: dt.date | None, as_of: dt.date, index: UnitIndex | None = None
) -> list[Unit]:
    sel = ob.applies_to
    # Registry order, always: a frozenset's order would change with PYTHONHASHSEED.
    candidates: Iterable[Unit] = index.candidates(sel, registry) if index is not None else registry.units.values()
    out = []
    for u in candidates:
        if not sel.matches(u):
            continue
        # A unit that did not exist during [plan start, as_of] has no verdict at all.
        if u.valid_from is not None and u.valid_from > as_of:
            continue
        if u.valid_to is not None and start is not None and u.valid_to < start:
            continue
        out.append(u)
    return out


def evaluate(
    spec: Spec,
    registry: Registry,
    facts: Sequence[Fact],
    as_of: dt.date,
    *,
    pm: Any = None,
    progress: Any = None,
    period: str | None = None,
) -> Evaluation:
    """Evaluate ``spec`` against ``registry`` and ``facts`` as of ``as_of``.

    Returns an :class:`Evaluation` with one verdict per applicable (obligation,
    unit) — per period for a recurring obligation: the periods due by
    ``as_of`` and the next one, or only ``period`` (an id or phrase such as
    ``quý II/2026``) when given — and every fact either used as evidence or
    listed as unmatched with its reason.  ``pm`` is the plugin manager
    (default: a new one from :func:`nqengine.plugins.get_plugin_manager`).
    ``progress``, when given, is called as ``progress(obligation_id, obligations)``
    after each obligation (``obligations``: how many there are).
    """
    return _evaluate(spec, registry, facts, as_of, pm, progress, period)[0]


def _evaluate(
    spec: Spec, registry: Registry, facts: Sequence[Fact], as_of: dt.date, pm: Any, progress: Any = None, period: str | None = None
) -> tuple[Evaluation, Context]:
    """:func:`evaluate`, also returning the context (kept by :mod:`nqengine.incremental`)."""

    if pm is None:
        pm = get_plugin_manager()
    cat = catalogue_for(pm)
    cat.require(spec)
    _check_sectors(spec, registry, pm)
    with gc_paused():  # millions of small acyclic objects at national scale: see nqengine.gcpause
        ctx = Context(spec, registry, facts, as_of, cat)
        verdicts: list[Verdict] = []
        hook = pm.hook
        index = UnitIndex(registry)
        any_extra = bool(hook.nqengine_extra_findings.get_hookimpls())
        fulfilled, dues = ctx.fulfilled, ctx.dues
        if period is not None:
            period = parse_period(period)
        for ob in obligation_order(spec):
            if ob.recurrence is not None:  # one verdict per unit per period: see nqengine.evaluation.recurrence

                verdicts.extend(evaluate_recurring(pm, ob, registry, index, ctx, period, evaluate_obligation=_evaluate_obligation, with_extra_findings=_with_extra_findings))
                if progress is not None:
                    progress(ob.id, len(spec.obligations))
                continue
            units = _applicable_units(ob, registry, spec.effective, as_of, index)
            result = _evaluate_obligation(hook, ob, units, ctx)
            oid = ob.id
            extra = _extra_findings_caller(pm, ob, spec) if any_extra else None
            for unit, v in zip(units, result):
                if extra is not None:
                    v = _with_extra_findings(pm, ob, unit, v, ctx, extra)
                elif ctx.name_matches or ctx.presenter_matches:
                    v = _name_warnings(ob, unit, v, ctx)
                key = (oid, unit.id)
                fulfilled[key] = v.fulfilled_on
                dues[key] = v.due
                ctx.verdicts[key] = v
                verdicts.append(v)
            if progress is not None:
                progress(oid, len(spec.obligations))
        unmatched = ctx.unmatched + _unmatched(ctx, spec, registry, cat)
        verdicts, unmatched = canonical_order(spec, verdicts, unmatched)
    return Evaluation(spec, registry, as_of, verdicts, unmatched, ctx.facts_by_id, cat, period=period), ctx


def canonical_order(spec: Spec, verdicts: Iterable[Verdict], unmatched: Iterable[UnmatchedFact]) -> tuple[list[Verdict], list[UnmatchedFact]]:
    """Verdicts in the spec's obligation order, then by period (recurring obligations), then by unit id; unmatched facts by fact id.

    The order of the registry's and the facts' rows then never shows in the
    output: the same inputs shuffled give the same JSON, byte for byte.
    """
    position = {ob.id: i for i, ob in enumerate(spec.obligations)}
    # Period ids (2026-Q2, 2026-03, 2026-H1, 2026) sort in time order within one obligation.
    ordered = sorted(verdicts, key=lambda v: (position.get(v.obligation, len(position)), v.obligation, v.period or "", v.unit))
    return ordered, sorted(unmatched, key=lambda u: (u.fact, u.code))


def _check_sectors(spec: Spec, registry: Registry, pm: Any) -> None:
    """Refuse a registry whose units name a sector the plan's vocabulary does not have (located, with did-you-mean).

    A unit's ``sector`` is a word of the ``sectors`` vocabulary, which a plan
    or a plugin may extend: the registry alone cannot know it, so it is
    checked here, against the plan being evaluated (and by ``nqengine check``).
    A typo would otherwise make the unit silently escape every selector by sector.
    """
    known = spec_vocabulary(spec, pm, "sectors")
    bad = [u for u in registry.units.values() if u.sector is not None and u.sector not in known]
    if not bad:
        return
    words = sorted(known)
    problems = []
    for u in bad:
        src = u.source or Source(registry.source or "<registry>", 1, 1)
        problems.append(Problem(src.file, src.line, src.column, f"units.{u.id}.sector", "unknown_term",
                                {"field": "sector", "ref": u.sector, "vocabulary": "sectors", **hint_for(u.sector, words)}))
    raise RegistryError(sorted(problems, key=lambda p: (p.file, p.line, p.column)))


def _evaluate_obligation(hook: Any, ob: Obligation, units: list[Unit], ctx: Context) -> list[Verdict]:
    """Call ``nqengine_evaluate_obligation``: one verdict per unit, or a :class:`PluginError`.

    Each implementation is attributed by the plugin manager (it names its
    plugin when it raises or returns a malformed result); this adds the
    obligation (and the unit, when there is one) to such an error, and
    attributes what happens outside any implementation.
    """
    try:
        result = hook.nqengine_evaluate_obligation(obligation=ob, units=units, context=ctx)
    except PluginError as exc:
        raise exc.at(obligation=ob.id, unit=units[0].id if len(units) == 1 else None)
    except Exception as exc:  # outside any implementation (pluggy itself)
        raise PluginError(
            hook="nqengine_evaluate_obligation", obligation=ob.id, code="plugin_raised",
            params={"error": f"{type(exc).__name__}: {exc}"},
        ) from exc
    if result is None:
        raise PluginError(
            hook="nqengine_evaluate_obligation", obligation=ob.id, unit=units[0].id if len(units) == 1 else None,
            code="plugin_no_verdicts", params={"kind": ob.kind},
        )
    if len(result) != len(units) or not all(isinstance(v, Verdict) and v.unit == u.id for v, u in zip(result, units)):
        raise PluginError(  # only reachable with a plugin manager that does not check implementations
            hook="nqengine_evaluate_obligation", obligation=ob.id, code="plugin_bad_return",
            params={"got": type(result).__name__, "expected": f"list[Verdict] ({len(units)}, one per unit)"},
        )
    return result


def _extra_findings_caller(pm: Any, ob: Obligation, spec: Spec) -> Any:
    """The ``nqengine_extra_findings`` caller for ``ob``'s verdicts, or None when no implementation wants them.

    Plugins that answer ``nqengine_extra_findings_wanted`` with False for
    ``ob`` are left out, so the per-verdict call costs nothing when nobody
    would add a finding.
    """
    impls = pm.hook.nqengine_extra_findings.get_hookimpls()
    if not impls:
        return None
    skip = []
    for w in pm.hook.nqengine_extra_findings_wanted.get_hookimpls():
        if w.plugin in (i.plugin for i in impls) and w.function(obligation=ob, spec=spec) is False:  # attributed by the plugin manager
            skip.append(w.plugin)
    if not skip:
        return pm.hook.nqengine_extra_findings
    if len(skip) == len(impls):
        return None
    return pm.subset_hook_caller("nqengine_extra_findings", skip)


def _with_extra_findings(pm: Any, ob: Obligation, unit: Unit, v: Verdict, ctx: Context, hook: Any = None) -> Verdict:
    """``v`` with the findings of every ``nqengine_extra_findings`` implementation (of ``hook``, a subset caller) added.

    Also the warnings for names matched as people type them (:func:`_name_warnings`),
    so that a full, a per-period and an incremental evaluation finish a verdict alike.
    """
    if ctx.name_matches or ctx.presenter_matches:
        v = _name_warnings(ob, unit, v, ctx)
    if hook is None:
        hook = pm.hook.nqengine_extra_findings
    if not hook.get_hookimpls():
        return v
    try:
        results = hook(obligation=ob, unit=unit, verdict=v, context=ctx)
    except PluginError as exc:  # implementations are attributed by the plugin manager
        raise exc.at(obligation=ob.id, unit=unit.id)
    extra: list[Finding] = []
    for got in results:
        if not isinstance(got, (list, tuple)) or not all(isinstance(f, Finding) for f in got):
            raise PluginError(  # only reachable with a plugin manager that does not check implementations
                hook="nqengine_extra_findings", obligation=ob.id, unit=unit.id, code="plugin_bad_return",
                params={"got": type(got).__name__, "expected": "list[Finding]"},
            )
        extra.extend(got)
    return add_findings(ob, unit, v, extra, ctx) if extra else v


def _name_warnings(ob: Obligation, unit: Unit, v: Verdict, ctx: Context) -> Verdict:
    """A finding for each fact of the verdict whose unit was named loosely (without diacritics...)."""
    found = [
        Finding("names", "info", "fact_unit_name_matched", {"fact": e, "written": ctx.name_matches[e], "name": unit.name, "id": unit.id}, ob.clause, (e,))
        for e in v.evidence if e in ctx.name_matches
    ]
    people = ctx.registry.people
    found += [
        Finding("names", "info", "presenter_name_matched", {"fact": e, "written": written, "name": people[pid].name, "id": pid}, ob.clause, (e,))
        for e in v.evidence if e in ctx.presenter_matches for written, pid in ctx.presenter_matches[e]
    ]
    if not found:
        return v
    return add_findings(ob, unit, v, found, ctx)


def add_findings(obligation: Obligation, unit: Unit, verdict: Verdict, findings: Sequence[Finding], context: Context) -> Verdict:
    """``verdict`` with ``findings`` added, its status, fulfilment and timing finding updated.

    For plugins (``nqengine_extra_findings`` goes through here, and a
    wrapper of ``nqengine_evaluate_obligation`` may call it).  A finding with
    outcome ``fail`` makes a met verdict unfulfilled: ``violated`` once its due
    date has passed, ``pending``/``due_soon`` before (see :func:`status_for`); ``unknown`` makes a met
    verdict ``indeterminate``; ``partial`` makes a met verdict unfulfilled
    (its status then follows the calendar); ``pass`` and ``info`` only add
    to the explanation.  A ``not_applicable`` verdict stays so.  The
    findings' evidence joins the verdict's.
    """
    findings = list(findings)
    if not findings:
        return verdict
    evidence = tuple(dict.fromkeys(verdict.evidence + tuple(e for f in findings for e in f.evidence)))
    context.used.update(evidence)
    own = [f for f in verdict.findings if f.check != "timing"]
    timing = [f for f in verdict.findings if f.check == "timing"]
    outcomes = {f.outcome for f in findings}
    if verdict.status == "not_applicable" or not outcomes & {"fail", "unknown", "partial"}:
        return attrs.evolve(verdict, findings=tuple(own + findings + timing), evidence=evidence)
    variant, _ = obligation.for_unit(unit, context.as_of)
    window = context.due_soon_window(variant)
    checks = own + findings
    done = verdict.fulfilled_on if verdict.status in ("met", "met_late") else None
    if "partial" in outcomes or "fail" in outcomes:
        # What a plugin's check refuses does not fulfil the obligation: until the due date
        # it can still be put right (pending/due_soon), after it the verdict is violated.
        done = None
    status = decide_status(checks, done, verdict.due, context.as_of, window)
    if status in ("met", "met_late"):  # only when done was kept, so "unknown" is among the outcomes
        status = "indeterminate"
    # Past the early return, the verdict is never fulfilled: a refusal cleared ``done``, and a
    # doubt ("unknown") turned what it would have met into "indeterminate".
    if status == verdict.status:
        return attrs.evolve(verdict, findings=tuple(checks + timing), evidence=evidence)
    new_timing = timing_finding(variant, status, verdict.due, None, context.as_of)
    return attrs.evolve(verdict, status=status, findings=tuple(checks + [new_timing]), evidence=evidence, fulfilled_on=None)


def _event_reason(ctx: Context, f: Fact) -> tuple[str, dict]:
    """Why an ``event`` fact was not read: an earlier one of the same unit and name was, or no deadline asks."""
    name = f.data.get("name")
    for other in ctx.facts(f.unit, "event"):
        if other.id != f.id and other.id in ctx.used and other.data.get("name") == name:
            return "fact_event_superseded", {"name": name, "first": other.id}
    return "fact_event_unused", {"name": name}


def _unmatched(ctx: Context, spec: Spec, registry: Registry, cat: Any) -> list[UnmatchedFact]:
    """A reason for every fact no verdict used."""
    consumers: dict[str, list[Obligation]] = defaultdict(list)
    for ob in spec.obligations:
        for t in cat.kind(ob.kind).consumes(ob):
            consumers[t].append(ob)
    out = []
    period_reasons = ctx.__dict__.get("period_reasons", {})  # facts naming a period they cannot count for
    for f in ctx.facts_by_id.values():
        if f.id in ctx.used:
            continue
        unit = registry.units.get(f.unit)
        if f.id in period_reasons:
            code, params = period_reasons[f.id]
        elif unit is None and f.id in ctx.ambiguous_names:
            code, params = "fact_unit_ambiguous", {"unit": f.unit, "candidates": ctx.ambiguous_names[f.id]}
        elif unit is None:
            code, params = "fact_unknown_unit", {"unit": f.unit}
        elif f.type == "event" and f.type not in consumers:
            code, params = _event_reason(ctx, f)
        elif f.type not in consumers:
            code, params = "fact_type_unused", {"type": f.type}
        elif not any(ob.applies_to.matches(unit) for ob in consumers[f.type]):
            code, params = "fact_unit_not_subject", {"unit": f.unit, "type": f.type}
        else:  # a fact dated outside its unit's life was set aside by Context.admit, as fact_unit_not_valid
            code, params = "fact_not_needed", {"type": f.type}
        out.append(UnmatchedFact(f.id, code, params, f.source))
    return out
