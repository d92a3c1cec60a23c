"""The ``nqengine`` command line.

Exit status: 0 success; 2 an input file is malformed (every problem printed as
``file:line:column: message``); 3 a plugin is missing or failed; 1 for
``prove``/``test`` failures.  Messages are Vietnamese unless ``--lang en``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from nqengine import api
from nqengine._version import __version__
from nqengine.dates import InvalidDate, parse_date
from nqengine.errors import InputError, MissingPluginError, NQEngineError, PluginError
from nqengine.plugins.manager import (
    catalogue_for,
    declared_plugins,
    get_plugin_manager,
    list_plugins,
    require_plugins,
)
from nqengine.render.formats import explain_text
from nqengine.spec.load import load_spec
from nqengine.testing.examples import cli_test

EXIT_INPUT = 2
EXIT_PLUGIN = 3


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-p", dest="plugins", action="append", default=[], metavar="PLUGIN",
                   help="load a plugin (module or path to .py); 'no:NAME' blocks one")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of messages (default vi)")


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("spec", help="spec file, or a folder holding plan.yaml, registry.yaml, facts.yaml")
    p.add_argument("--registry", help="registry file (default: registry.yaml beside the spec)")
    p.add_argument("--facts", action="append", metavar="FILE",
                   help="facts file, YAML, JSON Lines or CSV (default: facts.yaml beside the spec); repeat it to read several "
                        "files as one (attendance rows in one, their sessions in another)")
    p.add_argument("--as-of", required=True, help="evaluation date, dd/mm/yyyy or yyyy-mm-dd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nqengine", description="Evaluate Party plans written as spec files.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="validate spec files")
    p.add_argument("specs", nargs="+")
    _add_common(p)
    p = sub.add_parser("evaluate", help="evaluate a spec as of a date")
    _add_inputs(p)
    p.add_argument("--format", default="table", help="table (default) or json, or a plugin's format")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    _add_common(p)
    p = sub.add_parser("explain", help="explain one verdict: checks, evidence, clauses")
    _add_inputs(p)
    p.add_argument("--unit", required=True, help="unit id or name")
    p.add_argument("--obligation", required=True, help="obligation id")
    _add_common(p)
    p = sub.add_parser("plugins", help="list plugins with their versions, hooks and what they add")
    p.add_argument("--format", choices=("table", "json"), default="table")
    _add_common(p)
    p = sub.add_parser("test", help="run the worked examples of spec files: expected against actual statuses")
    p.add_argument("specs", nargs="+", help="spec files, or folders holding plan.yaml")
    _add_common(p)
    p = sub.add_parser("prove", help="check engine invariants and the spec's declared properties on generated registries and facts")
    p.add_argument("specs", nargs="+", help="spec files, or folders holding plan.yaml")
    p.add_argument("--seed", type=int, help="seed of the run; the same seed reproduces it (default: random, printed)")
    p.add_argument("--max-examples", type=int, default=50, metavar="N", help="generated cases per check (default 50)")
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this check (repeatable)")
    _add_common(p)
    return parser


def _version() -> str:
    return f"nqengine {__version__}"


def _paths(args: argparse.Namespace) -> tuple[str, str, list[str]]:
    spec = args.spec
    folder = spec if os.path.isdir(spec) else os.path.dirname(spec) or "."
    return (
        os.path.join(spec, "plan.yaml") if os.path.isdir(spec) else spec,
        args.registry or os.path.join(folder, "registry.yaml"),
        args.facts or [os.path.join(folder, "facts.yaml")],
    )


def _evaluation(args: argparse.Namespace, pm):
    spec_path, reg_path, facts_path = _paths(args)
    try:
        as_of = parse_date(args.as_of)
    except InvalidDate as exc:
        raise _Usage(f"--as-of: {exc.message_vi if args.lang == 'vi' else exc}") from None
    _require_declared(spec_path, pm)
    spec = api.load_spec(spec_path, pm=pm)
    registry = api.load_registry(reg_path)
    facts = api.load_facts(facts_path, pm=pm)
    return api.evaluate(spec, registry, facts, as_of, pm=pm)


class _Usage(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = sys.stdout
    try:
        pm = get_plugin_manager(args.plugins)
        if args.command == "check":
            return _check(args, pm)
        if args.command == "plugins":
            return _plugins(args, pm)
        if args.command == "test":
            return cli_test(args.specs, pm, args.lang)
        if args.command == "prove":
            from nqengine.testing.prove import (
                cli_prove,  # imports Hypothesis (optional, slow to import): only prove needs it
            )

            return cli_prove(args.specs, pm, seed=args.seed, max_examples=args.max_examples, only=args.only, lang=args.lang)
        ev = _evaluation(args, pm)
        if args.command == "evaluate":
            cat = catalogue_for(pm)
            fmt = cat.formats.get(args.format)
            if fmt is None:
                raise _Usage(f"--format: unknown format {args.format!r}; known: {', '.join(sorted(cat.formats))}")
            write = getattr(fmt, "write", None)  # a format that can stream (json) writes as it goes
            if args.output:
                with open(args.output, "w", encoding="utf-8", buffering=1 << 20) as fh:  # a national document is 0.5 GB: few, large writes
                    write(ev, fh, args.lang) if write is not None else fh.write(fmt.render(ev, args.lang))
            elif write is not None:
                write(ev, out, args.lang)
            else:
                out.write(fmt.render(ev, args.lang))
            return 0

        out.write(explain_text(ev, args.obligation, args.unit, args.lang))
        return 0
    except InputError as exc:
        sys.stderr.write(exc.render(args.lang) + "\n")
        return EXIT_INPUT
    except (PluginError, MissingPluginError) as exc:
        sys.stderr.write(f"nqengine: {exc.render(args.lang)}\n")
        return EXIT_PLUGIN
    except (_Usage, NQEngineError) as exc:
        sys.stderr.write(f"nqengine: {exc}\n")
        return EXIT_INPUT


def _require_declared(spec_path: str, pm) -> None:
    """Fail with MissingPluginError (exit 3) when the spec declares a plugin that is absent.

    Checked before the spec is loaded: without the plugin its kinds and fact
    types would be reported as unknown, which hides the cause.
    """

    spec_id, needed = declared_plugins(spec_path)
    if needed:
        require_plugins(pm, needed, spec_id or spec_path)


def _check(args: argparse.Namespace, pm) -> int:
    status = 0
    for path in args.specs:
        _require_declared(path, pm)
        try:
            spec = load_spec(path, pm=pm, prepare_calendar=False)  # checking evaluates nothing: no holiday tables
        except InputError as exc:
            sys.stderr.write(exc.render(args.lang) + "\n")
            status = EXIT_INPUT
            continue
        ok = "hợp lệ" if args.lang == "vi" else "ok"
        noun = "nghĩa vụ" if args.lang == "vi" else "obligations"
        sys.stdout.write(f"{spec.source}: {ok} ({len(spec.obligations)} {noun})\n")
    return status


def _plugins(args: argparse.Namespace, pm) -> int:
    rows = list_plugins(pm)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    for r in rows:
        sys.stdout.write(f"{r['name']} {r['version'] or ''}".rstrip() + (f"  ({r['distribution']})" if r["distribution"] else "") + "\n")
        sys.stdout.write(f"  hooks: {', '.join(r['hooks'])}\n")
        for key in ("kinds", "fact_types", "calendars", "formats", "obligation_fields"):
            if r[key]:
                sys.stdout.write(f"  {key}: {', '.join(r[key])}\n")
    return 0


def run() -> None:  # pragma: no cover - the console script; tests call main()
    """The ``nqengine`` console script: :func:`main`, then exit without tearing the interpreter down.

    A national evaluation leaves millions of objects; freeing them one by one
    at exit takes seconds and changes nothing, so once the output is written
    and flushed the process ends with ``os._exit`` (``atexit`` handlers do not
    run).  The exit status is main's, or 120 when flushing fails, as Python's own.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 120
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
