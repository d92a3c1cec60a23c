"""Mutation score per module, from the results ``mutmut run`` leaves in ``mutants/``.

    mutmut run "nqengine.evaluation.kinds.report*"     # on demand, minutes per module (see docs/security.md)
    python benchmarks/mutation_scores.py    # killed / checked per module
    python benchmarks/mutation_scores.py --survivors nqengine.kinds.report

Only mutants that were run count (``not checked`` ones are left out); a
timeout counts as killed, as mutmut counts it.  Results of
``benchmarks/mutation_fast.py`` (``mutants/fast-results.json``) count too: a
mutant it killed is killed, and one it ran that survived there and was not
killed by mutmut is a survivor.  ``--survivors MODULE`` lists
the surviving mutants of one module, to read with ``mutmut show NAME``.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, 24, -24, 152, 255, 37}
SURVIVED = {0}


def scores(root: Path = Path("mutants")) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    fast_file = root / "fast-results.json"
    fast: dict[str, str] = json.loads(fast_file.read_text(encoding="utf-8")) if fast_file.exists() else {}
    for meta in sorted(root.glob("src/**/*.py.meta")):
        module = ".".join(meta.relative_to(root / "src").with_suffix("").with_suffix("").parts)
        module = module.removesuffix(".__init__")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        c = Counter()
        for name, code in codes.items():
            mine = fast.get(name)
            if mine is not None and mine.startswith("exit ") and int(mine[5:]) in KILLED:
                mine = "killed"  # pytest stopped with an error (the mutant broke an import): killed, as mutmut counts it
            if mine == "killed" or (mine == "timeout" and code not in SURVIVED):
                code = 1
            elif mine == "survived" and code not in KILLED:
                code = 0
            if code is None:
                c["not checked"] += 1
            elif code in KILLED:
                c["killed"] += 1
            elif code in SURVIVED:
                c["survived"] += 1
                c["survivor:" + name] += 1
            else:
                c["other"] += 1
        out[module] = c
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--survivors", metavar="MODULE")
    args = p.parse_args()
    table = scores()
    if args.survivors:
        for k in sorted(table.get(args.survivors, Counter())):
            if k.startswith("survivor:"):
                print(k.split(":", 1)[1])
        return
    print(f"{'module':<34} {'killed':>7} {'survived':>9} {'other':>6} {'score':>7}  not checked")
    for module, c in table.items():
        checked = c["killed"] + c["survived"] + c["other"]
        if not checked:
            continue
        print(f"{module:<34} {c['killed']:>7} {c['survived']:>9} {c['other']:>6} {c['killed'] / checked:>7.1%}  {c['not checked']}")


if __name__ == "__main__":
    main()
