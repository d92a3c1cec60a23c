"""Engine invariants: properties every evaluation must have, for any spec.

Each :class:`Invariant` pairs a check (a plain function that raises
:class:`PropertyFailure`) with a strategy of its inputs, so it can be run on
one case by hand, or on generated cases with :func:`run_property` (which
``nqengine prove`` and nqengine's own tests use).  The checks call
``nqengine.engine.evaluate`` through the module at call time, so a test may
monkeypatch the engine and watch the invariant catch it.

The invariants (``INVARIANTS``, by name):

``deterministic``
    the same inputs give the same evaluation, to the last finding.
``fact_order``
    the order facts arrive in changes nothing (fact ids are unique).
``duplicate_facts``
    a fact given twice *with the same id* changes no verdict; each copy is
    reported unmatched as ``fact_duplicate_id``.  (A copy with a *fresh* id
    is another fact: two identical session rows count as two sessions.)
``accounting``
    exactly one verdict per applicable (obligation, unit) — per (obligation,
    unit, period) for a recurring obligation — and every fact is accounted
    for once: used as evidence, or reported unmatched.
``periods``
    a recurring obligation has one verdict per unit per period shown that
    the unit existed in (the periods due by the date, and the next one), and
    a fact counts for at most one of its periods.
``as_of_monotone``
    with the facts fixed, a later evaluation date never turns ``met`` into
    anything else; ``pending``/``due_soon``/``overdue`` agree with the due
    date, so ``pending`` turns ``overdue`` only across the deadline.
``fulfilling_fact_monotone``
    adding facts that fulfil an (obligation, unit) never worsens its verdict
    (in :data:`STATUS_RANK` order) and changes no other unit's verdicts.
``compliant_all_met``
    when every unit does everything right, every checkable verdict is
    ``met``; duties are ``not_applicable`` unless their evidence is recorded.
``broken_check_detected``
    breaking exactly one check of one (obligation, unit) gives the status
    that check calls for, and leaves every other checkable verdict ``met``.
``explained``
    every verdict's status follows, by the status rule, from its own
    findings (read back, and built on demand when they were deferred): what
    the explanation says is what decided the status.  ``not_applicable``
    verdicts are exempt (their status is given, not decided).
``json_roundtrip``
    the JSON output survives ``json.dumps``/``json.loads`` unchanged.
``spec_roundtrip``
    a spec written by :func:`nqengine.spec_dump.dump_spec` and loaded back is
    equal, and evaluates identically.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from nqengine.errors import InputError
from nqengine.evaluation import engine
from nqengine.evaluation.recurrence import period_due
from nqengine.model import Fact, Registry, Spec
from nqengine.plugins import catalogue_for, get_plugin_manager
from nqengine.render.formats import evaluation_to_json, verdict_to_json
from nqengine.spec import load_spec_text
from nqengine.spec.dump import dump_spec, plain

__all__ = [
    "INVARIANTS",
    "STATUS_RANK",
    "Invariant",
    "PropertyFailure",
    "evaluate",
    "run_property",
    "snapshot",
]

#: How good a status is, for "never worsens": lower is better.  Statuses of
#: equal rank are not ordered against each other.
STATUS_RANK = {
    "met": 0,
    "met_late": 1,
    "not_applicable": 2,
    "pending": 2,
    "due_soon": 2,
    "indeterminate": 3,
    "overdue": 4,
    "violated": 5,
}


class PropertyFailure(AssertionError):
    """A property does not hold for one case; carries the case to print it.

    ``focus`` lists the (obligation, unit) pairs the failure is about, whose
    verdicts an explanation should show.
    """

    def __init__(
        self,
        message: str,
        *,
        spec: Spec | None = None,
        registry: Registry | None = None,
        facts: Sequence[Fact] = (),
        as_of: dt.date | None = None,
        focus: Sequence[tuple[str, str]] = (),
        extra: str = "",
    ):
        super().__init__(message)
        self.message, self.spec, self.registry, self.facts = message, spec, registry, tuple(facts)
        self.as_of, self.focus, self.extra = as_of, tuple(focus), extra
        self.property: str | None = None


def evaluate(spec: Spec, registry: Registry, facts: Iterable[Fact], as_of: dt.date, pm: Any = None) -> Any:
    """``nqengine.engine.evaluate``, looked up at call time (so tests can plant bugs)."""

    return engine.evaluate(spec, registry, list(facts), as_of, pm=pm)


def snapshot(ev: Any, lang: str = "en") -> dict:
    """The evaluation as comparable data: the JSON contract, unmatched facts as a sorted multiset."""

    doc = evaluation_to_json(ev, lang)
    doc["unmatched_facts"] = sorted((u["fact"], u["reason"]) for u in doc["unmatched_facts"])
    return doc


def _key(v: dict) -> tuple:
    return (v["obligation"], v["unit"]) if v.get("period") is None else (v["obligation"], v["unit"], v["period"])


def _diff(a: dict, b: dict) -> str:
    """The first verdict that differs, in words."""
    va = {_key(v): v for v in a["verdicts"]}
    vb = {_key(v): v for v in b["verdicts"]}
    for key in sorted(set(va) | set(vb)):
        x, y = va.get(key), vb.get(key)
        if x != y:
            name = " / ".join(key)
            if x is None or y is None:
                return f"{name}: verdict {'missing' if y is None else 'added'}"
            fields = [k for k in x if x[k] != y.get(k)]
            return f"{name}: {x['status']} then {y['status']} (differs in {', '.join(fields)})"
    if a["unmatched_facts"] != b["unmatched_facts"]:
        return f"unmatched facts differ: {a['unmatched_facts']} then {b['unmatched_facts']}"
    return "the evaluations differ"


@attrs.frozen
class Invariant:
    """A property of every evaluation: ``check(spec, pm=..., **inputs)`` raises :class:`PropertyFailure`.

    ``inputs(spec, pm)`` is a strategy of the keyword arguments of ``check``.
    """

    name: str
    title: str
    check: Callable[..., None]
    inputs: Callable[[Spec, Any], Any]

    def __call__(self, spec: Spec, pm: Any = None, **inputs: Any) -> None:
        try:
            self.check(spec, pm=pm, **inputs)
        except PropertyFailure as exc:
            exc.property = exc.property or self.name
            raise


# -- inputs ------------------------------------------------------------------------


def _scenario(spec: Spec, pm: Any) -> Any:
    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    return testing.scenarios(spec, pm=pm).map(lambda s: {"registry": s.registry, "facts": s.facts, "as_of": s.as_of})


def _fail(message: str, spec: Spec, registry: Registry, facts: Sequence[Fact], as_of: dt.date, focus: Sequence[tuple[str, str]] = (), extra: str = "") -> PropertyFailure:
    return PropertyFailure(message, spec=spec, registry=registry, facts=facts, as_of=as_of, focus=focus, extra=extra)


def _focus(a: dict, b: dict) -> list[tuple[str, str]]:
    va = {_key(v): v for v in a["verdicts"]}
    vb = {_key(v): v for v in b["verdicts"]}
    return [k[:2] for k in sorted(set(va) | set(vb)) if va.get(k) != vb.get(k)][:1]


# -- the invariants --------------------------------------------------------------------


def check_deterministic(spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, pm: Any = None) -> None:
    """Evaluating the same inputs twice gives the same evaluation."""
    a = snapshot(evaluate(spec, registry, facts, as_of, pm))
    b = snapshot(evaluate(spec, registry, facts, as_of, pm))
    if a != b:
        raise _fail(f"two evaluations of the same inputs differ: {_diff(a, b)}", spec, registry, facts, as_of, _focus(a, b))


def check_fact_order(spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, order: Sequence[int], pm: Any = None) -> None:
    """Facts given in another order give the same evaluation."""
    shuffled = [facts[i] for i in order]
    a = snapshot(evaluate(spec, registry, facts, as_of, pm))
    b = snapshot(evaluate(spec, registry, shuffled, as_of, pm))
    if a != b:
        raise _fail(
            f"the order of the facts changed the evaluation: {_diff(a, b)}", spec, registry, facts, as_of, _focus(a, b),
            extra="second order: " + ", ".join(f.id for f in shuffled),
        )


def check_duplicate_facts(spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, copies: Sequence[int], pm: Any = None) -> None:
    """Facts given twice (same id, same content) change no verdict and are reported once each."""
    doubled = list(facts)
    for i in copies:  # a copy goes right after its original
        doubled.insert(doubled.index(facts[i]) + 1, facts[i])
    a = snapshot(evaluate(spec, registry, facts, as_of, pm))
    ev = evaluate(spec, registry, doubled, as_of, pm)
    b = snapshot(ev)
    dups = Counter(u.fact for u in ev.unmatched_facts if u.code == "fact_duplicate_id")
    want = Counter(facts[i].id for i in copies)
    rest = list(b["unmatched_facts"])
    for fid, n in want.items():
        for _ in range(n):
            if (fid, "fact_duplicate_id") in rest:
                rest.remove((fid, "fact_duplicate_id"))
    if a["verdicts"] != b["verdicts"] or dups != want or rest != a["unmatched_facts"]:
        what = _diff(a, {**b, "unmatched_facts": rest}) if a["verdicts"] != b["verdicts"] else f"duplicates reported {dict(dups)}, expected {dict(want)}"
        raise _fail(
            f"facts given twice changed the evaluation: {what}", spec, registry, doubled, as_of, _focus(a, b),
            extra="given twice: " + ", ".join(sorted(want)),
        )


def applicable_pairs(spec: Spec, registry: Registry, as_of: dt.date) -> list[tuple[str, str]]:
    """The (obligation, unit) pairs that must have a verdict, computed apart from the engine."""
    out = []
    for ob in spec.obligations:
        if ob.recurrence is not None:  # see applicable_periods
            continue
        for u in registry.units.values():
            if not ob.applies_to.matches(u):
                continue
            if u.valid_from is not None and u.valid_from > as_of:
                continue
            if u.valid_to is not None and spec.effective is not None and u.valid_to < spec.effective:
                continue
            out.append((ob.id, u.id))
    return out


def applicable_periods(spec: Spec, registry: Registry, as_of: dt.date) -> list[tuple[str, str, str]]:
    """The (obligation, unit, period) triples of the recurring obligations that must have a verdict.

    Computed apart from the engine, from the periods themselves: those due by
    ``as_of`` (a period without a due date: ended by then), and the next one;
    for each, the units the selector matches that existed on some day of it.
    """

    out = []
    calendar = None
    for ob in spec.obligations:
        if ob.recurrence is None:
            continue
        if calendar is None:
            calendar = catalogue_for(get_plugin_manager(load_entrypoints=False)).calendar(spec.calendar, spec.calendar_overrides)
        shown = []
        for p in ob.recurrence.periods():
            shown.append(p)
            if (period_due(ob.deadline, p, calendar) or p.end) > as_of:
                break
        for p in shown:
            for u in registry.units.values():
                if ob.applies_to.matches(u) and (u.valid_from is None or u.valid_from <= p.end) and (u.valid_to is None or u.valid_to >= p.start):
                    out.append((ob.id, u.id, p.id))
    return out


def _keys_wanted(spec: Spec, registry: Registry, as_of: dt.date) -> Counter:
    return Counter([*applicable_pairs(spec, registry, as_of), *applicable_periods(spec, registry, as_of)])


def _vkey(v: Any) -> tuple:
    return (v.obligation, v.unit) if v.period is None else (v.obligation, v.unit, v.period)


def check_accounting(spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, pm: Any = None) -> None:
    """One verdict per applicable pair (per period, if it recurs); every fact used as evidence or reported unmatched, once."""
    ev = evaluate(spec, registry, facts, as_of, pm)
    got = Counter(_vkey(v) for v in ev.verdicts)
    want = _keys_wanted(spec, registry, as_of)
    if got != want:
        missing = sorted((want - got).elements())
        extra = sorted((got - want).elements())
        detail = (f"no verdict for {' / '.join(missing[0])}" if missing else f"unexpected or repeated verdict for {' / '.join(extra[0])}")
        raise _fail(f"verdicts do not match the applicable (obligation, unit) pairs: {detail}", spec, registry, facts, as_of, [k[:2] for k in (missing or extra)[:1]])
    used = {e for v in ev.verdicts for e in (*v.evidence, *(x for f in v.findings for x in f.evidence))}
    unmatched = Counter(u.fact for u in ev.unmatched_facts)
    given = Counter(f.id for f in facts)
    for fid, n in sorted(given.items()):
        accounted = (1 if fid in used else 0) + unmatched.get(fid, 0)
        if accounted != n:
            raise _fail(
                f"fact {fid} is given {n} time(s) but accounted for {accounted} time(s) (evidence: {'yes' if fid in used else 'no'}, unmatched: {unmatched.get(fid, 0)})",
                spec, registry, facts, as_of,
            )
    strays = sorted(set(unmatched) - set(given))
    if strays:
        raise _fail(f"unmatched facts that were never given: {', '.join(strays)}", spec, registry, facts, as_of)


def check_periods(spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, pm: Any = None) -> None:
    """A recurring obligation: one verdict per unit per period shown that it existed in; a fact counts for at most one period."""
    if not any(ob.recurrence is not None for ob in spec.obligations):
        return
    ev = evaluate(spec, registry, facts, as_of, pm)
    got = Counter(_vkey(v) for v in ev.verdicts if v.period is not None)
    want = Counter(applicable_periods(spec, registry, as_of))
    if got != want:
        missing = sorted((want - got).elements())
        extra = sorted((got - want).elements())
        detail = f"no verdict for {' / '.join(missing[0])}" if missing else f"unexpected or repeated verdict for {' / '.join(extra[0])}"
        raise _fail(f"recurring verdicts do not match the periods units existed in: {detail}", spec, registry, facts, as_of, [k[:2] for k in (missing or extra)[:1]])
    counted: dict[tuple[str, str], str] = {}
    for v in ev.verdicts:
        if v.period is None:
            continue
        for fid in v.evidence:
            first = counted.setdefault((v.obligation, fid), v.period)
            if first != v.period:
                raise _fail(
                    f"{v.obligation} / {v.unit}: fact {fid} counts for both {first} and {v.period}",
                    spec, registry, facts, as_of, [(v.obligation, v.unit)],
                )


def _window(spec: Spec, registry: Registry, oid: str, uid: str) -> int:
    ob = spec.obligation(oid)
    variant, _ = ob.for_unit(registry.units[uid])
    return variant.due_soon_days if variant.due_soon_days is not None else spec.due_soon_days


def _consistent(v: Any, as_of: dt.date, window: int) -> str | None:
    due = v.due
    if v.status == "overdue" and (due is None or as_of <= due):
        return f"overdue on {as_of:%d/%m/%Y} although the last day is {'none' if due is None else f'{due:%d/%m/%Y}'}"
    if v.status == "pending" and due is not None and as_of >= due - dt.timedelta(days=window):
        return f"pending on {as_of:%d/%m/%Y} although the last day {due:%d/%m/%Y} is within {window} days"
    if v.status == "due_soon" and (due is None or not (due - dt.timedelta(days=window) <= as_of <= due)):
        return f"due soon on {as_of:%d/%m/%Y} with last day {'none' if due is None else f'{due:%d/%m/%Y}'}"
    return None


def check_explained(spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, pm: Any = None) -> None:
    """Each verdict's findings, through the status rule, give its status."""

    ev = evaluate(spec, registry, facts, as_of, pm)
    for v in ev.verdicts:
        if v.status == "not_applicable":
            continue
        told = engine.decide_status(v.findings, v.fulfilled_on, v.due, as_of, _window(spec, registry, v.obligation, v.unit))
        if told != v.status:
            said = ", ".join(f"{f.check}:{f.outcome}" for f in v.findings)
            raise _fail(
                f"{v.obligation} / {v.unit}: the verdict is {v.status}, but its findings ({said}) give {told}",
                spec, registry, facts, as_of, [(v.obligation, v.unit)],
            )


