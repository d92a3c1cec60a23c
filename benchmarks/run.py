"""National-scale benchmark of nqengine: what a user runs, end to end, against a plain-Python floor.

    python benchmarks/run.py --scale 10 [--pairs 5] [--repeat 3] [--no-kernel]

Generates the data set of that scale under benchmarks/data/ (or reuses it).

The headline (``e2e.py``): ``nqengine evaluate`` as a whole process — from
the files to the written output, with the CLI's default options and the
plugins installed in the environment — for the plan cut to its two study
obligations and for the whole plan, as a table and ``--format json``,
against ``benchmarks/reference.py`` (a plain script that reads the same
files, refuses what the loader refuses and writes the study statuses), in
interleaved rounds; wall time, CPU time and peak RSS of each child; the
statuses compared verdict by verdict.

Secondary (unless ``--no-kernel``): the rule kernel inside one process, each
repetition in a fresh process —

nqengine, by phase
    load spec, load registry (JSON Lines), load facts (CSV, with per-member
    attendance rows folded into sessions), evaluate every obligation, write
    the JSON document (one verdict per line).  Installed third-party plugins
    are not loaded here.
the study-session rule, three ways
    nqengine (the two study obligations inside a full evaluation, timed by a
    hook wrapper), the reference's loop, and the same rule as a GoRules ZEN
    graph (benchmarks/zen-graph/study-session.json, one
    ``ZenEngine.evaluate`` per unit after Python has gathered each unit's
    sessions and checked presenters against the registry).  Without
    zen-engine installed, ZEN is skipped and the report says so.
incremental
    ``IncrementalEvaluation.add_fact`` for new facts: milliseconds per fact.

The last line is machine-readable::

    scale=PCT verdicts=N seconds=S peak_mb=M us_per_verdict=U ratio_vs_reference=R ratio_vs_zen=Z ratio_full=F rss_ratio=Q

``verdicts``, ``seconds`` and ``peak_mb`` are ``nqengine evaluate --format
json`` of the whole plan as a process (median wall time and peak RSS);
``ratio_vs_reference`` is the study scope's end-to-end wall time over the
reference's (median of per-round ratios, the slower of table and json),
``ratio_full`` the same for the whole plan, ``rss_ratio`` the study scope's
peak RSS over the reference's; ``us_per_verdict`` (the evaluate phase) and
``ratio_vs_zen`` (the rule, status only) come from the kernel (nan without it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLAN = os.path.join(HERE, "plan.yaml")
sys.path.insert(0, HERE)

import e2e  # noqa: E402
import generate  # noqa: E402
import reference  # noqa: E402
import zen_graph  # noqa: E402

from nqengine.plugins.hookspecs import hookimpl  # noqa: E402

STUDY = ("study-party-committee", "study-grassroots-cell")
ZEN_SKIPPED = "skipped ZEN: zen-engine is not installed (pip install '.[bench]')"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def data_dir(scale: float) -> str:
    return os.path.join(HERE, "data", f"scale-{scale:g}")


def ensure_data(scale: float, regenerate: bool = False) -> dict:
    folder = data_dir(scale)
    manifest = os.path.join(folder, "manifest.json")
    if not regenerate and os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as fh:
            m = json.load(fh)
        if m.get("generator_version") == generate.GENERATOR_VERSION:
            return m
    print(f"generating scale {scale:g} into {folder} ...", flush=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--scale", str(scale), "--out", folder], check=True, stdout=subprocess.DEVNULL)
    print(f"  generated in {time.perf_counter() - t:.1f} s", flush=True)
    with open(manifest, encoding="utf-8") as fh:
        return json.load(fh)


# ---------------------------------------------------------------------------
# One repetition, in its own process
# ---------------------------------------------------------------------------


def worker(scale: float, out_json: str, incremental: int, rounds: int = 5) -> dict:
    import attrs

    import nqengine
    from nqengine.gcpause import gc_paused
    from nqengine.inputs.bulk import load_facts_bulk
    from nqengine.render.formats import write_evaluation_json

    folder = data_dir(scale)
    r: dict = {"phases": {}, "peak_mb": {}}
    clock = time.perf_counter

    def phase(name: str, t0: float) -> float:
        t1 = clock()
        r["phases"][name] = t1 - t0
        r["peak_mb"][name] = _peak_mb()
        return t1

    t = clock()
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    spec = nqengine.load_spec(PLAN, pm=pm)
    t = phase("load spec", t)
    registry = nqengine.load_registry(os.path.join(folder, "registry.jsonl"))
    t = phase("load registry", t)
    facts = load_facts_bulk([os.path.join(folder, "facts.csv"), os.path.join(folder, "attendance.csv")], pm)
    t = phase("load facts", t)
    as_of = dt.date.fromisoformat(generate.AS_OF.isoformat())
    ev = nqengine.evaluate(spec, registry, facts, as_of, pm=pm)
    t = phase("evaluate", t)
    os.makedirs(os.path.dirname(out_json), exist_ok=True)
    with open(out_json, "w", encoding="utf-8") as fh:
        write_evaluation_json(ev, fh, indent=None)
    t = phase("write JSON", t)
    r["verdicts"] = len(ev.verdicts)
    r["unmatched"] = len(ev.unmatched_facts)
    r["json_mb"] = os.path.getsize(out_json) / 1e6
    r["summary"] = {k: sum(c[k] for c in ev.summary().values()) for k in nqengine.STATUSES}
    engine_study = {(v.obligation, v.unit): v.status for v in ev.verdicts if v.obligation in STUDY}

    # -- the study-session rule: nqengine alone -------------------------------
    study_spec = attrs.evolve(spec, obligations=tuple(o for o in spec.obligations if o.id in STUDY))
    t = clock()
    study_ev = nqengine.evaluate(study_spec, registry, facts, as_of, pm=pm)
    r["study_seconds"] = clock() - t
    r["study_verdicts"] = len(study_ev.verdicts)
    del study_ev

    t = clock()
    data = reference.read(folder)
    r["reference_read"] = clock() - t

    # -- the rule three ways, in interleaved rounds ------------------------------
    # The first evaluation in a process also loads python-holidays' tables (~0.3 s): each round times a
    # further full evaluation, with each obligation's share measured by a hook wrapper, then the reference
    # loop, then ZEN, back to back, so that all three see the same machine; ratios are taken per round.
    per_round = []
    for _ in range(rounds):
        timer = RuleTimer()
        pm.register(timer, name="benchmark-rule-timer")
        t = clock()
        again = nqengine.evaluate(spec, registry, facts, as_of, pm=pm)
        warm = clock() - t
        pm.unregister(timer)
        # The study kind defers its findings (LazyFindings): time building them, as the JSON writer does.
        study_verdicts = [v for v in again.verdicts if v.obligation in STUDY]
        with gc_paused():
            t = clock()
            for v in study_verdicts:
                v.findings  # noqa: B018 - built on first read
            explain_seconds = clock() - t
        del again, study_verdicts
        t = clock()
        ref = reference.statuses(*data)
        ref_seconds = clock() - t
        one = {"evaluate_warm": warm, "rules": {k: (timer.seconds[k], timer.verdicts[k]) for k in timer.seconds}, "explain_seconds": explain_seconds,
               "reference_seconds": ref_seconds, "reference_verdicts": len(ref), "mismatch_reference": _mismatches(engine_study, ref)}
        one.update(_zen(data, ref))
        per_round.append(one)
    r["rounds"] = per_round
    mid = lambda f: statistics.median(f(x) for x in per_round)  # noqa: E731
    r["evaluate_warm"] = mid(lambda x: x["evaluate_warm"])
    r["rules"] = {k: (mid(lambda x: x["rules"][k][0]), per_round[0]["rules"][k][1]) for k in per_round[0]["rules"]}
    r["reference_seconds"] = mid(lambda x: x["reference_seconds"])
    r["reference_verdicts"] = per_round[0]["reference_verdicts"]
    r["mismatch_reference"] = max(x["mismatch_reference"] for x in per_round)
    for x in per_round:
        x["rule_us"] = sum(x["rules"][ob][0] for ob in STUDY) / sum(x["rules"][ob][1] for ob in STUDY) * 1e6
        x["explain_us"] = x["explain_seconds"] / sum(x["rules"][ob][1] for ob in STUDY) * 1e6
        x["reference_us"] = x["reference_seconds"] / x["reference_verdicts"] * 1e6
        x["ratio_reference"] = x["rule_us"] / x["reference_us"]
        if "zen_error" not in x:
            x["zen_us"] = (x["zen_prepare"] + x["zen_evaluate"]) / x["zen_verdicts"] * 1e6
            x["ratio_zen"] = x["rule_us"] / x["zen_us"]
    r["ratio_reference"] = mid(lambda x: x["ratio_reference"])
    if "zen_error" in per_round[0]:
        r["zen_error"] = per_round[0]["zen_error"]
    else:
        r["ratio_zen"] = mid(lambda x: x["ratio_zen"])
        for k in ("zen_prepare", "zen_evaluate"):
            r[k] = mid(lambda x: x[k])
        r["zen_verdicts"] = per_round[0]["zen_verdicts"]
        r["mismatch_zen"] = max(x["mismatch_zen"] for x in per_round)

    # -- incremental ------------------------------------------------------------
    if incremental:
        r.update(_incremental(spec, registry, facts, as_of, pm, incremental))
    r["peak_mb"]["all"] = _peak_mb()
    return r


class RuleTimer:
    """A plugin that times each obligation's evaluation (the kind's work on all its units)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.verdicts: dict[str, int] = {}

    @hookimpl(wrapper=True)
    def nqengine_evaluate_obligation(self, obligation, units, context):
        t = time.perf_counter()
        result = yield
        self.seconds[obligation.id] = self.seconds.get(obligation.id, 0.0) + time.perf_counter() - t
        self.verdicts[obligation.id] = self.verdicts.get(obligation.id, 0) + len(units)
        return result


