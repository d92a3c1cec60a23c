"""Recurring obligations at scale: a five-year quarterly report across the benchmark's units.

    python benchmarks/recurring.py --scale 10 [--rounds 3]

Uses the registry of ``benchmarks/run.py``'s data set of that scale (generated
into benchmarks/data/ if missing) and measures, on the party committees and
grassroots cells (the TCCS: Đảng bộ cơ sở and Chi bộ cơ sở):

one-off
    one ``report`` obligation due 20/03/2026, with one report fact per unit
    (on time, late, to the wrong body, or missing, drawn per unit);
recurring
    the same obligation ``every: quarter`` from 01/01/2026 until 31/12/2030
    (20 periods) with ``coverage: nd-09-2019``, and per unit per quarter a
    report drawn the same way, most naming their quarter, some not (those are
    attributed to the earliest open quarter), evaluated on 15/01/2031 so that
    all 20 quarters are shown;
incremental
    ``IncrementalEvaluation.add_fact`` of a report naming a mid-term quarter,
    and of one naming none, on units across the country: milliseconds per
    fact, and how many periods each re-evaluated.

It reports µs per verdict of each, their ratio (the issue asks the
recurring cost per (unit, period) to stay within 2x of the one-off cost per
unit), and a machine-readable last line::

    scale=PCT units=N periods=20 oneoff_us=A recurring_us=B ratio=R incr_ms_named=X incr_ms_unnamed=Y

Times are the median of ``--rounds`` interleaved rounds (one-off, then
recurring), ``time.perf_counter`` around ``nqengine.evaluate`` only (the
facts are built in memory beforehand).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SPEC = """\
nqengine: 1
id: recurring-bench
title: Báo cáo định kỳ (benchmark)
document: {{id: ctr, title: Chương trình (benchmark), issued: 01/01/2026}}
effective: 01/01/2026
clauses:
  IV.1: "[benchmark] Báo cáo kết quả hằng quý về Ban Thường vụ, qua Văn phòng."
obligations:
  - id: bao-cao
    kind: report
    title: Báo cáo kết quả
    clause: IV.1
    applies_to: {{kinds: [party_committee, grassroots_cell]}}
{when}
    channel: {{to: {to}, via: {via}}}
