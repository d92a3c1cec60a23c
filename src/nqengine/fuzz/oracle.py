"""What a fuzz case must end in, and the record of what it did instead.

The command line is run in process (``nqengine evaluate ... --format json``).
A case passes when it ends in one of:

* exit 0, with every fact of the input either evidence of a verdict or
  listed in ``unmatched_facts`` (no fact lost);
* exit 2, with every line of the error output located as
  ``file:line:column: message`` (or the command line's own ``nqengine: ...``
  for an argument);
* exit 3 only for a plugin the spec declares and that is not installed.

Anything else is a :class:`Finding`: a traceback (an exception escaping
``main``), another exit status, an unlocated message, a lost fact, or a case
running past its time limit.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import traceback
from pathlib import Path
from typing import Any

import attrs

from nqengine import api
from nqengine.cli import main
from nqengine.errors import NQEngineError
from nqengine.fuzz.corpus import Corpus
from nqengine.fuzz.mutate import Case, apply
from nqengine.plugins.manager import shared_plugin_manager

__all__ = ["Finding", "run_case", "LOCATED"]

LOCATED = re.compile(r"^[^\s:][^:\n]*:\d+:\d+: \S")
_MISSING_PLUGIN = re.compile(r"(chưa được cài|is not installed|bị chặn|is blocked|not loaded|chưa được nạp)")


@attrs.frozen
class Finding:
    """One case that did not end as it must: ``kind``, where (``place``), and the case that did it."""

    kind: str  # traceback, exit_status, unlocated, fact_lost, timeout
    place: str  # the innermost frame of a traceback, or the first line of the message
    case: str
    detail: str = ""

    def key(self) -> tuple[str, str]:
        return self.kind, self.place


class _Timeout(BaseException):
    pass


#: Set when a case's time limit fires: the exception may be swallowed where Python ignores them
#: (a garbage-collector callback, a ``__del__``), and the case must still count as stopped.
_FIRED: list[bool] = []


def _alarm(signum: int, frame: Any) -> None:
    _FIRED.append(True)
    raise _Timeout()


def _argv(case: Case, corpus: Corpus) -> list[str]:
    folder = corpus.folder(case.spec)
    # specs/ of the copy is the root: an-my-xxi extends ../tam-ky-xxi, as in the repository
    argv = ["evaluate", str(folder), "--as-of", case.as_of, "--format", "json", "--lang", "en", "--allow-root", str(corpus.root / "specs")]
    if case.explicit_paths:
        argv += ["--registry", str(folder / f"registry.{case.registry_format}"), "--facts", str(folder / f"facts.{case.facts_format}")]
    return argv


def _place(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    inner = [f for f in tb if "/nqengine" in f.filename] or list(tb)
    f = inner[-1] if inner else None
    where = f"{Path(f.filename).name}:{f.lineno} in {f.name}" if f else "?"
    return f"{type(exc).__name__} at {where}"


#: A case may wait this many times its CPU limit in wall time (a process left at low
#: priority on a busy machine gets little CPU; a read that blocks uses none).
WALL_FACTOR = 10


def run_case(case: Case, corpus: Corpus, time_limit: float = 30.0) -> tuple[str, Finding | None]:
    """Apply ``case`` to the corpus, run the command line, restore the file: (outcome, finding or None).

    ``time_limit`` is CPU seconds (a loop that never ends); a case blocked without
    using the CPU (a read that never returns) is stopped after ``WALL_FACTOR``
    times as many seconds of wall time.  A case stopped either way is run once
    more before it counts as a ``timeout`` finding: a long run left in the
    background may be paused (SIGSTOP) or starved by other work, which a
    second try tells apart from a hang.
    """
    outcome, finding = _run_once(case, corpus, time_limit)
    if finding is not None and finding.kind == "timeout":
        return _run_once(case, corpus, time_limit)
    return outcome, finding


def _run_once(case: Case, corpus: Corpus, time_limit: float) -> tuple[str, Finding | None]:

    folder = corpus.folder(case.spec)
    original = corpus.files[(case.spec, case.target)]
    (folder / case.target).write_bytes(apply(original, case.edits))
    out, err = io.StringIO(), io.StringIO()
    use_alarm = hasattr(signal, "setitimer")
    _FIRED.clear()
    try:
        if use_alarm:
            old = signal.signal(signal.SIGALRM, _alarm)
            old_prof = signal.signal(signal.SIGPROF, _alarm)
            signal.setitimer(signal.ITIMER_PROF, time_limit)
            signal.setitimer(signal.ITIMER_REAL, time_limit * WALL_FACTOR)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(_argv(case, corpus))
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.signal(signal.SIGALRM, old)
                signal.signal(signal.SIGPROF, old_prof)
    except _Timeout:
        return "finding", Finding("timeout", f"more than {time_limit:g} s of CPU or {time_limit * WALL_FACTOR:g} s", case.describe())
    except KeyboardInterrupt:  # the run is being stopped (Ctrl-C, SIGTERM): not the case's doing
        raise
    except SystemExit as exc:  # argparse: never for the arguments the fuzzer gives
        return "finding", Finding("exit_status", f"SystemExit {exc.code}", case.describe(), err.getvalue()[-500:])
    except BaseException as exc:  # noqa: BLE001 - a traceback is exactly what is looked for
        return "finding", Finding("traceback", _place(exc), case.describe(), "".join(traceback.format_exception(exc))[-2000:])
    finally:
        corpus.restore(case.spec, case.target)
    if _FIRED:  # the limit fired but its exception was swallowed ("Exception ignored in ..."): stopped all the same
        return "finding", Finding("timeout", f"more than {time_limit:g} s of CPU or {time_limit * WALL_FACTOR:g} s", case.describe())
    return _judge(case, corpus, code, out.getvalue(), err.getvalue())


def _judge(case: Case, corpus: Corpus, code: int, out: str, err: str) -> tuple[str, Finding | None]:
    first = err.strip().splitlines()[0] if err.strip() else ""
    if code == 2:
        bad = [l for l in err.splitlines() if l.strip() and not LOCATED.match(l) and not l.startswith("nqengine: ")]
        if bad:
            return "finding", Finding("unlocated", _shape(bad[0]), case.describe(), err[-1000:])
        return "located_error", None
    if code == 3:
        if _MISSING_PLUGIN.search(err):
            return "missing_plugin", None
        return "finding", Finding("exit_status", "3: " + _shape(first), case.describe(), err[-1000:])
    if code != 0:
        return "finding", Finding("exit_status", f"{code}: " + _shape(first), case.describe(), err[-1000:])
    lost = _lost_facts(case, corpus, out)
    if lost:
        return "finding", Finding("fact_lost", ", ".join(sorted(lost)[:3]), case.describe())
    return "evaluated", None


def _shape(line: str) -> str:
    """A message with its values blanked, so one cause counts once however often it is hit."""
    return re.sub(r"'[^']*'|\d+", "_", line)[:160]


def _lost_facts(case: Case, corpus: Corpus, out: str) -> set[str]:
    """Ids of facts read from the (mutated) input that the JSON neither used nor listed as unmatched."""
    # The input file was restored: read the mutated facts again only when they were the target.
    doc = json.loads(out)
    seen = {u["fact"] for u in doc["unmatched_facts"]}
    for v in doc["verdicts"]:
        seen.update(v["evidence"])
    folder = corpus.folder(case.spec)
    name = f"facts.{case.facts_format}" if case.explicit_paths else "facts.yaml"
    path = folder / name
    mutated = case.target == name
    if mutated:
        path.write_bytes(apply(corpus.files[(case.spec, case.target)], case.edits))
    try:
        facts = api.load_facts(path, pm=shared_plugin_manager())
    except NQEngineError:
        return set()
    finally:
        if mutated:
            corpus.restore(case.spec, case.target)
    return {f.id for f in facts} - seen