def check_as_of_monotone(spec: Spec, *, registry: Registry, facts: Sequence[Fact], dates: Sequence[dt.date], pm: Any = None) -> None:
    """Later dates never undo ``met``; pending/due_soon/overdue follow the due date."""
    days = sorted(set(dates))
    prev: dict[tuple[str, str], Any] = {}
    prev_day: dt.date | None = None
    for day in days:
        ev = evaluate(spec, registry, facts, day, pm)
        now = {_vkey(v): v for v in ev.verdicts}
        for key, v in now.items():
            bad = _consistent(v, day, _window(spec, registry, key[0], key[1]))
            if bad:
                raise _fail(f"{' / '.join(key)}: {bad}", spec, registry, facts, day, [key[:2]])
            before = prev.get(key)
            if before is None or prev_day is None:
                continue
            if before.status == "met" and (v.status != "met" or v.fulfilled_on != before.fulfilled_on):
                raise _fail(
                    f"{' / '.join(key)}: met on {prev_day:%d/%m/%Y} but {v.status} on {day:%d/%m/%Y} with the same facts",
                    spec, registry, facts, day, [key[:2]], extra=f"earlier date: {prev_day:%d/%m/%Y}",
                )
            if before.status == "pending" and v.status == "overdue" and not (v.due is not None and prev_day <= v.due < day):
                raise _fail(
                    f"{' / '.join(key)}: pending on {prev_day:%d/%m/%Y}, overdue on {day:%d/%m/%Y}, but the last day {v.due} is not between",
                    spec, registry, facts, day, [key[:2]],
                )
        prev, prev_day = now, day


