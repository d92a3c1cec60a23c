"""The Gia Lai example (specs/gia-lai-ctr-01): recurring reports over a term, pinned verdict by verdict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import nqengine
from nqengine.testing.examples import run_examples

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "specs" / "gia-lai-ctr-01"


@pytest.fixture(scope="module")
def loaded():
    return nqengine.load_folder(FOLDER)


@pytest.fixture(scope="module")
def ev(loaded):
    spec, registry, facts = loaded
    return nqengine.evaluate(spec, registry, facts, "20/10/2026")


EXPECTED = {
    ("bao-cao-quy", "du-p-quy-nhon"): {"2026-Q1": "met", "2026-Q2": "met_late", "2026-Q3": "met", "2026-Q4": "pending"},
    ("bao-cao-quy", "du-cq-dang"): {"2026-Q1": "met", "2026-Q2": "met_late", "2026-Q3": "overdue", "2026-Q4": "pending"},
    ("bao-cao-quy", "du-ubnd-tinh"): {"2026-Q1": "violated", "2026-Q2": "met", "2026-Q3": "overdue", "2026-Q4": "pending"},
    ("bao-cao-quy", "du-x-vi-du"): {"2026-Q3": "met", "2026-Q4": "pending"},
    ("bao-cao-quy", "du-khoi-vi-du"): {"2026-Q1": "met"},
    ("so-ket-tong-ket", "du-p-quy-nhon"): {"2026-H1": "met", "2026-H2": "pending"},
    ("so-ket-tong-ket", "du-cq-dang"): {"2026-H1": "met_late", "2026-H2": "pending"},
    ("so-ket-tong-ket", "du-ubnd-tinh"): {"2026-H1": "met", "2026-H2": "pending"},
    ("so-ket-tong-ket", "du-x-vi-du"): {"2026-H2": "pending"},
    ("so-ket-tong-ket", "du-khoi-vi-du"): {"2026-H1": "not_applicable"},
    ("tong-hop-quy", "van-phong"): {"2026-Q1": "met", "2026-Q2": "met_late", "2026-Q3": "overdue", "2026-Q4": "pending"},
}


def test_every_verdict_as_the_readme_says(ev):
    got: dict = {}
    for v in ev.verdicts:
        got.setdefault((v.obligation, v.unit), {})[v.period] = v.status
    assert got == EXPECTED


def test_due_dates_per_period(ev):
    dues = {(v.obligation, v.period): v.due.isoformat() for v in ev.verdicts}
    assert dues[("bao-cao-quy", "2026-Q2")] == "2026-06-20"
    assert dues[("so-ket-tong-ket", "2026-H1")] == "2026-06-14"  # "trước ngày 15/6"
    assert dues[("so-ket-tong-ket", "2026-H2")] == "2026-12-14"
    assert dues[("tong-hop-quy", "2026-Q1")] == "2026-04-14"  # 10 working days after 31/03
    assert dues[("tong-hop-quy", "2026-Q4")] == "2027-01-15"  # 01/01/2027 off


def test_attribution_and_unmatched(ev):
    v = ev.verdict("bao-cao-quy", "du-cq-dang", "quý II/2026")
    assert v.evidence == ("cq-oct",)
    assert [f.code for f in v.findings if f.check == "period"] == ["period_attributed"]
    named = ev.verdict("bao-cao-quy", "du-p-quy-nhon", "quý II/2026")
    assert [f.code for f in named.findings if f.check == "period"] == []  # named its period: nothing to say
    assert [(u.fact, u.code) for u in ev.unmatched_facts] == [("ub-typo", "fact_period_unknown")]
    assert all(v.interpretation for v in ev.verdicts)  # every deadline here is the spec's reading


def test_the_whole_term_is_20_quarters_but_only_those_due_are_shown(loaded, ev):
    spec = loaded[0]
    assert len(list(spec.obligation("bao-cao-quy").recurrence.periods())) == 20
    assert len(list(spec.obligation("so-ket-tong-ket").recurrence.periods())) == 10
    late = nqengine.evaluate(spec, loaded[1], loaded[2], "31/12/2030")
    assert {v.period for v in late.verdicts if v.obligation == "bao-cao-quy"} == {f"{y}-Q{q}" for y in range(2026, 2031) for q in range(1, 5)}


def test_examples_pass(loaded):
    results = run_examples(loaded[0])
    assert results and all(not r.mismatches for r in results)


def test_readme_traces_every_clause_and_obligation(loaded):
    spec = loaded[0]
    text = (FOLDER / "README.md").read_text(encoding="utf-8")
    ticked = set(re.findall(r"`([^`\n]+)`", text))
    assert set(spec.clauses) <= ticked
    assert {ob.id for ob in spec.obligations} <= ticked
    for cid, clause in spec.clauses.items():
        assert clause.text.startswith("[tóm tắt]"), f"clause {cid} is not marked as our summary"
