"""``nqengine prove``: the engine invariants and a spec's own declared properties.

A spec may declare, under ``properties:``, what its author means to be true
of every registry and every set of facts:

``deadline_order: [{before: OB1, after: OB2}]``
    for every unit bound by both, OB1's last day is never after OB2's
    (checked on generated registries where units do their duties on time,
    so that relative deadlines have a day to count from).
``every_kind_covered: [KIND, ...]``
    every unit of each kind is bound by at least one obligation.
``satisfiable: true``
    a unit that does everything right reaches ``met`` for every checkable
    obligation: some unit can be bound by it, someone may do it, and its
    window is not empty — "right" means on or after the plan's start, after
    the day a relative deadline counts from, and for a report ``about`` an
    obligation, after that obligation is done.

:func:`prove` runs the invariants of :mod:`nqengine.properties` and these
properties on generated registries and facts, and returns a report whose
failures carry a shrunk counterexample, printed as a registry and facts in
the YAML of ``registry.yaml`` and ``facts.yaml`` plus the verdicts explained.
The same ``seed`` reproduces a run.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from nqengine.errors import InputError, SpecError
from nqengine.inputs.registry import registry_from_records
from nqengine.model import Spec
from nqengine.plugins import get_plugin_manager
from nqengine.render.formats import explain_text
from nqengine.render.progress import progress_bar
from nqengine.schema import INVALID, Bool, Choice, Field, ListOf, Record, Str, hint_for
from nqengine.spec import UNIT_KINDS, load_spec
from nqengine.spec.dump import dump_facts, dump_registry
from nqengine.testing.properties import (
    INVARIANTS,
    PropertyFailure,
    evaluate,
    run_property,
)
from nqengine.yamlsource import Node

__all__ = ["Check", "DeclaredProperties", "Outcome", "ProveReport", "checks_for", "cli_prove", "load_properties", "prove", "render_report"]

PROPERTIES = Record(
    {
        "deadline_order": Field(
            ListOf(Record({"before": Field(Str(), required=True), "after": Field(Str(), required=True)})),
            default=list, doc="pairs of obligations: 'before' is never due after 'after'",
        ),
        "every_kind_covered": Field(ListOf(Str(), single=True), default=list, doc="unit kinds every unit of which is bound by some obligation"),
        "satisfiable": Field(Bool(), default=False, doc="doing everything right reaches met for every checkable obligation"),
    },
    doc="properties 'nqengine prove' checks",
)


@attrs.frozen
class DeclaredProperties:
    deadline_order: tuple[tuple[str, str], ...] = ()
    every_kind_covered: tuple[str, ...] = ()
    satisfiable: bool = False


def load_properties(spec: Spec) -> DeclaredProperties:
    """The spec's ``properties:``, validated; raises :class:`SpecError` with located problems."""

    root = spec.raw
    node = root.get("properties") if isinstance(root, Node) else None
    if node is None or (node.kind == "scalar" and node.tag == "null"):
        return DeclaredProperties()
    problems: list = []
    schema = Record({**PROPERTIES.fields, "every_kind_covered": Field(ListOf(Choice(UNIT_KINDS), single=True), default=list)})
    got = schema.validate(node, "properties", problems)
    if got is INVALID:
        raise SpecError(problems)
    ids = [ob.id for ob in spec.obligations]
    for i, pair in enumerate(got["deadline_order"]):
        for key in ("before", "after"):
            if pair[key] not in ids:
                problems.append(pair.loc(key).problem("unknown_obligation", f"properties.deadline_order[{i}].{key}", ref=pair[key], **hint_for(pair[key], ids)))
    if problems:
        raise SpecError(problems)
    return DeclaredProperties(
        tuple((p["before"], p["after"]) for p in got["deadline_order"]), tuple(got["every_kind_covered"]), bool(got["satisfiable"])
    )


# -- the declared properties as checks ----------------------------------------------


def _compliant_inputs(spec: Spec, pm: Any, *, late: bool = False) -> Any:
    from hypothesis import (
        strategies as st,  # needs Hypothesis (optional): imported when a check runs
    )

    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    @st.composite
    def build(draw: Any) -> dict:
        registry = draw(testing.registries(spec, compliant=True))
        done = draw(testing.compliant_facts(spec, registry, pm=pm, late=late))
        last = max([f.date for f in done.facts] + [testing.plan_period(spec)[0]])
        return {"registry": registry, "compliant": done, "as_of": last}

    return build()