def check_fulfilling_fact_monotone(
    spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, obligation: str, unit: str, added: Sequence[Fact], pm: Any = None,
    period: str | None = None,
) -> None:
    """Facts that fulfil (obligation, unit) — in ``period``, if it recurs — never worsen its verdict nor touch other units."""
    before = evaluate(spec, registry, facts, as_of, pm)
    after = evaluate(spec, registry, [*facts, *added], as_of, pm)
    a = {_vkey(v): v for v in before.verdicts}
    b = {_vkey(v): v for v in after.verdicts}
    key = (obligation, unit) if period is None else (obligation, unit, period)
    if key in a and key in b and STATUS_RANK[b[key].status] > STATUS_RANK[a[key].status]:
        raise _fail(
            f"{obligation} / {unit}: adding facts that fulfil it turned {a[key].status} into {b[key].status}",
            spec, registry, [*facts, *added], as_of, [key], extra="added: " + ", ".join(f.id for f in added),
        )

    # Obligations a plugin field makes wait on another unit (after_superior: the parent's
    # fulfilment) may rightly change when that unit's facts do.
    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    fields = testing.testing_catalogue(pm).fields
    waiting = {v.id for v, fs, value in testing._field_values(spec, fields) if fs.depends_on(value, v)}
    for k in sorted(set(a) | set(b)):
        if k[1] != unit and k[0] not in waiting and (k not in a or k not in b or verdict_to_json(before, a[k], "en") != verdict_to_json(after, b[k], "en")):
            raise _fail(
                f"adding facts about {unit} changed the verdict of another unit: {k[0]} / {k[1]}",
                spec, registry, [*facts, *added], as_of, [k[:2]], extra="added: " + ", ".join(f.id for f in added),
            )