def _mismatches(a: dict, b: dict) -> int:
    return sum(1 for k in set(a) | set(b) if a.get(k) != b.get(k))


def _zen(data: tuple, ref: dict) -> dict:
    """The study rule per unit with ZEN (``zen_graph.statuses``); says so when zen-engine is not installed."""
    try:
        out, prep_s, zen_s = zen_graph.statuses(data)
    except ImportError:
        return {"zen_error": ZEN_SKIPPED}
    return {"zen_prepare": prep_s, "zen_evaluate": zen_s, "zen_verdicts": len(out), "mismatch_zen": _mismatches(out, ref)}


def _incremental(spec, registry, facts, as_of, pm, n: int) -> dict:
    """Latency of one new fact on an evaluation kept current (national data already evaluated)."""
    from nqengine.evaluation.incremental import IncrementalEvaluation
    from nqengine.model import Fact

    t = time.perf_counter()
    inc = IncrementalEvaluation(spec, registry, facts, as_of, pm=pm)
    setup = time.perf_counter() - t
    rng = random.Random(f"incremental-{len(facts)}")
    units = [u for u in registry.units.values() if u.kind in ("party_committee", "grassroots_cell")]
    times, changed = [], 0
    for i in range(n):
        u = rng.choice(units)
        day = as_of - dt.timedelta(days=rng.randint(1, 40))
        kind = i % 3
        if kind == 0:
            f = Fact(f"inc-{i}", "session", u.id, day, {"presenter": f"bt-{u.id}", "sessions": 1, "attendance": dict(u.audience),
                                                        "content": ["core_content", "action_programme"], "materials": ["van-kien"], "mode": "in_person", "audience_group": None})
        elif kind == 1:
            f = Fact(f"inc-{i}", "report", u.id, day, {"to": "ban-bi-thu", "via": "ban-tgdv-tw", "about": None, "number": None})
        else:
            f = Fact(f"inc-{i}", "deliverable", u.id, day, {"deliverable": "own_plan", "reference": None})
        t = time.perf_counter()
        changed += len(inc.add_fact(f))
        times.append(time.perf_counter() - t)
    times.sort()
    return {
        "incremental_setup": setup, "incremental_facts": n, "incremental_changed": changed,
        "incremental_median_ms": statistics.median(times) * 1e3, "incremental_p99_ms": times[int(len(times) * 0.99) - 1] * 1e3,
        "incremental_max_ms": times[-1] * 1e3,
    }


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def machine() -> dict:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "?")
    except OSError:
        pass
    ram = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kb = int(next(line.split()[1] for line in fh if line.startswith("MemTotal")))
            ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        from importlib.metadata import version

        import zen  # noqa: F401

        zen_version = version("zen-engine")
    except Exception:
        zen_version = "not installed"
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram": ram, "python": platform.python_version(), "zen-engine": zen_version,
            "load average": os.getloadavg()}


