"""What a user waits for: ``nqengine evaluate`` as a whole process, against the plain reference.

Used by ``run.py`` (the headline of its report).  Each command runs as a
child process, from the files to the written output, with the CLI's default
options and whatever plugins are installed in the environment (nothing is
turned off).  For each child the parent takes the wall time, and from
``os.wait4`` the child's CPU time (user + system) and its peak resident set
size (``ru_maxrss``).

The commands, in **interleaved rounds** (each round runs every command once,
in an order rotated from round to round, and ratios are taken within the
round, so that a slow stretch of a shared machine weighs on both sides of a
ratio):

- ``reference``: ``python benchmarks/reference.py DATA -o FILE`` — reads the
  three files with the loader's row checks, writes the two study
  obligations' statuses;
- ``study table`` / ``study json``: ``nqengine evaluate`` of the plan cut to
  its two study obligations (like for like), as a table (the default) and
  ``--format json``;
- ``full table`` / ``full json``: the same for the whole plan (14
  obligations), the JSON with every verdict's findings and messages.

After the first round the statuses are compared verdict by verdict: the
study obligations' in both JSON documents against the reference's.

One more command in each round, ``fixed``: ``full json`` on a registry of one
unit and a fact file with only its header (written beside the data by
:func:`fixed_inputs`).  What it takes is what the command costs whatever the
data (the interpreter, imports, plugins, the plan and its calendar, an
almost empty document): the report gives the full plan's cost per verdict
both as measured and net of it, for the linearity target (per-verdict cost
from 1% to 100%).

And ``check``: ``nqengine check`` of the plan, the registry and both fact files
together, as a user checks data before evaluating it (since the eighth session:
it took 45 s at 100% while the evaluation took 14, and no figure showed it).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLAN = os.path.join(HERE, "plan.yaml")
REFERENCE = os.path.join(HERE, "reference.py")
STUDY = ("study-party-committee", "study-grassroots-cell")
AS_OF = "08/04/2026"
TIME = "/usr/bin/time"  # GNU time: the child's CPU time and peak RSS
NAMES = ("reference", "study table", "study json", "full table", "full json")
FIXED = "fixed"  # full json on one unit and no facts: the command's cost whatever the data
CHECK = "check"  # nqengine check of the plan, registry and fact files together: what a user runs before evaluating


def study_plan(folder: str) -> str:
    """Write ``plan.yaml`` cut to its two study obligations (they come first) into ``folder``; its path."""
    with open(PLAN, encoding="utf-8") as fh:
        lines = fh.read().splitlines(keepends=True)
    out, obligations = [], False
    for line in lines:
        if line.startswith("obligations:"):
            obligations = True
        elif obligations and line.startswith("  - id: ") and line.split(":", 1)[1].strip() not in STUDY:
            break
        out.append(line)
    path = os.path.join(folder, "plan-study.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("".join(out))
    return path


def nqengine_command() -> list[str]:
    """The ``nqengine`` console script of this interpreter's environment (as a user types it)."""
    script = os.path.join(os.path.dirname(sys.executable), "nqengine")
    if os.path.exists(script):
        return [script]
    found = shutil.which("nqengine")
    return [found] if found else [sys.executable, "-m", "nqengine.cli"]


def commands(data: str, out: str, nqengine: str | None = None) -> dict[str, tuple[list[str], str]]:
    """name -> (command line, output file); ``nqengine`` is the command to time (default: this environment's)."""
    os.makedirs(out, exist_ok=True)
    study = study_plan(data)
    inputs = ["--registry", os.path.join(data, "registry.jsonl"), "--facts", os.path.join(data, "facts.csv"),
              "--facts", os.path.join(data, "attendance.csv"), "--as-of", AS_OF]
    nq = [nqengine] if nqengine else nqengine_command()
    cmds = {"reference": ([sys.executable, REFERENCE, data, "-o", os.path.join(out, "reference.tsv")], os.path.join(out, "reference.tsv"))}
    for scope, plan in (("study", study), ("full", PLAN)):
        for fmt in ("table", "json"):
            target = os.path.join(out, f"{scope}.{fmt}")
            extra = ["--format", "json"] if fmt == "json" else []
            cmds[f"{scope} {fmt}"] = ([*nq, "evaluate", plan, *inputs, *extra, "-o", target], target)
    registry, facts = fixed_inputs(data, out)
    target = os.path.join(out, "fixed.json")
    cmds[FIXED] = ([*nq, "evaluate", PLAN, "--registry", registry, "--facts", facts, "--as-of", AS_OF, "--format", "json", "-o", target], target)
    cmds[CHECK] = ([*nq, "check", PLAN, os.path.join(data, "registry.jsonl"), os.path.join(data, "facts.csv"), os.path.join(data, "attendance.csv")], "")
    return cmds


