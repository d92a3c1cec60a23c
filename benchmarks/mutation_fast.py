"""Run mutmut's mutants against a chosen set of tests, one fresh process per mutant, in parallel.

    python benchmarks/mutation_fast.py nqengine.calendars --tests tests/test_calendars.py tests/test_deadlines.py
    python benchmarks/mutation_fast.py nqengine.calendars --survivors --tests-from-pyproject
    python benchmarks/mutation_fast.py nqengine.evaluation.engine --survivors --only ǁContextǁadmit --tests tests/test_names.py

mutmut (``mutmut run``, configured in ``pyproject.toml``) generates the mutants into
``mutants/`` and runs, for each, every selected test that reaches the mutated
function: for a function every evaluation calls (``is_working_day``,
``parse_date``) that is the whole selection, minutes per mutant. This driver
switches the same mutants on the same way (``MUTANT_UNDER_TEST``, read by
mutmut's trampolines) but runs only the tests given, stopping at the first
failure: a mutant one of them kills is killed by the suite too. Survivors are
then run against the whole selection (``--survivors --tests-from-pyproject``).

It reads the mutants and mutmut's own results from ``mutants/src/**.py.meta``
(run ``mutmut run PATTERN`` first, at least until the mutants are generated),
copies the repository's current ``tests/`` into ``mutants/tests`` (so newer tests
count), and writes its results to ``mutants/fast-results.json`` (name: ``killed``,
``survived``, ``timeout``), beside mutmut's, which it leaves untouched.
``benchmarks/mutation_scores.py`` reads both. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mutants_of(module: str, mutants: Path) -> dict[str, int | None]:
    """mutmut's result for each mutant of ``module`` (1 killed, 0 survived, 33 no tests, None not run)."""
    meta = mutants / "src" / (module.replace(".", "/") + ".py.meta")
    if not meta.exists():  # a package: its __init__.py
        meta = mutants / "src" / module.replace(".", "/") / "__init__.py.meta"
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def run_one(name: str, tests: list[str], mutants: Path, timeout: float) -> str:
    env = {**os.environ, "MUTANT_UNDER_TEST": name, "PYTHONPATH": str(mutants / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", "-W", "ignore", *tests]
    try:
        done = subprocess.run(cmd, cwd=mutants, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    return {0: "survived", 1: "killed"}.get(done.returncode, f"exit {done.returncode}")


def _save(path: Path, mine: dict[str, str]) -> None:
    """Merge this run's results into the file (another run, of another module, may be writing it too)."""
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    saved.update(mine)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(saved, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def pyproject_tests() -> tuple[list[str], list[str]]:
    """(tests_dir, extra pytest arguments) of ``[tool.mutmut]``."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    extra = [a for a in conf.get("pytest_add_cli_args", []) if a not in ("-q", "-p", "no:cacheprovider")]
    return list(conf["tests_dir"]), extra


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("module", help="a mutated module, e.g. nqengine.calendars")
    p.add_argument("--tests", nargs="*", default=[], help="test files to run against each mutant")
    p.add_argument("--tests-from-pyproject", action="store_true", help="the tests of [tool.mutmut] tests_dir")
    p.add_argument("--survivors", action="store_true", help="only mutants that survived so far (here or in mutmut)")
    p.add_argument("--only", action="append", default=[], metavar="TEXT",
                   help="only mutants whose name contains TEXT (repeatable), e.g. the function's: ǁContextǁadmit")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--mutants", default=str(ROOT / "mutants"))
    args = p.parse_args()

    mutants = Path(args.mutants)
    shutil.copytree(ROOT / "tests", mutants / "tests", dirs_exist_ok=True)
    results_file = mutants / "fast-results.json"
    results: dict[str, str] = json.loads(results_file.read_text()) if results_file.exists() else {}
    tests = list(args.tests)
    if args.tests_from_pyproject:
        found, extra = pyproject_tests()
        tests += found + extra
    todo = []
    for name, code in mutants_of(args.module, mutants).items():
        if args.only and not any(t in name for t in args.only):
            continue
        mine = results.get(name)
        if args.survivors:
            if mine == "survived" or (mine is None and code == 0):
                todo.append(name)
        elif mine != "killed" and code != 1:
            todo.append(name)
    print(f"{args.module}: {len(todo)} mutants against {len(tests)} test arguments, {args.jobs} at a time", flush=True)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_one, n, tests, mutants, args.timeout): n for n in todo}
        for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            name = futures[fut]
            results[name] = fut.result()
            if results[name] != "killed":
                print(f"  {results[name]}: {name}", flush=True)
            if i % 20 == 0:
                _save(results_file, {n: results[n] for n in todo if n in results})
                print(f"  {i}/{len(todo)} in {time.monotonic() - start:.0f} s", flush=True)
    _save(results_file, {n: results[n] for n in todo})
    mine = [results[n] for n in todo]
    print(f"done in {time.monotonic() - start:.0f} s: " + ", ".join(f"{k} {mine.count(k)}" for k in sorted(set(mine))))


if __name__ == "__main__":
    main()