def report(scale: float, manifest: dict, runs: list[dict], ends: dict) -> str:
    med = lambda f: statistics.median(f(r) for r in runs)  # noqa: E731
    lines = []
    m = machine()
    lines.append(f"machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, Python {m['python']}, zen-engine {m['zen-engine']}; "
                 f"load average before the last run {', '.join(f'{x:.2f}' for x in m['load average'])}")
    lines.append(f"data (scale {scale:g}%): {manifest['units']:,} units ({manifest['provinces']} provinces, {manifest['communes']:,} communes, "
                 f"{manifest['grassroots']:,} grassroots organisations, {manifest['cells']:,} cells), {manifest['members']:,} members, "
                 f"{manifest['people']:,} people with roles, {manifest['facts']:,} facts, {manifest['attendance_rows']:,} attendance rows")
    lines.append("")
    lines.extend(e2e.report_lines(ends))
    s = e2e.summary(ends)
    if not runs:
        lines.append("")
        lines.append("rule kernel: not measured (--no-kernel)")
        return "\n".join(lines + ["", final_line(scale, ends, float("nan"), float("nan"))])
    lines.append("")
    lines.append("secondary: the rule kernel, inside one process (no plugins installed in the environment; JSON written without indentation)")
    n = len(runs)
    verdicts = runs[0]["verdicts"]
    lines.append(f"repetitions: {n} (each in a fresh process); medians below; peak memory = ru_maxrss (peak RSS of the process)")
    lines.append("")
    lines.append(f"{'phase':<16}{'seconds':>10}{'peak MB':>10}")
    total = 0.0
    for name in runs[0]["phases"]:
        s = med(lambda r: r["phases"][name])
        total += s
        lines.append(f"{name:<16}{s:>10.2f}{med(lambda r: r['peak_mb'][name]):>10.0f}")
    seconds = med(lambda r: sum(r["phases"].values()))
    peak = med(lambda r: r["peak_mb"]["write JSON"])
    lines.append(f"{'end to end':<16}{seconds:>10.2f}{peak:>10.0f}")
    us = med(lambda r: r["phases"]["evaluate"]) / verdicts * 1e6
    warm = med(lambda r: r["evaluate_warm"]) / verdicts * 1e6
    lines.append(f"verdicts: {verdicts:,}   evaluate: {us:.1f} µs/verdict (a second evaluation in the same process: {warm:.1f})   "
                 f"JSON: {med(lambda r: r['json_mb']):.0f} MB, "
                 f"{med(lambda r: r['phases']['write JSON']) / verdicts * 1e6:.1f} µs/verdict   unmatched facts: {runs[0]['unmatched']}")
    lines.append("statuses: " + ", ".join(f"{k} {v:,}" for k, v in runs[0]["summary"].items()))
    lines.append("")
    lines.append("µs per verdict by obligation (second evaluation, timed by a hook wrapper):")
    for ob, (_, count) in runs[0]["rules"].items():
        lines.append(f"  {ob:<34}{count:>9,}{med(lambda r: r['rules'][ob][0]) / max(count, 1) * 1e6:>9.1f}")
    lines.append("")
    sv = runs[0]["study_verdicts"]
    rounds = [x for r in runs for x in r["rounds"]]
    spread = lambda key: f"{min(x[key] for x in rounds):.2f}–{max(x[key] for x in rounds):.2f}"  # noqa: E731
    rule = statistics.median(x["rule_us"] for x in rounds)
    alone = med(lambda r: r["study_seconds"]) / sv * 1e6
    ref = statistics.median(x["reference_us"] for x in rounds)
    ref_read = med(lambda r: r["reference_read"])
    ratio_ref = med(lambda r: r["ratio_reference"])
    lines.append(f"study-session rule ({sv:,} verdicts), µs per verdict, medians of {len(rounds)} interleaved rounds "
                 f"({len(runs)} processes × {len(runs[0]['rounds'])}); ratios taken per round:")
    lines.append(f"  nqengine, the rule inside a full evaluation            {rule:8.1f}   (status, dates, evidence; findings deferred)")
    explain = statistics.median(x["explain_us"] for x in rounds)
    lines.append(f"  nqengine, building those verdicts' findings afterwards {explain:7.1f}   (as the JSON writer does; rule + findings "
                 f"{rule + explain:.1f}: {(rule + explain) / statistics.median(x['reference_us'] for x in rounds):.2f}x the reference, "
                 f"{(rule + explain) / statistics.median(x.get('zen_us', float('nan')) for x in rounds):.2f}x ZEN)")
    lines.append(f"  nqengine, evaluate() of the two study obligations alone {alone:7.1f}   (indexes and accounts for every fact; first call)")
    lines.append(f"  reference, hand-written loop                           {ref:8.1f}   ratio nqengine/reference {ratio_ref:.2f} "
                 f"(rounds {spread('ratio_reference')}; evaluate() alone: {alone / ref:.2f})")
    zen_ratio = float("nan")
    if "zen_error" in runs[0]:
        lines.append(f"  zen: {runs[0]['zen_error']}")
    else:
        zv = runs[0]["zen_verdicts"]
        zp = med(lambda r: r["zen_prepare"]) / zv * 1e6
        ze = med(lambda r: r["zen_evaluate"]) / zv * 1e6
        zen_ratio = med(lambda r: r["ratio_zen"])
        lines.append(f"  zen: Python prepares {zp:.1f} + ZenEngine.evaluate {ze:.1f} = {zp + ze:8.1f}   ratio nqengine/zen {zen_ratio:.2f} "
                     f"(rounds {spread('ratio_zen')}; evaluate() alone: {alone / (zp + ze):.2f})")
        lines.append(f"  status mismatches: nqengine vs reference {runs[0]['mismatch_reference']}, zen vs reference {runs[0]['mismatch_zen']}")
    load = med(lambda r: r["phases"]["load registry"] + r["phases"]["load facts"])
    e2e_engine = load + med(lambda r: r["study_seconds"])
    e2e_ref = ref_read + med(lambda r: r["reference_seconds"])
    lines.append(f"  end to end from the files (load + study statuses): nqengine {e2e_engine:.2f} s, reference {e2e_ref:.2f} s, "
                 f"ratio {e2e_engine / e2e_ref:.2f}")
    if "incremental_median_ms" in runs[0]:
        lines.append("")
        lines.append(f"incremental: {runs[0]['incremental_facts']} new facts one at a time: median {med(lambda r: r['incremental_median_ms']):.3f} ms, "
                     f"p99 {med(lambda r: r['incremental_p99_ms']):.3f} ms, max {med(lambda r: r['incremental_max_ms']):.3f} ms per fact "
                     f"({runs[0]['incremental_changed']} verdicts changed; set-up, a full evaluation: {med(lambda r: r['incremental_setup']):.2f} s)")
    lines.append(f"  (the former headline, the rule alone: ratio nqengine/reference {ratio_ref:.2f})")
    lines.append("")
    lines.append(final_line(scale, ends, us, zen_ratio))
    return "\n".join(lines)