"""
ONE_OFF = "    deadline: {date: 20/03/2026, inclusive: true}"
RECURRING = textwrap.indent(
    "every: quarter\nfrom: 01/01/2026\nuntil: 31/12/2030\ncoverage: nd-09-2019\ndeadline: {day_of_last_month: 20, inclusive: true}", "    "
)


def _quarters() -> list[tuple[str, dt.date]]:
    out = []
    for y in range(2026, 2031):
        for q in range(1, 5):
            out.append((f"{y}-Q{q}", dt.date(y, 3 * q, 20)))
    return out


def _facts(units, to: str, via: str, periods: list[tuple[str, dt.date]], rng: random.Random, name_share: float):
    from nqengine.model import Fact

    out = []
    for u in units:
        for pid, due in periods:
            r = rng.random()
            if r < 0.1:
                continue  # missing
            day = due - dt.timedelta(days=rng.randint(0, 10)) if r < 0.8 else due + dt.timedelta(days=rng.randint(1, 20))
            data = {"to": to if r < 0.95 else via, "via": via}
            if len(periods) > 1 and rng.random() < name_share:
                data["period"] = pid
            out.append(Fact(f"{u.id}:{pid}", "report", u.id, day, data))
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=10)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--incremental", type=int, default=200, help="facts added one at a time (default 200)")
    args = p.parse_args(argv)

    from run import data_dir, ensure_data

    import nqengine
    from nqengine.evaluation.incremental import IncrementalEvaluation
    from nqengine.spec import load_spec_text

    ensure_data(args.scale)
    os.environ.setdefault("NQENGINE_DISABLE_PLUGIN_AUTOLOAD", "1")
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    registry = nqengine.load_registry(os.path.join(data_dir(args.scale), "registry.jsonl"))
    units = [u for u in registry.units.values() if u.kind in ("party_committee", "grassroots_cell")]
    boards = [u for u in registry.units.values() if u.kind == "standing_committee"]
    offices = [u for u in registry.units.values() if u.kind == "party_board"]
    to, via = boards[0].id, offices[0].id
    one = load_spec_text(SPEC.format(when=ONE_OFF, to=to, via=via), "oneoff.yaml", pm=pm)
    rec = load_spec_text(SPEC.format(when=RECURRING, to=to, via=via), "recurring.yaml", pm=pm)
    rng = random.Random(15)
    quarters = _quarters()
    one_facts = _facts(units, to, via, quarters[:1], rng, 0.0)
    rec_facts = _facts(units, to, via, quarters, rng, 0.8)
    as_of_one, as_of_rec = dt.date(2026, 4, 15), dt.date(2031, 1, 15)

    t_one, t_rec = [], []
    n_one = n_rec = 0
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        ev1 = nqengine.evaluate(one, registry, one_facts, as_of_one, pm=pm)
        t1 = time.perf_counter()
        ev2 = nqengine.evaluate(rec, registry, rec_facts, as_of_rec, pm=pm)
        t2 = time.perf_counter()
        n_one, n_rec = len(ev1.verdicts), len(ev2.verdicts)
        t_one.append((t1 - t0) / n_one * 1e6)
        t_rec.append((t2 - t1) / n_rec * 1e6)
        del ev1, ev2
    one_us, rec_us = statistics.median(t_one), statistics.median(t_rec)
    ev2 = nqengine.evaluate(rec, registry, rec_facts, as_of_rec, pm=pm)
    by_status: dict[str, int] = {}
    for v in ev2.verdicts:
        by_status[v.status] = by_status.get(v.status, 0) + 1
    periods = {v.period for v in ev2.verdicts}

    # incremental: reports added on units across the country
    calls: list[str] = []

    class Count:
        @nqengine.hookspecs.hookimpl(wrapper=True)
        def nqengine_evaluate_obligation(self, obligation, units, context):
            if context.period is not None:
                calls.append(context.period.id)
            return (yield)

    pm.register(Count(), "count")
    inc = IncrementalEvaluation(rec, registry, rec_facts, as_of_rec, pm=pm)
    from nqengine.model import Fact

    sample = rng.sample(units, min(args.incremental, len(units)))
    results = {}
    for label, named in (("named", True), ("unnamed", False)):
        times, touched = [], []
        for i, u in enumerate(sample):
            data = {"to": to, "via": via, **({"period": "2028-Q3"} if named else {})}
            f = Fact(f"inc-{label}-{i}", "report", u.id, dt.date(2028, 9, 15), data)
            calls.clear()
            t0 = time.perf_counter()
            inc.add_fact(f)
            times.append((time.perf_counter() - t0) * 1e3)
            touched.append(len(set(calls)))
        results[label] = (statistics.median(times), statistics.median(touched), max(touched))
    pm.unregister(name="count")

    ratio = rec_us / one_us
    print(f"units: {len(units):,} (party committees and grassroots cells, scale {args.scale:g}%)")
    print(f"one-off: {n_one:,} verdicts, {one_us:.2f} µs per verdict (median of {args.rounds})")
    print(f"recurring: {n_rec:,} verdicts over {len(periods)} quarters, {rec_us:.2f} µs per (unit, period) verdict; statuses {dict(sorted(by_status.items()))}")
    print(f"ratio recurring / one-off per verdict: {ratio:.2f}")
    for label, (ms, med, mx) in results.items():
        print(f"incremental add_fact ({label} report of 15/09/2028): {ms:.2f} ms median; periods re-evaluated: median {med:g}, max {mx}")
    print(
        f"scale={args.scale:g} units={len(units)} periods={len(periods)} oneoff_us={one_us:.2f} recurring_us={rec_us:.2f} ratio={ratio:.2f} "
        f"incr_ms_named={results['named'][0]:.2f} incr_ms_unnamed={results['unnamed'][0]:.2f}"
    )


if __name__ == "__main__":
    main()
