"""Output formats: the JSON contract, the 80-column table, and explanations.

The JSON document is a stable contract for systems that embed nqengine; it
is described field by field in ``docs/json-contract.md``.  Dates in JSON are
ISO (data); dates in the table and explanations are dd/mm/yyyy (people).
Both built-in formats register through ``nqengine_register_output_formats``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gc
import io
import json
import os
import textwrap
from typing import IO, Any, Iterator

import attrs

from nqengine.evaluation.recurrence import summary_by_period
from nqengine.evaluation.rollup import rollup_json, rollup_parts_json

try:
    import orjson  # optional (the "fast" extra): JSON in C; without it the standard library's encoder writes the same bytes
except ImportError:  # pragma: no cover - exercised by the fallback test
    orjson = None

from nqengine.gcpause import gc_paused
from nqengine.render.aside import WrittenInTwo
from nqengine.i18n import message, status_label
from nqengine.model import STATUSES, Finding, Verdict, findings_once
from nqengine.periods import period_label
from nqengine.plugins.hookspecs import hookimpl

__all__ = ["JSON_FORMAT_VERSION", "evaluation_to_json", "render_json", "render_table", "explain_text", "verdict_to_json"]

#: 2: recurring obligations (one verdict per unit per period, ``period`` and
#: ``period_label`` on every verdict, ``summary_by_period``); 1: one-off only.
JSON_FORMAT_VERSION = 2
WIDTH = 80


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _vn(d: dt.date | None) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if d else "—"


def _clause_json(spec: Any, cid: str | None) -> dict | None:
    if not cid:
        return None
    hit = _CLAUSES.get(cid)
    if hit is not None and hit[0] is spec:
        return hit[1]
    c = spec.clauses.get(cid)
    out = {"id": cid, "text": c.text if c else None, "document": c.document if c else None}
    if len(_CLAUSES) >= _RECENT_MAX:
        _CLAUSES.clear()
    _CLAUSES[cid] = (spec, out)
    return out


#: The JSON of each clause quoted last, with the spec it is from (kept alive while cached): every verdict
#: and most findings quote one of a plan's few clauses.  Like the findings' (below), never changed once built.
_CLAUSES: dict[str, tuple[Any, dict]] = {}


def finding_to_json(spec: Any, f: Finding, lang: str) -> dict:
    details = f.details
    return {
        "check": f.check,
        "outcome": f.outcome,
        "code": f.code,
        "message": message(f.code, lang, **f.params),
        "clause": _clause_json(spec, f.clause),
        "evidence": list(f.evidence),
        "details": _plain(details) if details else details,
        "plugin": f.plugin,
    }


#: Values written as they are (exact classes: a subclass takes the general way below).
_SCALARS = frozenset((str, int, float, bool, type(None)))


def _plain(value: Any) -> Any:
    cls = value.__class__
    if cls is dict:  # the usual details: text keys, scalar values or small dicts of counts
        return {(k if k.__class__ is str else str(k)): (v if v.__class__ in _SCALARS else _plain(v)) for k, v in value.items()}
    if cls is list or cls is tuple:
        return [v if v.__class__ in _SCALARS else _plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def verdict_to_json(ev: Any, v: Verdict, lang: str = "vi") -> dict:
    spec = ev.spec
    unit = ev.registry.units.get(v.unit)
    due, done = v.due, v.fulfilled_on
    return {
        "obligation": v.obligation,
        "unit": v.unit,
        "unit_name": unit.name if unit else None,
        "status": v.status,
        "status_label": status_label(v.status, lang),
        "due": due.isoformat() if due else None,
        "fulfilled_on": done.isoformat() if done else None,
        "interpretation": v.interpretation,
        "amended_by": list(v.amended_by),
        "period": v.period,
        "period_label": period_label(v.period, lang) if v.period else None,
        "clause": _clause_json(spec, v.clause),
        "findings": [_finding_json(spec, f, lang) for f in findings_once(v)],  # deferred findings are built, written, let go
        "evidence": list(v.evidence),
    }


#: The JSON of the findings written last, by identity: a finding shared by many verdicts (the engine
#: shares one timing finding per obligation, dates and outcome) is rendered once.  Each entry keeps its
#: finding alive, so an id is never reused while cached; cleared when full.  The dicts are not changed
#: after they are built (the writers only serialise them).
_RECENT: dict[int, tuple[Finding, Any, str, dict]] = {}
_RECENT_MAX = 4096


def _finding_json(spec: Any, f: Finding, lang: str) -> dict:
    hit = _RECENT.get(id(f))
    if hit is not None and hit[0] is f and hit[1] is spec and hit[2] == lang:
        return hit[3]
    out = finding_to_json(spec, f, lang)
    if len(_RECENT) >= _RECENT_MAX:
        _RECENT.clear()
    _RECENT[id(f)] = (f, spec, lang, out)
    return out


def evaluation_to_json(ev: Any, lang: str = "vi") -> dict:
    """The evaluation as plain data following the documented JSON contract."""
    spec = ev.spec
    return {
        "format": "nqengine.evaluation",
        "version": JSON_FORMAT_VERSION,
        "spec": {
            "id": spec.id,
            "title": spec.title,
            "document": {"id": spec.document.id, "title": spec.document.title, "issuer": spec.document.issuer, "issued": _iso(spec.document.issued)},
        },
        "as_of": ev.as_of.isoformat(),
        "lang": lang,
        "verdicts": _verdicts_json(ev, lang),
        "unmatched_facts": [
            {
                "fact": u.fact,
                "reason": u.code,
                "message": message(u.code, lang, **u.params),
                "source": str(u.source) if u.source else None,
            }
            for u in ev.unmatched_facts
        ],
        "summary": ev.summary(),
        "rollup": rollup_json(ev),
        "summary_by_period": summary_by_period(ev),
    }


def _verdicts_json(ev: Any, lang: str) -> list[dict]:
    # Every verdict's findings are built here if they were deferred: many small acyclic objects (see nqengine.gcpause).
    with gc_paused():
        return [verdict_to_json(ev, v, lang) for v in ev.verdicts]


def render_json(ev: Any, lang: str = "vi") -> str:
    return json.dumps(evaluation_to_json(ev, lang), ensure_ascii=False, indent=2) + "\n"


def _cut(text: str, width: int | None) -> str:
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _cut_words(text: str, width: int | None) -> str:
    """``text`` cut at a space to fit ``width``, so no word (an id) is broken."""
    if width is None or len(text) <= width:
        return text
    head = text[: width - 1]
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head) + "…"


_HEAD = {
    "vi": ("Đơn vị", "Tình trạng", "Hạn chót", "Hoàn thành", "Dữ kiện không dùng", "Tổng hợp", "tính đến ngày", "Điều", "hạn", "Kỳ"),
    "en": ("Unit", "Status", "Last day", "Done", "Unmatched facts", "Summary", "as of", "Clause", "due", "Period"),
}

# Status, due and done columns with their separators; the unit's name gets what is left.
_FIXED = 2 + 1 + 19 + 1 + 10 + 1 + 10


def render_table(ev: Any, lang: str = "vi", width: int | None = WIDTH) -> str:
    """A report grouped by obligation, fitting ``width`` columns (None: no limit, full names).

    Only names and titles are cut to fit, with "…"; ids are never cut or wrapped mid-word.
    """
    h = _HEAD["en" if lang == "en" else "vi"]
    spec = ev.spec
    lines = [_cut(spec.title, width), f"{h[6]} {_vn(ev.as_of)}", ""]
    by_ob: dict[str, list[Verdict]] = {}
    for v in ev.verdicts:
        by_ob.setdefault(v.obligation, []).append(v)
    names = {uid: u.name for uid, u in ev.registry.units.items()}
    longest = max((len(names.get(v.unit, v.unit)) for v in ev.verdicts), default=len(h[0]))
    name_w = max(len(h[0]), longest if width is None else min(longest, width - _FIXED))
    for ob in spec.obligations:
        vs = by_ob.get(ob.id, [])
        head = f"[{ob.id}] "
        lines.append(head + _cut(ob.title, None if width is None else max(1, width - len(head))))
        lines.append(_cut(f"  {h[7]} {ob.clause}", width))
        if not vs:
            lines.append("  —")
            lines.append("")
            continue
        lines.append(f"  {h[0]:<{name_w}} {h[1]:<19} {h[2]:<10} {h[3]:<10}")
        shown_period = None
        for v in vs:
            if v.period != shown_period:  # a recurring obligation: its verdicts grouped by period
                shown_period = v.period
                lines.append(_cut(f"  · {h[9]} {period_label(v.period, lang)}" if v.period else "  ·", width))
            name = _cut(names.get(v.unit, v.unit), name_w)
            mark = "*" if v.interpretation else " "
            row = f"  {name:<{name_w}} {_cut(status_label(v.status, lang), 19):<19} {_vn(v.due):<10}{mark}{_vn(v.fulfilled_on)}"
            lines.append(row.rstrip())
        if any(v.interpretation for v in vs):
            note = "* kết luận dựa trên cách hiểu của kế hoạch" if lang != "en" else "* verdict rests on an interpretation"
            text = next(v.interpretation for v in vs if v.interpretation)
            lines.append(_cut("  " + note + ": " + _cut_words(text, None if width is None else max(10, width - 6 - len(note))), width))
        lines.append("")
    lines.append(h[5])
    totals = dict.fromkeys(STATUSES, 0)
    for v in ev.verdicts:
        totals[v.status] += 1
    for s in STATUSES:
        if totals[s]:
            lines.append(f"  {status_label(s, lang):<24} {totals[s]:>6}")
    if ev.unmatched_facts:
        lines.append("")
        lines.append(f"{h[4]} ({len(ev.unmatched_facts)})")
        for u in ev.unmatched_facts:
            text = f"{u.fact}: {message(u.code, lang, **u.params)}"
            if width is None:
                lines.append("  " + text)
            else:  # ids hold hyphens: wrap at spaces only
                lines.extend(_wrapped(text, width))
    return "\n".join(lines) + "\n"


def _wrapped(text: str, width: int = WIDTH) -> list[str]:
    """``text`` wrapped to ``width``, indented, breaking at spaces only (as ``textwrap.wrap``; a short line without its cost)."""
    if len(text) <= width - 4 and text.isprintable() and "  " not in text and text.strip() == text:
        return ["  " + text]  # what textwrap gives a short single-spaced line: a national table lists 10^5 of them
    return textwrap.wrap(text, max(20, width - 2), initial_indent="  ", subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)


def explain_text(ev: Any, obligation: str, unit: str, lang: str = "vi", period: str | None = None) -> str:
    """Why a unit stands where it does on an obligation (in ``period``, if it recurs): checks, evidence, clauses quoted."""
    v = ev.verdict(obligation, unit, period)
    spec, reg = ev.spec, ev.registry
    ob = spec.obligation(obligation)
    u = reg.units[v.unit]
    en = lang == "en"
    out = []
    w = lambda text, indent="": out.extend(textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False, break_long_words=False) or [indent])  # noqa: E731  # ids hold hyphens: wrap at spaces only
    w(f"{'Unit' if en else 'Đơn vị'}: {u.name} ({u.id})")
    w(f"{'Obligation' if en else 'Nghĩa vụ'}: {ob.title} [{ob.id}]")
    if v.period is not None and ob.recurrence is not None:
        p = ob.recurrence.period(v.period)
        if p is not None:
            w(f"{'Period' if en else 'Kỳ'}: " + message("period_coverage", lang, period=p.label(lang), start=p.start, end=p.end, cstart=p.coverage_start, cend=p.coverage_end))
    w(f"{'Status' if en else 'Tình trạng'}: {status_label(v.status, lang)} ({'as of' if en else 'tính đến'} {_vn(ev.as_of)})")
    w(f"{'Last day on time' if en else 'Hạn chót'}: {_vn(v.due)}" + (f"   {'done' if en else 'hoàn thành'}: {_vn(v.fulfilled_on)}" if v.fulfilled_on else ""))
    variant, _ = ob.for_unit(u, ev.as_of)  # the unit's own rule, after exceptions and amendments
    if variant.deadline is not None and variant.deadline.text:
        w(f"{'Deadline as written' if en else 'Thời hạn theo văn bản'}: “{variant.deadline.text}”")
    if v.interpretation:
        w(f"{'Interpretation' if en else 'Diễn giải'}: {v.interpretation}")
    for doc in v.amended_by:
        d = spec.documents.get(doc)
        w(f"{'Amended by' if en else 'Được sửa đổi bởi'}: {d.title if d else doc}")
    c = spec.clauses.get(v.clause)
    doc = spec.documents.get(c.document) if c else None
    w(f"{'Clause' if en else 'Điều khoản'} {v.clause}" + (f" — {doc.title}" if doc else "") + f": “{c.text if c else ''}”")
    out.append("")
    out.append("Checks:" if en else "Các bước kiểm tra:")
    marks = {"pass": "✓", "fail": "✗", "partial": "…", "unknown": "?", "info": "·"}
    for f in v.findings:
        w(f"{marks.get(f.outcome, '-')} {f.check}: {message(f.code, lang, **f.params)}", "  ")
        if f.clause and f.clause != v.clause and f.clause in spec.clauses:
            w(f"{'clause' if en else 'điều khoản'} {f.clause}: “{spec.clauses[f.clause].text}”", "      ")
        if f.plugin:
            w(f"plugin: {f.plugin}", "      ")
    out.append("")
    out.append("Evidence:" if en else "Căn cứ (dữ kiện):")
    if not v.evidence:
        out.append("  —")
    for fid in v.evidence:
        fact = ev.facts.get(fid)
        if fact is None:
            out.append(f"  {fid}")
            continue
        where = f" ({fact.source})" if fact.source else ""
        w(f"{fid}: {fact.type} {_vn(fact.date)}{where}", "  ")
    return "\n".join(out) + "\n"


def write_evaluation_json(evaluation: Any, out: IO[str], lang: str = "vi", indent: int | None = 2) -> int:
    """Write the evaluation's JSON document to ``out``, one verdict at a time; returns verdicts written.

    With ``indent=2`` the text equals :func:`nqengine.formats.render_json`;
    ``indent=None`` writes one verdict per line, smaller and faster to write.
    """
    raw = _utf8_buffer(out) if indent == 2 and orjson is not None else None
    with gc_paused():  # the roll-up: a dict per unit and obligation, acyclic (see nqengine.gcpause)
        head = evaluation_to_json(attrs.evolve(evaluation, verdicts=[]), lang)
        # what the head computed from no verdicts, computed from the verdicts
        head["summary"] = evaluation.summary()
        head["summary_by_period"] = summary_by_period(evaluation)
        if raw is not None:  # orjson's UTF-8 bytes straight to the file: the same bytes, not decoded and encoded again
            head["rollup"] = None  # computed where it is written, its units streamed (_write_tail)
            return _write_bytes(evaluation, head, raw, lang)
        head["rollup"] = rollup_json(evaluation)
    nl = "\n" if indent else ""
    pad = " " * (indent or 0)

    def dump(value: Any, depth: int) -> str:
        if indent == 2 and orjson is not None:  # the same text (the unmatched facts may number 10^5)
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode().replace("\n", "\n" + pad * depth)
        text = json.dumps(value, ensure_ascii=False, indent=indent)
        return text.replace("\n", "\n" + pad * depth) if indent else text

    verdict_text = _verdict_writer(indent)

    out.write("{" + nl)
    keys = list(head)
    n = 0
    for i, key in enumerate(keys):
        out.write(f"{pad}{json.dumps(key)}: ")
        if key == "verdicts" and evaluation.verdicts:
            out.write("[" + (nl or "\n"))
            last = len(evaluation.verdicts) - 1
            with gc_paused():  # deferred findings are built here: many small acyclic objects (see nqengine.gcpause)
                for j, v in enumerate(evaluation.verdicts):
                    out.write(pad * 2 + verdict_text(verdict_to_json(evaluation, v, lang)) + ("," if j < last else "") + (nl or "\n"))
                    n += 1
                    if n % _COLLECT_EVERY == 0 and verdict_text is not _orjson_indented:
                        # the standard library's encoder leaves reference cycles behind (its nested functions):
                        # collect them now and then rather than hoard them until the pause ends
                        gc.collect(0)
            out.write(pad + "]")
        else:
            out.write(dump(head[key], 1))
        out.write(("," if i < len(keys) - 1 else "") + nl)
    out.write("}\n")
    return n


def _utf8_buffer(out: Any) -> Any:
    """The binary file under the text stream ``out`` when text written to it reaches the file as UTF-8 unchanged, else None.

    That is a :class:`io.TextIOWrapper` encoding UTF-8, on a system whose
    line separator is ``\\n`` (elsewhere a text stream may translate line
    ends).  Its text layer is flushed first, so what was written before keeps
    its place.
    """
    if os.linesep != "\n" or not isinstance(out, io.TextIOWrapper) or codecs.lookup(out.encoding).name != "utf-8":
        return None
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return None
    out.flush()
    return buffer


def _write_bytes(evaluation: Any, head: dict, raw: Any, lang: str) -> int:
    """:func:`write_evaluation_json` with ``indent=2`` by orjson, as UTF-8 bytes to the binary file ``raw``.

    A document of :data:`ASIDE_MIN_VERDICTS` verdicts or more is written by
    two processes at once (:mod:`nqengine.render.aside`): a forked child
    computes and writes the roll-up and what follows, then the last verdicts.
    """
    n = len(evaluation.verdicts)
    # The deferred findings are built here, and the roll-up's dicts: many small acyclic objects (see
    # nqengine.gcpause), in this process and in the child, which is forked inside the pause.
    with gc_paused(), WrittenInTwo(
        n,
        lambda write, start, stop: _write_verdicts(evaluation, write, lang, start, stop),
        lambda write: _write_tail(evaluation, head, write),
        _Batched,
        head=lambda write: _write_head(evaluation, head, write),
        fork=n >= ASIDE_MIN_VERDICTS,
    ) as two:
        two.write_to(raw)  # what was written stays written on an error, as when each verdict went to the file alone
    return n


#: A JSON document with this many verdicts or more is written by two processes (see :mod:`nqengine.render.aside`).
ASIDE_MIN_VERDICTS = 2_000


class _Batched:
    """Bytes handed to a binary file a megabyte at a time, joined.

    A verdict's JSON is a few kilobytes: written one by one, each filled the
    file's 8 KB buffer and cost a system call (0.11 s of CPU for the 69 MB
    of the 10% national full plan, 0.03 s batched; ``benchmarks/README.md``).
    """

    __slots__ = ("raw", "parts", "size")

    def __init__(self, raw: Any) -> None:
        self.raw, self.parts, self.size = raw, [], 0

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size >= _BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.raw.write(b"".join(self.parts))
            self.parts.clear()
            self.size = 0


_BATCH_BYTES = 1 << 20


def _write_head(evaluation: Any, head: dict, write: Any) -> None:
    """The document up to its first verdict."""
    dumps, opt = orjson.dumps, orjson.OPT_INDENT_2
    write(b"{\n")
    for key in head:
        write(b"  " + json.dumps(key).encode() + b": ")
        if key == "verdicts":
            if evaluation.verdicts:
                write(b"[\n")
            return
        write(dumps(head[key], option=opt).replace(b"\n", b"\n  ") + b",\n")


def _write_tail(evaluation: Any, head: dict, write: Any) -> None:
    """The document after its last verdict."""
    dumps, opt = orjson.dumps, orjson.OPT_INDENT_2
    write(b"  ]" if evaluation.verdicts else b"[]")
    keys = list(head)
    for i in range(keys.index("verdicts") + 1, len(keys)):
        key = keys[i]
        write(b",\n  " + json.dumps(key).encode() + b": ")
        if key == "rollup":
            _write_rollup(*rollup_parts_json(evaluation), write)
        else:
            write(dumps(head[key], option=opt).replace(b"\n", b"\n  "))
    write(b"\n}\n")


def _write_verdicts(evaluation: Any, write: Any, lang: str, start: int, stop: int) -> None:
    """Verdicts ``start`` to ``stop`` (excluded), each followed by ``,`` but the last of all."""
    dumps, opt = orjson.dumps, orjson.OPT_INDENT_2
    verdicts = evaluation.verdicts
    last = len(verdicts) - 1
    for j in range(start, stop):  # under the caller's gc_paused
        v = verdicts[j]
        write(b"    " + dumps(verdict_to_json(evaluation, v, lang), option=opt).replace(b"\n", _NESTED_BYTES) + (b",\n" if j < last else b"\n"))


def _write_rollup(head: dict, units: Iterator[dict], write: Any) -> None:
    """The ``rollup`` section as orjson indents it one level deep, its ``units`` written one at a time (not held whole)."""
    dumps, opt = orjson.dumps, orjson.OPT_INDENT_2
    first = next(units, None)
    text = dumps({**head, "units": [0] if first is not None else []}, option=opt).replace(b"\n", b"\n  ")
    if first is None:
        write(text)
        return
    before, after = text.split(b"\n      0\n", 1)  # the one placeholder item, at its depth: 6 spaces
    write(before + b"\n")
    while first is not None:
        item = b"      " + dumps(first, option=opt).replace(b"\n", _UNIT_NESTED)
        first = next(units, None)
        write(item + (b",\n" if first is not None else b"\n"))
    write(after)


_UNIT_NESTED = b"\n" + b" " * 6
_NESTED_BYTES = b"\n" + b" " * 4
_COLLECT_EVERY = 2000
_NESTED = "\n" + " " * 4


def _orjson_indented(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` nested two levels deep, by orjson (the same text)."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode().replace("\n", _NESTED)


def _verdict_writer(indent: int | None) -> Any:
    """The function that writes one verdict's JSON, two levels deep, as ``json.dumps`` would with ``indent``."""
    if indent == 2 and orjson is not None:
        return _orjson_indented
    pad = "\n" + " " * (2 * (indent or 0))

    def text(value: Any) -> str:
        out = json.dumps(value, ensure_ascii=False, indent=indent)
        return out.replace("\n", pad) if indent else out

    return text


class JsonFormat:
    name = "json"

    def render(self, evaluation: Any, lang: str = "vi") -> str:
        return render_json(evaluation, lang)

    def write(self, evaluation: Any, out: Any, lang: str = "vi") -> None:
        """The text of :meth:`render`, written to ``out`` one verdict at a time (national evaluations)."""
        write_evaluation_json(evaluation, out, lang, indent=2)


class TableFormat:
    name = "table"

    def render(self, evaluation: Any, lang: str = "vi", width: int | None = WIDTH) -> str:
        return render_table(evaluation, lang, width)


@hookimpl
def nqengine_register_output_formats():
    return [TableFormat(), JsonFormat()]
