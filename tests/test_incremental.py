"""Incremental evaluation: one new fact at a time gives what a full evaluation gives.

After each :meth:`IncrementalEvaluation.add_fact`, ``.evaluation`` must equal
``nqengine.evaluate`` of the same spec, registry and date over every fact so
far, in order — verdicts, unmatched facts with their reasons, summary — and
``add_fact`` must return exactly the verdicts that changed.  Checked on the
Tam Kỳ example (random orders, three dates), on small generated national data,
and on deadlines that count from events and from other obligations.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import pytest
from helpers import registry as helper_registry
from helpers import spec as helper_spec
from hypothesis import given
from hypothesis import strategies as st

import nqengine
from nqengine.evaluation.engine import UnitIndex, _applicable_units
from nqengine.evaluation.incremental import IncrementalEvaluation
from nqengine.inputs import load_facts_text
from nqengine.inputs.bulk import load_facts_bulk
from nqengine.model import Fact, Selector

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "tam-ky-xxi"
DATES = ("15/10/2020", "01/11/2020", "20/11/2020")


@pytest.fixture(scope="module")
def pm():
    return nqengine.get_plugin_manager(load_entrypoints=False)


@pytest.fixture(scope="module")
def tam_ky(pm):
    return nqengine.load_folder(FOLDER, pm=pm)


def _unmatched(ev):
    return [(u.fact, u.code, u.params) for u in ev.unmatched_facts]


def assert_same(inc: IncrementalEvaluation, full) -> None:
    got = inc.evaluation
    assert got.verdicts == full.verdicts
    assert _unmatched(got) == _unmatched(full)
    assert got.summary() == full.summary()
    assert got.facts.keys() == full.facts.keys()


def _changed(before, after) -> list:
    old = {(v.obligation, v.unit): v for v in before.verdicts}
    return [v for v in after.verdicts if old[(v.obligation, v.unit)] != v]


@given(seed=st.integers(0, 10_000), as_of=st.sampled_from(DATES), start=st.floats(0, 1))
def test_tam_ky_fact_by_fact_equals_full_evaluation(tam_ky, pm, seed, as_of, start):
    spec, registry, facts = tam_ky
    order = list(facts)
    random.Random(seed).shuffle(order)
    k = int(start * len(order))
    inc = IncrementalEvaluation(spec, registry, order[:k], as_of, pm=pm)
    before = nqengine.evaluate(spec, registry, order[:k], as_of, pm=pm)
    assert_same(inc, before)
    for i in range(k, len(order)):
        changed = inc.add_fact(order[i])
        after = nqengine.evaluate(spec, registry, order[: i + 1], as_of, pm=pm)
        assert changed == _changed(before, after), order[i].id
        assert_same(inc, after)
        before = after


def test_every_tam_ky_fact_changes_something_or_is_accounted_for(tam_ky, pm):
    spec, registry, facts = tam_ky
    inc = IncrementalEvaluation(spec, registry, [], "20/11/2020", pm=pm)
    assert {u.code for u in inc.evaluation.unmatched_facts} == set()
    changed = inc.add_facts(facts)
    assert changed and all(inc.verdict(v.obligation, v.unit) == v for v in changed)
    assert_same(inc, nqengine.evaluate(spec, registry, facts, "20/11/2020", pm=pm))


def test_duplicate_and_late_facts_are_unmatched_as_in_a_full_evaluation(tam_ky, pm):
    spec, registry, facts = tam_ky
    inc = IncrementalEvaluation(spec, registry, facts, "15/10/2020", pm=pm)
    late = Fact("late", "report", "p-an-son", dt.date(2020, 10, 20), {"to": "ban-thuong-vu", "via": "ban-tuyen-giao", "about": None, "number": None})
    again = facts[3]
    assert inc.add_fact(late) == [] and inc.add_fact(again) == []
    full = nqengine.evaluate(spec, registry, [*facts, late, again], "15/10/2020", pm=pm)
    assert_same(inc, full)
    codes = [(u.fact, u.code) for u in inc.evaluation.unmatched_facts]
    assert ("late", "fact_after_as_of") in codes and (again.id, "fact_duplicate_id") in codes


def test_a_fact_naming_its_unit_by_name(tam_ky, pm):
    spec, registry, facts = tam_ky
    inc = IncrementalEvaluation(spec, registry, facts, "20/11/2020", pm=pm)
    plan = Fact("tt-plan", "deliverable", "Đảng bộ phường Tân Thạnh", dt.date(2020, 10, 2), {"deliverable": "own_plan", "reference": None})
    (changed,) = inc.add_fact(plan)
    assert (changed.obligation, changed.unit, changed.status) == ("own-plan", "p-tan-thanh", "met")
    assert_same(inc, nqengine.evaluate(spec, registry, [*facts, plan], "20/11/2020", pm=pm))


def test_a_verdict_that_stops_citing_a_fact_makes_it_unmatched_again(tam_ky, pm):
    """A later, conforming report supersedes nothing, but a fact cited before stays cited: refcounts, not sets."""
    spec, registry, facts = tam_ky
    inc = IncrementalEvaluation(spec, registry, facts, "20/11/2020", pm=pm)
    extra = [
        Fact("x1", "dissemination", "hoi-nong-dan", dt.date(2020, 11, 1), {"audiences": ["members"], "forms": None, "reach": None}),
        Fact("x2", "dissemination", "hoi-nong-dan", dt.date(2020, 11, 2), {"audiences": ["people"], "forms": None, "reach": None}),
    ]
    for i, f in enumerate(extra):
        inc.add_fact(f)
        assert_same(inc, nqengine.evaluate(spec, registry, [*facts, *extra[: i + 1]], "20/11/2020", pm=pm))


# ---------------------------------------------------------------------------
# Deadlines counted from events and from other obligations
# ---------------------------------------------------------------------------

CHAIN = """
- id: study
  kind: study_session
  title: Học tập
  clause: c1
  applies_to: {kinds: party_committee}
  deadline: {after: {event: ev}, days: 10, inclusive: true}
  audience: {categories: [dang_vien]}
