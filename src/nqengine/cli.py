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

from nqengine.dates import InvalidDate, parse_date

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
    _add_confinement(p)


def _add_confinement(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-root", action="append", default=[], metavar="DIR",
                   help="also read files under DIR (default: only the spec's folder, and the working directory when "
                        "the spec is inside it); see docs/security.md")
    p.add_argument("--max-input-mb", type=float, default=None, metavar="MB",
                   help="refuse an input file larger than this (default 8192)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nqengine", description="Evaluate Party plans written as spec files.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="validate spec files")
    p.add_argument("specs", nargs="+")
    _add_common(p)
    _add_confinement(p)
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
    _add_confinement(p)
    p = sub.add_parser("prove", help="check engine invariants and the spec's declared properties on generated registries and facts")
    p.add_argument("specs", nargs="+", help="spec files, or folders holding plan.yaml")
    p.add_argument("--seed", type=int, help="seed of the run; the same seed reproduces it (default: random, printed)")
    p.add_argument("--max-examples", type=int, default=50, metavar="N", help="generated cases per check (default 50)")
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this check (repeatable)")
    _add_common(p)
    _add_confinement(p)
    return parser


def _version() -> str:
    from nqengine import __version__

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
    import nqengine

    spec_path, reg_path, facts_path = _paths(args)
    try:
        as_of = parse_date(args.as_of)
    except InvalidDate as exc:
        raise _Usage(f"--as-of: {exc.message_vi if args.lang == 'vi' else exc}") from None
    named = ([args.registry] if args.registry else []) + (args.facts or [])  # chosen by the person running nqengine
    with _confined(args, spec_path, named):
        _require_declared(spec_path, pm)
        spec = nqengine.load_spec(spec_path, pm=pm)
        registry = nqengine.load_registry(reg_path)
        facts = nqengine.load_facts(facts_path, pm=pm)
    return nqengine.evaluate(spec, registry, facts, as_of, pm=pm)


def _confined(args: argparse.Namespace, spec_path: str, named: Sequence[str] = (), more_specs: Sequence[str] = ()):
    """The files the command may read: see :mod:`nqengine.confine` (several specs: the union of their roots)."""
    from nqengine.confine import confined, default_roots

    if args.max_input_mb is not None and not args.max_input_mb > 0:
        raise _Usage("--max-input-mb: must be a positive number")
    cap = None if args.max_input_mb is None else int(min(args.max_input_mb, 2.0**40) * 1024**2)
    roots = default_roots(spec_path, args.allow_root) + tuple(r for s in more_specs for r in default_roots(s))
    return confined(roots, files=named, max_bytes=cap)


class _Usage(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    from nqengine.errors import InputError, MissingPluginError, NQEngineError, PluginError
    from nqengine.plugins import catalogue_for, get_plugin_manager

    args = build_parser().parse_args(argv)
    out = sys.stdout
    try:
        pm = get_plugin_manager(args.plugins)
        if args.command == "check":
            return _check(args, pm)
        if args.command == "plugins":
            return _plugins(args, pm)
        if args.command == "test":
            from nqengine.examples import cli_test

            with _confined(args, args.specs[0], more_specs=args.specs[1:]):
                return cli_test(args.specs, pm, args.lang)
        if args.command == "prove":
            from nqengine.prove import cli_prove

            with _confined(args, args.specs[0], more_specs=args.specs[1:]):
                return cli_prove(args.specs, pm, seed=args.seed, max_examples=args.max_examples, only=args.only, lang=args.lang)
        ev = _evaluation(args, pm)
        if args.command == "evaluate":
            cat = catalogue_for(pm)
            fmt = cat.formats.get(args.format)
            if fmt is None:
                raise _Usage(f"--format: unknown format {args.format!r}; known: {', '.join(sorted(cat.formats))}")
            write = getattr(fmt, "write", None)  # a format that can stream (json) writes as it goes
            if args.output:
                try:
                    fh = open(args.output, "w", encoding="utf-8")
                except OSError as exc:
                    raise _Usage(f"-o {args.output}: {exc.strerror or exc}") from None
                with fh:
                    write(ev, fh, args.lang) if write is not None else fh.write(fmt.render(ev, args.lang))
            elif write is not None:
                write(ev, out, args.lang)
            else:
                out.write(fmt.render(ev, args.lang))
            return 0
        from nqengine.formats import explain_text

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
    from nqengine.plugins import declared_plugins, require_plugins

    spec_id, needed = declared_plugins(spec_path)
    if needed:
        require_plugins(pm, needed, spec_id or spec_path)


def _check(args: argparse.Namespace, pm) -> int:
    from nqengine.errors import InputError
    from nqengine.spec import load_spec

    status = 0
    for path in args.specs:
        try:
            with _confined(args, path):
                _require_declared(path, pm)
                spec = load_spec(path, pm=pm)
        except InputError as exc:
            sys.stderr.write(exc.render(args.lang) + "\n")
            status = EXIT_INPUT
            continue
        ok = "hợp lệ" if args.lang == "vi" else "ok"
        noun = "nghĩa vụ" if args.lang == "vi" else "obligations"
        sys.stdout.write(f"{spec.source}: {ok} ({len(spec.obligations)} {noun})\n")
    return status


def _plugins(args: argparse.Namespace, pm) -> int:
    from nqengine.plugins import list_plugins

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