def _fulfilling_inputs(spec: Spec, pm: Any) -> Any:
    from hypothesis import (
        strategies as st,  # needs Hypothesis (optional): imported when a check runs
    )

    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    @st.composite
    def build(draw: Any) -> dict:
        s = draw(testing.scenarios(spec, pm=pm))
        ev = evaluate(spec, s.registry, s.facts, s.as_of, pm)
        cat = testing.testing_catalogue(pm)
        pairs = [(v.obligation, v.unit, v.due, v.period) for v in ev.verdicts if spec.obligation(v.obligation).kind in cat.kinds]
        args = {"registry": s.registry, "facts": s.facts, "as_of": s.as_of, "obligation": "", "unit": "", "added": ()}
        if not pairs:
            return args
        oid, uid, due, period = draw(st.sampled_from(pairs))
        unit = s.registry.units[uid]
        variant, _ = spec.obligation(oid).for_unit(unit)
        ks = cat.kinds[variant.kind]
        if not ks.checkable(variant):
            return args
        start, _ = testing.plan_period(spec)
        if period is not None:  # done in its period's own window, naming it
            p = spec.obligation(oid).recurrence.period(period)
            start = max(start, min(p.start, p.coverage_start))
        hi = min(due, s.as_of) if due is not None else s.as_of
        # a plugin field may say when doing it right can start (after_superior: after the parent)
        bounds = [fs.lower_bound(variant.params[n], variant, unit, ev) for n, fs in cat.fields.items() if variant.params.get(n) is not None]
        lo = min(max([start, *(b for b in bounds if b is not None)]), hi)
        if any(b is not None and b > hi for b in bounds):
            return args  # it cannot be done right by then: nothing fulfilling to add
        gen = testing.GenContext(spec, s.registry, unit, start, testing.plan_period(spec)[1], cat, testing.vocabulary(spec))
        recs = draw(ks.compliant(variant, gen, (lo, hi)))
        if recs is not None:
            recs = testing.adjust_records(variant, gen, (lo, hi), list(recs), cat)
        added = tuple(testing.fact_from_record(f"a{i + 1}", uid, {**r, "period": period} if period else r) for i, r in enumerate(recs or ()))
        return {**args, "obligation": oid, "unit": uid, "added": added, "period": period}

    return build()


