"""Peak memory of loading registries and facts, against the size of the file read.

    python benchmarks/memory.py --units 100000 --facts 200000

Writes, into a temporary folder, a registry of ``--units`` units (JSON Lines
and CSV), fact files of ``--facts`` sessions (JSON Lines, CSV, and YAML when
below nqengine's YAML size limit), and one JSON Lines file made of a single
line of ``--long-line-mb`` megabytes.  Each file is then loaded in a fresh
process (``nqengine.load_registry`` or ``nqengine.load_facts``); the report
gives the file's size, the peak resident set size of that process
(``ru_maxrss``), the same for a process that only imports nqengine, and the
ratio (peak - baseline) / file size.  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

_CHILD = r"""
import resource, sys, nqengine
kind, path = sys.argv[1], sys.argv[2]
from nqengine.plugins import catalogue_for, get_plugin_manager
catalogue_for(get_plugin_manager())  # in the baseline too: loading facts needs the plugins
try:
    if kind == "registry":
        nqengine.load_registry(path)
    elif kind == "facts":
        nqengine.load_facts(path)
    status = "ok"
except nqengine.NQEngineError as exc:
    status = "refused: " + str(exc).splitlines()[0][-90:]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, status)
"""


def _peak(kind: str, path: str) -> tuple[float, str]:
    out = subprocess.run([sys.executable, "-c", _CHILD, kind, path], capture_output=True, text=True, check=True).stdout.split(" ", 1)
    return int(out[0]) / 1024, out[1].strip()  # ru_maxrss is in KiB on Linux


def write_files(folder: str, units: int, facts: int, long_line_mb: float) -> dict[str, tuple[str, str]]:
    files: dict[str, tuple[str, str]] = {}
    reg = os.path.join(folder, "registry.jsonl")
    with open(reg, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "root", "name": "Trung ương", "kind": "city_committee"}) + "\n")
        for i in range(units):
            fh.write(json.dumps({"id": f"u{i}", "name": f"Chi bộ số {i}", "kind": "subordinate_cell", "parent": "root",
                                 "audience": {"dang_vien": 20 + i % 30}}, ensure_ascii=False) + "\n")
    files[f"registry, {units:,} units, JSON Lines"] = ("registry", reg)
    reg_csv = os.path.join(folder, "registry.csv")
    with open(reg_csv, "w", encoding="utf-8") as fh:
        fh.write("id,name,kind,parent,audience.dang_vien\nroot,Trung ương,city_committee,,\n")
        for i in range(units):
            fh.write(f"u{i},Chi bộ số {i},subordinate_cell,root,{20 + i % 30}\n")
    files[f"registry, {units:,} units, CSV"] = ("registry", reg_csv)
    jl = os.path.join(folder, "facts.jsonl")
    cs = os.path.join(folder, "facts.csv")
    ya = os.path.join(folder, "facts.yaml")
    with open(jl, "w", encoding="utf-8") as j, open(cs, "w", encoding="utf-8") as c, open(ya, "w", encoding="utf-8") as y:
        c.write("id,type,unit,date,presenter,attendance.dang_vien,content\n")
        y.write("facts:\n")
        for i in range(facts):
            row = {"id": f"s{i}", "type": "session", "unit": f"u{i % max(units, 1)}", "date": "10/10/2020",
                   "presenter": f"p{i}", "attendance": {"dang_vien": 20}, "content": ["core_content"]}
            j.write(json.dumps(row, ensure_ascii=False) + "\n")
            c.write(f"s{i},session,u{i % max(units, 1)},10/10/2020,p{i},20,core_content\n")
            y.write(f"  - {{id: s{i}, type: session, unit: u{i % max(units, 1)}, date: 10/10/2020, presenter: p{i}, "
                    "attendance: {dang_vien: 20}, content: [core_content]}\n")
    files[f"facts, {facts:,} sessions, JSON Lines"] = ("facts", jl)
    files[f"facts, {facts:,} sessions, CSV"] = ("facts", cs)
    files[f"facts, {facts:,} sessions, YAML"] = ("facts", ya)
    long = os.path.join(folder, "long-line.jsonl")
    with open(long, "w", encoding="utf-8") as fh:
        fh.write('{"id": "x", "type": "session", "unit": "u0", "date": "10/10/2020", "note": "')
        block = "a" * 1024 * 1024
        for _ in range(int(long_line_mb)):
            fh.write(block)
        fh.write('"}\n')
    files[f"facts, one line of {long_line_mb:g} MB, JSON Lines"] = ("facts", long)
    return files


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--facts", type=int, default=200_000)
    p.add_argument("--long-line-mb", type=float, default=104)
    p.add_argument("--only", help="run only the files whose label contains this text")
    args = p.parse_args(argv)
    base, _ = _peak("none", "-")
    print(f"baseline (python + import nqengine): {base:.0f} MB peak RSS")
    print(f"{'file':<44} {'size MB':>9} {'peak MB':>9} {'(peak-base)/size':>17}  result")
    with tempfile.TemporaryDirectory() as tmp:
        for label, (kind, path) in write_files(tmp, args.units, args.facts, args.long_line_mb).items():
            if args.only and args.only not in label:
                continue
            size = os.path.getsize(path) / 1024**2
            peak, status = _peak(kind, path)
            print(f"{label:<44} {size:>9.1f} {peak:>9.0f} {(peak - base) / size:>17.1f}  {status}", flush=True)


if __name__ == "__main__":
    main()
