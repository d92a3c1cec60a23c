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
from nqengine.cli_text import lang_of, localise
from nqengine.confine import confined, default_roots
from nqengine.dates import InvalidDate, parse_date
from nqengine.draft.cli import add_parser as add_draft_parser
from nqengine.draft.cli import cli_draft
from nqengine.errors import InputError, MissingPluginError, NQEngineError, PluginError
from nqengine.gcpause import freeze_for_process
from nqengine.i18n import message
from nqengine.model import STATUSES
from nqengine.names import Ambiguous
from nqengine.periods import parse_period
from nqengine.plugins.manager import (
    catalogue_for,
    declared_plugins,
    shared_plugin_manager,
    list_plugins,
    require_plugins,
)
from nqengine.render.formats import explain_text
from nqengine.render.output import write_output
from nqengine.render.progress import progress_bar
from nqengine.schema import hint_for, hint_or_choices
from nqengine.service.commands import COMMANDS as SERVICE_COMMANDS
from nqengine.service.commands import add_subcommands as add_service_subcommands
from nqengine.service.commands import run as run_service

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
    p.add_argument("--period", help="for recurring obligations, only this period: 'quý II/2026', '6 tháng đầu năm 2026', 'năm 2026', '2026-Q2' "
                                    "(default: the periods due by --as-of and the next one)")
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
    p = sub.add_parser("check", help="validate spec, registry and facts files, and what they refer to in each other")
    p.add_argument("specs", nargs="+", metavar="PATH",
                   help="a spec file, a registry or facts file (YAML, JSON Lines, CSV), or a folder holding plan.yaml, "
                        "registry.yaml, facts.yaml; files given together are checked against each other")
    _add_common(p)
    _add_confinement(p)
    p = sub.add_parser("evaluate", help="evaluate a spec as of a date")
    _add_inputs(p)
    p.add_argument("--format", default="table",
                   help="table (default), json, csv, xlsx, html, docx or md (the draft report), or a plugin's format")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--width", type=int, metavar="N",
                   help="columns the table must fit (default: the terminal's; no limit, full names, for a file or a pipe)")
    p.add_argument("--fail-on", metavar="STATUS[,STATUS]",
                   help="exit 1 when any verdict has one of these statuses (comma-separated), for scheduled jobs")
    _add_common(p)
    p = sub.add_parser("report", help="the draft báo cáo kết quả of a unit, as a Word document (docx) or Markdown (md)")
    _add_inputs(p)
    p.add_argument("--unit", help="the unit reporting, id or name (default: the unit at the top of the registry's tree with the most verdicts below it)")
    p.add_argument("--format", choices=("docx", "md"), default="docx", help="docx (default) or md")
    p.add_argument("-o", "--output", help="write to this file (required for docx on a terminal)")
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
    _add_common(add_draft_parser(sub))
    add_service_subcommands(sub, _add_common)
    p = sub.add_parser("schema", help="write the JSON Schema of the spec, registry or facts format, with the installed plugins' keys, for editors")
    p.add_argument("which", nargs="?", choices=("spec", "registry", "facts"), default="spec", help="which format (default spec)")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
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
    from nqengine.inputs.forked import FactsReadAside  # as in _check: loaded by the commands that evaluate

    spec_path, reg_path, facts_path = _paths(args)
    try:
        as_of = parse_date(args.as_of)
    except InvalidDate as exc:
        raise _Usage(f"--as-of: {exc.message_vi if args.lang == 'vi' else exc}") from None
    named = ([args.registry] if args.registry else []) + (args.facts or [])  # chosen by the person running nqengine
    with _confined(args, spec_path, named):
        _require_declared(spec_path, pm)
        with FactsReadAside(facts_path, pm, load=api.load_facts) as aside:  # large fact files: read in a forked process meanwhile
            spec = api.load_spec(spec_path, pm=pm)
            registry = api.load_registry(reg_path)
            if aside.waiting():  # time it would spend waiting: build what facts naming a unit or a person need
                registry.index_names()
            facts = aside.result()
    period = None
    if args.period:
        try:
            period = parse_period(args.period)
        except InvalidDate as exc:
            raise _Usage(f"--period: {exc.message_vi if args.lang == 'vi' else exc}") from None
    with progress_bar(sys.stderr, "evaluate" if args.lang == "en" else "đánh giá") as bar:
        return api.evaluate(spec, registry, facts, as_of, pm=pm, progress=bar, period=period)