def final_line(scale: float, ends: dict, us: float, zen_ratio: float) -> str:
    """The machine-readable last line: the end-to-end figures, and the kernel's µs per verdict and ratio to ZEN."""
    s = e2e.summary(ends)
    a = ends["agreement"]
    return (f"scale={scale:g} verdicts={a['full_verdicts']} seconds={s['full json wall']:.2f} peak_mb={s['full json rss']:.0f} "
            f"us_per_verdict={us:.2f} ratio_vs_reference={s['ratio_study']:.2f} ratio_vs_zen={zen_ratio:.2f} "
            f"ratio_full={s['ratio_full']:.2f} rss_ratio={s['rss_ratio']:.2f}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="National-scale benchmark of nqengine (see the module docstring).")
    p.add_argument("--scale", type=float, required=True, help="percent of the national Party: 1, 10 or 100")
    p.add_argument("--repeat", type=int, help="repetitions, each in a fresh process (default 3, or 1 at scale 100)")
    p.add_argument("--incremental", type=int, default=300, help="new facts to add one by one (0 to skip)")
    p.add_argument("--rounds", type=int, help="interleaved rounds of the rule three ways per repetition; ratios are medians over rounds "
                   "(default 9, or 5 at scale 100)")
    p.add_argument("--pairs", type=int, help="interleaved rounds of the end-to-end commands (default 5, or 3 at scale 100)")
    p.add_argument("--nqengine", metavar="PATH", help="the nqengine command to time end to end (default: this environment's; "
                   "another installation's, for a before/after)")
    p.add_argument("--no-kernel", action="store_true", help="measure only end to end, not the rule kernel (the secondary table)")
    p.add_argument("--regenerate", action="store_true", help="generate the data again even if cached")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    out_json = os.path.join(HERE, "out", f"scale-{args.scale:g}.json")
    if args.worker:
        print(json.dumps(worker(args.scale, out_json, args.incremental, args.rounds or 5)))
        return
    if not 0 < args.scale <= 100:
        p.error("--scale must be in (0, 100]")
    manifest = ensure_data(args.scale, args.regenerate)
    repeat = args.repeat or (1 if args.scale >= 100 else 3)
    args.rounds = args.rounds or (5 if args.scale >= 100 else 9)
    pairs = args.pairs or (3 if args.scale >= 100 else 5)
    runs = []
    for i in range(0 if args.no_kernel else repeat):
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--scale", str(args.scale), "--incremental", str(args.incremental),
               "--rounds", str(args.rounds)]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"run {i + 1}/{repeat}: end to end {sum(r['phases'].values()):.2f} s, peak {r['peak_mb']['write JSON']:.0f} MB", flush=True)
    # End to end after the kernel: reading the JSON documents back grows this process, and a worker started
    # from a large process reports that process's peak RSS as its own (ru_maxrss survives exec).
    ends = e2e.run(data_dir(args.scale), os.path.join(HERE, "out", f"e2e-{args.scale:g}"), pairs, nqengine=args.nqengine)
    print(report(args.scale, manifest, runs, ends))


if __name__ == "__main__":
    main()
