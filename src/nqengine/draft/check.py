"""``nqengine draft --check SPEC``: a spec against the text it encodes.

The text is drafted, and the spec compared with the draft: clauses misquoted
(every fragment between ``...`` elisions must appear, in order, in the text's
clause of the same id), clauses of the text missing from the spec, clause ids
the text does not have, obligations citing such clauses, and dates written in
the text that no rule uses (deadlines, events, documents, ``effective``).
Each problem is located in the spec: ``plan.yaml:line:column: message``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any, Iterator, Mapping

import attrs
import yaml

from nqengine.dates import InvalidDate, format_date, parse_deadline_date
from nqengine.draft.drafting import draft_file, ready
from nqengine.draft.trace import dates_of
from nqengine.i18n import message
from nqengine.spec import load_spec
from nqengine.yamlsource import node_at

__all__ = ["CheckProblem", "check_spec", "find_source"]

SOURCE_EXTENSIONS = (".txt", ".docx", ".pdf")


@attrs.frozen
class CheckProblem:
    """One difference between a spec and its source text."""

    file: str
    line: int
    column: int
    code: str
    params: Mapping[str, Any]

    def render(self, lang: str = "vi") -> str:
        params = dict(self.params)
        if lang == "vi" and "where" in params:  # "page 2, line 5" of the source, in Vietnamese
            for en, vi in (("page", "trang"), ("line", "dòng"), ("paragraph", "đoạn")):
                params["where"] = re.sub(rf"\b{en}\b", vi, params["where"])
        return f"{self.file}:{self.line}:{self.column}: {message(self.code, lang, **params)}"


def find_source(spec_path: str) -> str | None:
    """The source text kept beside a spec: the one .txt/.docx/.pdf in its ``source/`` folder."""
    folder = spec_path if os.path.isdir(spec_path) else os.path.dirname(spec_path) or "."
    src = os.path.join(folder, "source")
    if not os.path.isdir(src):
        return None
    found = sorted(f for f in os.listdir(src) if f.lower().endswith(SOURCE_EXTENSIONS))
    return os.path.join(src, found[0]) if found else None


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _fragments(quote: str) -> list[str]:
    return [f.strip() for f in re.split(r"\.\.\.|…", _words(quote)) if f.strip()]


def _divergence(frag: str, text: str) -> tuple[str, str]:
    n = len(frag)
    while n and frag[:n] not in text:
        n -= 1
    return frag[:n][-40:], frag[n : n + 40]


def _quotes(quote: str, text: str) -> tuple[bool, str, str]:
    pos = 0
    for frag in _fragments(quote):
        found = text.find(frag, pos)
        if found < 0:
            matched, differs = _divergence(frag, text[pos:])
            return False, matched, differs
        pos = found + len(frag)
    return True, "", ""


def _clause_refs(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        if isinstance(value.get("clause"), str):
            yield value["clause"]
        for v in value.values():
            yield from _clause_refs(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _clause_refs(v)


def _spec_dates(raw: Any) -> set[Any]:
    """Every date the spec's YAML holds in a ``date``, ``issued``, ``effective`` or under ``events``."""
    out: set[Any] = set()

    def walk(v: Any, key: str = "", under_events: bool = False) -> None:
        if isinstance(v, Mapping):
            for k, x in v.items():
                walk(x, str(k), under_events or key == "events")
        elif isinstance(v, list):
            for x in v:
                walk(x, key, under_events)
        elif (key in ("date", "issued", "effective") or under_events) and isinstance(v, str):
            try:
                out.add(parse_deadline_date(v)[0])
            except InvalidDate:
                pass

    walk(raw)
    return out


def check_spec(spec_path: str, source_path: str | None = None, pm: Any = None) -> list[CheckProblem]:
    """Compare a spec (a plan.yaml or its folder) with its source text; return the problems, located."""
    pm = ready(pm)
    path = os.path.join(spec_path, "plan.yaml") if os.path.isdir(spec_path) else spec_path
    spec = load_spec(path, pm=pm)  # a malformed spec fails here, located
    source = source_path or find_source(spec_path)
    if source is None:
        raise FileNotFoundError(f"no source text given and none in {os.path.join(os.path.dirname(path), 'source')}/")
    draft = draft_file(source, pm=pm)
    text_clauses = draft.clauses
    problems: list[CheckProblem] = []

    def at(node_path: str, code: str, **params: Any) -> None:
        node = node_at(spec.raw, node_path) if node_path else None
        line, col = (node.line, node.column) if node is not None else (1, 1)
        problems.append(CheckProblem(path, line, col, code, params))

    for cid, clause in spec.clauses.items():
        where = f'clauses["{cid}"]'
        if cid not in text_clauses:
            at(where, "draft_clause_not_in_text", clause=cid)
            continue
        ok, matched, differs = _quotes(clause.text, _words(text_clauses[cid]))
        if not ok:
            at(where, "draft_misquoted", clause=cid, matched=repr(matched), differs=repr(differs))
    for cid, text in text_clauses.items():
        if cid not in spec.clauses:
            at("clauses", "draft_clause_missing", clause=cid, start=repr(text[:60]))
    for i, ob in enumerate(spec.obligations):
        cited = [ob.clause, *(c for c in _clause_refs(dict(ob.params)))]
        if ob.deadline is not None and ob.deadline.clause:
            cited.append(ob.deadline.clause)
        for cid in dict.fromkeys(cited):
            if cid in spec.clauses and cid not in text_clauses:
                at(f"obligations[{i}]", "draft_cites_missing", obligation=ob.id, clause=cid)
    with open(path, encoding="utf-8") as fh:
        used = _spec_dates(yaml.safe_load(fh))
    for found, where, placed in dates_of(draft):
        if found.date not in used:
            clause = placed.split(" ", 1)[-1]
            # Point at `events`, where a date of the text usually belongs, else at the document.
            at("events" if node_at(spec.raw, "events") is not None else "document", "draft_date_unused", date=format_date(found.date), where=where, clause=clause, phrase=repr(found.phrase))
    return problems
