"""``python -m nqengine.fuzz --cases N [--seed S] [--budget SECONDS]``: a long fuzz run.

Exit status 0 when no case ended badly, 1 when some did (each kind printed
once, with a case that reproduces it).  ``--progress`` prints a line every
500 cases, for runs left in the background; ``--findings FILE`` appends each
finding to FILE as it happens; SIGTERM (or Ctrl-C) ends the run with the
report of the cases done so far.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys

import attrs

from nqengine.fuzz import Finding, Report, fuzz


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m nqengine.fuzz", description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1000, help="how many cases (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the cases drawn (default 0)")
    p.add_argument("--budget", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--progress", action="store_true", help="print a line every 500 cases")
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    p.add_argument("--findings", metavar="FILE", help="append each finding to FILE as a JSON line as soon as it happens")
    args = p.parse_args(argv)

    def progress(r: Report) -> None:
        print(f"{r.cases} cases, {r.seconds:.0f} s, {len(r.findings)} distinct findings, {r.outcomes}", flush=True)

    def record(f: Finding) -> None:
        with open(args.findings, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(attrs.asdict(f), ensure_ascii=False) + "\n")

    def stop(signum: int, frame: object) -> None:  # SIGTERM ends a background run like Ctrl-C: with its report
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    report = fuzz(args.cases, seed=args.seed, budget=args.budget, progress=progress if args.progress else None,
                  on_finding=record if args.findings else None)
    print(report.summary())
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "cases": report.cases,
                    "seconds": round(report.seconds, 1),
                    "seed": report.seed,
                    "outcomes": report.outcomes,
                    "findings": [
                        {"kind": k, "place": p, "count": len(g), "case": g[0].case, "detail": g[0].detail}
                        for (k, p), g in sorted(report.findings.items())
                    ],
                },
                fh,
                ensure_ascii=False,
                indent=2,
            )
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