def _confined(args: argparse.Namespace, spec_path: str, named: Sequence[str] = (), more_specs: Sequence[str] = ()):
    """The files the command may read: see :mod:`nqengine.confine` (several specs: the union of their roots)."""
    if args.max_input_mb is not None and not args.max_input_mb > 0:
        raise _Usage("--max-input-mb: must be a positive number")
    cap = None if args.max_input_mb is None else int(min(args.max_input_mb, 2.0**40) * 1024**2)
    roots = default_roots(spec_path, args.allow_root) + tuple(r for s in more_specs for r in default_roots(s))
    return confined(roots, files=named, max_bytes=cap)


class _Usage(Exception):
    pass


def _broken_pipe(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what it was raised from) is a closed pipe: the reader (``| head``) has stopped."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, BrokenPipeError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _quiet_pipe() -> int:
    """End quietly once the reader has gone: no traceback, and no second error when Python flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (a test's StringIO)
        pass
    return 0


_PARSERS: dict[str, argparse.ArgumentParser] = {}


def _parser(lang: str) -> argparse.ArgumentParser:
    """The command line's parser in ``lang``, built once per process (it holds nothing of a run: a program or a
    test calling :func:`main` many times pays for building it once)."""
    parser = _PARSERS.get(lang)
    if parser is None:
        parser = _PARSERS[lang] = localise(build_parser(), lang)
    return parser


def main(argv: Sequence[str] | None = None, *, one_shot: bool = False) -> int:
    """Run the command line ``argv``; its exit status.

    ``one_shot``: the process ends when the command does (the console script,
    :func:`run`), so what is loaded and evaluated may be frozen for the cyclic
    collector (see :func:`_main`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser(lang_of(argv)).parse_args(argv)
    try:
        return _main(args, one_shot)
    except Exception as exc:
        if _broken_pipe(exc):
            return _quiet_pipe()
        raise


def _main(args: argparse.Namespace, one_shot: bool = False) -> int:
    out = sys.stdout
    try:
        pm = shared_plugin_manager(args.plugins)
        if args.command == "check":
            return _check(args, pm)
        if args.command == "plugins":
            return _plugins(args, pm)
        if args.command == "schema":
            from nqengine.editor_schema import json_schema  # each command imports what it alone needs: start-up time

            text = json.dumps(json_schema(args.which, pm), ensure_ascii=False, indent=2) + "\n"
            if args.output:
                with open(args.output, "w", encoding="utf-8") as fh:
                    fh.write(text)
            else:
                out.write(text)
            return 0
        if args.command == "test":
            from nqengine.testing.examples import cli_test  # as above: loaded by this command only

            with _confined(args, args.specs[0], more_specs=args.specs[1:]):
                return cli_test(args.specs, pm, args.lang)
        if args.command == "prove":
            from nqengine.testing.prove import cli_prove  # as above: loaded by this command only

            with _confined(args, args.specs[0], more_specs=args.specs[1:]):
                return cli_prove(args.specs, pm, seed=args.seed, max_examples=args.max_examples, only=args.only, lang=args.lang)
        if args.command == "draft":
            return cli_draft(args, pm)
        if args.command in SERVICE_COMMANDS:
            return run_service(args, pm)
        if one_shot:
            # The registry, facts and verdicts live until the process ends: out of the collector's sight, so that
            # the collections that loading, evaluating and writing trigger walk only what each creates (at national
            # scale each full collection would walk millions of objects to find no garbage).  Set before loading:
            # otherwise the evaluation's gc_paused block, finding the objects it added past a quarter of those
            # loaded, starts a full collection (a tenth of the command at 10%) of a process about to end.
            freeze_for_process()
        ev = _evaluation(args, pm)
        if args.command in ("evaluate", "report"):
            cat = catalogue_for(pm)
            fmt = cat.formats.get(args.format)
            if fmt is None:
                raise _Usage(message("cli_unknown_format", args.lang, name=args.format, **hint_or_choices(args.format, sorted(cat.formats))))
            fail_on = _statuses(args.fail_on, args.lang) if args.command == "evaluate" else None
            if args.command == "report" and args.unit and ev.registry.unit(args.unit) is None:
                raise _Usage(f"--unit: {args.unit!r} " + ("không có trong danh sách tổ chức" if args.lang == "vi" else "is not in the registry"))
            try:
                write_output(fmt, ev, args.lang, args.output, out, width=getattr(args, "width", None),
                             unit=args.unit if args.command == "report" else None)
            except IsADirectoryError as exc:
                raise _Usage(f"-o {args.output}: {exc.strerror or exc}") from None
            except OSError as exc:
                if _broken_pipe(exc):
                    raise
                raise _Usage(f"-o {args.output}: {exc.strerror or exc}") from None
            return 1 if fail_on and any(v.status in fail_on for v in ev.verdicts) else 0

        unit = _resolve_unit(ev, args.obligation, args.unit, args.lang)
        out.write(explain_text(ev, args.obligation, unit, args.lang, period=ev.period))
        return 0
    except InputError as exc:
        sys.stderr.write(exc.render(args.lang) + "\n")
        return EXIT_INPUT
    except (PluginError, MissingPluginError) as exc:
        if _broken_pipe(exc):  # the reader of our output stopped (`| head`): the plugin did nothing wrong
            return _quiet_pipe()
        sys.stderr.write(f"nqengine: {exc.render(args.lang)}\n")
        return EXIT_PLUGIN
    except (_Usage, NQEngineError) as exc:
        sys.stderr.write(f"nqengine: {exc}\n")
        return EXIT_INPUT


def _statuses(text: str | None, lang: str) -> frozenset[str]:
    """The statuses of ``--fail-on``, each checked, with "did you mean"."""

    wanted = [s.strip() for s in (text or "").split(",") if s.strip()]
    for s in wanted:
        if s not in STATUSES:
            raise _Usage(message("cli_unknown_status", lang, name=s, **hint_or_choices(s, list(STATUSES))))
    return frozenset(wanted)


def _resolve_unit(ev, obligation: str, ref: str, lang: str) -> str:
    """The id of the unit ``--unit`` names: an id exactly, else a name ignoring case, diacritics and spacing."""

    if obligation not in {ob.id for ob in ev.spec.obligations}:
        raise _Usage(message("cli_unknown_obligation", lang, ref=obligation, **hint_for(obligation, [ob.id for ob in ev.spec.obligations])))
    unit = ev.registry.unit(ref)
    if unit is None:
        try:
            unit = ev.registry.unit_as_typed(ref)
        except Ambiguous as exc:
            raise _Usage(message("cli_ambiguous_unit", lang, ref=ref, candidates=str(exc))) from None
        if unit is None:
            raise _Usage(message("cli_unknown_unit", lang, ref=ref, **hint_for(ref, sorted(ev.registry.units))))
        sys.stderr.write(message("cli_unit_matched", lang, ref=ref, name=unit.name, id=unit.id) + "\n")
    if not any(v.obligation == obligation and v.unit == unit.id for v in ev.verdicts):
        raise _Usage(message("cli_no_verdict", lang, obligation=obligation, name=unit.name, id=unit.id))
    return unit.id


def _require_declared(spec_path: str, pm) -> None:
    """Fail with MissingPluginError (exit 3) when the spec declares a plugin that is absent.

    Checked before the spec is loaded: without the plugin its kinds and fact
    types would be reported as unknown, which hides the cause.
    """

    spec_id, needed = declared_plugins(spec_path)
    if needed:
        require_plugins(pm, needed, spec_id or spec_path)


def _check(args: argparse.Namespace, pm) -> int:
    from nqengine.checkcmd import check_paths  # as in _main: loaded by this command only

    with _confined(args, args.specs[0], args.specs, more_specs=args.specs[1:]):  # every path named on the command line may be read
        return check_paths(args.specs, pm, args.lang, _require_declared)


_PLUGIN_LABELS_VI = {
    "hooks": "hook", "kinds": "loại nghĩa vụ", "fact_types": "loại dữ kiện", "calendars": "lịch",
    "formats": "định dạng", "obligation_fields": "trường của nghĩa vụ",
}


def _plugins(args: argparse.Namespace, pm) -> int:
    rows = list_plugins(pm)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    for r in rows:
        sys.stdout.write(f"{r['name']} {r['version'] or ''}".rstrip() + (f"  ({r['distribution']})" if r["distribution"] else "") + "\n")
        label = _PLUGIN_LABELS_VI if args.lang == "vi" else {}
        sys.stdout.write(f"  {label.get('hooks', 'hooks')}: {', '.join(r['hooks'])}\n")
        for key in ("kinds", "fact_types", "calendars", "formats", "obligation_fields"):
            if r[key]:
                sys.stdout.write(f"  {label.get(key, key)}: {', '.join(r[key])}\n")
    return 0


def run() -> None:  # pragma: no cover - the console script; tests call main()
    """The ``nqengine`` console script: :func:`main`, then exit without tearing the interpreter down.

    A national evaluation leaves millions of objects; freeing them one by one
    at exit takes seconds and changes nothing, so once the output is written
    and flushed the process ends with ``os._exit`` (``atexit`` handlers do not
    run).  The exit status is main's, or 120 when flushing fails, as Python's own.
    """
    code = main(one_shot=True)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 120
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