def fixed_inputs(data: str, out: str) -> tuple[str, str]:
    """A registry of the data's first unit (the root) and a fact file with only the data's header, in ``out``."""
    registry, facts = os.path.join(out, "fixed-registry.jsonl"), os.path.join(out, "fixed-facts.csv")
    for source, target in ((os.path.join(data, "registry.jsonl"), registry), (os.path.join(data, "facts.csv"), facts)):
        with open(source, encoding="utf-8") as fh, open(target, "w", encoding="utf-8") as to:
            to.write(fh.readline())
    return registry, facts


def child_env() -> dict[str, str]:
    """This environment, less ``PYTHONDONTWRITEBYTECODE``: a user's Python keeps its compiled modules.

    With the variable set (some shells and containers set it) and no cache
    written yet, every run compiles nqengine's modules from source again
    (several tenths of a second of CPU), which an installed package never does.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd`` to its end: wall seconds, CPU seconds (user + system) and peak RSS (MB) of the child.

    CPU and RSS come from ``/usr/bin/time`` when it is there: ``os.wait4`` of a
    child started by this (larger) process would report this process's RSS
    when the child's own is smaller (the high-water mark survives ``exec``).
    """
    timed = os.path.exists(TIME)
    with tempfile.NamedTemporaryFile("r", suffix=".time", encoding="ascii") as note:
        full = [TIME, "-f", "%U %S %M", "-o", note.name, *cmd] if timed else cmd
        t = time.perf_counter()
        child = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=child_env())
        err = child.stderr.read() if child.stderr else b""
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise SystemExit(f"{' '.join(cmd)}: exit status {code}\n{err.decode(errors='replace')}")
        if timed:
            user, system, kb = note.read().split()[-3:]
            return {"wall": wall, "cpu": float(user) + float(system), "rss": int(kb) / 1024}
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def _load_json(path: str) -> dict:
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        import orjson  # optional: a national document is 0.5 GB, and json.loads takes minutes and gigabytes on it
    except ImportError:
        return json.loads(data)
    return orjson.loads(data)


def statuses_of_json(path: str) -> tuple[dict[tuple[str, str], str], int]:
    """The study obligations' statuses in a JSON document, and how many verdicts it has in all."""
    doc = _load_json(path)
    return {(v["obligation"], v["unit"]): v["status"] for v in doc["verdicts"] if v["obligation"] in STUDY}, len(doc["verdicts"])


def statuses_of_tsv(path: str) -> dict[tuple[str, str], str]:
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            ob, unit, status = line.rstrip("\n").split("\t")
            out[(ob, unit)] = status
    return out


def mismatches(a: dict, b: dict) -> int:
    return sum(1 for k in set(a) | set(b) if a.get(k) != b.get(k))


def run(data: str, out: str, rounds: int, log=print, nqengine: str | None = None) -> dict:
    """``rounds`` interleaved rounds of the five commands; per-round measurements and the statuses compared."""
    cmds = commands(data, out, nqengine)
    per_round: list[dict[str, dict[str, float]]] = []
    agreement: dict[str, int] = {}
    for i in range(rounds):
        every = (*NAMES, FIXED, CHECK)
        order = every[i % len(every):] + every[: i % len(every)]
        got = {name: measure(cmds[name][0]) for name in order}
        per_round.append(got)
        if i == 0:
            ref = statuses_of_tsv(cmds["reference"][1])
            for name in ("study json", "full json"):
                found, agreement["full_verdicts"] = statuses_of_json(cmds[name][1])
                agreement[name] = mismatches(found, ref)
            agreement["verdicts"] = len(ref)
        log(f"e2e round {i + 1}/{rounds}: " + ", ".join(f"{n} {got[n]['wall']:.2f} s" for n in NAMES), flush=True)
    return {"rounds": per_round, "agreement": agreement, "commands": {n: " ".join(c[0]) for n, c in cmds.items()}}