def reduce_to_unit(spec: Spec, registry: Any, facts: Sequence[Any], uid: str) -> tuple[Any, list]:
    """The registry cut down to ``uid``, its ancestors and the spec's channel units; that unit's facts.

    Hypothesis cannot always shrink away a unit whose data is interleaved with
    others'; a failure about one unit is re-checked on this smaller case.
    """
    from nqengine.testing.strategies import (
        vocabulary,  # needs Hypothesis (optional): imported when a check runs
    )


    keep: set[str] = set()
    cur: str | None = uid
    while cur is not None and cur in registry.units and cur not in keep:
        keep.add(cur)
        cur = registry.units[cur].parent
    subjects = set().union(*(ob.applies_to.ids for ob in spec.obligations))
    for ref in vocabulary(spec)["units"]:  # recipients, channels and parents the spec names
        u = registry.unit(ref)
        if u is not None and u.id not in subjects:
            cur = u.id
            while cur is not None and cur in registry.units and cur not in keep:
                keep.add(cur)
                cur = registry.units[cur].parent
    units = [u for u in registry.units.values() if u.id in keep]
    people = [p for p in registry.people.values() if any(r.unit in keep for r in p.roles)]
    people = [attrs.evolve(p, roles=tuple(r for r in p.roles if r.unit in keep)) for p in people]
    return registry_from_records(units, people, "<reduced>"), [f for f in facts if f.unit == uid]


def check_deadline_order(spec: Spec, before: str, after: str, *, registry: Any, compliant: Any, as_of: dt.date, pm: Any = None) -> None:
    from nqengine.testing.strategies import (  # needs Hypothesis (optional): imported when a check runs
        FAR,
        plan_period,
    )

    facts = list(compliant.facts)
    day = max(as_of, plan_period(spec)[1]) + FAR
    ev = evaluate(spec, registry, facts, day, pm)
    index = {(v.obligation, v.unit): v for v in ev.verdicts}
    for (oid, uid), v in sorted(index.items()):
        if oid != before or (after, uid) not in index:
            continue
        w = index[(after, uid)]
        if v.due is not None and w.due is not None and v.due > w.due:
            small, mine = reduce_to_unit(spec, registry, facts, uid)
            ev2 = evaluate(spec, small, mine, day, pm)
            i2 = {(x.obligation, x.unit): x for x in ev2.verdicts}
            a2, b2 = i2.get((before, uid)), i2.get((after, uid))
            if a2 is not None and b2 is not None and (a2.due, b2.due) == (v.due, w.due):
                registry, facts = small, mine
            raise PropertyFailure(
                f"{uid}: the last day of {before} ({v.due:%d/%m/%Y}) is after the last day of {after} ({w.due:%d/%m/%Y})",
                spec=spec, registry=registry, facts=facts, as_of=as_of, focus=[(before, uid), (after, uid)],
            )


def check_every_kind_covered(spec: Spec, kinds: Sequence[str], *, registry: Any, as_of: dt.date, pm: Any = None) -> None:
    ev = evaluate(spec, registry, [], as_of, pm)
    bound = {v.unit for v in ev.verdicts}
    for u in registry.units.values():
        if u.kind not in kinds or u.id in bound:
            continue
        if u.valid_from is not None and u.valid_from > as_of:
            continue
        if u.valid_to is not None and spec.effective is not None and u.valid_to < spec.effective:
            continue
        where = f", sector {u.sector}" if u.sector else ""
        small, _ = reduce_to_unit(spec, registry, [], u.id)
        if u.id not in {v.unit for v in evaluate(spec, small, [], as_of, pm).verdicts}:
            registry = small
        raise PropertyFailure(f"{u.id} ({u.kind}{where}) is bound by no obligation", spec=spec, registry=registry, as_of=as_of)


def _why_no_unit(sel: Any) -> str:
    from nqengine.testing.strategies import (
        GRASSROOTS_KINDS,  # needs Hypothesis (optional): imported when a check runs
    )

    if sel.ids and not (sel.ids - sel.exclude):
        return f"every unit it names ({', '.join(sorted(sel.ids))}) is also excepted"
    return (
        f"it asks for kind {', '.join(sorted(sel.kinds))} with sector {', '.join(sorted(sel.sectors))}, "
        f"but only grassroots party organisations ({', '.join(GRASSROOTS_KINDS)}) have a sector"
    )