def check_compliant_all_met(spec: Spec, *, registry: Registry, compliant: Any, as_of: dt.date, pm: Any = None) -> None:
    """Every unit doing everything right: checkable verdicts met, unchecked duties not_applicable."""
    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    facts = list(compliant.facts)
    ev = evaluate(spec, registry, facts, as_of, pm)
    for v in ev.verdicts:
        key = _vkey(v)
        variant, _ = spec.obligation(v.obligation).for_unit(registry.units[v.unit])
        if key in compliant.fulfilled and v.status != "met":
            raise _fail(f"{' / '.join(key)}: done right, yet {v.status}", spec, registry, facts, as_of, [key[:2]])
        if not testing.checkable(variant, pm) and v.status != "not_applicable":
            raise _fail(f"{' / '.join(key)}: a duty that cannot be checked is {v.status}", spec, registry, facts, as_of, [key[:2]])


def _compliant_inputs(spec: Spec, pm: Any) -> Any:
    from hypothesis import (
        strategies as st,  # needs Hypothesis (optional): imported when a check runs
    )

    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    @st.composite
    def build(draw: Any) -> dict:
        registry = draw(testing.registries(spec, compliant=True, pm=pm))
        done = draw(testing.compliant_facts(spec, registry, pm=pm))
        last = max([f.date for f in done.facts] + [testing.plan_period(spec)[0]])
        return {"registry": registry, "compliant": done, "as_of": last + dt.timedelta(days=draw(st.integers(0, 30)))}

    return build()


