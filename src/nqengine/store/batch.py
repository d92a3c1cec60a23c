"""Reading a batch of submitted facts: JSON, JSON Lines or CSV, checked by the files' own rules.

A batch is what a unit's office sends in one request: ``{"facts": [...]}`` as
JSON (the fields of ``facts.yaml``), or a JSON Lines or CSV upload (the rows of
``docs/bulk-inputs.md``).  Every fact is checked with the same schema as a fact
file, and every problem is located — ``line:column`` and the JSON path
(``facts[3].date``) in a JSON body, the row and column in an upload — so a bad
batch is refused whole with the list of what to fix.

Two things differ from a file: each fact needs an ``id`` (submissions are
idempotent by id), except an ``attendance`` row, whose id defaults to
``attendance:SESSION:MEMBER``; and a fact may name the fact it corrects in
``supersedes`` (nothing is ever deleted).
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import attrs

from nqengine.errors import FactsError, Problem
from nqengine.i18n import MESSAGES
from nqengine.inputs.bulk.checks import RecordCheck, validate_row
from nqengine.inputs.bulk.rows import Problems, read_rows
from nqengine.inputs.facts import COMMON_FACT_FIELDS, backwards, fact_of, fact_schema
from nqengine.model import Fact, Source
from nqengine.plugins import catalogue_for, get_plugin_manager
from nqengine.schema import Field, ListOf, Record, Str
from nqengine.yamlsource import compose_text

__all__ = ["Submitted", "BatchTooLarge", "parse_batch", "BATCH_MESSAGES", "MAX_FACTS", "MAX_DEPTH"]

#: Facts in one batch, and nesting depth of a JSON body, beyond which a batch is refused.
MAX_FACTS = 50_000
MAX_DEPTH = 8

BATCH_MESSAGES: dict[str, tuple[str, str]] = {
    "batch_json": ("nội dung không phải JSON hợp lệ: {detail}", "the body is not valid JSON: {detail}"),
    "batch_too_deep": (
        "JSON lồng nhau quá {limit} cấp",
        "JSON nested deeper than {limit} levels",
    ),
    "batch_fact_id_required": (
        "dữ kiện gửi lên phải có mã (id) để gửi lại không bị ghi trùng",
        "a submitted fact needs an id, so that sending it again does not record it twice",
    ),
    "batch_duplicate_id": (
        "mã '{id}' xuất hiện hai lần trong cùng một lần gửi (lần đầu ở dòng {line})",
        "id '{id}' appears twice in one batch (first at line {line})",
    ),
    "batch_supersedes_unknown": (
        "'supersedes' ghi dữ kiện '{id}', nhưng chưa có dữ kiện nào mang mã này",
        "'supersedes' names fact '{id}', but no fact has that id",
    ),
    "batch_supersedes_twice": (
        "dữ kiện '{id}' đã được dữ kiện '{by}' đính chính; hãy đính chính '{by}'",
        "fact '{id}' was already corrected by '{by}'; correct '{by}' instead",
    ),
    "batch_supersedes_self": ("một dữ kiện không thể đính chính chính nó", "a fact cannot supersede itself"),
    "batch_empty": ("lần gửi không có dữ kiện nào", "the batch holds no facts"),
    "batch_content_type": (
        "không đọc được nội dung loại '{type}'; hãy gửi application/json, application/x-ndjson hoặc text/csv",
        "cannot read content of type '{type}'; send application/json, application/x-ndjson or text/csv",
    ),
}
MESSAGES.update(BATCH_MESSAGES)

_SUPERSEDES = {"supersedes": Field(Str(), doc="the id of the fact this one corrects")}


@attrs.frozen
class Submitted:
    """One fact of a batch, as read (attendance rows not folded), and the fact it corrects."""

    fact: Fact
    supersedes: str | None = None


class BatchTooLarge(Exception):
    """A batch with more facts than the service accepts (HTTP 413)."""

    def __init__(self, count: int, limit: int):
        self.count, self.limit = count, limit
        super().__init__(f"{count} facts in one batch; at most {limit}")


def _types(pm: Any) -> Any:
    return catalogue_for(pm if pm is not None else get_plugin_manager()).fact_types


def _depth(value: Any) -> int:
    deepest, todo = 0, [(value, 1)]
    while todo:
        v, d = todo.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            todo.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def kind_of(content_type: str | None) -> str:
    """``json``, ``jsonl`` or ``csv`` for a Content-Type header (JSON when absent)."""
    ct = (content_type or "application/json").split(";")[0].strip().lower()
    if ct in ("application/json", "text/json"):
        return "json"
    if ct in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"):
        return "jsonl"
    if ct in ("text/csv", "application/csv"):
        return "csv"
    return ""


def parse_batch(
    body: bytes | str, content_type: str | None = "application/json", *, source: str = "request", pm: Any = None,
    max_facts: int = MAX_FACTS, max_depth: int = MAX_DEPTH,
) -> list[Submitted]:
    """The facts of a batch, checked; :class:`FactsError` lists every problem, located in ``source``.

    Raises :class:`BatchTooLarge` when the batch holds more than ``max_facts`` facts.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    kind = kind_of(content_type)
    if not kind:
        raise FactsError([Problem(source, 1, 1, "", "batch_content_type", {"type": content_type})])
    if kind == "json":
        got = _json_batch(text, source, pm, max_facts, max_depth)
    else:
        got = _rows_batch(text, kind, source, pm, max_facts)
    return _finish(got, source)