- id: report
  kind: report
  title: Báo cáo
  clause: c2
  applies_to: {kinds: party_committee}
  deadline: {after: {obligation: study, point: fulfilled}, days: 3, working_days: true, inclusive: true}
  channel: {to: btv, via: btg}
- id: summary
  kind: report
  title: Tổng hợp
  clause: c3
  applies_to: {kinds: party_committee}
  deadline: {after: {obligation: report, point: due}, days: 5, inclusive: true}
  channel: {to: btv}
"""

CHAIN_FACTS = """
- {id: e1, type: event, unit: w1, date: 05/10/2020, name: ev}
- {id: s1, type: session, unit: w1, date: 12/10/2020, attendance: {dang_vien: 10}}
- {id: s2, type: session, unit: a1, date: 02/10/2020, attendance: {dang_vien: 5}}
- {id: r1, type: report, unit: w1, date: 14/10/2020, to: btv, via: btg}
- {id: e2, type: event, unit: a1, date: 20/09/2020, name: ev}
- {id: e3, type: event, unit: w1, date: 01/10/2020, name: other}
- {id: r2, type: report, unit: a1, date: 30/10/2020, to: btv}
"""


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("as_of", ["08/10/2020", "15/10/2020", "30/11/2020"])
def test_event_and_chained_deadlines_follow_each_new_fact(seed, as_of, pm):
    spec = helper_spec(CHAIN, pm)
    registry = helper_registry()
    facts = load_facts_text("facts:\n" + "\n".join("  " + line for line in CHAIN_FACTS.strip().splitlines()), "f.yaml", pm=pm)
    order = list(facts)
    random.Random(seed).shuffle(order)
    inc = IncrementalEvaluation(spec, registry, [], as_of, pm=pm)
    before = nqengine.evaluate(spec, registry, [], as_of, pm=pm)
    for i, f in enumerate(order):
        changed = inc.add_fact(f)
        after = nqengine.evaluate(spec, registry, order[: i + 1], as_of, pm=pm)
        assert changed == _changed(before, after), f.id
        assert_same(inc, after)
        before = after


# ---------------------------------------------------------------------------
# Generated national data, small
# ---------------------------------------------------------------------------


def _generator():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return generate


def test_the_generator_gives_the_same_files_for_the_same_scale(tmp_path):
    generate = _generator()
    generate.generate(0.2, str(tmp_path / "a"))
    generate.generate(0.2, str(tmp_path / "b"))
    generate.generate(0.3, str(tmp_path / "c"))
    for name in ("registry.jsonl", "facts.csv", "attendance.csv", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "facts.csv").read_bytes() != (tmp_path / "c" / "facts.csv").read_bytes()


@pytest.fixture(scope="module")
def generated(tmp_path_factory, pm):
    generate = _generator()
    out = tmp_path_factory.mktemp("national")
    generate.generate(0.3, str(out))
    spec = nqengine.load_spec(ROOT / "benchmarks" / "plan.yaml", pm=pm)
    registry = nqengine.load_registry(out / "registry.jsonl")
    facts = load_facts_bulk([out / "facts.csv", out / "attendance.csv"], pm)
    return spec, registry, facts, generate.AS_OF


def test_generated_data_every_status_and_the_reference_agrees(generated, pm):
    spec, registry, facts, as_of = generated
    ev = nqengine.evaluate(spec, registry, facts, as_of, pm=pm)
    statuses = {v.status for v in ev.verdicts}
    assert statuses == set(nqengine.STATUSES)
    assert {u.code for u in ev.unmatched_facts} >= {"fact_after_as_of", "fact_duplicate_id", "fact_unknown_unit", "fact_unit_not_subject"}


@pytest.mark.parametrize("seed", range(3))
def test_generated_data_fact_by_fact_equals_full_evaluation(generated, pm, seed):
    spec, registry, facts, as_of = generated
    rng = random.Random(seed)
    held_back = rng.sample(range(len(facts)), 60)
    rest = [f for i, f in enumerate(facts) if i not in set(held_back)]
    inc = IncrementalEvaluation(spec, registry, rest, as_of, pm=pm)
    before = nqengine.evaluate(spec, registry, rest, as_of, pm=pm)
    added = list(rest)
    for n, i in enumerate(held_back):
        changed = inc.add_fact(facts[i])
        added.append(facts[i])
        if n % 10 == 9 or n == len(held_back) - 1:  # a full evaluation is the slow side: compare every tenth fact
            after = nqengine.evaluate(spec, registry, added, as_of, pm=pm)
            assert_same(inc, after)
            before = after
        else:
            assert all(inc.verdict(v.obligation, v.unit) == v for v in changed)
    assert before.verdicts == inc.evaluation.verdicts


# ---------------------------------------------------------------------------
# The engine's unit index selects what a scan of the registry selects
# ---------------------------------------------------------------------------

KINDS = ["party_committee", "grassroots_cell", "subordinate_cell", "mass_organisation", "party_board", "city_committee"]


@given(
    kinds=st.sets(st.sampled_from(KINDS), max_size=3),
    sectors=st.sets(st.sampled_from(["commune", "ward", "agency", "enterprise"]), max_size=2),
    ids=st.sets(st.integers(0, 400), max_size=4),
    exclude=st.sets(st.integers(0, 400), max_size=3),
)
def test_unit_index_selects_as_a_scan_does(generated, kinds, sectors, ids, exclude):
    spec, registry, _, as_of = generated
    all_ids = list(registry.units)
    sel = Selector(kinds=frozenset(kinds), sectors=frozenset(sectors), ids=frozenset(all_ids[i] for i in ids if i < len(all_ids)),
                   exclude=frozenset(all_ids[i] for i in exclude if i < len(all_ids)))
    ob = spec.obligations[0].__class__(id="x", kind="duty", title="x", clause="c", applies_to=sel, deadline=None)
    index = UnitIndex(registry)
    assert _applicable_units(ob, registry, spec.effective, as_of, index) == _applicable_units(ob, registry, spec.effective, as_of)
