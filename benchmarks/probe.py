"""Where the study kind's time goes: its batch for the grassroots cells, with one piece stubbed at a time.

    python benchmarks/probe.py --scale 10

Loads the benchmark data of that scale (generate it first with run.py), evaluates
once, then times ``StudySession.evaluate_units`` for the ``study-grassroots-cell``
obligation (best of ``--repeat`` runs, the cyclic collector off): as is; with
``Context.conclude`` replaced by a stub (the checks and the deferred findings
alone); ``conclude`` alone on an all-pass outcome; and fetching each unit's due
date and sessions alone.  µs per unit.  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate  # noqa: E402
from run import PLAN, data_dir  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=10)
    p.add_argument("--repeat", type=int, default=9)
    args = p.parse_args()

    import nqengine
    from nqengine.evaluation import engine
    from nqengine.inputs.bulk import load_facts_bulk
    from nqengine.evaluation.kinds import study

    folder = data_dir(args.scale)
    pm = nqengine.get_plugin_manager(load_entrypoints=False)
    spec = nqengine.load_spec(PLAN, pm=pm)
    registry = nqengine.load_registry(os.path.join(folder, "registry.jsonl"))
    facts = load_facts_bulk([os.path.join(folder, "facts.csv"), os.path.join(folder, "attendance.csv")], pm)
    _, ctx = engine._evaluate(spec, registry, facts, generate.AS_OF, pm)
    ob = spec.obligation("study-grassroots-cell")
    units = engine._applicable_units(ob, registry, spec.effective, generate.AS_OF, engine.UnitIndex(registry))
    kind = study.StudySession()
    gc.disable()

    def best(fn) -> float:
        return min(timeit.repeat(fn, number=1, repeat=args.repeat)) / len(units) * 1e6

    real = ctx.conclude
    print(f"{len(units):,} units, µs per unit (best of {args.repeat}):")
    print(f"  evaluate_units, as is                 {best(lambda: kind.evaluate_units(ob, units, ctx)):6.2f}")
    ctx.conclude = lambda *a, **k: None
    print(f"  with conclude stubbed out             {best(lambda: kind.evaluate_units(ob, units, ctx)):6.2f}")
    ctx.conclude = real
    print(f"  conclude alone (all pass, no facts)   "
          f"{best(lambda: [real(ob, u, (), outcomes=study._PASS_ONLY, fulfilled_on=None, due=None) for u in units]):6.2f}")
    print(f"  due date and sessions alone           {best(lambda: [(ctx.due(ob, u), tuple(ctx.facts(u.id, 'session'))) for u in units]):6.2f}")


if __name__ == "__main__":
    main()
