"""A mutation fuzzer over the repository's real specs, registries and facts, and the command line.

``python -m nqengine.fuzz --cases N`` damages the example plans, registries
and fact files (YAML, JSON Lines, CSV) in a temporary copy, runs
``nqengine evaluate`` in process on each case, and checks that it ends in a
clean evaluation that loses no fact, or in located errors (exit 2) — never a
traceback, another exit status, an unlocated message, or a hang (see
:mod:`nqengine.fuzz.oracle`).  Cases are drawn by Hypothesis
(:mod:`nqengine.fuzz.mutate`); findings are collected, grouped by where they
happen, and printed with one case that reproduces each, rather than
stopping at the first.  The test suite runs it with a one-minute budget
(``tests/test_fuzz.py``); ``docs/security.md`` records the long runs.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Callable

import attrs

from nqengine.fuzz.corpus import Corpus, build_corpus
from nqengine.fuzz.mutate import Case, cases
from nqengine.fuzz.oracle import Finding, run_case

__all__ = ["Report", "fuzz", "Case", "Finding", "cases", "run_case", "build_corpus", "BATCH", "STOP"]

#: Cases per Hypothesis run within one fuzz run (see :func:`fuzz`).
BATCH = 5000

#: Set (made non-empty) to end a run after the case under way, with its report: what SIGTERM does in
#: ``python -m nqengine.fuzz``.  An exception raised by a signal handler can be swallowed where Python
#: ignores exceptions (a collector callback), so the run checks this between cases instead.
STOP: list[bool] = []


@attrs.define
class Report:
    """What a run did: cases by outcome, findings grouped by (kind, place), and the time taken."""

    cases: int = 0
    outcomes: dict[str, int] = attrs.field(factory=dict)
    findings: dict[tuple[str, str], list[Finding]] = attrs.field(factory=dict)
    seconds: float = 0.0
    seed: int = 0

    def add(self, outcome: str, finding: Finding | None) -> None:
        self.cases += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if finding is not None:
            group = self.findings.setdefault(finding.key(), [])
            if len(group) < 3:
                group.append(finding)
            else:
                group.append(group[-1])  # count only; keep three examples

    def summary(self) -> str:
        lines = [
            f"nqengine.fuzz: {self.cases} cases in {self.seconds:.0f} s (seed {self.seed})",
            "  " + ", ".join(f"{k}: {v}" for k, v in sorted(self.outcomes.items())),
            f"  distinct findings: {len(self.findings)}",
        ]
        for (kind, place), group in sorted(self.findings.items()):
            lines.append(f"  - {kind} x{len(group)}: {place}")
            lines.append(f"      case: {group[0].case}")
            if group[0].detail:
                lines.append("      " + group[0].detail.strip().splitlines()[-1][:300])
        return "\n".join(lines)


def _memory_folder() -> str | None:
    """``/dev/shm`` when it is a folder we may write (Linux's memory-backed one), else the default temporary folder.

    Each case writes its mutated files and the command's output there; on a disk that was 14% of the CPU
    time of a case (opening and creating small files), on a memory file system about half of that.
    """
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def fuzz(
    n_cases: int,
    *,
    seed: int = 0,
    budget: float | None = None,
    workdir: str | None = None,
    progress: Callable[[Report], None] | None = None,
    time_limit: float = 30.0,
    on_finding: Callable[[Finding], None] | None = None,
) -> Report:
    """Run ``n_cases`` cases (or until ``budget`` seconds have passed) and report what happened.

    The same ``seed`` draws the same cases.  ``on_finding`` is called with
    each finding as it happens (a long run records them before it ends).  A
    ``KeyboardInterrupt`` (Ctrl-C, or SIGTERM turned into one by the command
    line) ends the run early with the report of the cases done so far.
    """
    from hypothesis import (  # Hypothesis is optional (the `test` extra): only a fuzzing run needs it
        HealthCheck,
        Phase,
        given,
        settings,
    )
    from hypothesis import seed as hseed  # optional, as above

    report = Report(seed=seed)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nqengine-fuzz-", dir=workdir or _memory_folder()) as tmp:
        corpus = build_corpus(tmp)

        class _Stop(Exception):
            pass

        stopped: list[bool] = []

        def batch(n: int, batch_seed: int) -> None:
            @hseed(batch_seed)
            @settings(
                max_examples=n,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(cases())
            def one(case: Case) -> None:
                if stopped or STOP or (budget is not None and time.monotonic() - start > budget):
                    stopped.append(True)
                    raise _Stop()
                outcome, finding = run_case(case, corpus, time_limit)
                report.add(outcome, finding)
                if finding is not None and on_finding is not None:
                    on_finding(finding)
                if progress is not None and report.cases % 500 == 0:
                    report.seconds = time.monotonic() - start
                    progress(report)

            one()

        # Hypothesis keeps what one run has explored, to draw new cases: a million cases in one run
        # took gigabytes (8.8 GB after 58,000 cases). Runs of BATCH cases each, with seeds derived from
        # ``seed``, keep the memory flat; the first batch is what one run with ``seed`` draws.
        b = 0
        try:
            while report.cases < n_cases and not stopped:
                before = report.cases
                batch(min(BATCH, n_cases - report.cases), seed if b == 0 else seed * 1_000_003 + b)
                b += 1
                if report.cases == before:  # nothing left to draw
                    break
        except KeyboardInterrupt:  # stopped by hand: the cases done so far are the report
            pass
        except BaseException:  # _Stop, or Hypothesis's report of it (a FlakyFailure group when replayed)
            if not stopped:
                raise
    report.seconds = time.monotonic() - start
    return report
