"""Issue 16: the mutation fuzzer runs in the suite for about a minute, and it can fail.

Long runs: ``python -m nqengine.fuzz --cases N`` (see docs/security.md).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from nqengine.fuzz import build_corpus, fuzz, run_case
from nqengine.fuzz.mutate import Case, Edit, apply

BUDGET = 60.0  # seconds; the run stops at the first case past it


def test_a_minute_of_fuzzing_finds_nothing():
    report = fuzz(100_000, seed=20261130, budget=BUDGET)
    assert report.cases > 0
    assert report.findings == {}, report.summary()
    # cases must reach both ends: some evaluate, some are refused with located errors
    assert report.outcomes.get("located_error", 0) > 0
    assert report.outcomes.get("evaluated", 0) > 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("fuzz"))


def _case(target: str, *edits: Edit, spec: str = "tam-ky-xxi", fmt: str = "yaml") -> Case:
    return Case(spec, fmt, fmt, target, tuple(edits), explicit_paths=True)


def test_a_clean_case_evaluates_and_loses_no_fact(corpus):
    assert run_case(_case("plan.yaml"), corpus) == ("evaluated", None)


def test_a_located_error_passes(corpus):
    case = _case("facts.jsonl", Edit("insert", 0, 0, b"{not json\n"), fmt="jsonl")
    assert run_case(case, corpus) == ("located_error", None)


def test_a_traceback_is_a_finding(corpus, monkeypatch):
    from nqengine import api  # the command line loads through nqengine.api

    def broken(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(api, "load_registry", broken)
    outcome, finding = run_case(_case("plan.yaml"), corpus)
    assert outcome == "finding"
    assert finding.kind == "traceback"
    assert finding.place.startswith("ZeroDivisionError at cli.py:")  # the innermost frame of nqengine
    assert finding.place.endswith(" in _evaluation")


def test_a_lost_fact_is_a_finding(corpus, monkeypatch):
    import nqengine.evaluation.engine as engine

    real = engine._unmatched
    monkeypatch.setattr(engine, "_unmatched", lambda *a: real(*a)[1:])  # drop one unmatched fact
    outcome, finding = run_case(_case("plan.yaml"), corpus)
    assert (outcome, finding.kind) == ("finding", "fact_lost")
    assert finding.place in {"x-not-subject", "x-unknown-unit", "x-unused-type"}


def test_an_unlocated_message_is_a_finding(corpus, monkeypatch):
    from nqengine.errors import FactsError, Problem

    def unlocated(*a, **k):
        raise FactsError([Problem("", 0, 0, "", "file_missing", {})])

    from nqengine import api  # the command line loads through nqengine.api

    monkeypatch.setattr(api, "load_facts", unlocated)
    outcome, finding = run_case(_case("plan.yaml"), corpus)
    assert (outcome, finding.kind) == ("finding", "unlocated")


def test_edits_apply_to_bytes():
    data = b"a: 1\nb: 2\n"
    assert apply(data, (Edit("replace_scalar", 1, 0, b"x"),)) == b"a: 1\nb: x\n"
    assert apply(data, (Edit("drop_line", 0, 0),)) == b"b: 2\n"
    assert apply(data, (Edit("truncate", 3, 0),)) == b"a: "
    assert apply(data, (Edit("insert", 0, 0, b"\xff"),)) == b"\xffa: 1\nb: 2\n"


def test_the_command_line_entry_point_runs(tmp_path):
    """``python -m nqengine.fuzz`` as the docs give it, in a separate process."""
    done = subprocess.run(
        [sys.executable, "-m", "nqengine.fuzz", "--cases", "5", "--seed", "3", "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("nqengine.fuzz: 5 cases in ")
    assert "distinct findings: 0" in done.stdout
    assert "Traceback" not in done.stderr
