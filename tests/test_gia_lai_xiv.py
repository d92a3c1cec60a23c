"""The Gia Lai 2026 plan (specs/gia-lai-xiv/), verdict by verdict on three dates.

A province after the 2025 reform (no district level), with level selectors,
roll-ups, a two-day conference, session lengths and reports to a body that no
longer exists: the rules of issue 10 on one plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import nqengine
from nqengine.testing.examples import run_examples

FOLDER = Path(__file__).resolve().parent.parent / "specs" / "gia-lai-xiv"
DATES = ("07/02/2026", "20/03/2026", "10/04/2026")
P, S, M, L, O, V, I = "pending", "due_soon", "met", "met_late", "overdue", "violated", "indeterminate"

EXPECTED = {
    # the national conference: key cadres, one whole day (KH01), at the connection points (GL.1)
    ("national-conference", "p-quy-nhon"): (M, M, M),  # 01 ngày
    ("national-conference", "p-pleiku"): (M, M, M),  # 02 buổi = 01 ngày (the default reading)
    ("national-conference", "x-chu-prong"): (I, I, I),  # length not recorded
    ("national-conference", "dang-uy-co-quan-dang"): (S, V, V),  # 01 buổi only: short once 07/02 is over
    # members' study (GL.2), by the end of Q1/2026 (an interpretation)
    ("study-members", "p-quy-nhon"): (P, M, M),  # two-day conference 09-10/03, a provincial Standing Committee member presents
    ("study-members", "p-pleiku"): (P, P, O),  # the key cadres' session does not count for the members
    ("study-members", "x-chu-prong"): (P, M, M),
    ("study-members", "dang-uy-co-quan-dang"): (P, P, V),  # presenter not a provincial reporter: pending, then violated
    # roll-ups (GL.3)
    ("province-members-rate", "tinh-uy-gia-lai"): (P, P, V),  # 800 of 1700 members
    ("committees-done", "tinh-uy-gia-lai"): (P, P, V),  # 2 of 4 committees
    # action programme (CT01.2), in Q1/2026
    ("action-programme", "p-quy-nhon"): (P, M, M),
    ("action-programme", "p-pleiku"): (P, P, M),
    ("action-programme", "x-chu-prong"): (P, M, M),
    ("action-programme", "dang-uy-co-quan-dang"): (P, P, L),
    ("relay", "bao-ptth-gia-lai"): (M, M, M),
    # reports (GL.4), 5 working days after the unit's study
    ("report-results", "p-quy-nhon"): (P, M, M),
    ("report-results", "p-pleiku"): (P, P, P),
    ("report-results", "x-chu-prong"): (P, V, V),  # sent to the abolished Chư Prông District Committee
    ("report-results", "dang-uy-co-quan-dang"): (P, P, P),
}


@pytest.fixture(scope="module")
def evaluations():
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    spec, registry, facts = nqengine.load_folder(FOLDER, pm=pm)
    return {d: nqengine.evaluate(spec, registry, facts, d, pm=pm) for d in DATES}


@pytest.mark.parametrize("index,date", list(enumerate(DATES)))
@pytest.mark.parametrize("key", sorted(EXPECTED), ids=lambda k: f"{k[0]}:{k[1]}")
def test_verdict(evaluations, key, index, date):
    assert evaluations[date].verdict(*key).status == EXPECTED[key][index]


@pytest.mark.parametrize("date", DATES)
def test_no_other_verdicts(evaluations, date):
    assert {(v.obligation, v.unit) for v in evaluations[date].verdicts} == set(EXPECTED)


def test_no_district_level_and_no_cell_bound(evaluations):
    ev = evaluations["10/04/2026"]
    assert not {v.unit for v in ev.verdicts} & {"huyen-uy-chu-prong", "tinh-uy-binh-dinh", "cb-to-dan-pho-1"}
    assert ev.registry.units["ban-tgdv-tinh-uy"].level == "provincial"


def test_the_report_to_the_abolished_district_names_the_successor(evaluations):
    v = evaluations["10/04/2026"].verdict("report-results", "x-chu-prong")
    [f] = [f for f in v.findings if f.check == "channel"]
    assert (f.code, f.params["to"], f.params["successor"]) == ("report_recipient_merged", "Huyện ủy Chư Prông", "Tỉnh ủy Gia Lai")


def test_the_two_day_conference_counts_on_its_last_day(evaluations):
    v = evaluations["20/03/2026"].verdict("study-members", "p-quy-nhon")
    assert v.fulfilled_on == dt.date(2026, 3, 10)
    assert "1 ngày = 2 buổi" in v.interpretation


def test_rollup_figures(evaluations):
    ev = evaluations["10/04/2026"]
    [rate] = [f for f in ev.verdict("province-members-rate", "tinh-uy-gia-lai").findings if f.check == "rollup"]
    assert (rate.params["reached"], rate.params["total"], rate.params["target"]) == (800, 1700, 1530)
    [done] = [f for f in ev.verdict("committees-done", "tinh-uy-gia-lai").findings if f.check == "rollup"]
    assert (done.params["reached"], done.params["total"]) == (2, 4)


def test_every_fact_is_used(evaluations):
    assert evaluations["10/04/2026"].unmatched_facts == []


def test_examples():
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    spec = nqengine.load_spec(FOLDER / "plan.yaml", pm=pm)
    results = run_examples(spec, pm)
    assert [r.passed for r in results] == [True, True]


def test_clause_texts_are_marked_summaries():
    spec = nqengine.load_spec(FOLDER / "plan.yaml")
    assert all(c.text.startswith("[Tóm tắt]") for c in spec.clauses.values())


def test_the_spec_dumps_and_reloads_with_its_level_selectors(evaluations):
    from nqengine.testing.properties import check_spec_roundtrip

    ev = evaluations["10/04/2026"]
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    check_spec_roundtrip(ev.spec, registry=ev.registry, facts=list(ev.facts.values()), as_of=ev.as_of, pm=pm)
    assert ev.spec.obligation("study-members").applies_to.under == frozenset({"tinh-uy-gia-lai"})


def test_generated_registries_reach_the_units_under_the_province():
    """`nqengine prove` generates units under `under:` ids, with lengths and audience groups that conform."""
    from nqengine import testing
    from nqengine.testing.prove import prove

    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    spec = nqengine.load_spec(FOLDER / "plan.yaml", pm=pm)
    report = prove(spec, pm, seed=2, max_examples=15, only=("compliant_all_met", "broken_check_detected"))
    assert [(o.name, o.failure) for o in report.outcomes] == [("compliant_all_met", None), ("broken_check_detected", None)]
    from hypothesis import find, settings

    sel = spec.obligation("study-members").applies_to
    reg = find(testing.registries(spec, compliant=True), lambda r: any(sel.matches(u) for u in r.units.values()), settings=settings(database=None))
    assert any(u.parent == "tinh-uy-gia-lai" and sel.matches(u) for u in reg.units.values())