def _schema(pm: Any) -> Record:
    base = fact_schema(_types(pm))
    return Record({**COMMON_FACT_FIELDS, **_SUPERSEDES}, extra=base.extra)


def _json_batch(text: str, source: str, pm: Any, max_facts: int, max_depth: int) -> list[tuple[dict, Source]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactsError([Problem(source, exc.lineno, exc.colno, "", "batch_json", {"detail": exc.msg})]) from None
    if _depth(data) > max_depth:
        raise FactsError([Problem(source, 1, 1, "", "batch_too_deep", {"limit": max_depth})])
    if isinstance(data, dict) and isinstance(data.get("facts"), list) and len(data["facts"]) > max_facts:
        raise BatchTooLarge(len(data["facts"]), max_facts)
    root = compose_text(text, source, FactsError)
    problems: list[Problem] = []
    top = Record({"facts": Field(ListOf(_schema(pm)), required=True)}).validate(root, "", problems)
    if problems:
        raise FactsError(problems)
    out = []
    for rec in top["facts"]:
        n = rec.node
        out.append((dict(rec), Source(n.file, n.line, n.column)))
    return out


def _rows_batch(text: str, kind: str, source: str, pm: Any, max_facts: int) -> list[tuple[dict, Source]]:
    types = _types(pm)
    schema = _schema(pm)
    checks = {name: RecordCheck({**COMMON_FACT_FIELDS, **t.fields, **_SUPERSEDES}) for name, t in types.items()}
    problems = Problems(FactsError)
    out: list[tuple[dict, Source]] = []
    with tempfile.TemporaryDirectory(prefix="nqengine-batch-") as tmp:
        path = os.path.join(tmp, "batch." + kind)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        for row in read_rows(path, problems):
            if len(out) >= max_facts:
                raise BatchTooLarge(max_facts + 1, max_facts)
            t = row.fields.get("type")
            check = checks.get(t) if isinstance(t, str) else None
            if check is None:
                check = RecordCheck({})
            rec = validate_row(row, row.fields, check, schema, problems)
            if rec is not None:
                out.append((rec, Source(source, row.line, 1)))
        try:
            problems.raise_if_any()
        except FactsError as exc:  # name the upload, not the temporary file
            raise FactsError([attrs.evolve(p, file=source) for p in exc.problems]) from None
    return out


def _finish(records: list[tuple[dict, Source]], source: str) -> list[Submitted]:
    if not records:
        raise FactsError([Problem(source, 1, 1, "facts", "batch_empty", {})])
    problems: list[Problem] = []
    seen: dict[str, Source] = {}
    out: list[Submitted] = []
    for i, (rec, src) in enumerate(records):
        fid = rec.get("id")
        t = rec["type"]
        data = {k: v for k, v in rec.items() if k not in COMMON_FACT_FIELDS and k != "supersedes"}
        if not fid:
            if t == "attendance":
                fid = f"attendance:{data.get('session')}:{data.get('member')}"
            else:
                problems.append(Problem(source, src.line, src.column, f"facts[{i}].id", "batch_fact_id_required", {}))
                continue
        if fid in seen:
            problems.append(Problem(source, src.line, src.column, f"facts[{i}].id", "batch_duplicate_id", {"id": fid, "line": seen[fid].line}))
            continue
        seen[fid] = src
        sup = rec.get("supersedes") or None
        if sup == fid:
            problems.append(Problem(source, src.line, src.column, f"facts[{i}].supersedes", "batch_supersedes_self", {}))
            continue
        if backwards(rec):
            problems.append(Problem(source, src.line, src.column, f"facts[{i}].until", "until_before_date", {"start": rec["date"], "end": rec["until"]}))
            continue
        out.append(Submitted(fact_of(rec, fid, t, rec["unit"], data, src), sup))  # as the file readers build it
    if problems:
        raise FactsError(problems)
    return out
