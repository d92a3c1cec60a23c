"""The engine invariants of nqengine.properties: they hold, and each catches a planted bug.

Every planted bug is a small, realistic mistake monkeypatched into the
engine (a forgotten sort, an off-by-one, a dropped fact...); the test expects
the invariant to find a counterexample within a bounded, seeded run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nqengine
from nqengine import testing
from nqengine.evaluation import engine
from nqengine.evaluation.kinds import study
from nqengine.plugins import get_plugin_manager
from nqengine.render import formats
from nqengine.spec import dump as spec_dump
from nqengine.testing import strategies
from nqengine.testing.properties import (
    INVARIANTS,
    STATUS_RANK,
    PropertyFailure,
    run_property,
)

TAM_KY = Path(__file__).resolve().parent.parent / "specs" / "tam-ky-xxi"


@pytest.fixture(scope="module")
def pm():
    return get_plugin_manager()


@pytest.fixture(scope="module")
def tam_ky(pm):
    return nqengine.load_folder(TAM_KY, pm=pm)


# -- the invariants hold ---------------------------------------------------------


@pytest.mark.parametrize("name", list(INVARIANTS))
@given(data=st.data())
def test_invariant_holds_on_tam_ky(name, data, pm, tam_ky):
    spec = tam_ky[0]
    inv = INVARIANTS[name]
    inv(spec, pm, **data.draw(inv.inputs(spec, pm)))


@pytest.mark.parametrize("name", list(INVARIANTS))
@given(data=st.data())
def test_invariant_holds_on_generated_specs(name, data, pm):
    spec = data.draw(testing.specs(pm))
    inv = INVARIANTS[name]
    inv(spec, pm, **data.draw(inv.inputs(spec, pm)))


def test_invariants_hold_on_the_real_tam_ky_facts(pm, tam_ky):
    spec, registry, facts = tam_ky
    for day in (dt.date(2020, 10, 15), dt.date(2020, 10, 30), dt.date(2020, 11, 1), dt.date(2020, 11, 20)):
        for name in ("deterministic", "accounting", "explained", "json_roundtrip", "spec_roundtrip"):
            INVARIANTS[name](spec, pm, registry=registry, facts=tuple(facts), as_of=day)
    INVARIANTS["fact_order"](spec, pm, registry=registry, facts=tuple(facts), as_of=dt.date(2020, 11, 20), order=list(reversed(range(len(facts)))))
    INVARIANTS["duplicate_facts"](spec, pm, registry=registry, facts=tuple(facts), as_of=dt.date(2020, 11, 20), copies=[0, 5])
    INVARIANTS["as_of_monotone"](spec, pm, registry=registry, facts=tuple(facts), dates=strategies._interesting_days(spec, facts))


def test_status_rank_orders_every_status():
    assert set(STATUS_RANK) == set(nqengine.STATUSES)
    assert STATUS_RANK["met"] < STATUS_RANK["met_late"] < STATUS_RANK["pending"] < STATUS_RANK["overdue"] < STATUS_RANK["violated"]


def test_a_failure_names_its_invariant(pm, tam_ky, monkeypatch):
    spec, registry, facts = tam_ky
    monkeypatch.setattr(engine, "evaluate", _dropping_last(engine.evaluate))
    with pytest.raises(PropertyFailure) as info:
        INVARIANTS["accounting"](spec, pm, registry=registry, facts=tuple(facts), as_of=dt.date(2020, 11, 20))
    assert info.value.property == "accounting"
    assert info.value.registry is registry and info.value.as_of == dt.date(2020, 11, 20)


# -- each invariant catches a planted bug ----------------------------------------------


def _real(tam_ky):
    """The Tam Kỳ registry and facts on the dates the hand-worked tests use."""
    _, registry, facts = tam_ky
    days = [dt.date(2020, 10, 15), dt.date(2020, 10, 30), dt.date(2020, 11, 1), dt.date(2020, 11, 20)]
    return st.sampled_from(days).map(lambda d: {"registry": registry, "facts": tuple(facts), "as_of": d})


def caught(name, spec, pm, inputs, *, n=40, seed=0) -> PropertyFailure:
    inv = INVARIANTS[name]
    failure = run_property(lambda **kw: inv(spec, pm, **kw), inputs, max_examples=n, seed=seed, shrink=False)
    assert failure is not None, f"the invariant {name} missed the planted bug"
    assert failure.property == name
    return failure


def _dropping_last(evaluate):
    return lambda spec, registry, facts, as_of, **kw: evaluate(spec, registry, list(facts)[:-1], as_of, **kw)


def test_deterministic_catches_a_random_status(monkeypatch, pm, tam_ky):
    decide = engine.status_for
    # Hypothesis seeds the global random module per example, so the planted bug replays.
    monkeypatch.setattr(engine, "status_for", lambda *a: random.choice(["met", "violated"]) if random.random() < 0.3 else decide(*a))
    failure = caught("deterministic", tam_ky[0], pm, _real(tam_ky))
    assert "two evaluations of the same inputs differ" in failure.message


def test_fact_order_catches_an_unsorted_index(monkeypatch, pm, tam_ky):
    init = engine.Context.__init__

    def unsorted(self, spec, registry, facts, *args, **kw):  # forgot to sort each unit's facts by date
        init(self, spec, registry, facts, *args, **kw)
        pos = {id(f): i for i, f in enumerate(facts)}
        for lst in self._index.values():
            lst.sort(key=lambda f: pos[id(f)])

    monkeypatch.setattr(engine.Context, "__init__", unsorted)
    inputs = _real(tam_ky).flatmap(lambda a: st.permutations(range(len(a["facts"]))).map(lambda o: {**a, "order": o}))
    failure = caught("fact_order", tam_ky[0], pm, inputs)
    assert "the order of the facts changed the evaluation" in failure.message


def test_fact_order_catches_it_on_generated_data_too(monkeypatch, pm, tam_ky):
    init = engine.Context.__init__

    def unsorted(self, spec, registry, facts, *args, **kw):
        init(self, spec, registry, facts, *args, **kw)
        pos = {id(f): i for i, f in enumerate(facts)}
        for lst in self._index.values():
            lst.sort(key=lambda f: pos[id(f)])

    monkeypatch.setattr(engine.Context, "__init__", unsorted)
    caught("fact_order", tam_ky[0], pm, INVARIANTS["fact_order"].inputs(tam_ky[0], pm), n=150)


def test_duplicate_facts_catches_ids_made_unique(monkeypatch, pm, tam_ky):
    evaluate = engine.evaluate

    def renaming(spec, registry, facts, as_of, **kw):  # "fixes" duplicate ids instead of reporting them
        seen: Counter = Counter()
        out = []
        for f in facts:
            seen[f.id] += 1
            out.append(f if seen[f.id] == 1 else attrs.evolve(f, id=f"{f.id}-{seen[f.id]}"))
        return evaluate(spec, registry, out, as_of, **kw)

    monkeypatch.setattr(engine, "evaluate", renaming)
    inputs = _real(tam_ky).map(lambda a: {**a, "copies": [0]})
    failure = caught("duplicate_facts", tam_ky[0], pm, inputs, n=5)
    assert "facts given twice changed the evaluation" in failure.message


def test_accounting_catches_a_dropped_fact(monkeypatch, pm, tam_ky):
    monkeypatch.setattr(engine, "evaluate", _dropping_last(engine.evaluate))
    failure = caught("accounting", tam_ky[0], pm, INVARIANTS["accounting"].inputs(tam_ky[0], pm))
    assert "accounted for 0 time(s)" in failure.message


def test_accounting_catches_a_dropped_unit(monkeypatch, pm, tam_ky):
    applicable = engine._applicable_units
    monkeypatch.setattr(engine, "_applicable_units", lambda *a, **kw: applicable(*a, **kw)[:-1])
    failure = caught("accounting", tam_ky[0], pm, INVARIANTS["accounting"].inputs(tam_ky[0], pm))
    assert "no verdict for" in failure.message


def test_as_of_monotone_catches_overdue_on_the_last_day(monkeypatch, pm, tam_ky):
    decide = engine.status_for

    def off_by_one(outcomes, fulfilled_on, due, as_of, window):
        if fulfilled_on is None and due is not None and as_of == due:
            return "overdue"
        return decide(outcomes, fulfilled_on, due, as_of, window)

    monkeypatch.setattr(engine, "status_for", off_by_one)
    spec, registry, facts = tam_ky
    inputs = st.lists(testing.as_of_dates(spec, facts), min_size=2, max_size=5).map(lambda ds: {"registry": registry, "facts": tuple(facts), "dates": ds})
    failure = caught("as_of_monotone", spec, pm, inputs)
    assert "overdue on" in failure.message and "although the last day" in failure.message


def test_as_of_monotone_catches_met_that_expires(monkeypatch, pm, tam_ky):
    decide = engine.status_for

    def expiring(outcomes, fulfilled_on, due, as_of, window):
        status = decide(outcomes, fulfilled_on, due, as_of, window)
        return "overdue" if status == "met" and (as_of - fulfilled_on).days > 30 else status

    monkeypatch.setattr(engine, "status_for", expiring)
    failure = caught("as_of_monotone", tam_ky[0], pm, INVARIANTS["as_of_monotone"].inputs(tam_ky[0], pm))
    assert "met on" in failure.message or "overdue on" in failure.message


def test_fulfilling_fact_monotone_catches_evidence_that_hurts(monkeypatch, pm, tam_ky):
    conclude = engine.Context.conclude

    def suspicious(self, *a, **kw):  # "two sessions recorded? something is off"
        v = conclude(self, *a, **kw)
        return attrs.evolve(v, status="violated") if len(v.evidence) >= 2 else v

    monkeypatch.setattr(engine.Context, "conclude", suspicious)
    failure = caught("fulfilling_fact_monotone", tam_ky[0], pm, INVARIANTS["fulfilling_fact_monotone"].inputs(tam_ky[0], pm), n=80)
    assert "adding facts that fulfil it turned" in failure.message


def test_compliant_all_met_catches_a_strict_coverage_test(monkeypatch, pm, tam_ky):
    covered = study._covered

    def strict(categories, headcount, attended, share):  # ">" where ">=" was meant
        return covered(categories, headcount, attended, share) and all(attended.get(c, 0) > headcount.get(c, 0) for c in categories)

    monkeypatch.setattr(study, "_covered", strict)
    failure = caught("compliant_all_met", tam_ky[0], pm, INVARIANTS["compliant_all_met"].inputs(tam_ky[0], pm))
    assert "done right, yet" in failure.message


def test_broken_check_detected_catches_lateness_ignored(monkeypatch, pm, tam_ky):
    decide = engine.status_for
    monkeypatch.setattr(engine, "status_for", lambda outcomes, done, due, as_of, window: "met" if done is not None and "fail" not in outcomes else decide(outcomes, done, due, as_of, window))
    spec = tam_ky[0]
    inputs = INVARIANTS["broken_check_detected"].inputs(spec, pm).filter(lambda kw: kw["case"] is not None and kw["case"].outcome == "late")
    failure = caught("broken_check_detected", spec, pm, inputs)
    assert "expected met_late, got met" in failure.message


def test_explained_catches_findings_that_disagree_with_the_status(monkeypatch, pm, tam_ky):
    build = study._findings

    def optimistic(*args):  # the explanation calls a short audience covered
        return [attrs.evolve(f, outcome="pass") if f.check == "audience" else f for f in build(*args)]

    monkeypatch.setattr(study, "_findings", optimistic)
    failure = caught("explained", tam_ky[0], pm, _real(tam_ky), n=10)
    assert "but its findings (" in failure.message and "audience:pass" in failure.message


def test_explained_catches_a_status_decided_from_other_outcomes(monkeypatch, pm, tam_ky):
    conclude = engine.Context.conclude

    def forgetful(self, obligation, unit, findings, **kw):  # the outcomes handed over lose the failures
        if kw.get("outcomes") is not None:
            kw["outcomes"] = set(kw["outcomes"]) - {"fail", "unknown"}
        return conclude(self, obligation, unit, findings, **kw)

    monkeypatch.setattr(engine.Context, "conclude", forgetful)
    failure = caught("explained", tam_ky[0], pm, _real(tam_ky), n=10)
    assert "study-" in failure.message and ("give violated" in failure.message or "give indeterminate" in failure.message)


def test_json_roundtrip_catches_a_tuple(monkeypatch, pm, tam_ky):
    to_json = formats.verdict_to_json
    monkeypatch.setattr(formats, "verdict_to_json", lambda ev, v, lang="vi": {**to_json(ev, v, lang), "evidence": tuple(v.evidence)})
    failure = caught("json_roundtrip", tam_ky[0], pm, _real(tam_ky), n=5)
    assert "changes when written and read back" in failure.message


def test_json_roundtrip_catches_a_date(monkeypatch, pm, tam_ky):
    to_json = formats.verdict_to_json
    monkeypatch.setattr(formats, "verdict_to_json", lambda ev, v, lang="vi": {**to_json(ev, v, lang), "due": v.due})
    failure = caught("json_roundtrip", tam_ky[0], pm, _real(tam_ky), n=5)
    assert "cannot be written" in failure.message


def test_spec_roundtrip_catches_a_dumper_that_forgets_exclusive_deadlines(monkeypatch, pm, tam_ky):
    dump = spec_dump._deadline
    monkeypatch.setattr(spec_dump, "_deadline", lambda d: {**dump(d), **({"inclusive": True} if "inclusive" in dump(d) else {})})
    failure = caught("spec_roundtrip", tam_ky[0], pm, _real(tam_ky), n=5)
    assert "loads as a different spec" in failure.message