def check_satisfiable(spec: Spec, *, registry: Any, compliant: Any, as_of: dt.date, pm: Any = None) -> None:
    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    facts = list(compliant.facts)
    for ob in spec.obligations:
        if testing.checkable(ob, pm) and not testing.selector_possible(ob.applies_to):
            raise PropertyFailure(
                f"{ob.id}: no unit can ever be bound by it, so none can reach met: {_why_no_unit(ob.applies_to)}",
                spec=spec, registry=registry, facts=facts, as_of=as_of,
            )
    ev = evaluate(spec, registry, facts, as_of, pm)
    for v in ev.verdicts:
        key = (v.obligation, v.unit)
        if key in compliant.impossible or (key in compliant.fulfilled and v.status != "met"):
            small, mine = reduce_to_unit(spec, registry, facts, v.unit)
            ev2 = evaluate(spec, small, mine, as_of, pm)
            again = {(x.obligation, x.unit): x for x in ev2.verdicts}.get(key)
            if again is not None and again.status == v.status:
                registry, facts = small, mine
        if key in compliant.impossible:
            raise PropertyFailure(
                f"{key[0]} / {key[1]}: cannot be done right — {compliant.impossible[key]}; the unit did it as soon as it could and is {v.status}",
                spec=spec, registry=registry, facts=facts, as_of=as_of, focus=[key],
            )
        if key in compliant.fulfilled and v.status != "met":
            raise PropertyFailure(f"{key[0]} / {key[1]}: done right, yet {v.status}", spec=spec, registry=registry, facts=facts, as_of=as_of, focus=[key])


def _bound(inv: Any, spec: Spec, pm: Any) -> Callable[..., None]:
    return lambda **kw: inv(spec, pm, **kw)


@attrs.frozen
class Check:
    """One thing ``prove`` checks: an invariant or a declared property."""

    name: str
    title: str
    run: Callable[..., None]
    inputs: Any


def checks_for(spec: Spec, pm: Any = None, *, only: Sequence[str] = ()) -> list[Check]:
    """The invariants, then the spec's declared properties (``only`` keeps those named)."""
    from hypothesis import (
        strategies as st,  # needs Hypothesis (optional): imported when a check runs
    )

    from nqengine.testing import (
        strategies as testing,  # needs Hypothesis (optional): imported when a check runs
    )

    out = [Check(i.name, i.title, _bound(i, spec, pm), i.inputs(spec, pm)) for i in INVARIANTS.values()]
    declared = load_properties(spec)
    for before, after in declared.deadline_order:
        out.append(Check(
            f"deadline_order[{before} <= {after}]", f"{before} is never due after {after}",
            lambda before=before, after=after, **kw: check_deadline_order(spec, before, after, pm=pm, **kw), _compliant_inputs(spec, pm),
        ))
    if declared.every_kind_covered:
        kinds = declared.every_kind_covered
        inputs = st.tuples(testing.registries(spec, kinds=kinds, max_units=6), testing.as_of_dates(spec)).map(lambda t: {"registry": t[0], "as_of": t[1]})
        out.append(Check("every_kind_covered", f"every unit of kind {', '.join(kinds)} is bound by some obligation",
                         lambda **kw: check_every_kind_covered(spec, kinds, pm=pm, **kw), inputs))
    if declared.satisfiable:
        out.append(Check("satisfiable", "a unit that does everything right reaches met for every checkable obligation",
                         lambda **kw: check_satisfiable(spec, pm=pm, **kw), _compliant_inputs(spec, pm, late=True)))
    if only:
        out = [c for c in out if c.name in only or c.name.split("[")[0] in only]
    return out


@attrs.frozen
class Outcome:
    name: str
    title: str
    failure: PropertyFailure | None


@attrs.frozen
class ProveReport:
    spec: Spec
    seed: int
    max_examples: int
    outcomes: tuple[Outcome, ...]

    @property
    def passed(self) -> bool:
        return all(o.failure is None for o in self.outcomes)


def _guarded(run: Callable[..., None]) -> Callable[..., None]:
    """Turn a crash of the engine into a failure that keeps the inputs."""

    def guarded(**kw: Any) -> None:
        try:
            run(**kw)
        except PropertyFailure:
            raise
        except Exception as exc:
            compliant = kw.get("compliant")
            facts = kw.get("facts", compliant.facts if compliant is not None else ())
            raise PropertyFailure(f"evaluation raised {type(exc).__name__}: {exc}", registry=kw.get("registry"), facts=facts, as_of=kw.get("as_of")) from exc

    return guarded