def check_broken_check_detected(spec: Spec, *, registry: Registry, case: Any, pm: Any = None) -> None:
    """One broken check gives the status it calls for; every other checkable verdict stays met."""
    if case is None:
        return
    facts = list(case.facts)
    ev = evaluate(spec, registry, facts, case.as_of, pm)
    period = getattr(case, "period", None)
    key = (case.obligation, case.unit) if period is None else (case.obligation, case.unit, period)
    for v in ev.verdicts:
        k = _vkey(v)
        if k == key:
            if v.status not in case.expected:
                raise _fail(
                    f"{' / '.join(k)}: check '{case.check}' broken ({case.outcome}), so expected {' or '.join(sorted(case.expected))}, got {v.status}",
                    spec, registry, facts, case.as_of, [k[:2]],
                )
        elif k in case.compliant.fulfilled and v.status != "met":
            raise _fail(
                f"{' / '.join(k)}: only {' / '.join(key)} was broken ({case.check}), yet this verdict is {v.status}",
                spec, registry, facts, case.as_of, [k[:2], key[:2]],
            )


def _broken_inputs(spec: Spec, pm: Any) -> Any:
    from hypothesis import (
        strategies as st,  # needs Hypothesis (optional): imported when a check runs
    )

    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    @st.composite
    def build(draw: Any) -> dict:
        registry = draw(testing.registries(spec, compliant=True, pm=pm))
        return {"registry": registry, "case": draw(testing.broken_facts(spec, registry, pm=pm))}

    return build()


