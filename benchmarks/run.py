"""National-scale benchmark of nqengine, against a plain-Python floor and GoRules ZEN.

    python benchmarks/run.py --scale 10 [--repeat 3]

Generates the data set of that scale under benchmarks/data/ (or reuses it),
then runs each repetition in a fresh process (so that peak memory is its own)
and reports medians:

nqengine, end to end
    load spec, load registry (JSON Lines), load facts (CSV, with per-member
    attendance rows folded into sessions), evaluate every obligation, write
    the JSON document (streamed, one verdict per line).  Time is wall-clock
    (``time.perf_counter``); memory is the process's peak resident set size
    (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) after each phase, so it
    includes the interpreter and everything loaded before.
the study-session rule, three ways
    - nqengine: ``evaluate`` of the plan restricted to its two study-session
      obligations, on the loaded data (everything the engine does: unit
      selection, findings, explanations, unmatched facts);
    - reference (benchmarks/reference.py): the same statuses by a hand-written
      loop over the same files — the practical floor;
    - zen: the same rule as a GoRules ZEN graph (benchmarks/zen/study-session.json),
      one ``ZenEngine.evaluate`` per unit, after Python has gathered each unit's
      sessions and checked presenters against the registry (ZEN has no registry).
    The statuses of all three are compared verdict by verdict.
incremental
    ``IncrementalEvaluation.add_fact`` for new facts (sessions, reports, own
    plans) on units across the country: milliseconds per fact.

The last line is machine-readable::

    scale=PCT verdicts=N seconds=S peak_mb=M us_per_verdict=U ratio_vs_reference=R ratio_vs_zen=Z

``seconds`` and ``peak_mb`` are the end-to-end run; ``us_per_verdict`` is the
evaluate phase over all verdicts; the ratios are nqengine's µs per study
verdict (the two study obligations inside a full evaluation, timed by a hook
wrapper) over the reference's loop and over ZEN's (prepare + evaluate).  The
report also gives the ratios for ``evaluate()`` of the study obligations alone,
which indexes and accounts for every fact, and from the files end to end.

Third-party plugins installed in the environment are not loaded (as with
``NQENGINE_DISABLE_PLUGIN_AUTOLOAD=1``): the benchmark measures nqengine.
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
ZEN_GRAPH = os.path.join(HERE, "zen", "study-session.json")
sys.path.insert(0, HERE)

import generate  # noqa: E402
import reference  # noqa: E402

from nqengine.plugins.hookspecs import hookimpl  # noqa: E402

STUDY = ("study-party-committee", "study-grassroots-cell")


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
    from nqengine.inputs.bulk import load_facts_bulk
    from nqengine.render.formats import write_evaluation_json
    from nqengine.gcpause import gc_paused

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
    """The study rule per unit with ZEN; Python gathers sessions and checks presenters first."""
    try:
        import zen
    except ImportError:
        return {"zen_error": "zen-engine is not installed (pip install 'nqengine[bench]')"}
    with open(ZEN_GRAPH, encoding="utf-8") as fh:
        graph = json.load(fh)
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"study": graph}}})
    units, people, sessions, attendance = data
    roles, titles = people["roles"], people["titles"]
    clock = time.perf_counter
    prep_s = zen_s = 0.0
    out = {}
    due, as_of = reference.DUE.isoformat(), reference.AS_OF.isoformat()
    soon = reference.DUE_SOON.isoformat()
    for uid, (kind, sector, valid_from, valid_to, headcount) in units.items():
        if (valid_from and valid_from > reference.AS_OF) or (valid_to and valid_to < reference.EFFECTIVE):
            continue
        t0 = clock()
        obligation, categories, allowed, needs_title = reference.RULES[kind]
        needs_title = needs_title and sector not in reference.SECRETARY_ONLY
        allowed = ("secretary",) if kind == "party_committee" and sector in reference.SECRETARY_ONLY else allowed
        items = []
        for day_text, sid, presenter, content, materials, counts in sorted(sessions.get(uid, ())):
            day = dt.date.fromisoformat(day_text)
            if day > reference.AS_OF:
                continue
            if presenter not in roles:
                check = "unknown"
            else:
                ok = any(u == uid and r in allowed and (f is None or f <= day) and (t is None or day <= t) for u, r, f, t in roles[presenter])
                if ok and needs_title:
                    ok = any(k == "reporter" and term == "XIV" and (f is None or f <= day) and (t is None or day <= t) for k, term, f, t in titles[presenter])
                check = "pass" if ok else "fail"
            got = counts if counts is not None else attendance.get(sid)
            a = None if got is None else [got.get(c, 0) for c in categories] + [0] * (7 - len(categories))
            items.append({"date": day_text, "presenter": check, "content": content, "materials": materials, "a": a})
        if sum(1 for s in items if s["presenter"] == "pass") > 3:
            raise SystemExit(f"unit {uid}: more than three sessions; the ZEN graph unrolls three")
        context = {
            "asOf": as_of, "due": due, "dueSoonFrom": soon, "coverage": 1.0, "sessions": items,
            "dissolved": bool(valid_to and valid_to < reference.AS_OF and valid_to < reference.DUE),
            "h": [headcount.get(c, 0) for c in categories] + [0] * (7 - len(categories)),
        }
        t1 = clock()
        status = engine.evaluate("study", context)["result"]["status"]
        t2 = clock()
        prep_s += t1 - t0
        zen_s += t2 - t1
        out[(obligation, uid)] = status
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


def report(scale: float, manifest: dict, runs: list[dict]) -> str:
    med = lambda f: statistics.median(f(r) for r in runs)  # noqa: E731
    lines = []
    m = machine()
    lines.append(f"machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram']} RAM, Python {m['python']}, zen-engine {m['zen-engine']}; "
                 f"load average before the last run {', '.join(f'{x:.2f}' for x in m['load average'])}")
    lines.append(f"data (scale {scale:g}%): {manifest['units']:,} units ({manifest['provinces']} provinces, {manifest['communes']:,} communes, "
                 f"{manifest['grassroots']:,} grassroots organisations, {manifest['cells']:,} cells), {manifest['members']:,} members, "
                 f"{manifest['people']:,} people with roles, {manifest['facts']:,} facts, {manifest['attendance_rows']:,} attendance rows")
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
    lines.append("")
    lines.append(f"scale={scale:g} verdicts={verdicts} seconds={seconds:.2f} peak_mb={peak:.0f} us_per_verdict={us:.2f} "
                 f"ratio_vs_reference={ratio_ref:.2f} ratio_vs_zen={zen_ratio:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="National-scale benchmark of nqengine (see the module docstring).")
    p.add_argument("--scale", type=float, required=True, help="percent of the national Party: 1, 10 or 100")
    p.add_argument("--repeat", type=int, help="repetitions, each in a fresh process (default 3, or 1 at scale 100)")
    p.add_argument("--incremental", type=int, default=300, help="new facts to add one by one (0 to skip)")
    p.add_argument("--rounds", type=int, help="interleaved rounds of the rule three ways per repetition; ratios are medians over rounds "
                   "(default 9, or 5 at scale 100)")
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
    runs = []
    for i in range(repeat):
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--scale", str(args.scale), "--incremental", str(args.incremental),
               "--rounds", str(args.rounds)]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"run {i + 1}/{repeat}: end to end {sum(r['phases'].values()):.2f} s, peak {r['peak_mb']['write JSON']:.0f} MB", flush=True)
    print(report(args.scale, manifest, runs))


if __name__ == "__main__":
    main()
