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
import os
import signal
import subprocess
import sys
import tempfile

import attrs

from nqengine.fuzz import STOP, Finding, Report, fuzz


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m nqengine.fuzz", description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1000, help="how many cases (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the cases drawn (default 0)")
    p.add_argument("--budget", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--progress", action="store_true", help="print a line every 500 cases")
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    p.add_argument("--findings", metavar="FILE", help="append each finding to FILE as a JSON line as soon as it happens")
    p.add_argument("--jobs", type=int, default=1, help="run in N processes (job i draws with seed SEED*100+i), one report")
    args = p.parse_args(argv)
    if args.jobs > 1:
        return _jobs(args)

    def progress(r: Report) -> None:
        print(f"{r.cases} cases, {r.seconds:.0f} s, {len(r.findings)} distinct findings, {r.outcomes}", flush=True)

    def record(f: Finding) -> None:
        with open(args.findings, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(attrs.asdict(f), ensure_ascii=False) + "\n")

    def stop(signum: int, frame: object) -> None:  # SIGTERM ends a background run with its report, after the case under way
        if STOP:  # a second SIGTERM: now
            raise KeyboardInterrupt
        STOP.append(True)

    signal.signal(signal.SIGTERM, stop)
    report = fuzz(args.cases, seed=args.seed, budget=args.budget, progress=progress if args.progress else None,
                  on_finding=record if args.findings else None)
    print(report.summary())
    _write_json(args.json, report)
    return 1 if report.findings else 0


def _write_json(path: str | None, report: Report) -> None:
    if path:
        with open(path, "w", encoding="utf-8") as fh:
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


def _jobs(args: argparse.Namespace) -> int:
    """``--jobs N``: N processes of this command, each with its share of the cases and its own seed; one report."""
    per = -(-args.cases // args.jobs)
    with tempfile.TemporaryDirectory(prefix="nqengine-fuzz-jobs-") as tmp:
        procs = []
        for i in range(args.jobs):
            cmd = [sys.executable, "-m", "nqengine.fuzz", "--cases", str(per), "--seed", str(args.seed * 100 + i),
                   "--json", os.path.join(tmp, f"{i}.json")]
            cmd += ["--budget", str(args.budget)] if args.budget is not None else []
            cmd += ["--progress"] if args.progress else []
            cmd += ["--findings", args.findings] if args.findings else []
            procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL if not args.progress else None))

        def stop(signum: int, frame: object) -> None:  # pass a SIGTERM on: each job ends with its report
            for proc in procs:
                proc.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        try:
            for proc in procs:
                proc.wait()
        except KeyboardInterrupt:
            stop(signal.SIGTERM, None)
            for proc in procs:
                proc.wait()
        report = Report(seed=args.seed)
        for i in range(args.jobs):
            with open(os.path.join(tmp, f"{i}.json"), encoding="utf-8") as fh:
                part = json.load(fh)
            report.cases += part["cases"]
            report.seconds = max(report.seconds, part["seconds"])
            for k, n in part["outcomes"].items():
                report.outcomes[k] = report.outcomes.get(k, 0) + n
            for f in part["findings"]:
                group = report.findings.setdefault((f["kind"], f["place"]), [])
                group.extend([Finding(f["kind"], f["place"], f["case"], f["detail"])] * f["count"])
    print(report.summary().replace(f"(seed {args.seed})", f"(seed {args.seed}, {args.jobs} jobs: seeds {args.seed * 100}–{args.seed * 100 + args.jobs - 1})"))
    _write_json(args.json, report)
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