def check_json_roundtrip(spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, pm: Any = None) -> None:
    """``json.loads(json.dumps(doc)) == doc`` for the JSON output, in both languages."""

    ev = evaluate(spec, registry, facts, as_of, pm)
    for lang in ("vi", "en"):
        doc = evaluation_to_json(ev, lang)
        try:
            back = json.loads(json.dumps(doc, ensure_ascii=False))
        except (TypeError, ValueError) as exc:
            raise _fail(f"the JSON output ({lang}) cannot be written: {exc}", spec, registry, facts, as_of) from None
        if back != doc:
            where = next((k for k in doc if back.get(k) != doc[k]), "?")
            raise _fail(f"the JSON output ({lang}) changes when written and read back (at '{where}')", spec, registry, facts, as_of)


def check_spec_roundtrip(spec: Spec, *, registry: Registry, facts: Sequence[Fact], as_of: dt.date, pm: Any = None) -> None:
    """A spec dumped to YAML and loaded back is equal and evaluates identically."""

    text = dump_spec(spec)
    try:
        again = load_spec_text(text, "<dumped>", pm=pm)
    except InputError as exc:
        raise _fail(f"the dumped spec does not load: {exc}", spec, registry, facts, as_of, extra=text) from None
    if again != spec:
        raise _fail("the dumped spec loads as a different spec", spec, registry, facts, as_of, extra=text)
    for x, y in zip(spec.obligations, again.obligations):
        for vx, vy in zip((x, *(e.obligation for e in x.exceptions)), (y, *(e.obligation for e in y.exceptions))):
            if plain(vx.params) != plain(vy.params):
                raise _fail(f"obligation {x.id}: its fields change when dumped and loaded back", spec, registry, facts, as_of, extra=text)
    a = snapshot(evaluate(spec, registry, facts, as_of, pm))
    b = snapshot(evaluate(again, registry, facts, as_of, pm))
    if a != b:
        raise _fail(f"the dumped spec evaluates differently: {_diff(a, b)}", spec, registry, facts, as_of, _focus(a, b), extra=text)


def _with_order(spec: Spec, pm: Any) -> Any:
    from hypothesis import (
        strategies as st,  # needs Hypothesis (optional): imported when a check runs
    )

    return _scenario(spec, pm).flatmap(lambda a: st.permutations(range(len(a["facts"]))).map(lambda o: {**a, "order": o}))


