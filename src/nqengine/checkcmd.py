"""``nqengine check``: every input file checked alone, then against the others given with it.

A folder stands for its ``plan.yaml`` with the ``registry.yaml`` and
``facts.yaml`` beside it (when present), checked together.  Loose files are
told apart by their content (:func:`nqengine.inputs.crosscheck.classify`) and
checked together: a registry against the spec's audience categories and
vocabularies, facts against the registry's units and people, the spec's
unit references (report channels, selectors) against the registry.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Sequence

from nqengine import api
from nqengine.errors import InputError
from nqengine.i18n import message
from nqengine.inputs.crosscheck import WARNINGS, classify, cross_check

__all__ = ["check_paths"]

EXIT_INPUT = 2


def _groups(paths: Sequence[str]) -> list[dict[str, list[str]]]:
    loose: dict[str, list[str]] = {"spec": [], "registry": [], "facts": []}
    groups = []
    for path in paths:
        kind = classify(path)
        if kind == "folder":
            group: dict[str, list[str]] = {"spec": [os.path.join(path, "plan.yaml")], "registry": [], "facts": []}
            for name, key in (("registry.yaml", "registry"), ("facts.yaml", "facts")):
                if os.path.exists(os.path.join(path, name)):
                    group[key].append(os.path.join(path, name))
            groups.append(group)
        else:
            loose[kind].append(path)
    if any(loose.values()):
        groups.append(loose)
    return groups


def _say(lang: str, path: str, counts: list[tuple[int, str, str]]) -> str:
    ok = "hợp lệ" if lang == "vi" else "ok"
    parts = ", ".join(f"{n} {vi if lang == 'vi' else _singular(en) if n == 1 else en}" for n, vi, en in counts)
    return f"{path}: {ok} ({parts})\n"


def _singular(noun: str) -> str:
    return {"people": "person"}.get(noun, noun[:-1] if noun.endswith("s") else noun)


def check_paths(paths: Sequence[str], pm: Any, lang: str, require_declared: Callable[[str, Any], None], out: Any = None, err: Any = None) -> int:
    """Check ``paths``; print what is valid on ``out``, every problem on ``err``; 0, or 2 when any problem."""
    out = out or sys.stdout
    err = err or sys.stderr
    status = 0

    def fail(exc: InputError) -> None:
        nonlocal status
        err.write(exc.render(lang) + "\n")
        status = EXIT_INPUT

    for group in _groups(paths):
        specs, registries, facts = [], [], None
        for path in group["spec"]:
            require_declared(path, pm)
            try:
                spec = api.load_spec(path, pm=pm)
            except InputError as exc:
                fail(exc)
                continue
            specs.append(spec)
            out.write(_say(lang, spec.source, [(len(spec.obligations), "nghĩa vụ", "obligations")]))
        for path in group["registry"]:
            try:
                reg = api.load_registry(path)
            except InputError as exc:
                fail(exc)
                continue
            registries.append(reg)
            out.write(_say(lang, path, [(len(reg.units), "đơn vị", "units"), (len(reg.people), "người", "people")]))
        if group["facts"]:
            try:
                facts = api.load_facts(group["facts"], pm=pm)
            except InputError as exc:
                fail(exc)
            else:
                out.write(_say(lang, ", ".join(group["facts"]), [(len(facts), "dữ kiện", "facts")]))
        problems = []
        for spec in specs or [None]:
            for reg in registries or [None]:
                if spec is None and reg is None and facts is None:
                    continue
                problems += cross_check(spec, reg, facts, pm)
        problems = _unique(problems)
        errors = [p for p in problems if p.code not in WARNINGS]
        if errors:
            fail(InputError(errors))
        for p in InputError([p for p in problems if p.code in WARNINGS]).problems:
            where, text = p.render(lang).split(": ", 1)
            err.write(f"{where}: {message('check_warning', lang)}: {text}\n")
    return status


def _unique(problems: list) -> list:
    seen, out = set(), []
    for p in problems:
        key = (p.file, p.line, p.column, p.path, p.code)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