def prove(
    spec: Spec, pm: Any = None, *, seed: int | None = None, max_examples: int = 50, only: Sequence[str] = (), progress: Any = None
) -> ProveReport:
    """Run every check on ``max_examples`` generated cases each; the same ``seed`` gives the same run.

    ``progress``, when given, is called as ``progress(check_name, total_checks)`` after each check.
    """

    pm = pm if pm is not None else get_plugin_manager()
    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    outcomes = []
    checks = list(checks_for(spec, pm, only=only))
    for c in checks:
        failure = run_property(_guarded(c.run), c.inputs, max_examples=max_examples, seed=seed)
        if failure is not None:
            failure.spec = failure.spec or spec
            failure.property = c.name
        outcomes.append(Outcome(c.name, c.title, failure))
        if progress is not None:
            progress(c.name, len(checks))
    return ProveReport(spec, seed, max_examples, tuple(outcomes))


def render_failure(f: PropertyFailure, lang: str = "vi") -> str:
    """A counterexample a person can read and re-run: registry and facts as YAML, and why."""

    en = lang == "en"
    out = [f.message]
    if f.extra:
        out.append(f.extra.rstrip())
    if f.as_of is not None:
        out.append(f"{'as of' if en else 'tính đến'}: {f.as_of:%d/%m/%Y}")
    if f.registry is not None:
        out.append("registry.yaml:")
        out.append(textwrap.indent(dump_registry(f.registry).rstrip(), "  "))
        out.append("facts.yaml:")
        out.append(textwrap.indent(dump_facts(f.facts).rstrip() if f.facts else "facts: []", "  "))
    if f.focus and f.spec is not None and f.registry is not None and f.as_of is not None:
        try:
            ev = evaluate(f.spec, f.registry, f.facts, f.as_of)
            for oid, uid in f.focus:
                out.append(("explanation" if en else "giải thích") + f" ({oid} / {uid}):")
                out.append(textwrap.indent(explain_text(ev, oid, uid, lang).rstrip(), "  "))
        except Exception as exc:  # noqa: BLE001 - the explanation is a courtesy: never hide the failure behind it
            out.append(f"(no explanation: {type(exc).__name__}: {exc})")
    return "\n".join(out)


def render_report(report: ProveReport, lang: str = "vi") -> str:
    en = lang == "en"
    src = report.spec.source or report.spec.id
    lines = [f"{'Proving' if en else 'Kiểm chứng'} {src} (seed {report.seed}, {'at most' if en else 'tối đa'} {report.max_examples} {'examples per check' if en else 'trường hợp mỗi tính chất'})"]
    for o in report.outcomes:
        if o.failure is None:
            lines.append(f"  ✓ {o.name}: {o.title}")
        else:
            lines.append(f"  ✗ {o.name}: {o.title}")
            lines.append("    " + ("counterexample (shrunk):" if en else "phản ví dụ (đã thu gọn):"))
            lines.append(textwrap.indent(render_failure(o.failure, lang), "      "))
    failed = sum(1 for o in report.outcomes if o.failure is not None)
    lines.append(f"{len(report.outcomes) - failed} {'held' if en else 'đúng'}, {failed} {'failed' if en else 'sai'}")
    if failed:
        lines.append(f"{'reproduce with' if en else 'chạy lại với'} --seed {report.seed}")
    return "\n".join(lines) + "\n"


def cli_prove(paths: Sequence[str], pm: Any, *, seed: int | None, max_examples: int, only: Sequence[str] = (), lang: str = "vi", out: Any = None, err: Any = None) -> int:
    """``nqengine prove``: 0 every check held, 1 one failed, 2 a spec is malformed, 3 Hypothesis is missing."""


    out = out or sys.stdout
    err = err or sys.stderr
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        err.write("nqengine: 'prove' needs Hypothesis: python -m pip install 'nqengine[test]'\n")
        return 3
    status = 0
    for path in paths:
        name = os.path.join(path, "plan.yaml") if os.path.isdir(path) else path
        try:
            spec = load_spec(name, pm=pm)
            load_properties(spec)
        except InputError as exc:
            err.write(exc.render(lang) + "\n")
            status = 2
            continue
        with progress_bar(err, "prove" if lang == "en" else "kiểm chứng") as bar:
            report = prove(spec, pm, seed=seed, max_examples=max_examples, only=only, progress=bar)
        out.write(render_report(report, lang))
        if not report.passed and status == 0:
            status = 1
    return status