def _with_copies(spec: Spec, pm: Any) -> Any:
    from hypothesis import (
        strategies as st,  # needs Hypothesis (optional): imported when a check runs
    )

    return _scenario(spec, pm).flatmap(
        lambda a: (st.lists(st.integers(0, len(a["facts"]) - 1), min_size=1, max_size=3, unique=True) if a["facts"] else st.just([])).map(
            lambda c: {**a, "copies": c}
        )
    )


def _with_dates(spec: Spec, pm: Any) -> Any:
    from hypothesis import (
        strategies as st,  # needs Hypothesis (optional): imported when a check runs
    )

    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    return _scenario(spec, pm).flatmap(
        lambda a: st.lists(testing.as_of_dates(spec, a["facts"]), min_size=2, max_size=5).map(
            lambda ds: {"registry": a["registry"], "facts": a["facts"], "dates": ds}
        )
    )


INVARIANTS: Mapping[str, Invariant] = {
    i.name: i
    for i in (
        Invariant("deterministic", "the same inputs give the same evaluation", check_deterministic, _scenario),
        Invariant("fact_order", "the order of facts does not matter", check_fact_order, _with_order),
        Invariant("duplicate_facts", "a fact given twice (same id) changes no verdict", check_duplicate_facts, _with_copies),
        Invariant("accounting", "one verdict per applicable pair; every fact used or reported unmatched", check_accounting, _scenario),
        Invariant("periods", "one verdict per unit per period it existed in; a fact counts for at most one period", check_periods, _scenario),
        Invariant("as_of_monotone", "a later date never undoes met; statuses follow the due date", check_as_of_monotone, _with_dates),
        Invariant("fulfilling_fact_monotone", "a fulfilling fact never worsens a verdict", check_fulfilling_fact_monotone, _fulfilling_inputs),
        Invariant("compliant_all_met", "doing everything right gives met", check_compliant_all_met, _compliant_inputs),
        Invariant("broken_check_detected", "one broken check gives the status it calls for", check_broken_check_detected, _broken_inputs),
        Invariant("explained", "every status follows from the verdict's own findings", check_explained, _scenario),
        Invariant("json_roundtrip", "the JSON output round-trips", check_json_roundtrip, _scenario),
        Invariant("spec_roundtrip", "a dumped spec reloads equal and evaluates identically", check_spec_roundtrip, _scenario),
    )
}


def run_property(
    check: Callable[..., None],
    inputs: Any,
    *,
    max_examples: int = 50,
    seed: int | None = None,
    shrink: bool = True,
) -> PropertyFailure | None:
    """Run ``check(**kwargs)`` on generated ``inputs``; the shrunk failure, or None when it held.

    Runs quietly, without Hypothesis's example database, so that the same
    ``seed`` reproduces the same run.  Any exception other than
    :class:`PropertyFailure` (an engine crash) propagates after shrinking.
    ``shrink=False`` stops at the first failure found, unshrunk (faster).
    """
    import hypothesis  # needs Hypothesis (optional): imported when a check runs
    from hypothesis import (  # needs Hypothesis (optional): imported when a check runs
        HealthCheck,
        Phase,
        Verbosity,
        given,
        settings,
    )

    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if shrink else [])

    @settings(
        max_examples=max_examples, database=None, deadline=None, report_multiple_bugs=False, phases=phases,
        suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet, print_blob=False,
    )
    @given(inputs)
    def run(kwargs: dict) -> None:
        check(**kwargs)

    if seed is not None:
        run = hypothesis.seed(seed)(run)
    try:
        with warnings.catch_warnings():  # Hypothesis warns about the size of a failing case's repr
            warnings.simplefilter("ignore", hypothesis.errors.HypothesisWarning)
            run()
    except PropertyFailure as exc:
        return exc
    return None