def _spread(values: list[float], fmt: str = ".2f") -> str:
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}–{max(values):{fmt}})"


def summary(result: dict) -> dict[str, float]:
    """Medians: per command wall, cpu, rss; per engine command the per-round ratios to the reference."""
    rounds = result["rounds"]
    out: dict[str, float] = {}
    for name in NAMES:
        for k in ("wall", "cpu", "rss"):
            out[f"{name} {k}"] = statistics.median(r[name][k] for r in rounds)
            if name != "reference":
                out[f"{name} {k} ratio"] = statistics.median(r[name][k] / r["reference"][k] for r in rounds)
    out["ratio_study"] = max(out["study table wall ratio"], out["study json wall ratio"])
    out["ratio_full"] = max(out["full table wall ratio"], out["full json wall ratio"])
    out["rss_ratio"] = max(out[f"{n} rss ratio"] for n in NAMES[1:3])
    out["rss_ratio_full"] = max(out[f"{n} rss ratio"] for n in NAMES[3:])
    if FIXED in rounds[0]:
        out["fixed wall"] = statistics.median(r[FIXED]["wall"] for r in rounds)
        n = result["agreement"]["full_verdicts"]
        out["us_per_verdict_full"] = out["full json wall"] / n * 1e6
        out["us_per_verdict_full_net"] = statistics.median((r["full json"]["wall"] - r[FIXED]["wall"]) / n * 1e6 for r in rounds)
    return out


def report_lines(result: dict) -> list[str]:
    rounds = result["rounds"]
    s = summary(result)
    lines = [f"end to end, each command a whole process; medians of {len(rounds)} interleaved rounds (range); ratios taken per round:",
             f"  {'command':<13}{'wall s':>20}{'CPU s':>20}{'peak RSS MB':>22}{'wall ×ref':>20}{'CPU ×ref':>20}{'RSS ×ref':>20}"]
    for name in NAMES:
        row = f"  {name:<13}"
        for k, fmt in (("wall", ".2f"), ("cpu", ".2f"), ("rss", ".0f")):
            row += f"{_spread([r[name][k] for r in rounds], fmt):>20}" if k != "rss" else f"{_spread([r[name][k] for r in rounds], fmt):>22}"
        if name != "reference":
            for k in ("wall", "cpu", "rss"):
                row += f"{_spread([r[name][k] / r['reference'][k] for r in rounds]):>20}"
        lines.append(row)
    a = result["agreement"]
    lines.append(f"  statuses of the {a['verdicts']:,} study verdicts against the reference's: mismatches study json {a['study json']}, "
                 f"full json {a['full json']}")
    def side(name: str, what: str) -> str:
        """The line of a command measured beside the five, without ratios."""
        got = [r[name] for r in rounds]
        return (f"  {name:<13}{_spread([r['wall'] for r in got]):>20}{_spread([r['cpu'] for r in got]):>20}"
                f"{_spread([r['rss'] for r in got], '.0f'):>22}   ({what})")

    if FIXED in rounds[0]:
        lines.append(side(FIXED, "full json on one unit and no facts: the cost whatever the data"))
        lines.append(f"  full json per verdict: {s['us_per_verdict_full']:.1f} µs as measured, {s['us_per_verdict_full_net']:.1f} µs net of the "
                     f"fixed cost ({a['full_verdicts']:,} verdicts)")
    if CHECK in rounds[0]:
        lines.append(side(CHECK, "nqengine check of the plan, registry and fact files together"))
    lines.append("  commands: " + "; ".join(f"{n}: {c}" for n, c in result["commands"].items()))
    lines.append(f"  headline: study scope {s['ratio_study']:.2f}× the reference's wall time (the slower of table and json), "
                 f"full plan {s['ratio_full']:.2f}×; peak RSS {s['rss_ratio']:.2f}× (study), {s['rss_ratio_full']:.2f}× (full)")
    return lines
