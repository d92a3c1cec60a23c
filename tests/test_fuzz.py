"""Issue 16: the mutation fuzzer runs in the suite for about a minute, and it can fail.

Long runs: ``python -m nqengine.fuzz --cases N`` (see docs/security.md).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

import nqengine.fuzz as fuzz_module
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


def test_each_finding_is_handed_over_as_it_happens(monkeypatch):
    """A long run records its findings before it ends (``--findings FILE`` uses this)."""
    calls = iter(range(1000))

    def fake(case, corpus, time_limit):
        n = next(calls)
        if n % 3 == 1:
            return "finding", fuzz_module.Finding("traceback", f"X at f.py:{n}", case.describe())
        return "evaluated", None

    monkeypatch.setattr(fuzz_module, "run_case", fake)
    seen = []
    report = fuzz(6, seed=1, on_finding=seen.append)
    assert report.cases == 6
    assert [f.place for f in seen] == ["X at f.py:1", "X at f.py:4"]
    assert sorted(report.findings) == [("traceback", "X at f.py:1"), ("traceback", "X at f.py:4")]


def test_sigterm_ends_a_long_run_with_its_report(tmp_path):
    findings = tmp_path / "findings.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "nqengine.fuzz", "--cases", "1000000", "--seed", "3", "--progress", "--findings", str(findings)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stdout.readline()  # a progress line every 500 cases: the run is under way
        assert first.startswith("500 cases, "), first
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    summary = out[out.index("nqengine.fuzz: "):]
    cases = int(summary.split()[1])
    assert 500 <= cases < 1000000
    assert "distinct findings: 0" in summary and "Traceback" not in err
    assert not findings.exists()  # nothing found, nothing written


def test_a_case_that_spins_or_blocks_is_a_timeout_and_a_slow_machine_is_not(corpus, monkeypatch):
    """The limit is CPU time (a loop that never ends); a case that blocks without using the CPU
    is stopped at WALL_FACTOR times the limit; a case that only waits its turn for the CPU passes."""
    import time

    from nqengine import api
    from nqengine.fuzz import oracle

    def spin(*a, **k):
        while True:
            pass

    monkeypatch.setattr(api, "load_registry", spin)
    outcome, finding = run_case(_case("plan.yaml"), corpus, time_limit=0.3)
    assert (outcome, finding.kind) == ("finding", "timeout")

    def block(*a, **k):
        time.sleep(60)

    monkeypatch.setattr(api, "load_registry", block)
    monkeypatch.setattr(oracle, "WALL_FACTOR", 2)
    started = time.monotonic()
    outcome, finding = run_case(_case("plan.yaml"), corpus, time_limit=0.3)
    assert (outcome, finding.kind) == ("finding", "timeout") and time.monotonic() - started < 5

    monkeypatch.undo()
    waited = {"done": False}
    original = api.load_registry

    def slow_turn(*a, **k):  # 1.5 s of waiting (as for the CPU, at low priority), little CPU: within the limits
        if not waited["done"]:
            waited["done"] = True
            time.sleep(1.5)
        return original(*a, **k)

    monkeypatch.setattr(api, "load_registry", slow_turn)
    assert run_case(_case("plan.yaml"), corpus, time_limit=1.0) == ("evaluated", None)


def test_a_case_stopped_once_is_tried_again_before_it_counts(corpus, monkeypatch):
    from nqengine import api

    original, tries = api.load_registry, []

    def stuck_once(*a, **k):  # the first try is stopped (a paused or starved run), the second is fine
        tries.append(1)
        if len(tries) == 1:
            while True:
                pass
        return original(*a, **k)

    monkeypatch.setattr(api, "load_registry", stuck_once)
    assert run_case(_case("plan.yaml"), corpus, time_limit=1.0) == ("evaluated", None)
    assert len(tries) == 2


def test_stopping_the_run_is_not_a_finding_of_the_case(corpus, monkeypatch):
    from nqengine import api

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "load_registry", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_case(_case("plan.yaml"), corpus)


def test_jobs_split_the_cases_and_give_one_report(tmp_path):
    out = tmp_path / "r.json"
    done = subprocess.run(
        [sys.executable, "-m", "nqengine.fuzz", "--cases", "6", "--seed", "3", "--jobs", "2", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("nqengine.fuzz: 6 cases in ") and "(seed 3, 2 jobs: seeds 300–301)" in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["cases"] == 6 and sum(report["outcomes"].values()) == 6 and report["findings"] == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed exception is the point
def test_a_limit_whose_exception_is_swallowed_still_stops_the_case(corpus, monkeypatch):
    """The alarm may fire inside a garbage-collector callback or a __del__, where Python prints
    "Exception ignored" and goes on: the case still counts as stopped (and is tried again)."""
    from nqengine import api
    from nqengine.fuzz import oracle

    original, tries = api.load_registry, []

    class Swallows:
        def __del__(self):
            while True:  # the limit fires here; Python ignores an exception raised in __del__
                pass

    def slow_once(*a, **k):
        tries.append(1)
        if len(tries) == 1:
            Swallows()  # collected at once: its __del__ runs until the limit fires
        return original(*a, **k)

    monkeypatch.setattr(api, "load_registry", slow_once)
    assert run_case(_case("plan.yaml"), corpus, time_limit=1.0) == ("evaluated", None)
    assert len(tries) == 2
    tries.clear()
    monkeypatch.setattr(api, "load_registry", lambda *a, **k: (tries.append(1), Swallows(), original(*a, **k))[2])
    outcome, finding = run_case(_case("plan.yaml"), corpus, time_limit=1.0)
    assert (outcome, finding.kind) == ("finding", "timeout") and len(tries) == 2
    assert oracle._FIRED


def test_a_long_run_goes_in_batches_and_its_first_batch_is_the_seeds_own_run(monkeypatch):
    """Hypothesis keeps what a run explored (gigabytes over a million cases): a fuzz run is split into runs
    of BATCH cases with derived seeds; the cases of the first are those one run with the seed draws."""
    seen = []

    def record(case, corpus, time_limit):
        seen.append(case.describe())
        return "evaluated", None

    monkeypatch.setattr(fuzz_module, "run_case", record)
    fuzz(3, seed=5)
    first = list(seen)
    seen.clear()
    monkeypatch.setattr(fuzz_module, "BATCH", 3)
    report = fuzz(8, seed=5)
    assert report.cases == 8 and len(seen) == 8
    assert seen[:3] == first


def test_repeated_evaluations_in_one_process_do_not_keep_their_garbage(monkeypatch):
    """Objects aged by gc_paused are not counted by the interpreter's trigger for a full collection: without
    gcpause's own rule, every cycle a long-running program's evaluations leave stays (the fuzzer grew to 8.8 GB)."""
    import gc
    import weakref

    from nqengine import gcpause

    class Node:
        pass

    def leave_a_cycle():
        a, b = Node(), Node()
        a.other, b.other = b, a
        return weakref.ref(a)

    gc.collect()
    monkeypatch.setattr(gcpause, "_BASE", [])
    with gcpause.gc_paused():
        first = leave_a_cycle()
    assert first() is not None and len(gcpause._BASE) == 2  # the first block sets the base, collects nothing
    monkeypatch.setattr(gcpause, "_BASE", [0, 10**7])  # as if many objects had been aged since
    with gcpause.gc_paused():
        second = leave_a_cycle()
    assert first() is None and second() is None  # a full collection ran on the way out
    assert gcpause._BASE[0] > 0 and gcpause._BASE[1] == 0
